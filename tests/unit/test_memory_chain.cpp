// Seed 003's chain (physics.md §7): the memory kernel Γ_n(τ) and its identities, the single-pass
// loss of Eq. 7 with its limits, and the steady-state loss of Eq. 10 (§10 rows 44–46, 49, 50).
#include "ionbath/core/units.hpp"
#include "ionbath/dissipation/chain_loss.hpp"
#include "ionbath/dissipation/memory_chain.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <vector>

using namespace ionbath::dissipation;
using ionbath::units::pi;

namespace {
const ChainBand kBand{10.0};
}

TEST(MemoryKernel, ReferenceValues) { // §10 row 45
  struct Case {
    int n;
    double tau, value;
  };
  for (const Case c :
       {Case{0, 0.01, 6.077467e-2}, Case{1, 0.01, 1.002987e-3}, Case{2, 0.01, 4.928102e-6},
        Case{0, 0.1, 6.637718e-2}, Case{1, 0.1, 0.1100011}, Case{2, 0.1, 0.1075378},
        Case{5, 0.1, 6.383208e-4}, Case{0, 0.5, -4.093104e-2}, Case{1, 0.5, -2.075767e-2},
        Case{2, 0.5, -3.743261e-2}, Case{5, 0.5, -3.666241e-2}, Case{10, 0.5, -1.009753e-2}})
    EXPECT_NEAR(memory_kernel(kBand, c.n, c.tau), c.value, 5e-7 * std::abs(c.value) + 1e-12)
        << "n = " << c.n << ", tau = " << c.tau;
}

TEST(MemoryKernel, Identities) { // §10 row 46, §7.2
  for (int n = 0; n < 4; ++n) {
    EXPECT_EQ(memory_kernel(kBand, n, 0.0), 0.0);
    EXPECT_EQ(memory_kernel(kBand, -n, 0.3), memory_kernel(kBand, n, 0.3));
    const double h = 1e-6; // Γ̇_n(0) = 2π δ_n0
    EXPECT_NEAR(memory_kernel(kBand, n, h) / h, n == 0 ? 2 * pi : 0.0, 1e-4) << n;
  }
  // Σ_n Γ_n(τ) = sin 2πτ: the sound cone holds |n| ≲ π(ω_fast − 1)τ ≈ 14 sites at τ = 0.5.
  for (const double tau : {0.05, 0.2, 0.5}) {
    double sum = memory_kernel(kBand, 0, tau);
    for (int n = 1; n <= 60; ++n)
      sum += 2 * memory_kernel(kBand, n, tau);
    EXPECT_NEAR(sum, std::sin(2 * pi * tau), 1e-9) << tau;
    // Outside the cone the kernel is negligible.
    EXPECT_LT(std::abs(memory_kernel(kBand, 60, tau)), 1e-9) << tau;
  }
  const auto table = tabulate_memory_kernel(kBand, 3, 0.01, 20);
  EXPECT_EQ(table(2, 10), memory_kernel(kBand, 2, 0.1, 1e-10));
  EXPECT_EQ(table(-2, 10), table(2, 10));
}

TEST(HeadOnLoss, ReferenceValuesAndLimits) { // §10 row 44, Eqs. 8–9
  struct Case {
    double lambda, speed, value;
  };
  for (const Case c :
       {Case{0.5, 5, 0.2737673}, Case{0.5, 10, 0.1321524}, Case{0.5, 50, 7.400628e-3},
        Case{0.5, 1000, 6.177038e-8}, Case{1, 10, 6.844182e-2}, Case{1, 50, 1.328734e-2},
        Case{4, 10, 3.446670e-4}, Case{4, 50, 3.353984e-3}, Case{4, 100, 1.739177e-3}})
    EXPECT_NEAR(head_on_loss(kBand, 1.0, c.lambda, c.speed), c.value, 2e-6 * c.value)
        << c.lambda << " " << c.speed;
  EXPECT_NEAR(head_on_loss(kBand, 1, 1, 5000) / fast_head_on_loss(kBand, 1, 1, 5000), 1, 1e-3);
  EXPECT_NEAR(head_on_loss(kBand, 1, 1, 0.5) / slow_head_on_loss(kBand, 1, 1, 0.5), 1, 1e-2);
  // Deep in the suppressed regime: e^{−z}, z = 158, is finite and positive; z = 15791 underflows
  // to 0 without overflowing I_n(W) on the way.
  EXPECT_GT(head_on_loss(kBand, 1, 4, 2.0), 0.0);
  EXPECT_NEAR(head_on_loss(kBand, 1, 4, 2.0) / slow_head_on_loss(kBand, 1, 4, 2.0), 1,
              1e-2); // O(1/z)
  EXPECT_EQ(head_on_loss(kBand, 1, 4, 0.2), 0.0);
  EXPECT_EQ(head_on_loss(kBand, -2, 1, 10), head_on_loss(kBand, 2, 1, 10)); // sign of Φ0
}

