// physics.md §11.3: the time-local equation of motion of several mobile ions — one ion through
// the several-ion constructor is the single-ion integrator bitwise; symmetric ions at rest stay
// at rest; the joint static relaxation is linear in the ions' sources and couples lists through
// W_{n−k}(0), a cross-talk that decays with separation; the ion–ion term obeys Newton's third law
// and conserves energy; the optional cross-drag acts between ions whose lists share atoms only.
#include "full_lattice_test_support.hpp"
#include "ionbath/bath/chebyshev_bath_field.hpp"
#include "ionbath/bath/thermal_bath.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"
#include "unit/fit_test_support.hpp"
#include "unit/sinusoid_bath.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = support::kSpacing_A;
constexpr double M = 0.7;            // meV ps²/Å²
constexpr double ell = 3.29077e-5;   // 𝓛 = ℓ I, ps Å²/meV (physics.md §1.7)
constexpr double h_centre = 90.9445; // Hess U at the 8-corner cell centre, U0 = 4000 (§3.6)
constexpr double kDt = 5e-3;         // ps
const crystal::Crystal &kCubic = support::kSeedCubic;
const Yukawa &kU = support::kSeedIon;
const Vec3 kFree = support::kFreeIon;
const Mat3 kDrag = ell * Mat3::Identity();
// Screened ion–ion term of moderate strength: U^ion(3 Å) ≈ 85 meV for z = z' = 1.
const ScreenedCoulombParams kIonIon{
    .relative_permittivity = 10.0, .screening_length_A = 2.0, .cutoff_A = 8.0};

// W_L(0) for |L|∞ ≤ 7 (the FFT continuum blocks, physics.md §1.6).
const crystal::StaticResponseTable &W7() {
  static const crystal::StaticResponseTable table = crystal::static_response_fft(kCubic, 64, 7);
  return table;
}

// In the 20³ bath's periodic box (physics.md §11.1).
IonIonInteraction screened(double relative_permittivity = kIonIon.relative_permittivity,
                           double cutoff_A = kIonIon.cutoff_A) {
  ScreenedCoulombParams p = kIonIon;
  p.relative_permittivity = relative_permittivity;
  p.cutoff_A = cutoff_A;
  return IonIonInteraction::screened_coulomb(
      p, PeriodicSupercell(kCubic.lattice_vectors(), GridShape{20, 20, 20}));
}

std::vector<TimeLocalIon> ions(int count, const PairPotential &U = kU) {
  return std::vector<TimeLocalIon>(static_cast<std::size_t>(count), {&U, kFree, 1.0});
}

Vec3 centre(const Cell &p) { // centre of the cell whose far corner is p (anchor p)
  return a * (p.cast<double>() - Vec3::Constant(0.5));
}

// The first three plane waves of SinusoidBath.
test_support::SinusoidBath plane_wave_bath(double dt_ps, double amplitude_A) {
  return test_support::SinusoidBath(dt_ps, amplitude_A, 0, 3);
}

// The 20³ seed 002 bath at ħΩ_T = 50 meV (ions hop within a few thousand steps).
const bath::ThermalBath &thermal_bath() {
  static const crystal::ModeSet modes(kCubic, {20, 20, 20});
  static const bath::ThermalBath bath(modes, {.kT_meV = 50.0, .seed = 3});
  return bath;
}

// Mechanical energy with the framework at rest: Σ_i ½ M Ṙ_i² + Σ_i Σ_{n∈S_i} U(R_i − A n) + U^ion
// (z = 1), S_i the 8 corners of ion i's cell, mass M.
double energy(std::span<const Vec3> R, std::span<const Vec3> V,
              const IonIonInteraction &ii = IonIonInteraction::none()) {
  const Mat3 inverse = kCubic.lattice_vectors().inverse();
  double E = 0;
  for (std::size_t i = 0; i < R.size(); ++i) {
    E += 0.5 * M * V[i].squaredNorm();
    const Cell p = anchor_cell(inverse, R[i]);
    for (int o = 0; o < 8; ++o) {
      const Cell n = p - Cell(1, 1, 1) + Cell(o & 1, (o >> 1) & 1, (o >> 2) & 1);
      E += kU.value(R[i] - kCubic.equilibrium_position(n));
    }
  }
  return E + ii.energy_meV(R, std::vector<double>(R.size(), 1.0));
}

