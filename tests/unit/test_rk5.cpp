// physics.md §0.4 (Butcher RK5 tableau) and §10 row 35 (global order 5).
#include "ionbath/dynamics/rk5.hpp"

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace ionbath::dynamics;

TEST(ButcherRk5, TableauConsistency) {
  using T = ButcherRk5;
  double b_sum = 0;
  for (int i = 0; i < T::stages; ++i) {
    double row = 0;
    for (int j = 0; j < i; ++j)
      row += T::a[i][j];
    EXPECT_NEAR(row, T::c[i], 1e-15) << "row " << i; // c_i = Σ_j a_ij
    EXPECT_EQ(T::c[i], T::quarter_offset[i] / 4.0);
    b_sum += T::b[i];
  }
  EXPECT_NEAR(b_sum, 1.0, 1e-15);
  // Quadrature conditions Σ b_i c_i^q = 1/(q+1) up to q = 4 (order 5).
  for (int q = 1; q <= 4; ++q) {
    double s = 0;
    for (int i = 0; i < T::stages; ++i)
      s += T::b[i] * std::pow(T::c[i], q);
    EXPECT_NEAR(s, 1.0 / (q + 1), 1e-15) << "q = " << q;
  }
}

namespace {
// Global error at t = T of a driven, non-autonomous problem with N steps.
// y' = cos(t) y, y(0) = 1 → y = exp(sin t); and a driven oscillator x'' = −ω² x + cos(t),
// x(0) = 0, x'(0) = 0 → x = (cos t − cos ωt)/(ω² − 1).
double global_error(int N) {
  using State = Eigen::Vector3d; // (y, x, ẋ)
  const double T = 3.0, omega = 2.5, dt = T / N;
  const auto f = [omega](int, double t, const State &s) {
    return State(std::cos(t) * s[0], s[2], -omega * omega * s[1] + std::cos(t));
  };
  State s(1.0, 0.0, 0.0);
  for (int k = 0; k < N; ++k)
    s = rk5_step(f, k * dt, s, dt);
  const State exact(std::exp(std::sin(T)),
                    (std::cos(T) - std::cos(omega * T)) / (omega * omega - 1),
                    (-std::sin(T) + omega * std::sin(omega * T)) / (omega * omega - 1));
  return (s - exact).norm();
}
} // namespace

TEST(ButcherRk5, GlobalErrorRatioApproaches32PerHalving) { // §10 row 35, band 30–34
  std::vector<double> errors;
  for (int N = 20; N <= 320; N *= 2)
    errors.push_back(global_error(N));
  for (std::size_t i = 2; i + 1 < errors.size(); ++i) {
    const double ratio = errors[i] / errors[i + 1];
    EXPECT_GT(ratio, 30.0) << "halving " << i;
    EXPECT_LT(ratio, 34.0) << "halving " << i;
  }
  EXPECT_LT(errors.back(), 1e-10);
}

TEST(ButcherRk5, StageTimesAreQuarterSteps) {
  std::vector<double> seen;
  const auto f = [&](int stage, double t, const Eigen::Matrix<double, 1, 1> &y) {
    EXPECT_DOUBLE_EQ(t, 2.0 + 0.1 * ButcherRk5::quarter_offset[stage] / 4.0);
    seen.push_back(t);
    return y;
  };
  rk5_step(f, 2.0, Eigen::Matrix<double, 1, 1>(1.0), 0.1);
  EXPECT_EQ(seen.size(), 6u);
}
