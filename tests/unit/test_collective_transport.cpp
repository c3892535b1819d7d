// Collective transport of several ions (physics.md §11.4) on synthetic trajectories whose answer
// is known: independent Brownian ions (H_R = 1, D* = D_σ = D, cross terms 0, Nernst–Einstein
// conductivity) and ions that move as one (D_σ = N D*, H_R = 1/N), with fixed seeds and 4σ
// bounds from the estimator's own error bars.
#include "ionbath/analysis/collective_transport.hpp"
#include "ionbath/core/error.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <random>
#include <vector>

using namespace ionbath;
using namespace ionbath::analysis;

namespace {

constexpr double kD = 0.1, kDt = 0.01; // Å²/ps, ps

SegmentMsdParams params() {
  SegmentMsdParams p;
  p.segments = 200;
  p.samples_per_segment = 50;
  p.dt_ps = kDt;
  return p;
}

DiffusionFitOptions window() {
  DiffusionFitOptions o;
  o.fit_from_ps = 0.05;
  return o;
}

// Ions 0..3 species 0 (z = +1), 4..7 species 1 (z = −1); Brownian steps N(0, 2D δt) per axis,
// independent per ion (correlated = false) or one step shared by every ion.
CollectiveMsd brownian_ions(bool correlated, std::uint64_t seed) {
  CollectiveMsd msd(params(), {0, 0, 0, 0, 1, 1, 1, 1}, {1.0, -1.0});
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> step(0.0, std::sqrt(2 * kD * kDt));
  std::vector<Vec3> R(8, Vec3::Zero());
  for (int k = 0; k < params().segments * params().samples_per_segment; ++k) {
    msd.push(R);
    const Vec3 shared(step(rng), step(rng), step(rng));
    for (auto &r : R)
      r += correlated ? shared : Vec3(step(rng), step(rng), step(rng));
  }
  return msd;
}

constexpr double kVolume = 8000.0, kT = 25.0; // Å³, meV

} // namespace

TEST(CollectiveTransport, IndependentIonsHaveHavenRatioOne) {
  const CollectiveMsd msd = brownian_ions(false, 11);
  const CollectiveTransport t = fit_collective_transport(msd, kVolume, kT, window());
  for (const auto &s : t.species) {
    EXPECT_NEAR(s.tracer.D_A2_per_ps, kD, 4 * s.tracer.sigma_D_A2_per_ps);
    EXPECT_NEAR(s.collective.D_A2_per_ps, kD, 4 * s.collective.sigma_D_A2_per_ps);
    EXPECT_NEAR(s.haven_ratio, 1.0, 4 * s.sigma_haven_ratio);
    EXPECT_GT(s.collective.sigma_D_A2_per_ps, s.tracer.sigma_D_A2_per_ps); // D_σ is noisier
  }
  // No correlation between the species: L_01 = 0 within its error, L_00 = N_0 D/(V kT).
  EXPECT_NEAR(t.onsager[1], 0.0, 4 * t.sigma_onsager[1]);
  EXPECT_EQ(t.onsager[1], t.onsager[2]);
  EXPECT_NEAR(t.onsager[0], 4 * kD / (kVolume * kT), 4 * t.sigma_onsager[0]);
  // Nernst–Einstein: σ = e² Σ_i z_i² D / (V kT) for uncorrelated ions.
  const double nernst_einstein = conductivity_S_per_m(8 * kD, kVolume, kT);
  EXPECT_NEAR(t.conductivity_S_per_m, nernst_einstein, 4 * t.sigma_conductivity_S_per_m);
  EXPECT_NEAR(t.conductivity_mS_per_cm(), 10 * t.conductivity_S_per_m, 1e-12);
}

// Ions that always move together: |ΔX_s|² = N_s² |ΔR|², so D_σ = N_s D* and H_R = 1/N_s exactly;
// the opposite charges of the two species cancel in ΔQ (σ = 0).
TEST(CollectiveTransport, IonsMovingAsOneHaveHavenRatioOneOverN) {
  const CollectiveMsd msd = brownian_ions(true, 12);
  const CollectiveTransport t = fit_collective_transport(msd, kVolume, kT, window());
  for (const auto &s : t.species) {
    EXPECT_NEAR(s.haven_ratio, 0.25, 1e-12);
    EXPECT_LT(s.sigma_haven_ratio, 1e-10);
  }
  EXPECT_NEAR(t.conductivity_S_per_m, 0.0, 1e-9 * conductivity_S_per_m(kD, kVolume, kT));
}

// σ = e² Σ_ss′ z_s z_s′ L_ss′: ΔQ = Σ_s z_s ΔX_s, and every fit is linear in its curve.
TEST(CollectiveTransport, ConductivityIsTheChargeWeightedOnsagerSum) {
  const CollectiveMsd msd = brownian_ions(false, 13);
  const CollectiveTransport t = fit_collective_transport(msd, kVolume, kT, window());
  double sum = 0;
  for (int s = 0; s < 2; ++s)
    for (int u = 0; u < 2; ++u)
      sum += msd.charge_number(s) * msd.charge_number(u) * t.onsager[std::size_t(2 * s + u)];
  EXPECT_NEAR(conductivity_S_per_m(sum * kVolume * kT, kVolume, kT), t.conductivity_S_per_m,
              1e-10 * std::abs(t.conductivity_S_per_m));
}

TEST(CollectiveTransport, RejectsInconsistentInput) {
  EXPECT_THROW(CollectiveMsd(params(), {0, 2}, {1.0, 1.0}), std::invalid_argument);
  EXPECT_THROW(CollectiveMsd(params(), {0, 0}, {1.0, 1.0}), std::invalid_argument);
  CollectiveMsd msd(params(), {0, 0}, {1.0});
  EXPECT_THROW(msd.push(std::vector<Vec3>(3, Vec3::Zero())), std::invalid_argument);
  const CollectiveMsd full = brownian_ions(false, 14);
  EXPECT_THROW(fit_collective_transport(full, 0.0, kT, window()), InputError);
  EXPECT_THROW(fit_collective_transport(full, kVolume, -1.0, window()), InputError);
}

TEST(CollectiveTransport, RestoreContinuesBitwiseAndCountsItsAccumulators) {
  // One ion: only its own accumulator (the single-ion checkpoint); one species of three ions:
  // 3 ions + species sum + charge; 8 ions of two species: 8 + 2 sums + 1 pair + charge.
  EXPECT_EQ(CollectiveMsd::accumulator_count(std::vector<int>{0}, 1), 1u);
  EXPECT_EQ(CollectiveMsd::accumulator_count(std::vector<int>{0, 0, 0}, 1), 5u);
  EXPECT_EQ(CollectiveMsd::accumulator_count(std::vector<int>{0, 1, 1}, 2), 3u + 1 + 1 + 1);
  const std::vector<int> species{0, 0, 0, 0, 1, 1, 1, 1};
  CollectiveMsd msd(params(), species, {1.0, -1.0});
  CollectiveMsd reference(params(), species, {1.0, -1.0});
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0.0, 0.1);
  std::vector<Vec3> R(8, Vec3::Zero());
  for (int k = 0; k < 1000; ++k) {
    if (k == 437) { // cut: serialize, restore, continue
      const auto states = msd.serialize();
      EXPECT_EQ(states.size(), CollectiveMsd::accumulator_count(species, 2));
      msd = CollectiveMsd::restore(species, {1.0, -1.0}, states);
    }
    msd.push(R);
    reference.push(R);
    for (auto &r : R)
      r += Vec3(step(rng), step(rng), step(rng));
  }
  EXPECT_EQ(msd.serialize(), reference.serialize());
}
