// Seed 001 single-pass loss: scaled Bessel functions, Eq. 14, Eq. 13, Eqs. 20–23 (physics.md §6,
// §10 rows 13, 36–41).
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/dissipation/chain_loss.hpp"
#include "ionbath/dissipation/low_speed_loss.hpp"
#include "ionbath/dissipation/pass_geometry.hpp"
#include "ionbath/dissipation/scaled_bessel.hpp"
#include "ionbath/dissipation/zone_loss.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <vector>

using namespace ionbath;
using namespace ionbath::dissipation;
using ionbath::units::pi;

namespace {

constexpr double kEnergy = 4.0 * pi * pi; // 1 ħΩ in seed-001 internal energy units
const double kFig2Omega = std::sqrt(99.0 / 4.0);

ChainPass fig2_pass(double nu, double lambda, double offset) {
  return {nu, kFig2Omega, kFig2Omega, 0.01, lambda, offset};
}

// Eq. 13 for the seed-001 chain, returned in ħΩ.
double chain_zone_loss(const ChainPass &p, double speed, double rel_tol = 1e-10) {
  const auto chain = crystal::seed001_chain(p.nu, p.omega_parallel, p.omega_perp);
  const GaussianPathTransform gaussian(kEnergy * p.Phi0, p.lambda);
  const StraightPath path{Vec3(0, p.offset, 0), Vec3::UnitZ()};
  const auto atoms = atoms_on_path(chain, {FrameworkAtom{}}, path);
  return zone_loss(chain, gaussian, atoms, path.direction, speed, rel_tol).loss / kEnergy;
}

// Eq. 13 for seed 001's 3D lattice, one atom at the origin: Δ/(σ̇Φ0²), Φ0 = 1 ħΩ.
double cubic_zone_constant(double lambda, double offset, double speed, double rel_tol) {
  static const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const GaussianPathTransform gaussian(kEnergy, lambda);
  const StraightPath path{Vec3(0, offset, 0), Vec3::UnitZ()};
  const auto atoms = atoms_on_path(cubic, {FrameworkAtom{}}, path);
  return zone_loss(cubic, gaussian, atoms, path.direction, speed, rel_tol).loss / kEnergy / speed;
}

} // namespace

TEST(ScaledBessel, MatchesTheStandardLibraryAndTheAsymptote) {
  for (double z : {0.0, 1e-3, 0.5, 1.0, 5.0, 12.0, 19.99, 20.01, 35.0, 200.0, 650.0}) {
    EXPECT_NEAR(scaled_bessel_i0(z), std::exp(-z) * std::cyl_bessel_i(0.0, z),
                2e-14 * scaled_bessel_i0(z))
        << z;
    EXPECT_NEAR(scaled_bessel_i1(z), std::exp(-z) * std::cyl_bessel_i(1.0, z),
                2e-14 * std::max(scaled_bessel_i1(z), 1e-300))
        << z;
  }
  // Far beyond overflow of I_n itself: e^{−z}I_n(z) √(2πz) → 1 − (4n² − 1)/8z.
  for (double z : {1e4, 1e8}) {
    EXPECT_NEAR(scaled_bessel_i0(z) * std::sqrt(2 * pi * z), 1 + 1 / (8 * z), 1 / (z * z));
    EXPECT_NEAR(scaled_bessel_i1(z) * std::sqrt(2 * pi * z), 1 - 3 / (8 * z), 1 / (z * z));
  }
  EXPECT_THROW(scaled_bessel_i0(-1.0), std::invalid_argument);
}

TEST(ChainLoss, ReferenceValues) { // §10 rows 36–38
  EXPECT_NEAR(analytic_chain_loss(fig2_pass(1, 1, 0), 10).total(), 6.844182e-6, 1e-12);
  EXPECT_NEAR(analytic_chain_loss(fig2_pass(1, 1, 0), 40).total(), 1.922041e-6, 1e-12);
  const ChannelLoss offset = analytic_chain_loss(fig2_pass(1, 1, 1), 10);
  EXPECT_NEAR(offset.transverse, 2.792822e-6, 1e-12);
  EXPECT_NEAR(offset.longitudinal, 2.517834e-6, 1e-12);
  EXPECT_NEAR(analytic_chain_loss(fig2_pass(0, 1, 0), 10).total(), 5.709354e-6, 1e-12);
  // Head-on: no transverse channel.
  EXPECT_EQ(analytic_chain_loss(fig2_pass(1, 1, 0), 10).transverse, 0.0);
}

TEST(ChainLoss, FiniteAndPositiveAtEverySpeed) {
  for (double speed : {1e-3, 0.05, 1.0, 10.0, 1e3, 1e6}) {
    const ChannelLoss l = analytic_chain_loss(fig2_pass(0, 0.5, 1), speed);
    EXPECT_TRUE(std::isfinite(l.total())) << speed;
    EXPECT_GT(l.transverse, 0) << speed;
    EXPECT_GT(l.longitudinal, 0) << speed;
  }
  // Confined: exponentially suppressed at low speed, but representable.
  const double slow = analytic_chain_loss(fig2_pass(1, 1, 1), 0.5).total();
  EXPECT_GT(slow, 0);
  EXPECT_LT(slow, 1e-50);
}

