#pragma once
// The integrator of the full equations of motion (method = "full").

#include <string_view>

namespace ionbath::dynamics {

enum class FullScheme {
  rk5,            // Butcher's RK5 (physics.md §0.4), the reference integrator
  velocity_verlet // symplectic, second order: bounded energy error for long thermal runs
};

// The config spelling of [run] full_scheme.
constexpr std::string_view to_string(FullScheme scheme) {
  return scheme == FullScheme::rk5 ? "rk5" : "verlet";
}

} // namespace ionbath::dynamics
