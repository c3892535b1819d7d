#pragma once
// Synthetic trajectories with known transport for the analysis tests (physics.md §5.7 fact 1).
#include "ionbath/core/types.hpp"

#include <random>
#include <vector>

namespace ionbath::synthetic {

// Brownian motion: independent Gaussian increments of variance 2 D Δt per component, R_0 = start.
inline std::vector<Vec3> brownian_trajectory(std::size_t samples, double D_A2_per_ps, double dt_ps,
                                             std::uint64_t seed, const Vec3 &start = Vec3::Zero()) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, std::sqrt(2 * D_A2_per_ps * dt_ps));
  std::vector<Vec3> R(samples);
  Vec3 r = start;
  for (auto &Rk : R) {
    Rk = r;
    r += Vec3(step(rng), step(rng), step(rng));
  }
  return R;
}

} // namespace ionbath::synthetic
