// physics.md §3 (seed 002 Eqs. 18–20, 25–27), checkable facts §3.6 and §10 rows 28–30.
#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"

#include "unit/crystal_test_support.hpp"
#include "unit/fit_test_support.hpp"
#include "unit/sinusoid_bath.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = 3.0;          // Å
constexpr double ell = 3.29077e-5; // 𝓛 = ℓ I, ps Å²/meV (§1.7)
constexpr double M = 0.7;          // meV ps²/Å²
const crystal::Crystal kCubic = crystal::Crystal::simple_cubic(a, 3.5, 520.0, 170.0);
const Mat3 kDrag = ell * Mat3::Identity();
const Vec3 kCentre(1.5, 1.5, 1.5);

using crystal::support::cubic_group;

// W_L(0) from the reference blocks of physics.md §1.6 (units 1e-4 Å²/meV) and W_PL = P W_L Pᵀ.
// Blocks for |L|∞ ≤ 1 and for the axial separations up to 7; the others stay zero (not needed).
crystal::StaticResponseTable reference_static_response(int range) {
  crystal::StaticResponseTable table;
  table.range = range;
  const int w = 2 * range + 1;
  table.blocks.assign(static_cast<std::size_t>(w) * w * w, Mat3::Zero());
  std::vector<std::pair<Cell, Mat3>> known;
  known.emplace_back(Cell(0, 0, 0), 9.48247 * Mat3::Identity());
  known.emplace_back(Cell(1, 0, 0), Vec3(4.40872, 2.15590, 2.15590).asDiagonal());
  Mat3 w110 = Vec3(2.15317, 2.15317, 1.48679).asDiagonal();
  w110(0, 1) = w110(1, 0) = 0.383284;
  known.emplace_back(Cell(1, 1, 0), w110);
  Mat3 w111 = Mat3::Constant(0.0493152);
  w111.diagonal().setConstant(1.41564);
  known.emplace_back(Cell(1, 1, 1), w111);
  const double axial[6][2] = {{1.12610, 2.45513},   {0.738818, 1.62442},  {0.552099, 1.20096},
                              {0.441189, 0.951637}, {0.367474, 0.788623}, {0.314835, 0.673796}};
  for (int j = 2; j <= 7; ++j)
    known.emplace_back(Cell(0, 0, j),
                       Vec3(axial[j - 2][0], axial[j - 2][0], axial[j - 2][1]).asDiagonal());
  for (const auto &[L0, W0] : known)
    for (const Mat3 &P : cubic_group()) {
      const Cell L = (P * L0.cast<double>()).array().round().cast<int>();
      if (table.contains(L))
        table.blocks[crystal::StaticResponseTable::index(L, range)] = 1e-4 * P * W0 * P.transpose();
    }
  return table;
}

const crystal::StaticResponseTable kW1 = reference_static_response(1);
const crystal::StaticResponseTable kW7 = reference_static_response(7);

using test_support::SinusoidBath;

// Σ_n U(R − A n) over the sites.
double interaction_energy(const PairPotential &U, std::span<const Cell> sites, const Vec3 &R) {
  double sum = 0;
  for (const Cell &n : sites)
    sum += U.value(R - kCubic.equilibrium_position(n));
  return sum;
}

using test_support::slope;

// Small oscillation about R0 with r_H ≡ 0: the mechanical energy above the minimum decays as
// e^{−2Γt}; returns Γ from a fit of ln E over `duration` and checks that E never increases
// (to `tolerance_meV`) when `monotone` is set.
struct DecayRun {
  double rate_per_ps;
  double energy_ratio; // E(end)/E(0)
};
DecayRun measure_decay(const PairPotential &U, const crystal::StaticResponseTable &W,
                       const Vec3 &inverse_mass, InteractionList list, TimeLocalOptions options,
                       const Vec3 &R0, const Vec3 &displacement, double duration_ps, bool monotone,
                       double dt_ps = 5e-3) {
  bath::StaticFramework frame(dt_ps);
  TimeLocalIntegrator ion(kCubic, W, kDrag, U, frame, inverse_mass, std::move(list), options);
  ion.set_state(R0 + displacement, Vec3::Zero());
  ion.step(); // fixes the interaction list for the energy
  const std::vector<Cell> sites(ion.sites().begin(), ion.sites().end());
  const double E_min = interaction_energy(U, sites, R0);
  const auto energy = [&] {
    const Vec3 v = ion.velocity_A_per_ps();
    return 0.5 * M * v.squaredNorm() + interaction_energy(U, sites, ion.position_A()) - E_min;
  };
  std::vector<double> t, log_E;
  const double E0 = energy();
  double previous = E0;
  while (ion.time_ps() < duration_ps) {
    ion.step();
    const double E = energy();
    if (monotone) {
      EXPECT_LE(E, previous * (1 + 1e-9)) << "t = " << ion.time_ps();
    }
    previous = E;
    t.push_back(ion.time_ps());
    log_E.push_back(std::log(E));
  }
  return {-0.5 * slope(t, log_E), previous / E0};
}