double energy(const TimeLocalIntegrator &tl,
              const IonIonInteraction &ii = IonIonInteraction::none()) {
  std::vector<Vec3> R, V;
  for (int i = 0; i < tl.ion_count(); ++i) {
    R.push_back(tl.position_A(i));
    V.push_back(tl.velocity_A_per_ps(i));
  }
  return energy(R, V, ii);
}

// Index of cell n in the union S of the last step.
std::size_t union_index(const TimeLocalIntegrator &tl, const Cell &n) {
  const auto s = tl.sites();
  const auto it = std::find(s.begin(), s.end(), n);
  EXPECT_NE(it, s.end());
  return static_cast<std::size_t>(it - s.begin());
}

// x_eff − x_H of a single ion at R with the framework at rest, per cell of its list.
std::vector<std::pair<Cell, Vec3>> single_relaxation(const Vec3 &R) {
  bath::StaticFramework frame(kDt);
  TimeLocalIntegrator one(kCubic, W7(), kDrag, kU, frame, kFree, {});
  one.set_state(R, Vec3::Zero());
  one.step();
  std::vector<std::pair<Cell, Vec3>> out;
  for (std::size_t k = 0; k < one.sites().size(); ++k)
    out.emplace_back(one.sites()[k], one.last_relaxation_A()[k]);
  return out;
}

// Joint relaxation of two ions at rest, static framework, per union atom.
TimeLocalIntegrator joint_at_rest(bath::BathField &frame, const Vec3 &R0, const Vec3 &R1,
                                  TimeLocalOptions options = {}) {
  TimeLocalIntegrator two(kCubic, W7(), kDrag, ions(2), IonIonInteraction::none(), frame, {},
                          options);
  two.set_state(0, R0, Vec3::Zero());
  two.set_state(1, R1, Vec3::Zero());
  two.step();
  return two;
}

// Largest deviation of the two-ion trajectory from the two single-ion ones over `steps` steps in
// the plane-wave field (ion–ion off).
double deviation_from_single_runs(const Vec3 &R0, const Vec3 &R1, const Vec3 &V0, const Vec3 &V1,
                                  TimeLocalOptions options, int steps) {
  auto f2 = plane_wave_bath(kDt, 0.02), f0 = plane_wave_bath(kDt, 0.02),
       f1 = plane_wave_bath(kDt, 0.02);
  TimeLocalIntegrator two(kCubic, W7(), kDrag, ions(2), IonIonInteraction::none(), f2, {}, options);
  TimeLocalIntegrator one0(kCubic, W7(), kDrag, kU, f0, kFree, {}, options);
  TimeLocalIntegrator one1(kCubic, W7(), kDrag, kU, f1, kFree, {}, options);
  two.set_state(0, R0, V0);
  two.set_state(1, R1, V1);
  one0.set_state(R0, V0);
  one1.set_state(R1, V1);
  double worst = 0;
  for (int k = 0; k < steps; ++k) {
    two.step();
    one0.step();
    one1.step();
    worst = std::max({worst, (two.position_A(0) - one0.position_A()).norm(),
                      (two.position_A(1) - one1.position_A()).norm()});
  }
  return worst;
}

using test_support::slope;
} // namespace