TEST(ChainLoss, FastAndSlowLimits) { // §6.2 limits
  const ChainPass p = fig2_pass(1, 1, 1);
  for (double speed : {1e3, 1e4}) {
    const ChannelLoss exact = analytic_chain_loss(p, speed), fast = fast_chain_loss(p, speed);
    const double y2 = std::pow(2 * pi / speed, 2);
    const double tolerance = 2 * y2 * (1 + 2 * kFig2Omega * kFig2Omega); // next order in Y²
    EXPECT_NEAR(exact.transverse / fast.transverse, 1, tolerance) << speed;
    EXPECT_NEAR(exact.longitudinal / fast.longitudinal, 1, tolerance) << speed;
  }
  // Fast: Δ⊥ ∝ σ̇⁻², Δ∥ ∝ σ̇⁻⁴; the transverse channel dominates above 2πλ²√(κ+2k∥)/s.
  EXPECT_NEAR(fast_chain_loss(p, 200).transverse / fast_chain_loss(p, 400).transverse, 4, 1e-12);
  EXPECT_NEAR(fast_chain_loss(p, 200).longitudinal / fast_chain_loss(p, 400).longitudinal, 16,
              1e-12);
  const double v = transverse_dominance_speed(p);
  const ChannelLoss at = fast_chain_loss(p, v);
  EXPECT_NEAR(at.transverse / at.longitudinal, 1, 1e-12);
  // Slow: the Hankel terms take over (relative corrections O(1/z), z = 2ω²Y²).
  for (double nu : {0.0, 1.0}) {
    const ChainPass q = fig2_pass(nu, 1, 1);
    for (double speed : {0.5, 0.25}) {
      const ChannelLoss exact = analytic_chain_loss(q, speed), slow = slow_chain_loss(q, speed);
      const double z = 2 * kFig2Omega * kFig2Omega * std::pow(2 * pi / speed, 2);
      EXPECT_NEAR(exact.transverse / slow.transverse, 1, 1 / z) << nu << " " << speed;
      EXPECT_NEAR(exact.longitudinal / slow.longitudinal, 1, 5 / z) << nu << " " << speed;
    }
  }
}

TEST(ChainLoss, UnconfinedPlateau) { // §10 row 39
  const double lambdas[] = {0.5, 1, 2, 4};
  const double s0[] = {1.11928, 0.55964, 0.27982, 0.13991};
  const double s1[] = {0.18450, 0.61764, 0.32688, 0.14786};
  for (int i = 0; i < 4; ++i) {
    for (int s = 0; s <= 1; ++s) {
      ChainPass p = fig2_pass(0, lambdas[i], s);
      p.Phi0 = 1;
      const double plateau = unconfined_plateau(p);
      EXPECT_NEAR(plateau, s == 0 ? s0[i] : s1[i], 6e-6) << lambdas[i] << " " << s;
      const double speed = 1e-3; // σ̇Δ flattens to the plateau
      EXPECT_NEAR(speed * analytic_chain_loss(p, speed).total() / plateau, 1, 1e-4);
    }
  }
}

TEST(ZoneLoss, ChainZoneAverageEqualsEq14) { // §6.6 fact 1
  for (double nu : {0.0, 1.0})
    for (double offset : {0.0, 1.0})
      for (double lambda : {0.5, 2.0})
        for (double speed : {3.0, 10.0, 40.0}) {
          const ChainPass p = fig2_pass(nu, lambda, offset);
          const double exact = analytic_chain_loss(p, speed).total();
          EXPECT_NEAR(chain_zone_loss(p, speed), exact, 1e-8 * exact)
              << nu << " " << offset << " " << lambda << " " << speed;
        }
}

TEST(ZoneLoss, ProportionalToPhi0SquaredAndPositive) { // §6.6 fact 4
  ChainPass p = fig2_pass(1, 1, 1);
  const double one = chain_zone_loss(p, 10);
  p.Phi0 *= -3; // either sign
  EXPECT_NEAR(chain_zone_loss(p, 10), 9 * one, 1e-9 * one);
  EXPECT_GT(one, 0);
}

TEST(ZoneLoss, SupercellDescriptionGivesTheSameLoss) { // §12: the basis path of Eq. 13
  const ChainPass p = fig2_pass(1, 1, 1);
  const auto primitive = crystal::seed001_chain(p.nu, p.omega_parallel, p.omega_perp);
  const auto doubled = crystal::supercell(primitive, {2, 1, 1});
  const GaussianPathTransform gaussian(kEnergy * p.Phi0, p.lambda);
  // Two listed atoms (sub-cells 0 and 1 of the doubled cell) and the path over both.
  const StraightPath path{Vec3(0, p.offset, 0), Vec3::UnitZ()};
  const auto two = atoms_on_path(doubled, {{Cell::Zero(), 0}, {Cell::Zero(), 1}}, path);
  const auto two_primitive =
      atoms_on_path(primitive, {{Cell::Zero(), 0}, {Cell(1, 0, 0), 0}}, path);
  const double a = zone_loss(doubled, gaussian, two, path.direction, 10, 1e-10).loss;
  const double b = zone_loss(primitive, gaussian, two_primitive, path.direction, 10, 1e-10).loss;
  EXPECT_NEAR(a, b, 1e-8 * b);
  // Two atoms interfere: the loss is not twice that of one.
  const double one = chain_zone_loss(p, 10) * kEnergy;
  EXPECT_GT(std::abs(b - 2 * one), 1e-3 * b);
}

