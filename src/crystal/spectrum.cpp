#include "ionbath/crystal/spectrum.hpp"

#include "ionbath/core/units.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"

#include <Eigen/Eigenvalues>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace ionbath::crystal {

// physics.md §1.4, seed 002 Fig. 1b.
DispersionPath dispersion_path(const Crystal &crystal, int subdivisions_per_leg) {
  if (subdivisions_per_leg < 1)
    throw std::invalid_argument(
        fmt::format("dispersion_path: need ≥ 1 subdivision per leg, got {}", subdivisions_per_leg));
  const std::array<Vec3, 5> corners{Vec3(0, 0, 0), Vec3(M_PI, 0, 0), Vec3(M_PI, M_PI, 0),
                                    Vec3(0, 0, 0), Vec3(M_PI, M_PI, M_PI)};
  const DynamicalMatrix dyn(crystal);
  DispersionPath path;
  double x = 0;
  for (std::size_t leg = 0; leg + 1 < corners.size(); ++leg)
    for (int s = leg == 0 ? 0 : 1; s <= subdivisions_per_leg; ++s) {
      const Vec3 q =
          corners[leg] + (corners[leg + 1] - corners[leg]) * (double(s) / subdivisions_per_leg);
      if (!path.q.empty())
        x += (q - path.q.back()).norm();
      path.q.push_back(q);
      path.x.push_back(x);
      const Eigen::SelfAdjointEigenSolver<Mat3> es(dyn(q), Eigen::EigenvaluesOnly);
      path.hbar_omega_meV.push_back(units::hbar_meV_ps *
                                    es.eigenvalues().cwiseMax(0.0).cwiseSqrt());
    }
  return path;
}

// physics.md §1.4 (spectrum), grid of §1.6 (half-shifted).
DensityOfStates density_of_states(const Crystal &crystal, int grid_n, int n_bins,
                                  double omega_max) {
  if (grid_n < 1 || n_bins < 1 || !(omega_max > 0))
    throw std::invalid_argument(
        fmt::format("density_of_states: need grid ≥ 1, bins ≥ 1, omega_max > 0; got {}, {}, {}",
                    grid_n, n_bins, omega_max));
  DensityOfStates dos;
  dos.bin_width = omega_max / n_bins;
  dos.omega.resize(n_bins);
  dos.density.assign(n_bins, 0.0);
  for (int b = 0; b < n_bins; ++b)
    dos.omega[b] = (b + 0.5) * dos.bin_width;
  const ForceConstantsOnGrid phi_grid(crystal, {grid_n, grid_n, grid_n}, true);
  Eigen::SelfAdjointEigenSolver<Mat3> es;
  for (int x = 0; x < grid_n; ++x)
    for (int y = 0; y < grid_n; ++y)
      for (int z = 0; z < grid_n; ++z) {
        es.compute(phi_grid(x, y, z) / crystal.mass(), Eigen::EigenvaluesOnly);
        for (int u = 0; u < 3; ++u) {
          const double omega = std::sqrt(std::max(es.eigenvalues()(u), 0.0));
          const auto bin = static_cast<long>(omega / dos.bin_width);
          if (bin < n_bins)
            dos.density[bin] += 1.0;
        }
      }
  const double norm = 1.0 / (double(grid_n) * grid_n * grid_n * dos.bin_width);
  for (auto &g : dos.density)
    g *= norm;
  return dos;
}

} // namespace ionbath::crystal