TEST(TimeLocalIons, OneIonThroughTheSeveralIonConstructorIsBitwiseTheSingleIonIntegrator) {
  // The 20³ Chebyshev bath at 50 meV, 3000 steps (the ion hops), moving and fixed lists; with
  // one ion the cross-drag has no partner. The restart halfway goes through both restore forms.
  std::vector<Cell> chain;
  for (int j = 0; j < 8; ++j)
    chain.emplace_back(0, 0, j);
  struct Case {
    InteractionList list;
    TimeLocalOptions options;
    Vec3 inverse_mass, R0, V0;
  };
  const std::vector<Case> cases{
      {InteractionList::corners(), {}, kFree, centre(Cell(1, 1, 1)), Vec3::Zero()},
      {InteractionList::corners(),
       {.cross_drag = true},
       kFree,
       Vec3(4.0, -1.0, 7.5),
       Vec3(3, -2, 1)},
      {InteractionList::fixed(chain), {}, Vec3(0, 0, 1 / M), Vec3(0, 0, 10.5), Vec3(0, 0, 7.5)}};
  int hops = 0;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    bath::ChebyshevBathField field_old(thermal_bath(), kDt), field_new(thermal_bath(), kDt);
    const Case &k = cases[c];
    TimeLocalIntegrator single(kCubic, W7(), kDrag, kU, field_old, k.inverse_mass, k.list,
                               k.options);
    TimeLocalIntegrator general(kCubic, W7(), kDrag, {{&kU, k.inverse_mass, 1.0}},
                                IonIonInteraction::none(), field_new, k.list, k.options);
    single.set_state(k.R0, k.V0);
    general.set_state(0, k.R0, k.V0);
    int mismatches = 0;
    Cell cell = single.current_cell();
    for (int step = 0; step < 3000; ++step) {
      if (step == 1500) {
        const Vec3 R = general.position_A(), V = general.velocity_A_per_ps();
        single.restore(single.step_index(), single.position_A(), single.velocity_A_per_ps());
        general.restore(general.step_index(), std::span<const Vec3>(&R, 1),
                        std::span<const Vec3>(&V, 1));
      }
      single.step();
      general.step();
      mismatches += single.position_A() != general.position_A() ||
                    single.velocity_A_per_ps() != general.velocity_A_per_ps() ||
                    single.last_R_eff_minus_R_A() != general.last_R_eff_minus_R_A() ||
                    single.last_max_relaxation_A() != general.last_max_relaxation_A();
      hops += single.current_cell() != cell;
      cell = single.current_cell();
    }
    EXPECT_EQ(mismatches, 0) << "case " << c;
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(single.position_A()[i], general.position_A()[i]) << "case " << c;
      EXPECT_EQ(single.velocity_A_per_ps()[i], general.velocity_A_per_ps()[i]) << "case " << c;
    }
    EXPECT_TRUE(std::equal(single.sites().begin(), single.sites().end(), general.sites().begin(),
                           general.sites().end()));
  }
  EXPECT_GT(hops, 3) << "the runs should cross cell faces";
}

TEST(TimeLocalIons, SymmetricIonsAtRestStayAtRest) {
  // Cell centres ten cells apart, the framework at rest: the table (range 7) does not reach
  // between the lists, so W does not couple them, and the ions are beyond the ion–ion cutoff (30 Å
  // > 8 Å), so each ion sits at an inversion centre of everything it feels; ion–ion term,
  // relaxation and drag on.
  bath::StaticFramework frame(kDt);
  TimeLocalIntegrator two(kCubic, W7(), kDrag, ions(2), screened(), frame, {});
  const Vec3 R0 = centre(Cell(1, 1, 1)), R1 = centre(Cell(11, 1, 1));
  two.set_state(0, R0, Vec3::Zero());
  two.set_state(1, R1, Vec3::Zero());
  two.advance(1000);
  EXPECT_LT((two.position_A(0) - R0).norm(), 1e-12);
  EXPECT_LT((two.position_A(1) - R1).norm(), 1e-12);
  EXPECT_LT(two.velocity_A_per_ps(0).norm(), 1e-12);
  EXPECT_LT(two.velocity_A_per_ps(1).norm(), 1e-12);
  EXPECT_GT(two.last_max_relaxation_A(), 1e-3);
  EXPECT_EQ(two.sites().size(), 16u);
}