const Vec3 kFree = Vec3::Constant(1 / M);
const Vec3 kAlongZ(0, 0, 1 / M);
std::vector<Cell> collinear_sites() {
  std::vector<Cell> s;
  for (int j = 0; j < 8; ++j)
    s.emplace_back(0, 0, j);
  return s;
}
} // namespace

TEST(TimeLocalIntegrator, AtRestAtTheCellCentreStaysAtRest) { // §3.6 fact 1
  const Yukawa U(4000, 0.5);
  for (const int extent : {1, 2}) {
    bath::StaticFramework frame(5e-3);
    TimeLocalIntegrator ion(kCubic, extent == 1 ? kW1 : reference_static_response(3), kDrag, U,
                            frame, kFree, InteractionList::corners(extent));
    ion.set_state(kCentre, Vec3::Zero());
    ion.advance(1000);
    EXPECT_EQ(ion.step_index(), 1000);
    EXPECT_LT((ion.position_A() - kCentre).norm(), 1e-14) << "extent " << extent;
    // Roundoff of the Eq. 19 sums (summation order differs between mirror atoms): ~3e-14 Å/ps.
    EXPECT_LT(ion.velocity_A_per_ps().norm(), 1e-13) << "extent " << extent;
    EXPECT_EQ(ion.sites().size(), std::size_t(8 * extent * extent * extent));
  }
}

TEST(TimeLocalForceLaw, ReducesToScalarEq27ForOneAtomOnAnAxis) { // §3.5, §3.6 fact 2
  // Single atom at the origin, particle on z: M R̈ ≈ −U' + w U''U' − l U''² Ṙ (seed 002 Eq. 27).
  // The neglected terms are second order in the corrections, so (F_3D − F_27)/F_static ∝ U0².
  const double w = 9.48247e-4, R = 1.5, Rdot = 5.0;
  const Eigen::MatrixXd coupling = w * Eigen::MatrixXd::Identity(3, 3);
  const Vec3 x_H[1] = {Vec3::Zero()}, v_H[1] = {Vec3::Zero()};
  std::vector<double> relative_residual;
  for (const double U0 : {400.0, 200.0, 100.0, 50.0}) {
    const Yukawa U(U0, 0.5);
    const TimeLocalForceLaw law(U, ell * Mat3::Identity(), {});
    const TimeLocalForce f = law(coupling, x_H, v_H, Vec3(0, 0, R), Vec3(0, 0, Rdot));
    const RadialTerms u = U.radial(R);
    const double eq27 = -u.first + w * u.second * u.first - ell * u.second * u.second * Rdot;
    EXPECT_EQ(f.force_meV_per_A.x(), 0.0);
    EXPECT_EQ(f.force_meV_per_A.y(), 0.0);
    // The Eq. 27 corrections are resolved: the residual is below 10 % of them (7 % at U0 = 400,
    // falling ∝ U0).
    const double correction = std::abs(eq27 + u.first);
    EXPECT_LT(std::abs(f.force_meV_per_A.z() - eq27), 0.1 * correction) << "U0 = " << U0;
    relative_residual.push_back(std::abs(f.force_meV_per_A.z() - eq27) / std::abs(u.first));
  }
  for (std::size_t i = 0; i + 1 < relative_residual.size(); ++i) {
    const double ratio = relative_residual[i] / relative_residual[i + 1];
    EXPECT_GT(ratio, 3.8) << "halving " << i; // → 4 as U0 → 0
    EXPECT_LT(ratio, 4.2) << "halving " << i;
  }
}

