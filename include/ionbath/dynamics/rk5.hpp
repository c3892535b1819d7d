#pragma once
// Butcher's 6-stage fifth-order explicit Runge–Kutta method with a fixed step (physics.md §0.4).
#include <array>

namespace ionbath::dynamics {

struct ButcherRk5 {
  static constexpr int stages = 6;
  // Stage times t + c_i δt are quarter steps: c_i = quarter_offset[i] / 4. Only five distinct
  // times occur (c_2 = c_3).
  static constexpr std::array<int, stages> quarter_offset{0, 1, 1, 2, 3, 4};
  static constexpr std::array<double, stages> c{0.0, 0.25, 0.25, 0.5, 0.75, 1.0};
  static constexpr std::array<std::array<double, stages - 1>, stages> a{{
      {0.0, 0.0, 0.0, 0.0, 0.0},
      {1.0 / 4, 0.0, 0.0, 0.0, 0.0},
      {1.0 / 8, 1.0 / 8, 0.0, 0.0, 0.0},
      {0.0, -1.0 / 2, 1.0, 0.0, 0.0},
      {3.0 / 16, 0.0, 0.0, 9.0 / 16, 0.0},
      {-3.0 / 7, 2.0 / 7, 12.0 / 7, -12.0 / 7, 8.0 / 7},
  }};
  static constexpr std::array<double, stages> b{7.0 / 90,  0.0,       32.0 / 90,
                                                12.0 / 90, 32.0 / 90, 7.0 / 90};
};

// For ẍ = g(x) the RK5 above applied to y = (x, ẋ) collapses to stage accelerations g_k alone:
// stage position x + c_i δt ẋ + δt² Σ_k ā_ik g_k, stage velocity ẋ + δt Σ_k a_ik g_k, and the
// update x + δt ẋ + δt² Σ_k b̄_k g_k, ẋ + δt Σ_k b_k g_k, with ā = a·a and b̄ = b·a (same numbers
// as the first-order form up to rounding; no stage velocities need storing).
struct SecondOrderRk5 {
  static constexpr int S = ButcherRk5::stages;
  std::array<std::array<double, S>, S> abar{};
  std::array<double, S> bbar{};
  constexpr SecondOrderRk5() {
    using T = ButcherRk5;
    for (int i = 0; i < S; ++i)
      for (int k = 0; k < S; ++k)
        for (int j = k + 1; j < i; ++j)
          abar[i][k] += T::a[i][j] * T::a[j][k];
    for (int k = 0; k < S; ++k)
      for (int i = k + 1; i < S; ++i)
        bbar[k] += T::b[i] * T::a[i][k];
  }
};
static_assert(SecondOrderRk5{}.bbar[ButcherRk5::stages - 1] == 0.0,
              "the last stage enters the position only through b");

// One step y(t) → y(t + δt) of ẏ = f(stage, t_stage, y). The stage index i (0-based) lets a
// right-hand side with tabulated time dependence look up its samples at t + c_i δt.
// State: a fixed-size vector type with +, += and scalar * (e.g. Eigen::Matrix<double, n, 1>).
template <class State, class Rhs> State rk5_step(Rhs &&f, double t, const State &y, double dt) {
  using T = ButcherRk5;
  std::array<State, T::stages> k;
  for (int i = 0; i < T::stages; ++i) {
    State stage_y = y;
    for (int j = 0; j < i; ++j)
      if (T::a[i][j] != 0.0)
        stage_y += (dt * T::a[i][j]) * k[j];
    k[i] = f(i, t + T::c[i] * dt, stage_y);
  }
  State next = y;
  for (int i = 0; i < T::stages; ++i)
    if (T::b[i] != 0.0)
      next += (dt * T::b[i]) * k[i];
  return next;
}

} // namespace ionbath::dynamics
