#include "ionbath/crystal/recoil_kernel.hpp"

#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/crystal/static_response.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>

namespace ionbath::crystal {

// physics.md §1.6, seed 002 Eq. (22).
std::vector<Mat3> recoil_kernel(const Crystal &crystal, const Cell &L,
                                std::span<const double> times_ps, int grid_n) {
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

} // namespace ionbath::crystal