TEST(TimeLocalIntegrator, SmallOscillationAtTheCellCentreDecaysAtEllHSquaredOver2M) {
  // §3.6 fact 3, §10 row 29: h = 90.9445 meV/Å², γ = ℓh² = 0.27218, amplitude rate γ/2M.
  const Yukawa U(4000, 0.5);
  const double expected = 0.27218 / (2 * M);
  const Vec3 d = 0.01 * Vec3(1, 2, -1).normalized();
  const DecayRun bare =
      measure_decay(U, kW1, kFree, {}, {.relaxation = false}, kCentre, d, 20, true);
  EXPECT_NEAR(bare.rate_per_ps, expected, 0.01 * expected); // linear theory, 1 %
  const DecayRun relaxed = measure_decay(U, kW1, kFree, {}, {}, kCentre, d, 20, false);
  EXPECT_NEAR(relaxed.rate_per_ps, expected, 0.05 * expected); // relaxation shifts h, 5 %
  EXPECT_LT(relaxed.energy_ratio, std::exp(-2 * 0.9 * expected * 20));
}

TEST(TimeLocalIntegrator, CollinearFig4GeometryDecaysAt0133PerPs) {
  // §4.3 (b), §10 row 30: U0 = 150, 8 atoms (0,0,j), R_z = 10.5, z only; h_zz = 75.2749,
  // ℓh² = 0.18647, rate 0.133 ps⁻¹.
  const Yukawa U(150, 0.5);
  const double expected = 0.18647 / (2 * M);
  const Vec3 R0(0, 0, 10.5), d(0, 0, 0.01);
  const DecayRun bare = measure_decay(U, kW7, kAlongZ, InteractionList::fixed(collinear_sites()),
                                      {.relaxation = false}, R0, d, 20, true);
  EXPECT_NEAR(bare.rate_per_ps, expected, 0.01 * expected);
  const DecayRun relaxed = measure_decay(U, kW7, kAlongZ, InteractionList::fixed(collinear_sites()),
                                         {}, R0, d, 20, false);
  EXPECT_NEAR(relaxed.rate_per_ps, expected, 0.05 * expected);
  EXPECT_NEAR(relaxed.rate_per_ps, 0.133, 0.05 * 0.133);
}

TEST(TimeLocalIntegrator, WithoutDragTheEnergyIsConserved) { // §3.6 fact 3 / ablation
  // Anharmonic oscillation (0.3 Å) inside the cell, r_H ≡ 0, no relaxation: the only energy error
  // is the RK5 truncation, 3e-8 relative over 10 ps at δt = 5e-3 ps, ∝ δt⁵.
  const Yukawa U(4000, 0.5);
  const Vec3 d = 0.3 * Vec3(1, 2, -1).normalized();
  const TimeLocalOptions conservative{.drag = false, .relaxation = false};
  const double error = std::abs(
      1 - measure_decay(U, kW1, kFree, {}, conservative, kCentre, d, 10, false).energy_ratio);
  const double error_half = std::abs(
      1 -
      measure_decay(U, kW1, kFree, {}, conservative, kCentre, d, 10, false, 2.5e-3).energy_ratio);
  EXPECT_LT(error, 1e-7);
  EXPECT_GT(error / error_half, 24.0); // → 32
  EXPECT_LT(error / error_half, 40.0);
  const DecayRun dragged =
      measure_decay(U, kW1, kFree, {}, {.relaxation = false}, kCentre, d, 10, true);
  EXPECT_LT(dragged.energy_ratio, 0.1);
}

TEST(TimeLocalIntegrator, AblationSwitchesEqualZeroedCouplings) { // §3.3 options
  const Yukawa U(4000, 0.5);
  crystal::StaticResponseTable zero_W = kW1;
  for (Mat3 &b : zero_W.blocks)
    b.setZero();
  const auto run = [&](const crystal::StaticResponseTable &W, const Mat3 &drag,
                       TimeLocalOptions options) {
    SinusoidBath field(5e-3, 0.05);
    TimeLocalIntegrator ion(kCubic, W, drag, U, field, kFree, {}, options);
    ion.set_state(kCentre + Vec3(0.2, -0.1, 0.3), Vec3(3, -2, 4));
    ion.advance(300);
    Eigen::Matrix<double, 6, 1> y;
    y << ion.position_A(), ion.velocity_A_per_ps();
    return y;
  };
  const auto full = run(kW1, kDrag, {});
  EXPECT_EQ(run(kW1, kDrag, {.drag = false}), run(kW1, Mat3::Zero(), {}));
  EXPECT_EQ(run(kW1, kDrag, {.relaxation = false}), run(zero_W, kDrag, {}));
  EXPECT_GT((run(kW1, kDrag, {.drag = false}) - full).norm(), 1e-6);
  EXPECT_GT((run(kW1, kDrag, {.relaxation = false}) - full).norm(), 1e-6);
}