TEST(TimeLocalIons, MirrorSymmetricPairMovesSymmetrically) {
  // Centres two cells apart along x (6 Å, inside the ion–ion cutoff; lists coupled through W):
  // the mirror x → 9 Å − x swaps the ions, the mirrors through y = z = 1.5 Å fix them. The ions
  // repel (ion–ion) and attract (the joint relaxation); R_0x + R_1x = 9 Å, y and z stay.
  bath::StaticFramework frame(kDt);
  TimeLocalIntegrator two(kCubic, W7(), kDrag, ions(2), screened(), frame, {});
  two.set_state(0, centre(Cell(1, 1, 1)), Vec3::Zero());
  two.set_state(1, centre(Cell(3, 1, 1)), Vec3::Zero());
  two.advance(400);
  const Vec3 &R0 = two.position_A(0), &R1 = two.position_A(1);
  EXPECT_GT(std::abs(R0.x() - 1.5), 1e-3) << "the ions should move";
  EXPECT_NEAR(R0.x() + R1.x(), 9.0, 1e-11);
  EXPECT_NEAR(two.velocity_A_per_ps(0).x() + two.velocity_A_per_ps(1).x(), 0.0, 1e-11);
  for (int c = 1; c < 3; ++c) {
    EXPECT_NEAR(R0[c], 1.5, 1e-12);
    EXPECT_NEAR(R1[c], 1.5, 1e-12);
  }
}

TEST(TimeLocalIons, JointRelaxationIsLinearInTheSourcesAndCouplesNearbyLists) {
  // Far apart (the table does not reach between the lists): each list relaxes as in its
  // single-ion run.
  const Vec3 R0(1.2, 1.7, 1.4);
  bath::StaticFramework frame(kDt);
  {
    const Vec3 R1 = R0 + Vec3(30.3, -0.4, 0.2);
    const TimeLocalIntegrator two = joint_at_rest(frame, R0, R1);
    ASSERT_EQ(two.sites().size(), 16u);
    double worst = 0;
    for (const Vec3 &R : {R0, R1})
      for (const auto &[n, shift] : single_relaxation(R))
        worst = std::max(worst, (two.last_relaxation_A()[union_index(two, n)] - shift).norm());
    EXPECT_LE(worst, 1e-12);
  }
  // Neighbouring cells sharing 4 atoms: the joint relaxation is W applied to the summed sources,
  // checked against a direct sum; at the shared atoms it is the sum of the two single-ion
  // relaxations (linearity), at the others it differs from its single-ion value by the
  // neighbour's W-coupled source.
  const Vec3 R1(4.6, 1.3, 1.5);
  const TimeLocalIntegrator two = joint_at_rest(frame, R0, R1);
  ASSERT_EQ(two.sites().size(), 12u);
  const auto single0 = single_relaxation(R0), single1 = single_relaxation(R1);
  const auto in = [](const std::vector<std::pair<Cell, Vec3>> &list, const Cell &n) {
    for (const auto &[c, shift] : list)
      if (c == n)
        return std::pair<bool, Vec3>{true, shift};
    return std::pair<bool, Vec3>{false, Vec3::Zero()};
  };
  double direct_error = 0, shared_error = 0, largest = 0, smallest_change = 1e9;
  for (std::size_t k = 0; k < two.sites().size(); ++k) {
    const Cell n = two.sites()[k];
    Vec3 direct = Vec3::Zero();
    for (const Cell &m : two.sites()) {
      Vec3 source = Vec3::Zero();
      for (const auto &[R, list] : {std::pair{R0, &single0}, std::pair{R1, &single1}})
        if (in(*list, m).first)
          source += kU.gradient(R - kCubic.equilibrium_position(m));
      direct += W7()(n - m) * source;
    }
    const Vec3 joint = two.last_relaxation_A()[k];
    direct_error = std::max(direct_error, (joint - direct).norm());
    largest = std::max(largest, joint.norm());
    const auto [in0, s0] = in(single0, n);
    const auto [in1, s1] = in(single1, n);
    if (in0 && in1)
      shared_error = std::max(shared_error, (joint - s0 - s1).norm());
    else
      smallest_change = std::min(smallest_change, (joint - (in0 ? s0 : s1)).norm());
  }
  EXPECT_LT(direct_error, 1e-14);
  EXPECT_LT(shared_error, 1e-14);
  EXPECT_GT(smallest_change, 1e-3 * largest);
  RecordProperty("smallest_change_A", fmt::format("{:.3e}", smallest_change));
  RecordProperty("largest_relaxation_A", fmt::format("{:.3e}", largest));
}

