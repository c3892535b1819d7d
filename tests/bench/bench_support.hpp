#pragma once
// Helpers shared by the benchmark programs.
#include <cstdint>
#include <random>
#include <vector>

namespace ionbath::bench {

// Gaussian random values of standard deviation `amplitude` (fixed seed): thermal-size lattice
// displacements or velocities.
inline std::vector<double> random_field(std::int64_t values, double amplitude) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> g(0.0, amplitude);
  std::vector<double> f(static_cast<std::size_t>(values));
  for (auto &x : f)
    x = g(rng);
  return f;
}

} // namespace ionbath::bench