TEST(TimeLocalIntegrator, FifthOrderConvergenceInAThermalLikeField) { // §3.6 fact 5, §10 row 35
  const Yukawa U(4000, 0.5);
  const double duration = 1.0;
  std::vector<Eigen::Matrix<double, 6, 1>> states;
  for (const double dt : {8e-3, 4e-3, 2e-3, 1e-3, 5e-4}) {
    SinusoidBath field(dt, 0.05);
    TimeLocalIntegrator ion(kCubic, kW1, kDrag, U, field, kFree, {});
    ion.set_state(kCentre, Vec3(1.0, -0.5, 0.7));
    const auto steps = static_cast<std::int64_t>(std::llround(duration / dt));
    for (std::int64_t k = 0; k < steps; ++k) {
      ion.step();
      ASSERT_EQ(ion.current_cell(), Cell(1, 1, 1)) << "left the cell: no face crossings wanted";
    }
    Eigen::Matrix<double, 6, 1> y;
    y << ion.position_A(), ion.velocity_A_per_ps() / 10.0; // velocity scaled by ~1/ω
    states.push_back(y);
  }
  for (std::size_t i = 0; i + 2 < states.size(); ++i) {
    const double ratio =
        (states[i] - states[i + 1]).norm() / (states[i + 1] - states[i + 2]).norm();
    EXPECT_GT(ratio, 28.0) << "halving " << i;
    EXPECT_LT(ratio, 36.0) << "halving " << i;
  }
}

TEST(TimeLocalIntegrator, EffectivePositionShiftsHaveTheExpectedSize) { // §3.6 fact 6
  const Yukawa U(4000, 0.5);
  bath::StaticFramework frame(5e-3);
  TimeLocalIntegrator ion(kCubic, kW1, kDrag, U, frame, kFree, {});
  // At the cell centre Hess = h I: R_eff − R = ℓ h Ṙ exactly (h = 90.9445, §10 row 29).
  const Vec3 v(6.0, -1.0, 2.0);
  ion.set_state(kCentre, v);
  ion.step();
  EXPECT_LT((ion.last_R_eff_minus_R_A() - ell * 90.9445 * v).norm(),
            1e-5 * ell * 90.9445 * v.norm());
  EXPECT_GT(ion.last_R_eff_minus_R_A().norm(), 1e-2); // O(1e-2) Å at a thermal speed
  EXPECT_GT(ion.last_max_relaxation_A(), 1e-3);
  EXPECT_LT(ion.last_max_relaxation_A(), 0.02);

  // Relaxation is largest at a face (four atoms at 2.12 Å): first order with the 8 corners, each
  // near atom moves 0.022 Å along both in-plane axes (|shift| 0.031 Å); cf. §10 row 27, 0.0205 Å
  // for the self-consistent full-lattice minimum.
  ion.set_state(Vec3(1.5, 1.5, 2.99), Vec3::Zero());
  ion.step();
  EXPECT_EQ(ion.sites()[0], Cell(0, 0, 0));
  EXPECT_GT(ion.last_max_relaxation_A(), 0.025);
  EXPECT_LT(ion.last_max_relaxation_A(), 0.035);
  EXPECT_EQ(ion.last_R_eff_minus_R_A(), Vec3::Zero()); // at rest, static framework

  // Independent evaluation of Eq. 19: max_n |Σ_k W_{n−k}(0) ∇U(R − A k)|.
  double max_shift = 0;
  for (const Cell &n : ion.sites()) {
    Vec3 shift = Vec3::Zero();
    for (const Cell &k : ion.sites())
      shift += kW1(n - k) * U.gradient(Vec3(1.5, 1.5, 2.99) - kCubic.equilibrium_position(k));
    max_shift = std::max(max_shift, shift.norm());
  }
  EXPECT_NEAR(ion.last_max_relaxation_A(), max_shift, 1e-12 * max_shift);
}