// Eq. 7 is seed 001's longitudinal Eq. 14 channel for ν = 1, ω∥² = (ω_fast² − 1)/4, s = 0
// (physics.md §6.2): two independent formulas.
TEST(HeadOnLoss, EqualsTheLongitudinalChannelOfSeed001) {
  const ChainPass pass{1.0, std::sqrt((100.0 - 1.0) / 4.0), 1.0, 0.01, 1.0, 0.0};
  for (const double v : {2.0, 10.0, 40.0, 300.0})
    EXPECT_NEAR(head_on_loss(kBand, 0.01, 1.0, v), analytic_chain_loss(pass, v).longitudinal,
                1e-12 * head_on_loss(kBand, 0.01, 1.0, v))
        << v;
}

TEST(SteadyStateLoss, ReferenceValuesAndSpikes) { // §10 rows 49, 50
  SteadyStatePass p;                              // α = 40, Φ0 = 2, λ = 4, ω_fast = 10
  EXPECT_NEAR(steady_state_loss(p, 30).loss, 1.50316e-2, 1e-5 * 1.50316e-2);
  EXPECT_NEAR(steady_state_loss(p, 60).loss, 1.12530e-2, 1e-5 * 1.12530e-2);
  EXPECT_NEAR(steady_state_loss(p, 86).loss, 7.71493e-3, 1e-5 * 7.71493e-3);
  EXPECT_NEAR(steady_state_loss(p, 39.95).loss, 1.0072e-2, 1e-4 * 1.0072e-2);
  EXPECT_NEAR(steady_state_loss(p, 40.0).loss, 0.1754, 1e-3 * 0.1754);
  EXPECT_NEAR(steady_state_loss(p, 40.2).loss, 6.030e-2, 1e-3 * 6.030e-2);
  p.exponent = SteadyStateExponent::authors_script;
  EXPECT_NEAR(steady_state_loss(p, 30).loss, 9.52371e-3, 1e-5 * 9.52371e-3);
  EXPECT_NEAR(steady_state_loss(p, 60).loss, 4.53957e-3, 1e-5 * 4.53957e-3);
  EXPECT_NEAR(steady_state_loss(p, 86).loss, 1.63498e-3, 1e-5 * 1.63498e-3);
}

// Every resonance: as many roots as sign changes of a fine scan (2·10⁷ points; at σ̇ = 1 two
// roots are 5e-5 apart, at x = 40 where the line meets the band bottom), at speeds with hundreds
// of roots and near a tangency.
TEST(SteadyStateLoss, FindsEveryResonance) {
  for (const double speed : {1.0, 3.7, 39.97, 40.0, 85.0}) {
    const auto roots = resonant_modes(kBand, 40.0, speed);
    const double c = speed / 40.0, x_max = 10.0 / c;
    const int n = 20000000;
    int changes = 0;
    double prev = 1.0;
    for (int i = 1; i <= n; ++i) {
      const double x = x_max * i / n;
      const double f = kBand.omega(pi * x) - c * x;
      changes += (f < 0) != (prev < 0);
      prev = f;
    }
    EXPECT_EQ(int(roots.size()), changes) << speed;
    for (const double x : roots)
      EXPECT_NEAR(kBand.omega(pi * x), c * x, 1e-9) << speed;
    EXPECT_TRUE(std::is_sorted(roots.begin(), roots.end()));
  }
  EXPECT_GT(resonant_modes(kBand, 40.0, 1.0).size(), 300u); // hundreds at low speed
}

