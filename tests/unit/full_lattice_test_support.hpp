#pragma once
// Shared check of the full-lattice tests: the energy error of a symplectic run.
#include "ionbath/dynamics/full_lattice_integrator.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ionbath::dynamics::support {

// Largest |E − E0| in the first and in the last quarter of `blocks` blocks of `steps` steps each.
struct EnergyErrorQuarters {
  double first = 0, last = 0;
};

inline EnergyErrorQuarters energy_error_quarters(FullLatticeIntegrator &full, int blocks = 200,
                                                 int steps = 100) {
  const double E0 = full.energy().total();
  std::vector<double> error;
  for (int block = 0; block < blocks; ++block) {
    full.advance(steps);
    error.push_back(std::abs(full.energy().total() - E0));
  }
  const auto quarter = static_cast<std::ptrdiff_t>(blocks / 4);
  return {*std::max_element(error.begin(), error.begin() + quarter),
          *std::max_element(error.end() - quarter, error.end())};
}

} // namespace ionbath::dynamics::support