TEST(TimeLocalIntegrator, SamplesTheBathAtFiveQuarterStepsAndReusesTheStepEnd) { // §3.3
  const Yukawa U(4000, 0.5);
  SinusoidBath field(5e-3, 0.05);
  TimeLocalIntegrator ion(kCubic, kW1, kDrag, U, field, kFree, {});
  ion.set_state(Vec3(4.0, -1.0, 7.5), Vec3(1, 0, 0));
  ion.advance(3);
  const std::vector<std::int64_t> expected{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  EXPECT_EQ(field.calls, expected);
  // p = ceil(R/a) = (2, 0, 3): corners x ∈ {1,2}, y ∈ {−1,0}, z ∈ {2,3}, x fastest.
  ASSERT_EQ(field.last_sites.size(), 8u);
  EXPECT_EQ(field.last_sites.front(), Cell(1, -1, 2));
  EXPECT_EQ(field.last_sites.back(), Cell(2, 0, 3));
  EXPECT_EQ(ion.current_cell(), Cell(2, 0, 3));

  // A new cell re-evaluates the step start.
  ion.set_state(Vec3(7.0, -1.0, 7.5), Vec3(1, 0, 0));
  ion.step();
  const std::vector<std::int64_t> tail(field.calls.end() - 5, field.calls.end());
  EXPECT_EQ(tail, (std::vector<std::int64_t>{12, 13, 14, 15, 16}));
}

TEST(TimeLocalIntegrator, ReferenceFieldShiftEvaluatesTheFieldOneStepAhead) { // §3.3 quirk
  const Yukawa U(4000, 0.5);
  const auto run = [&](bool shift, std::int64_t quarter_offset) {
    SinusoidBath field(5e-3, 0.05, quarter_offset);
    TimeLocalIntegrator ion(kCubic, kW1, kDrag, U, field, kFree, {},
                            {.reference_field_shift = shift});
    ion.set_state(kCentre, Vec3(2, 1, -1));
    ion.advance(200);
    Eigen::Matrix<double, 6, 1> y;
    y << ion.position_A(), ion.velocity_A_per_ps();
    return y;
  };
  EXPECT_EQ(run(true, 0), run(false, 4));
  EXPECT_GT((run(true, 0) - run(false, 0)).norm(), 1e-8);
}

TEST(TimeLocalIntegrator, GeneralBravaisLatticeCellFromInverseLatticeVectors) { // §3.2
  Mat3 A;
  A.col(0) = Vec3(3, 0, 0);
  A.col(1) = Vec3(1.5, 2.6, 0);
  A.col(2) = Vec3(0, 0.5, 3);
  const crystal::Crystal skewed(A, 3.5, {}, "skewed");
  const Yukawa U(4000, 0.5);
  bath::StaticFramework frame(5e-3);
  TimeLocalIntegrator ion(skewed, kW1, kDrag, U, frame, kFree, {}, {.relaxation = false});
  ion.set_state(A * Vec3(-0.3, 1.6, 0.5), Vec3::Zero());
  EXPECT_EQ(ion.current_cell(), Cell(0, 2, 1));
  ion.step();
  EXPECT_EQ(ion.sites().front(), Cell(-1, 1, 0));
  EXPECT_EQ(ion.sites().back(), Cell(0, 2, 1));
}

TEST(TimeLocalIntegrator, RejectsUnsupportedInteractionLists) {
  const Yukawa U(4000, 0.5);
  bath::StaticFramework frame(5e-3);
  EXPECT_THROW(
      TimeLocalIntegrator(kCubic, kW1, kDrag, U, frame, kFree, InteractionList::corners(3)),
      InputError);
  EXPECT_THROW(
      TimeLocalIntegrator(kCubic, kW1, kDrag, U, frame, kFree, InteractionList::corners(2)),
      InputError)
      << "extent 2 needs W blocks up to |L| = 3";
  EXPECT_THROW(TimeLocalIntegrator(kCubic, kW1, kDrag, U, frame, kFree,
                                   InteractionList::fixed(collinear_sites())),
               InputError);
  EXPECT_THROW(TimeLocalIntegrator(kCubic, kW1, kDrag, U, frame, kFree,
                                   InteractionList::fixed(std::vector<Cell>(65, Cell::Zero()))),
               InputError);
  EXPECT_NO_THROW(TimeLocalIntegrator(kCubic, kW1, kDrag, U, frame, kFree,
                                      InteractionList::corners(2), {.relaxation = false}));
}