TEST(ZoneLoss, NumericalTransformMatchesTheGaussian) {
  const dynamics::Gaussian potential(0.7, 1.3);
  const NumericalPathTransform numerical(potential);
  const GaussianPathTransform closed(0.7, 1.3);
  for (double b : {0.0, 0.4, 2.0})
    for (double k : {0.0, 0.8, 3.0}) {
      const auto n = numerical(b, k), c = closed(b, k);
      EXPECT_NEAR(n.value, c.value, 1e-9 * std::abs(closed(b, 0).value)) << b << " " << k;
      EXPECT_NEAR(n.d_distance, c.d_distance, 1e-9 * std::abs(closed(b, 0).value)) << b << " " << k;
    }
}

TEST(ZoneLoss, CubicLatticeReferenceValues) { // §10 row 41
  const double speeds[] = {10, 20, 40, 80};
  const double reference[] = {9.0567e-4, 1.40348e-3, 6.10035e-4, 5.17158e-5};
  for (int i = 0; i < 4; ++i)
    EXPECT_NEAR(cubic_zone_constant(1.0, 0.0, speeds[i], 1e-6), reference[i], reference[i] * 6e-5)
        << speeds[i];
}

TEST(LowSpeedLoss, LossMatrixAndClosedForm) { // §10 rows 13, 40
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const Mat3 drag = crystal::drag_matrix(cubic, 1e-10);
  const double m0 = 5.59361e-4;
  EXPECT_NEAR(kEnergy * drag(0, 0), m0, 2e-6 * m0); // 𝓛 = ℳ/4π² in seed-001 units
  EXPECT_LT((drag - drag(0, 0) * Mat3::Identity()).norm(), 1e-10 * drag.norm()); // isotropic
  const double lambdas[] = {0.5, 1, 2, 4};
  const double s0[] = {5.94865e-3, 7.43582e-4, 9.29477e-5, 1.16185e-5};
  const double s1[] = {3.99496e-4, 4.55914e-4, 8.44523e-5, 1.13693e-5};
  for (int i = 0; i < 4; ++i)
    for (int s = 0; s <= 1; ++s) {
      const dynamics::Gaussian potential(kEnergy, lambdas[i]);
      const StraightPath path{Vec3(0, s, -7 * lambdas[i]), Vec3::UnitZ()};
      const double numeric =
          low_speed_loss_per_speed(potential, {Vec3::Zero()}, path, drag) / kEnergy;
      const double closed =
          gaussian_low_speed_loss_per_speed(kEnergy, lambdas[i], s, drag(0, 0)) / kEnergy;
      EXPECT_NEAR(numeric, closed, 1e-8 * closed);
      EXPECT_NEAR(closed, s == 0 ? s0[i] : s1[i], 1e-5 * closed) << lambdas[i] << " " << s;
    }
}

TEST(LowSpeedLoss, ZoneIntegralApproachesTheConstantAtLowSpeed) { // §6.6 fact 3
  const double constant = 5.94865e-3;                             // s = 0, λ = ½
  const double at2 = cubic_zone_constant(0.5, 0.0, 2.0, 1e-5);
  EXPECT_NEAR(at2, 6.10e-3, 0.01e-3);
  EXPECT_NEAR(at2 / constant, 1, 0.03);
}

// Seed 001 Fig. 5 at its slowest speed: the loss of a wide Gaussian (λ = 4) lives in a ball of
// |q| ≲ 0.01 around Γ, which no first sample of a uniform midpoint grid or cubature reaches (the
// old code returned exactly 0 there). Eq. 13 → Eq. 23 at low speed (§6.6 fact 3).
TEST(LowSpeedLoss, ZoneIntegralFindsALossConcentratedAtGamma) {
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const Mat3 drag = crystal::drag_matrix(cubic, 1e-10);
  for (const auto geometry : {PassGeometry::square, PassGeometry::cube}) {
    const double lambda = 4.0, speed = 2.0;
    const auto layout = pass_layout(cubic, geometry, 0.0, lambda);
    const GaussianPathTransform transform(kEnergy, lambda);
    const auto atoms = atoms_on_path(cubic, layout.atoms, layout.path);
    const double zone =
        zone_loss(cubic, transform, atoms, layout.path.direction, speed, 1e-6).loss / speed;
    std::vector<Vec3> sites;
    for (const auto &a : layout.atoms)
      sites.push_back(cubic.equilibrium_position(a.cell, a.basis));
    const dynamics::Gaussian gaussian(kEnergy, lambda);
    const double eq23 = low_speed_loss_per_speed(gaussian, sites, layout.path, drag);
    EXPECT_NEAR(zone / eq23, 1.0, 0.01) << to_string(geometry);
  }
}