TEST(TimeLocalIons, DisjointListsCrossTalkOnlyThroughTheStaticResponse) {
  // Ions in the plane-wave field, ion–ion off, lists disjoint: without relaxation the pair moves
  // exactly as the two single-ion runs; with it the lists are coupled by W_{n−k}(0) ~ 1/|n − k|,
  // a cross-talk that decays with the separation and vanishes beyond the table's range.
  const Vec3 R0 = centre(Cell(1, 1, 1)) + Vec3(0.1, -0.2, 0.15);
  const Vec3 V0(3, -2, 1), V1(-2, 1, 3);
  const Vec3 apart(0.05, 0.2, -0.1);
  const auto run = [&](int cells, TimeLocalOptions options) {
    return deviation_from_single_runs(R0, R0 + Vec3(a * cells, 0, 0) + apart, V0, V1, options, 400);
  };
  EXPECT_LE(run(3, {.relaxation = false}), 1e-12);
  EXPECT_LE(run(7, {}), 1e-12); // |n − k|∞ up to 8 > 7 between the lists: not coupled
  std::vector<double> deviation, static_cross_talk;
  bath::StaticFramework frame(kDt);
  const auto single0 = single_relaxation(R0);
  for (const int cells : {2, 3, 4, 6}) {
    deviation.push_back(run(cells, {}));
    // x_eff − x_H of ion 0's atoms at rest: the joint value minus the single-ion one.
    const TimeLocalIntegrator two = joint_at_rest(frame, R0, R0 + Vec3(a * cells, 0, 0) + apart);
    double worst = 0;
    for (const auto &[n, shift] : single0)
      worst = std::max(worst, (two.last_relaxation_A()[union_index(two, n)] - shift).norm());
    static_cross_talk.push_back(worst);
  }
  for (std::size_t i = 0; i + 1 < deviation.size(); ++i) {
    EXPECT_LT(deviation[i + 1], deviation[i]) << "separation index " << i;
    EXPECT_LT(static_cross_talk[i + 1], static_cross_talk[i]) << "separation index " << i;
  }
  // From 2 to 6 cells the static cross-talk falls as the W_{n−k}(0) ~ 1/|n − k| tail of the
  // neighbour's net source (ion 1 sits off its cell centre, a net 14 meV/Å on its cage):
  // 1.2e-3 → 7.9e-4 Å; the 2 ps trajectory deviation falls by more than 2, to below 0.025 Å.
  EXPECT_LT(static_cross_talk.back(), 0.75 * static_cross_talk.front());
  EXPECT_LT(deviation.back(), 0.5 * deviation.front());
  EXPECT_LT(deviation.back(), 0.025);
  EXPECT_GT(deviation.front(), 1e-3); // the neighbour's lattice deformation matters
  RecordProperty("deviation_2_3_4_6_cells_A",
                 fmt::format("{:.2e} {:.2e} {:.2e} {:.2e}", deviation[0], deviation[1],
                             deviation[2], deviation[3]));
  RecordProperty("static_cross_talk_2_3_4_6_cells_A",
                 fmt::format("{:.2e} {:.2e} {:.2e} {:.2e}", static_cross_talk[0],
                             static_cross_talk[1], static_cross_talk[2], static_cross_talk[3]));
}

