#include "ionbath/bath/lattice_thermal_motion.hpp"

#include <complex>
#include <fftw3.h>

namespace ionbath::bath {

LatticeMotion lattice_thermal_motion(const ThermalBath &bath, double t_ps) {
  const auto &modes = bath.modes();
  const GridShape g = modes.grid();
  const std::int64_t n = grid_points(g);
  const int n_b = bath.n_basis();
  // 6 n_b coefficient arrays over the q grid, array (k n_b + b) for component k of
  // (r_x, r_y, r_z, ṙ_x, ṙ_y, ṙ_z) of basis atom b, index q1 + N1 (q2 + N2 q3); the branches are
  // summed per q (physics.md §2.3, §12.3). Γ holds no mode unless the crystal is confined.
  const std::int64_t arrays = 6 * n_b;
  std::vector<std::complex<double>> coefficients(static_cast<std::size_t>(arrays * n));
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const Cell &q = modes.q_index(j);
    const std::int64_t p = q.x() + std::int64_t(g[0]) * (q.y() + std::int64_t(g[1]) * q.z());
    const double omega = modes.omega(j);
    const std::complex<double> phase = std::polar(1.0, -omega * t_ps);
    for (int b = 0; b < n_b; ++b) {
      const CVec3 c = bath.coefficient(j, b) * phase;
      for (int k = 0; k < 3; ++k) {
        coefficients[(k * n_b + b) * n + p] += c[k];
        coefficients[((3 + k) * n_b + b) * n + p] += std::complex<double>(0.0, -omega) * c[k];
      }
    }
  }
  // FFTW is row-major with the last index fastest: dimensions (N3, N2, N1) put n1 fastest.
  const int dims[3] = {g[2], g[1], g[0]};
  auto *data = reinterpret_cast<fftw_complex *>(coefficients.data());
  fftw_plan plan = fftw_plan_many_dft(3, dims, static_cast<int>(arrays), data, nullptr, 1,
                                      static_cast<int>(n), data, nullptr, 1, static_cast<int>(n),
                                      FFTW_BACKWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
  fftw_execute(plan);
  fftw_destroy_plan(plan);

  // DOF 3 (n_b lin(n) + b) + k.
  LatticeMotion out;
  out.r_A.resize(static_cast<std::size_t>(3 * n_b * n));
  out.v_A_per_ps.resize(out.r_A.size());
  for (std::int64_t s = 0; s < n; ++s)
    for (int b = 0; b < n_b; ++b)
      for (int k = 0; k < 3; ++k) {
        const std::int64_t dof = 3 * (n_b * s + b) + k;
        out.r_A[dof] = coefficients[(k * n_b + b) * n + s].real();
        out.v_A_per_ps[dof] = coefficients[((3 + k) * n_b + b) * n + s].real();
      }
  return out;
}

} // namespace ionbath::bath
