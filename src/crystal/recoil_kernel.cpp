#include "ionbath/crystal/recoil_kernel.hpp"

#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/crystal/static_response.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>

namespace ionbath::crystal {

// physics.md §1.6, seed 002 Eq. (22).
std::vector<Mat3> recoil_kernel(const Crystal &crystal, const Cell &L,
                                std::span<const double> times_ps, int grid_n) {
  if (crystal.n_basis() > 1)
    return recoil_kernel(crystal, 0, L, 0, times_ps, grid_n);
  const int range = L.cwiseAbs().maxCoeff();
  const Mat3 static_block = static_response_fft(crystal, grid_n, range)(L);
  const GridShape grid{grid_n, grid_n, grid_n};
  const ForceConstantsOnGrid phi_grid(crystal, grid, false);
  const Vec3 l = L.cast<double>();
  std::vector<Mat3> dynamic(times_ps.size(), Mat3::Zero());
  Eigen::SelfAdjointEigenSolver<Mat3> es;
  for (int x = 0; x < grid_n; ++x)
    for (int y = 0; y < grid_n; ++y)
      for (int z = 0; z < grid_n; ++z) {
        es.compute(phi_grid(x, y, z) / crystal.mass());
        const Vec3 omega = es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
        const Mat3 &eta = es.eigenvectors();
        const double phase = std::cos(phi_grid.q(x, y, z).dot(l));
        for (std::size_t k = 0; k < times_ps.size(); ++k) {
          Vec3 weight;
          for (int u = 0; u < 3; ++u) {
            const double half = 0.5 * omega(u) * times_ps[k];
            const double sinc = half == 0.0 ? 1.0 : std::sin(half) / half;
            weight(u) = sinc * sinc * phase;
          }
          dynamic[k].noalias() += eta * weight.asDiagonal() * eta.transpose();
        }
      }
  const double cells = double(grid_n) * grid_n * grid_n;
  std::vector<Mat3> kernel(times_ps.size());
  for (std::size_t k = 0; k < times_ps.size(); ++k) {
    const double t = times_ps[k];
    kernel[k] = static_block - (t * t / (2.0 * crystal.mass() * cells)) * dynamic[k];
  }
  return kernel;
}

namespace {

double sinc_squared(double omega, double t) {
  const double half = 0.5 * omega * t;
  const double sinc = half == 0.0 ? 1.0 : std::sin(half) / half;
  return sinc * sinc;
}

// (1/N) Σ_q Re[e^{-iq·x} (M^{-1/2} E sinc²(Ω t/2) E^† M^{-1/2})_bb'] on the grid_n³ grid, Γ
// included.
std::vector<Mat3> basis_recoil_sum(const Crystal &crystal, int b, const Cell &L, int b2,
                                   std::span<const double> times_ps, int grid_n) {
  const DynamicalMatrix dyn(crystal);
  const Vec3 x =
      L.cast<double>() + crystal.fractional_position(b2) - crystal.fractional_position(b);
  const double scale =
      1.0 / std::sqrt(crystal.basis()[std::size_t(b)].mass * crystal.basis()[std::size_t(b2)].mass);
  std::vector<Mat3> sum(times_ps.size(), Mat3::Zero());
  for (int i = 0; i < grid_n; ++i)
    for (int j = 0; j < grid_n; ++j)
      for (int k = 0; k < grid_n; ++k) {
        const Vec3 q = (2.0 * M_PI / grid_n) * Vec3(i, j, k);
        const DynamicalMatrix::Branches br = dyn.branches(q);
        const std::complex<double> phase = std::polar(1.0, -q.dot(x));
        for (Eigen::Index u = 0; u < br.omega2.size(); ++u) {
          const double omega = std::sqrt(std::max(br.omega2(u), 0.0));
          const Mat3 outer =
              (phase * br.e.col(u).segment<3>(3 * b) * br.e.col(u).segment<3>(3 * b2).adjoint())
                  .real();
          for (std::size_t t = 0; t < times_ps.size(); ++t)
            sum[t] += sinc_squared(omega, times_ps[t]) * outer;
        }
      }
  for (Mat3 &m : sum)
    m *= scale / (double(grid_n) * grid_n * grid_n);
  return sum;
}

} // namespace

// physics.md §12.3: W_bb'(L, t) = W_bb'(L, 0) − (t²/2) <e^{-iq·x} M^{-1/2} E sinc² E^† M^{-1/2}>.
std::vector<Mat3> recoil_kernel(const Crystal &crystal, int b, const Cell &L, int b2,
                                std::span<const double> times_ps, int grid_n) {
  const int range = L.cwiseAbs().maxCoeff();
  const Mat3 static_block = static_response_fft(crystal, grid_n, range)(b, L, b2);
  const std::vector<Mat3> dynamic = basis_recoil_sum(crystal, b, L, b2, times_ps, grid_n);
  std::vector<Mat3> kernel(times_ps.size());
  for (std::size_t k = 0; k < times_ps.size(); ++k)
    kernel[k] = static_block - (0.5 * times_ps[k] * times_ps[k]) * dynamic[k];
  return kernel;
}

} // namespace ionbath::crystal