TEST(TimeLocalIons, IonIonForcesObeyNewtonsThirdLawAndConserveEnergy) {
  // Framework coupling switched off (U = 0): the ions feel U^ion only. Unequal masses and charge
  // numbers; Σ M_i Ṙ_i is conserved to rounding, the energy to the RK5 error. The cutoff (25 Å)
  // is not reached within the 0.5 ps: at r_c the force jumps (ion_ion.hpp), which costs the RK5
  // step crossing it ~1e-4 meV here.
  const Yukawa none(0.0, 0.5);
  const std::vector<double> mass{0.7, 1.4, 0.35}, z{1.0, 2.0, 1.0};
  std::vector<TimeLocalIon> three;
  for (std::size_t i = 0; i < 3; ++i)
    three.push_back({&none, Vec3::Constant(1 / mass[i]), z[i]});
  const IonIonInteraction ii = screened(10.0, 25.0);
  bath::StaticFramework frame(kDt);
  TimeLocalIntegrator tl(kCubic, W7(), kDrag, three, ii, frame, {});
  const std::vector<Vec3> R{Vec3(1.5, 1.5, 1.5), Vec3(4.7, 2.1, 1.0), Vec3(2.0, 5.2, 3.3)};
  const std::vector<Vec3> V{Vec3(1, 0, 0), Vec3(0, -1, 0.5), Vec3(0, 0, 0)};
  tl.restore(0, R, V);
  const auto momentum = [&] {
    Vec3 p = Vec3::Zero();
    for (int i = 0; i < 3; ++i)
      p += mass[static_cast<std::size_t>(i)] * tl.velocity_A_per_ps(i);
    return p;
  };
  const auto total_energy = [&] {
    std::vector<Vec3> now;
    double E = 0;
    for (int i = 0; i < 3; ++i) {
      now.push_back(tl.position_A(i));
      E += 0.5 * mass[static_cast<std::size_t>(i)] * tl.velocity_A_per_ps(i).squaredNorm();
    }
    return E + ii.energy_meV(now, z);
  };
  const Vec3 p0 = momentum();
  const double E0 = total_energy(), U0 = ii.energy_meV(R, z);
  double worst = 0;
  for (int block = 0; block < 10; ++block) {
    tl.advance(10); // 0.5 ps in all: the ions fly apart
    EXPECT_LT((momentum() - p0).norm(), 1e-13 * (1 + p0.norm()));
    worst = std::max(worst, std::abs(total_energy() - E0));
  }
  EXPECT_LT(worst, 1e-7 * U0);
  EXPECT_LT(
      ii.energy_meV(std::vector<Vec3>{tl.position_A(0), tl.position_A(1), tl.position_A(2)}, z),
      0.5 * U0)
      << "the ions should have converted half their energy";
  RecordProperty("energy_error_meV", fmt::format("{:.3e}", worst));
}

TEST(TimeLocalIons, WithoutDragAndRelaxationTheEnergyIsConserved) {
  // Neighbouring cells, ion–ion term on, framework at rest, drag and relaxation off: the force is
  // −∇ of Σ_i Σ_{S_i} U + U^ion (with relaxation the time-local law is conservative to first
  // order in W only, so it is not tested here). The ions stay in their cells.
  bath::StaticFramework frame(kDt);
  const IonIonInteraction ii = screened(40.0);
  TimeLocalIntegrator tl(kCubic, W7(), kDrag, ions(2), ii, frame, {},
                         {.drag = false, .relaxation = false});
  tl.set_state(0, centre(Cell(1, 1, 1)) + Vec3(0.1, 0.2, -0.1), Vec3(1, -1, 2));
  tl.set_state(1, centre(Cell(2, 1, 1)) + Vec3(-0.2, 0.1, 0.1), Vec3(-1, 2, 0));
  const double E0 = energy(tl, ii);
  double worst = 0;
  for (int block = 0; block < 20; ++block) {
    tl.advance(100);
    ASSERT_EQ(tl.current_cell(0), Cell(1, 1, 1));
    ASSERT_EQ(tl.current_cell(1), Cell(2, 1, 1));
    worst = std::max(worst, std::abs(energy(tl, ii) - E0));
  }
  EXPECT_LT(worst, 1e-7 * std::abs(E0));
  RecordProperty("energy_error_meV", fmt::format("{:.3e}", worst));
}

