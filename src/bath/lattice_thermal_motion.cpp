#include "ionbath/bath/lattice_thermal_motion.hpp"

#include <complex>
#include <fftw3.h>

namespace ionbath::bath {

LatticeMotion lattice_thermal_motion(const ThermalBath &bath, double t_ps) {
  const auto &modes = bath.modes();
  const GridShape g = modes.grid();
  const std::int64_t n = grid_points(g);
  // Six coefficient arrays (r_x, r_y, r_z, ṙ_x, ṙ_y, ṙ_z) over the q grid, index
  // q1 + N1 (q2 + N2 q3); Γ stays zero (it holds no mode).
  std::vector<std::complex<double>> coefficients(static_cast<std::size_t>(6 * n));
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const Cell &q = modes.q_index(j);
    const std::int64_t p = q.x() + std::int64_t(g[0]) * (q.y() + std::int64_t(g[1]) * q.z());
    const double omega = modes.omega(j);
    const std::complex<double> phase = std::polar(1.0, -omega * t_ps);
    const CVec3 c = bath.coefficient(j) * phase;
    for (int k = 0; k < 3; ++k) {
      coefficients[k * n + p] += c[k];
      coefficients[(3 + k) * n + p] += std::complex<double>(0.0, -omega) * c[k];
    }
  }
  // FFTW is row-major with the last index fastest: dimensions (N3, N2, N1) put n1 fastest.
  const int dims[3] = {g[2], g[1], g[0]};
  auto *data = reinterpret_cast<fftw_complex *>(coefficients.data());
  fftw_plan plan =
      fftw_plan_many_dft(3, dims, 6, data, nullptr, 1, static_cast<int>(n), data, nullptr, 1,
                         static_cast<int>(n), FFTW_BACKWARD, FFTW_ESTIMATE | FFTW_UNALIGNED);
  fftw_execute(plan);
  fftw_destroy_plan(plan);

  LatticeMotion out;
  out.r_A.resize(static_cast<std::size_t>(3 * n));
  out.v_A_per_ps.resize(static_cast<std::size_t>(3 * n));
  for (std::int64_t s = 0; s < n; ++s)
    for (int k = 0; k < 3; ++k) {
      out.r_A[3 * s + k] = coefficients[k * n + s].real();
      out.v_A_per_ps[3 * s + k] = coefficients[(3 + k) * n + s].real();
    }
  return out;
}

} // namespace ionbath::bath