// §7.7 fact 2: Eq. 7 (Bessel functions) equals the zone average of Eq. 6 (quadrature).
TEST(HeadOnLoss, EqualsTheZoneAverageOfEq6) {
  for (const double lambda : {0.5, 1.0, 4.0})
    for (const double speed : {2.0, 10.0, 50.0, 1000.0}) {
      const double eq7 = head_on_loss(kBand, 0.7, lambda, speed);
      const double eq6 = head_on_loss_zone_average(kBand, 0.7, lambda, speed);
      ASSERT_GT(eq7, 0.0) << lambda << " " << speed;
      EXPECT_NEAR(eq6 / eq7, 1.0, 1e-9) << lambda << " " << speed;
    }
}

// The broadened Δ̄ (physics.md §7.5) is Eq. 10 when the speed hardly varies during a pass.
TEST(BroadenedSteadyStateLoss, IsEq10ForAWeakPotential) {
  SteadyStatePass p;
  p.Phi0 = 1e-6;
  const auto eq10 = [&](double v) { return steady_state_loss(p, v).loss; };
  for (const double speed : {30.0, 60.0}) {
    const double broadened = BroadenedPass(p, 1.0, 50).loss(speed, eq10);
    EXPECT_NEAR(broadened / eq10(speed), 1.0, 1e-6) << speed;
  }
}

// A table of Δ̄ at step 0.005 with linear interpolation gives the average of the exact Δ̄ away
// from the spikes; a repulsive particle below the capture speed √(8π²Φ0/μ) = 12.566 cannot pass.
TEST(BroadenedSteadyStateLoss, TableInterpolationMatchesTheExactAverage) {
  SteadyStatePass p; // Φ0 = 2, λ = 4, α = 40
  const auto eq10 = [&](double v) { return steady_state_loss(p, v).loss; };
  for (const double speed : {30.0, 60.0}) {
    const double lo = std::sqrt(speed * speed - 8 * pi * pi * 2.0) - 0.01, step = 0.005;
    std::vector<double> table;
    for (double v = lo; v <= speed + 0.01; v += step)
      table.push_back(eq10(v));
    const auto interpolated = [&](double v) {
      const double u = (v - lo) / step;
      const auto i = static_cast<std::size_t>(u);
      return table[i] + (u - double(i)) * (table[i + 1] - table[i]);
    };
    const double exact = BroadenedPass(p, 1.0, 400).loss(speed, eq10);
    const double fast = BroadenedPass(p, 1.0, 10000).loss(speed, interpolated);
    EXPECT_NEAR(fast / exact, 1.0, 2e-3) << speed;
  }
  EXPECT_TRUE(std::isnan(BroadenedPass(p, 1.0, 10).loss(12.5, eq10)));
  EXPECT_FALSE(std::isnan(BroadenedPass(p, 1.0, 10).loss(12.6, eq10)));
}

// Seed 003 text: the speed varies near each mass, which broadens the spikes of Δ̄; an attractive
// particle is faster near a mass, so it meets the n = 1 spike (39.98) already at
// σ̇ = √(39.98² − 8π²Φ0/μ) ≈ 37.96, a repulsive one only above 39.98.
TEST(BroadenedSteadyStateLoss, ShiftsTheSpikesBySignOfThePotential) {
  SteadyStatePass repulsive, attractive;
  attractive.Phi0 = -2.0;
  const auto eq10 = [&](double v) { return steady_state_loss(repulsive, v).loss; };
  const double below = 39.0; // between 37.96 and 39.98
  const double plain = eq10(below);
  const double att = BroadenedPass(attractive, 1.0, 400).loss(below, eq10);
  const double rep = BroadenedPass(repulsive, 1.0, 400).loss(below, eq10);
  EXPECT_GT(att, 1.5 * plain);
  EXPECT_LT(std::abs(rep / plain - 1), 0.3);
  EXPECT_LT(BroadenedPass(attractive, 1.0, 400).loss(37.5, eq10), 1.5 * eq10(37.5));
}