TEST(TimeLocalIons, CrossDragActsBetweenIonsWhoseListsShareAtoms) {
  // Disjoint lists (cells two apart): the option changes nothing, bitwise.
  {
    auto f_on = plane_wave_bath(kDt, 0.02), f_off = plane_wave_bath(kDt, 0.02);
    TimeLocalIntegrator on(kCubic, W7(), kDrag, ions(2), screened(), f_on, {},
                           {.cross_drag = true});
    TimeLocalIntegrator off(kCubic, W7(), kDrag, ions(2), screened(), f_off, {});
    for (TimeLocalIntegrator *tl : {&on, &off}) {
      tl->set_state(0, centre(Cell(1, 1, 1)), Vec3(2, 1, -1));
      tl->set_state(1, centre(Cell(3, 1, 1)), Vec3(-1, 2, 1));
      tl->advance(300);
    }
    EXPECT_EQ(on.position_A(0), off.position_A(0));
    EXPECT_EQ(on.position_A(1), off.position_A(1));
    EXPECT_EQ(on.velocity_A_per_ps(1), off.velocity_A_per_ps(1));
  }
  // Neighbouring cells at their centres (Hess U = h I), framework at rest: R_eff_i − R_i =
  // ℓ h (Ṙ_0 + Ṙ_1) with the cross-drag, ℓ h Ṙ_i without.
  const Vec3 V0(6, -1, 2), V1(-2, 3, 1);
  for (const bool cross : {false, true}) {
    bath::StaticFramework frame(kDt);
    TimeLocalIntegrator two(kCubic, W7(), kDrag, ions(2), IonIonInteraction::none(), frame, {},
                            {.cross_drag = cross});
    two.set_state(0, centre(Cell(1, 1, 1)), V0);
    two.set_state(1, centre(Cell(2, 1, 1)), V1);
    two.step();
    const Vec3 expected0 = ell * h_centre * (cross ? V0 + V1 : V0);
    const Vec3 expected1 = ell * h_centre * (cross ? V0 + V1 : V1);
    EXPECT_LT((two.last_R_eff_minus_R_A(0) - expected0).norm(), 1e-5 * expected0.norm());
    EXPECT_LT((two.last_R_eff_minus_R_A(1) - expected1).norm(), 1e-5 * expected1.norm());
  }
  // Small oscillations along y of neighbours in x: friction Γ_ij = H 𝓛 H for every pair, so the
  // in-phase mode decays at twice the single-ion rate ℓh²/2M and the antiphase mode not at all
  // (first order).
  const std::vector<Vec3> rest{centre(Cell(1, 1, 1)), centre(Cell(2, 1, 1))};
  const double E_min = energy(rest, std::vector<Vec3>(2, Vec3::Zero()));
  const auto rate = [&](bool cross, double sign) {
    bath::StaticFramework frame(kDt);
    TimeLocalIntegrator two(kCubic, W7(), kDrag, ions(2), IonIonInteraction::none(), frame, {},
                            {.relaxation = false, .cross_drag = cross});
    const Vec3 d(0, 0.01, 0);
    two.set_state(0, rest[0] + d, Vec3::Zero());
    two.set_state(1, rest[1] + sign * d, Vec3::Zero());
    std::vector<double> t, log_E;
    while (two.time_ps() < 10.0) {
      two.step();
      t.push_back(two.time_ps());
      log_E.push_back(std::log(energy(two) - E_min));
    }
    return -0.5 * slope(t, log_E);
  };
  const double single = ell * h_centre * h_centre / (2 * M);
  const double own_in = rate(false, 1), own_anti = rate(false, -1);
  const double cross_in = rate(true, 1), cross_anti = rate(true, -1);
  EXPECT_NEAR(own_in, single, 0.02 * single);
  EXPECT_NEAR(own_anti, single, 0.02 * single);
  EXPECT_NEAR(cross_in, 2 * single, 0.04 * single);
  EXPECT_LT(std::abs(cross_anti), 0.05 * single);
  RecordProperty("rates_per_ps_own_in_anti_cross_in_anti",
                 fmt::format("{:.4f} {:.4f} {:.4f} {:.2e} (ℓh²/2M = {:.4f})", own_in, own_anti,
                             cross_in, cross_anti, single));
}

