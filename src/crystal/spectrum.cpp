#include "ionbath/crystal/spectrum.hpp"

#include "ionbath/core/units.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"

#include <Eigen/Eigenvalues>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace ionbath::crystal {

std::vector<Vec3> cubic_path_corners() {
  return {Vec3(0, 0, 0), Vec3(M_PI, 0, 0), Vec3(M_PI, M_PI, 0), Vec3(0, 0, 0),
          Vec3(M_PI, M_PI, M_PI)};
}

std::vector<Vec3> chain_path_corners() {
  return {Vec3(0, 0, 0), Vec3(M_PI, 0, 0)};
}

namespace {

// Ascending ħΩ of every branch at q (the one-atom 3×3 path keeps seed 002 results bitwise).
Eigen::VectorXd hbar_omega(const DynamicalMatrix &dyn, const Vec3 &q) {
  const double hbar = dyn.crystal().units().hbar;
  if (dyn.crystal().n_basis() == 1) {
    const Eigen::SelfAdjointEigenSolver<Mat3> es(dyn(q), Eigen::EigenvaluesOnly);
    return hbar * es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  }
  return hbar * dyn.branches(q).omega2.cwiseMax(0.0).cwiseSqrt();
}

// Bonds only along a1 (chains): the spectrum does not depend on q2, q3.
bool is_chain(const Crystal &crystal) {
  for (const auto &b : crystal.bonds())
    if (b.offset.y() != 0 || b.offset.z() != 0)
      return false;
  return true;
}

} // namespace

// physics.md §1.4, seed 002 Fig. 1b.
DispersionPath dispersion_path(const Crystal &crystal, int subdivisions_per_leg,
                               const std::vector<Vec3> &corners) {
  if (subdivisions_per_leg < 1 || corners.size() < 2)
    throw std::invalid_argument(
        fmt::format("dispersion_path: need ≥ 1 subdivision per leg and ≥ 2 corners, got {}, {}",
                    subdivisions_per_leg, corners.size()));
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
      path.hbar_omega_meV.push_back(hbar_omega(dyn, q));
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
  const GridShape grid =
      is_chain(crystal) ? GridShape{grid_n, 1, 1} : GridShape{grid_n, grid_n, grid_n};
  auto bin = [&](double omega2) {
    const auto k = static_cast<long>(std::sqrt(std::max(omega2, 0.0)) / dos.bin_width);
    if (k < n_bins)
      dos.density[k] += 1.0;
  };
  if (crystal.n_basis() == 1) {
    const ForceConstantsOnGrid phi_grid(crystal, grid, true);
    Eigen::SelfAdjointEigenSolver<Mat3> es;
    for (int x = 0; x < grid[0]; ++x)
      for (int y = 0; y < grid[1]; ++y)
        for (int z = 0; z < grid[2]; ++z) {
          es.compute(phi_grid(x, y, z) / crystal.mass(), Eigen::EigenvaluesOnly);
          for (int u = 0; u < 3; ++u)
            bin(es.eigenvalues()(u));
        }
  } else {
    const DynamicalMatrix dyn(crystal);
    for (int x = 0; x < grid[0]; ++x)
      for (int y = 0; y < grid[1]; ++y)
        for (int z = 0; z < grid[2]; ++z) {
          const Vec3 q(2 * M_PI * (x + 0.5) / grid[0], 2 * M_PI * (y + 0.5) / grid[1],
                       2 * M_PI * (z + 0.5) / grid[2]);
          const Eigen::VectorXd w2 = dyn.branches(q).omega2;
          for (Eigen::Index u = 0; u < w2.size(); ++u)
            bin(w2(u));
        }
  }
  const double norm = 1.0 / (double(grid_points(grid)) * dos.bin_width);
  for (auto &g : dos.density)
    g *= norm;
  return dos;
}

} // namespace ionbath::crystal