TEST(TimeLocalIons, BathIsSampledOnTheUnionOfTheLists) {
  // Neighbouring cells share 4 atoms: 12 distinct atoms, sampled at the 5 stage times once each
  // (the step end reused by the next step), ion 0's corners first.
  auto field = plane_wave_bath(kDt, 0.02);
  TimeLocalIntegrator two(kCubic, W7(), kDrag, ions(2), screened(), field, {});
  two.set_state(0, centre(Cell(1, 1, 1)), Vec3::Zero());
  two.set_state(1, centre(Cell(2, 1, 1)), Vec3::Zero());
  two.advance(3);
  EXPECT_EQ(field.calls.size(), 5u + 4 + 4);
  ASSERT_EQ(field.last_sites.size(), 12u);
  EXPECT_EQ(field.last_sites.front(), Cell(0, 0, 0));
  EXPECT_EQ(field.last_sites[7], Cell(1, 1, 1));
  EXPECT_EQ(field.last_sites.back(), Cell(2, 1, 1));
  EXPECT_EQ(two.current_cell(1), Cell(2, 1, 1));
  EXPECT_EQ(two.ion_count(), 2);

  // Extent 2: 64 + 16 atoms.
  TimeLocalIntegrator wide(kCubic, W7(), kDrag, ions(2), screened(), field,
                           InteractionList::corners(2));
  wide.set_state(0, centre(Cell(1, 1, 1)), Vec3::Zero());
  wide.set_state(1, centre(Cell(2, 1, 1)), Vec3::Zero());
  wide.step();
  EXPECT_EQ(wide.sites().size(), 80u); // 4³ boxes one cell apart share 3·4² atoms
}

TEST(TimeLocalIons, RejectsBadIonsAndStates) {
  bath::StaticFramework frame(kDt);
  EXPECT_THROW(TimeLocalIntegrator(kCubic, W7(), kDrag, {}, IonIonInteraction::none(), frame, {}),
               InputError);
  EXPECT_THROW(TimeLocalIntegrator(kCubic, W7(), kDrag, {TimeLocalIon{}}, IonIonInteraction::none(),
                                   frame, {}),
               InputError);
  EXPECT_THROW(TimeLocalIntegrator(kCubic, W7(), kDrag, {{&kU, Vec3(-1, 1, 1), 1.0}},
                                   IonIonInteraction::none(), frame, {}),
               InputError);
  // Lists sharing atoms need W blocks up to |L| = 4e − 2.
  const auto W1 = crystal::static_response_fft(kCubic, 64, 1);
  const auto W2 = crystal::static_response_fft(kCubic, 64, 2);
  EXPECT_THROW(
      TimeLocalIntegrator(kCubic, W1, kDrag, ions(2), IonIonInteraction::none(), frame, {}),
      InputError);
  EXPECT_NO_THROW(
      TimeLocalIntegrator(kCubic, W2, kDrag, ions(2), IonIonInteraction::none(), frame, {}));
  EXPECT_NO_THROW(
      TimeLocalIntegrator(kCubic, W1, kDrag, ions(1), IonIonInteraction::none(), frame, {}));
  TimeLocalIntegrator two(kCubic, W7(), kDrag, ions(2), IonIonInteraction::none(), frame, {});
  EXPECT_THROW(two.set_state(2, Vec3::Zero(), Vec3::Zero()), std::out_of_range);
  EXPECT_THROW((void)two.position_A(-1), std::out_of_range);
  const std::vector<Vec3> one{Vec3::Zero()};
  EXPECT_THROW(two.restore(0, one, one), InputError);
}
