// physics.md §4 (seed 002 Eqs. 2–3): stencil = dense V (§4.2.5), FFT thermal state = direct sum
// (§2.5 fact 6), lattice reproduces r_H(t) (§4.2.4), energy (§4.2.1), momentum (§4.2.2), plane
// wave at Ω_qu (§4.2.3), interaction-list variants (§4.1).
#include "full_lattice_test_support.hpp"
#include "ionbath/bath/lattice_thermal_motion.hpp"
#include "ionbath/bath/reference_bath_field.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>
#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = support::kSpacing_A;
const crystal::Crystal &kCubic = support::kSeedCubic;
const Yukawa &kU = support::kSeedIon;
const Vec3 kFree = support::kFreeIon;
const Vec3 kFarAway(1e6, 1e6, 1e6); // ion position without any interaction (U = 0)

// The simple cubic crystal plus a (2,1,0) bond with a general (non-symmetric) block, Φ_{-d} = Φ_dᵀ.
crystal::Crystal general_crystal() {
  std::vector<crystal::Bond> bonds = kCubic.bonds();
  Mat3 phi;
  phi << -11.0, 3.0, -2.0, 5.0, -7.0, 1.5, 0.5, -4.0, -9.0;
  bonds.push_back({Cell(2, 1, 0), phi});
  bonds.push_back({Cell(-2, -1, 0), phi.transpose()});
  return crystal::Crystal(a * Mat3::Identity(), 3.5, bonds, "general");
}

// Dense V (3N × 3N) with V_{n, wrap(n+d)} += Φ_d (physics.md §1.1).
Eigen::MatrixXd dense_V(const crystal::Crystal &crystal, GridShape g) {
  const int n = static_cast<int>(grid_points(g));
  Eigen::MatrixXd V = Eigen::MatrixXd::Zero(3 * n, 3 * n);
  auto lin = [&](int x, int y, int z) {
    auto w = [](int i, int m) { return ((i % m) + m) % m; };
    return w(x, g[0]) + g[0] * (w(y, g[1]) + g[1] * w(z, g[2]));
  };
  for (int z = 0; z < g[2]; ++z)
    for (int y = 0; y < g[1]; ++y)
      for (int x = 0; x < g[0]; ++x) {
        const int i = lin(x, y, z);
        V.block<3, 3>(3 * i, 3 * i) += crystal.onsite_block();
        for (const auto &b : crystal.bonds())
          V.block<3, 3>(3 * i, 3 * lin(x + b.offset.x(), y + b.offset.y(), z + b.offset.z())) +=
              b.phi;
      }
  return V;
}

std::vector<double> random_field(std::int64_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-0.1, 0.1);
  std::vector<double> f(static_cast<std::size_t>(3 * n));
  for (auto &x : f)
    x = u(rng);
  return f;
}

// A thermally excited 6³ lattice (ħΩ_T = 25 meV) and an ion launched through the cell of the
// eight atoms (0..1)³ at 7 Å/ps; fixed list = those eight atoms.
FullLatticeIntegrator colliding_system(FullScheme scheme, double dt, Vec3 inverse_mass = kFree) {
  const GridShape g{6, 6, 6};
  static const crystal::ModeSet modes(kCubic, g);
  static const bath::ThermalBath bath(modes, {.kT_meV = 25.0, .seed = 9});
  const auto start = bath::lattice_thermal_motion(bath);
  std::vector<Cell> cube;
  for (int o = 0; o < 8; ++o)
    cube.emplace_back(o & 1, o >> 1 & 1, o >> 2 & 1);
  FullLatticeIntegrator full(kCubic, g, kU, inverse_mass, InteractionList::fixed(cube), dt,
                             {.scheme = scheme});
  full.set_lattice_state(start.r_A, start.v_A_per_ps);
  full.set_ion_state(Vec3(1.2, 1.6, 1.4), Vec3(6.0, -2.0, 3.0));
  return full;
}
// Every site of the lattice in DOF order (x fastest).
std::vector<Cell> all_sites(const GridShape &g) {
  std::vector<Cell> sites;
  for (int z = 0; z < g[2]; ++z)
    for (int y = 0; y < g[1]; ++y)
      for (int x = 0; x < g[0]; ++x)
        sites.emplace_back(x, y, z);
  return sites;
}
} // namespace

// Max |stencil(r) − (−V r)| over a random field, relative to 1 + max |V r| (physics.md §4.2.5).
double stencil_error_vs_dense(const crystal::Crystal &crystal, const GridShape &g, unsigned seed,
                              StencilKernel kernel = StencilKernel::automatic) {
  const std::int64_t n = grid_points(g);
  const auto V = dense_V(crystal, g);
  const auto r = random_field(n, seed);
  const Eigen::VectorXd expected = -V * Eigen::Map<const Eigen::VectorXd>(r.data(), 3 * n);
  std::vector<double> soa(r.size()), out(r.size());
  for (std::int64_t s = 0; s < n; ++s)
    for (int c = 0; c < 3; ++c)
      soa[c * n + s] = r[3 * s + c];
  LatticeStencil stencil(crystal, g, 1.0, kernel);
  stencil.apply({soa.data(), soa.data() + n, soa.data() + 2 * n},
                {out.data(), out.data() + n, out.data() + 2 * n});
  double err = 0;
  for (std::int64_t s = 0; s < n; ++s)
    for (int c = 0; c < 3; ++c)
      err = std::max(err, std::abs(out[c * n + s] - expected[3 * s + c]));
  return err / (1 + expected.cwiseAbs().maxCoeff());
}

TEST(LatticeStencil, EqualsDenseForceConstantMatrix) {
  // §4.2.5. N1 = 13 exercises the register-blocked interior and the wrapped ends; N = 2 folds ±d.
  for (const auto &crystal : {kCubic, general_crystal()})
    for (const GridShape g : {GridShape{13, 4, 3}, GridShape{5, 2, 6}, GridShape{1, 3, 4}})
      EXPECT_LT(stencil_error_vs_dense(crystal, g, 7), 1e-11)
          << crystal.name() << " " << g[0] << "×" << g[1] << "×" << g[2];
}

TEST(LatticeStencil, SimpleCubicKernelIsChosenOnlyForItsBondSet) {
  // The kernel written for the seed lattice's k1/k2 bond set serves exactly that set; the generic
  // kernel agrees with the dense V on the same lattice, and a lattice with other blocks (or the
  // k2 springs missing) keeps the generic kernel.
  EXPECT_TRUE(LatticeStencil(kCubic, {4, 4, 4}).cubic_kernel());
  EXPECT_FALSE(LatticeStencil(kCubic, {4, 4, 4}, 1.0, StencilKernel::generic).cubic_kernel());
  EXPECT_FALSE(LatticeStencil(general_crystal(), {4, 4, 4}).cubic_kernel());
  EXPECT_TRUE(
      LatticeStencil(crystal::Crystal::simple_cubic(a, 3.5, 520.0, 0.0), {4, 4, 4}).cubic_kernel());
  const auto skewed = crystal::Crystal::central_springs(
      Mat3{{a, 0.3, 0}, {0, a, 0}, {0, 0, a}}, 3.5,
      [](const Cell &d) { return d.cwiseAbs().sum() == 1 ? 520.0 : 0.0; }, "skewed");
  EXPECT_FALSE(LatticeStencil(skewed, {4, 4, 4}).cubic_kernel());
  for (const GridShape g : {GridShape{13, 4, 3}, GridShape{1, 3, 4}})
    EXPECT_LT(stencil_error_vs_dense(kCubic, g, 5, StencilKernel::generic), 1e-11) << g[0];
}

TEST(LatticeStencil, LongLinesSweptInSeveralBlocksEqualDense) {
  // N1 = 37 and 64 need two vector blocks per line (37: blocks overhang the line end).
  for (const GridShape g : {GridShape{37, 2, 3}, GridShape{64, 1, 2}})
    EXPECT_LT(stencil_error_vs_dense(general_crystal(), g, 11), 1e-11) << g[0];
}

TEST(LatticeThermalMotion, FftEqualsDirectModeSum) {
  // §2.5 fact 6: one backward DFT per component equals the direct sum r_H(t), ṙ_H(t).
  const GridShape g{4, 5, 3};
  const crystal::ModeSet modes(kCubic, g);
  const bath::ThermalBath bath(modes, {.kT_meV = 25.0, .seed = 3});
  bath::ReferenceBathField reference(bath, 0.005);
  const std::vector<Cell> sites = all_sites(g);
  std::vector<bath::SiteMotion> direct(sites.size());
  for (const std::int64_t quarter : {0, 37}) {
    reference.evaluate(sites, quarter, direct);
    const auto fft = bath::lattice_thermal_motion(bath, reference.time_ps(quarter));
    double err_r = 0, err_v = 0;
    for (std::size_t s = 0; s < sites.size(); ++s)
      for (int c = 0; c < 3; ++c) {
        err_r = std::max(err_r, std::abs(fft.r_A[3 * s + c] - direct[s].r[c]));
        err_v = std::max(err_v, std::abs(fft.v_A_per_ps[3 * s + c] - direct[s].v[c]));
      }
    EXPECT_LT(err_r, 1e-12);
    EXPECT_LT(err_v, 1e-11);
  }
}

TEST(FullLatticeIntegrator, LatticeReproducesThermalFieldOverThousandSteps) {
  // §4.2.4: no interaction (ion far away); RK5 with δt = 2e-3 ps (ΩmaxΔt = 0.063) over 10³ steps
  // tracks r_H(t) of the direct sum to ≤ 1e-8 Å.
  const GridShape g{6, 6, 6};
  const double dt = 2e-3;
  const crystal::ModeSet modes(kCubic, g);
  const bath::ThermalBath bath(modes, {.kT_meV = 25.0, .seed = 5});
  const auto start = bath::lattice_thermal_motion(bath);
  FullLatticeIntegrator full(kCubic, g, kU, kFree, InteractionList::fixed({Cell(0, 0, 0)}), dt);
  full.set_lattice_state(start.r_A, start.v_A_per_ps);
  full.set_ion_state(kFarAway, Vec3::Zero());
  full.advance(1000);

  bath::ReferenceBathField reference(bath, dt);
  const std::vector<Cell> sites = all_sites(g);
  std::vector<bath::SiteMotion> direct(sites.size());
  reference.evaluate(sites, 4 * 1000, direct);
  double err_r = 0, err_v = 0, scale = 0;
  for (std::size_t s = 0; s < sites.size(); ++s) {
    err_r = std::max(err_r, (full.displacement_A(sites[s]) - direct[s].r).cwiseAbs().maxCoeff());
    err_v = std::max(err_v, (full.velocity_A_per_ps(sites[s]) - direct[s].v).cwiseAbs().maxCoeff());
    scale = std::max(scale, direct[s].r.cwiseAbs().maxCoeff());
  }
  RecordProperty("max_error_A", fmt::format("{:.3e}", err_r));
  EXPECT_GT(scale, 0.01); // a real thermal field
  EXPECT_LT(err_r, 1e-8);
  EXPECT_LT(err_v, 1e-7);
}

TEST(FullLatticeIntegrator, Rk5ConservesEnergyWithFixedList) {
  // §4.2.1: fixed list, δt = 1e-3 ps, 10⁴ steps (the ion crosses its cell many times).
  auto full = colliding_system(FullScheme::rk5, 1e-3);
  const double E0 = full.energy().total();
  double worst = 0;
  for (int block = 0; block < 10; ++block) {
    full.advance(1000);
    worst = std::max(worst, std::abs(full.energy().total() - E0));
  }
  RecordProperty("relative_drift", fmt::format("{:.3e}", worst / std::abs(E0)));
  EXPECT_LT(worst / std::abs(E0), 1e-9);
}

TEST(FullLatticeIntegrator, VerletEnergyErrorStaysBounded) {
  // Symplectic: the energy error oscillates without secular growth. δt = 5e-3 ps, 2·10⁴ steps
  // (100 ps): the largest error of the last quarter is no larger than that of the first.
  auto full = colliding_system(FullScheme::velocity_verlet, 5e-3);
  const double E0 = full.energy().total();
  const auto [first, last] = support::energy_error_quarters(full);
  RecordProperty("first_quarter_max_error_meV", fmt::format("{:.3e}", first));
  RecordProperty("last_quarter_max_error_meV", fmt::format("{:.3e}", last));
  EXPECT_LT(last, 1.5 * first);
  EXPECT_LT(last / std::abs(E0), 1e-3);
}

TEST(FullLatticeIntegrator, ConservesTotalMomentum) {
  // §4.2.2: Newton's third law and the acoustic sum rule; no constrained component.
  for (const auto scheme : {FullScheme::rk5, FullScheme::velocity_verlet}) {
    auto full = colliding_system(scheme, 5e-3);
    const Vec3 p0 = full.total_momentum();
    full.advance(400);
    const double scale = 3.5 * 216 * 1.0 + 0.7 * 6.0; // m Σ|ṙ| scale (|ṙ| ~ 1 Å/ps)
    EXPECT_LT((full.total_momentum() - p0).norm(), 1e-11 * scale);
  }
}

TEST(FullLatticeIntegrator, ConstrainedComponentsStayFrozen) {
  auto full = colliding_system(FullScheme::rk5, 5e-3, Vec3(0, 0, 1 / 0.7));
  full.advance(200);
  EXPECT_DOUBLE_EQ(full.ion_velocity_A_per_ps().x(), 6.0);
  EXPECT_DOUBLE_EQ(full.ion_velocity_A_per_ps().y(), -2.0);
  EXPECT_NE(full.ion_velocity_A_per_ps().z(), 3.0);
}

TEST(FullLatticeIntegrator, PlaneWaveOscillatesAtModeFrequency) {
  // §4.2.3: r_n(0) = ε η cos(q·n), ṙ = 0 → r_n(t) = r_n(0) cos(Ω_qu t).
  const GridShape g{8, 6, 4};
  const Vec3 q = 2 * M_PI * Vec3(3.0 / 8, 1.0 / 6, 1.0 / 4);
  const auto modes = crystal::DynamicalMatrix(kCubic).modes(q);
  const double eps = 0.05;
  for (int u = 0; u < 3; ++u) {
    const double omega = std::sqrt(modes.omega2[u]);
    const Vec3 eta = modes.eta.col(u);
    std::vector<double> r(static_cast<std::size_t>(3 * grid_points(g))), v(r.size(), 0.0);
    for (int z = 0; z < g[2]; ++z)
      for (int y = 0; y < g[1]; ++y)
        for (int x = 0; x < g[0]; ++x) {
          const std::size_t s = x + g[0] * (y + g[1] * z);
          for (int c = 0; c < 3; ++c)
            r[3 * s + c] = eps * eta[c] * std::cos(q.dot(Vec3(x, y, z)));
        }
    FullLatticeIntegrator full(kCubic, g, kU, kFree, InteractionList::fixed({Cell(0, 0, 0)}), 2e-3);
    full.set_lattice_state(r, v);
    full.set_ion_state(kFarAway, Vec3::Zero());
    full.advance(500);
    const auto rt = full.lattice_displacements_A();
    double err = 0;
    for (std::size_t i = 0; i < r.size(); ++i)
      err = std::max(err, std::abs(rt[i] - r[i] * std::cos(omega * full.time_ps())));
    EXPECT_LT(err, 1e-8 * eps) << "branch " << u << " Ω = " << omega;
  }
}

TEST(FullLatticeIntegrator, MovingCornerListUsesMinimumImageAndWrappedLabels) {
  // §4.1 third bullet: the eight corners of the cell of R; R and R + box give the same dynamics.
  const GridShape g{6, 6, 6};
  const Vec3 R(4.4, 7.6, 13.4), Rdot(15.0, 0.5, -0.3); // 79 meV > 45 meV face barrier
  FullLatticeIntegrator inside(kCubic, g, kU, kFree, InteractionList::corners(), 5e-3);
  FullLatticeIntegrator outside(kCubic, g, kU, kFree, InteractionList::corners(), 5e-3);
  inside.set_ion_state(R, Rdot);
  outside.set_ion_state(R + Vec3(-18.0, 36.0, 18.0), Rdot);
  auto sites = inside.interaction_sites();
  std::vector<Cell> expected;
  for (int o = 0; o < 8; ++o)
    expected.emplace_back(1 + (o & 1), 2 + (o >> 1 & 1), 4 + (o >> 2 & 1));
  auto order = [](const Cell &x, const Cell &y) {
    return std::tie(x.z(), x.y(), x.x()) < std::tie(y.z(), y.y(), y.x());
  };
  std::sort(sites.begin(), sites.end(), order);
  std::sort(expected.begin(), expected.end(), order);
  EXPECT_EQ(sites, expected);
  inside.advance(250); // ≈ 1.25 ps at ≈ 14 Å/ps: crosses cell faces
  outside.advance(250);
  EXPECT_LT((outside.ion_position_A() - Vec3(-18.0, 36.0, 18.0) - inside.ion_position_A()).norm(),
            1e-9);
  EXPECT_LT(support::max_abs_difference(inside.lattice_displacements_A(),
                                        outside.lattice_displacements_A()),
            1e-12);
  EXPECT_GT(std::abs(inside.ion_position_A().x() - R.x()), 3.0)
      << inside.ion_position_A().transpose(); // left its cell
  EXPECT_NE(inside.interaction_sites(), sites)
      << inside.ion_position_A().transpose(); // the list moved with the ion
}

TEST(FullLatticeIntegrator, CutoffListMatchesCornersAtCellCentre) {
  // At the cell centre the 8 corners lie at 2.598 Å, the next atoms at 4.97 Å: a 3 Å cutoff
  // selects the corners, and both lists give the same first step.
  const GridShape g{8, 8, 8};
  FullLatticeIntegrator corners(kCubic, g, kU, kFree, InteractionList::corners(), 5e-3);
  FullLatticeIntegrator cutoff(kCubic, g, kU, kFree, InteractionList::cutoff(3.0), 5e-3);
  for (auto *f : {&corners, &cutoff})
    f->set_ion_state(Vec3(22.5, 22.5, 22.5), Vec3(0.1, 0.2, 0.3));
  EXPECT_EQ(cutoff.interaction_sites().size(), 8u);
  corners.step();
  cutoff.step();
  EXPECT_LT((corners.ion_position_A() - cutoff.ion_position_A()).norm(), 1e-14);
  EXPECT_NEAR(corners.energy().total(), cutoff.energy().total(), 1e-9);
}

TEST(FullLatticeIntegrator, Rk5StateResetMidRunMatchesFreshStart) {
  // The RK5 keeps r + c₂δt ṙ between steps; setting the lattice state must refresh it.
  auto full = colliding_system(FullScheme::rk5, 5e-3);
  full.advance(3);
  const auto r = full.lattice_displacements_A();
  const auto v = full.lattice_velocities_A_per_ps();
  const Vec3 R = full.ion_position_A(), Rdot = full.ion_velocity_A_per_ps();
  auto fresh = colliding_system(FullScheme::rk5, 5e-3);
  fresh.set_lattice_state(r, v);
  fresh.set_ion_state(R, Rdot);
  auto reset = colliding_system(FullScheme::rk5, 5e-3);
  reset.advance(5);
  reset.set_lattice_state(r, v);
  reset.set_ion_state(R, Rdot);
  fresh.advance(4);
  reset.advance(4);
  EXPECT_EQ(fresh.lattice_displacements_A(), reset.lattice_displacements_A());
  EXPECT_EQ(fresh.lattice_velocities_A_per_ps(), reset.lattice_velocities_A_per_ps());
  EXPECT_EQ(fresh.ion_position_A(), reset.ion_position_A());
}

// A generic thermal-like state on a g lattice: random displacements and velocities, a moving ion.
FullLatticeIntegrator generic_system(FullScheme scheme, const GridShape &g, int threads = 1) {
  const std::int64_t n = grid_points(g);
  FullLatticeIntegrator full(kCubic, g, kU, kFree, InteractionList::corners(), 5e-3,
                             {.scheme = scheme, .threads = threads});
  full.set_lattice_state(random_field(n, 3), random_field(n, 4));
  full.set_ion_state(Vec3(10.2, 9.6, 7.4), Vec3(6.0, -2.0, 3.0));
  return full;
}

void expect_same_state(const FullLatticeIntegrator &a, const FullLatticeIntegrator &b) {
  EXPECT_EQ(a.lattice_displacements_A(), b.lattice_displacements_A());
  EXPECT_EQ(a.lattice_velocities_A_per_ps(), b.lattice_velocities_A_per_ps());
  EXPECT_EQ(a.ion_position_A(), b.ion_position_A());
  EXPECT_EQ(a.ion_velocity_A_per_ps(), b.ion_velocity_A_per_ps());
  EXPECT_EQ(a.step_index(), b.step_index());
}

TEST(FullLatticeIntegrator, RestartFromSavedStateIsBitwiseContinuation) {
  // Checkpoint/restart of method = "full": a run restored from (r, ṙ, R, Ṙ, k) continues
  // bitwise as the uninterrupted run (RK5 and Verlet); 8³ has whole AVX2 vectors per line.
  for (const FullScheme scheme : {FullScheme::rk5, FullScheme::velocity_verlet}) {
    auto whole = generic_system(scheme, {8, 8, 8});
    whole.advance(7);
    const auto r = whole.lattice_displacements_A();
    const auto v = whole.lattice_velocities_A_per_ps();
    const Vec3 R = whole.ion_position_A(), Rdot = whole.ion_velocity_A_per_ps();
    whole.advance(13);
    auto restarted = generic_system(scheme, {8, 8, 8});
    restarted.set_lattice_state(r, v);
    restarted.set_ion_state(R, Rdot);
    restarted.set_step_index(7);
    restarted.advance(13);
    expect_same_state(whole, restarted);
  }
}

TEST(FullLatticeIntegrator, Rk5WavefrontDoesNotDependOnWhereItStarts) {
  // The RK5 passes run as a wavefront over planes n3 that starts next to the ion and wraps
  // periodically. Rolling the lattice by k planes and moving the ion by k a along z changes the
  // order of every task but not the physics: the rolled runs agree to rounding (the pair
  // separations A n + r − R are formed from shifted numbers). A task run before its inputs were
  // complete would be off by the displacement scale, 0.1 Å. k = 3 puts the ion's planes across
  // the periodic seam; both moving lists are checked.
  const GridShape g{8, 6, 7};
  const std::int64_t n = grid_points(g);
  auto roll = [&](const std::vector<double> &f, int k) {
    std::vector<double> out(f.size());
    for (int z = 0; z < g[2]; ++z)
      for (int y = 0; y < g[1]; ++y)
        for (int x = 0; x < g[0]; ++x)
          for (int c = 0; c < 3; ++c)
            out[3 * (x + g[0] * (y + g[1] * ((z + k) % g[2]))) + c] =
                f[3 * (x + g[0] * (y + g[1] * z)) + c];
    return out;
  };
  const auto r = random_field(n, 21), v = random_field(n, 22);
  const Vec3 R(10.5, 10.6, 10.4), Rdot(0.5, -0.3, 14.0); // 69 meV > 45 meV face barrier
  for (const InteractionList &list : {InteractionList::corners(), InteractionList::cutoff(2.9)}) {
    std::vector<std::vector<double>> final_r;
    std::vector<Vec3> final_R;
    for (const int k : {0, 3, 5}) {
      FullLatticeIntegrator full(kCubic, g, kU, kFree, list, 5e-3);
      full.set_lattice_state(roll(r, k), roll(v, k));
      full.set_ion_state(R + Vec3(0, 0, k * a), Rdot);
      full.advance(60); // 0.3 ps: crosses a cell face along z
      final_r.push_back(roll(full.lattice_displacements_A(), g[2] - k));
      final_R.push_back(full.ion_position_A() - Vec3(0, 0, k * a));
    }
    EXPECT_GT(std::abs(final_R[0].z() - R.z()), 1.5) << "the ion moved through the seam region";
    for (std::size_t i = 1; i < final_r.size(); ++i) {
      EXPECT_LT(support::max_abs_difference(final_r[i], final_r[0]), 1e-11) << i;
      EXPECT_LT((final_R[i] - final_R[0]).norm(), 1e-11) << i;
    }
  }
}

TEST(FullLatticeIntegrator, Rk5PlaneWindowMatchesWholeLatticeStageFields) {
  // With the simple-cubic kernel the RK5 keeps A_0, A_1 and P_2 … P_5 in a window of a few plane
  // slots per field, reused along the wavefront; with the generic kernel they cover the whole
  // lattice. On 20 planes (slots reused within every step) both give the same trajectory to
  // rounding; a slot overwritten before its last reader would put an error of the displacement
  // scale (0.1 Å) into the result. The ion crosses planes along z. Lists: the moving corners, a
  // cutoff (a gate of 7 planes) and a fixed list spread over half the lattice (the ring grows to
  // keep its gate inside the window).
  const GridShape g{6, 6, 20};
  const std::int64_t n = grid_points(g);
  const auto r = random_field(n, 31), v = random_field(n, 32);
  std::vector<Cell> spread{Cell(2, 2, 18)};
  for (int o = 0; o < 8; ++o)
    spread.emplace_back(2 + (o & 1), 2 + (o >> 1 & 1), 8 + (o >> 2 & 1));
  const Vec3 R(7.4, 7.7, 25.6), Rdot(0.5, -0.3, 14.0); // in the cell (2..3, 2..3, 8..9)
  for (const InteractionList &list :
       {InteractionList::corners(), InteractionList::cutoff(2.9), InteractionList::fixed(spread)}) {
    FullLatticeIntegrator window(kCubic, g, kU, kFree, list, 5e-3);
    FullLatticeIntegrator whole(kCubic, g, kU, kFree, list, 5e-3,
                                {.kernel = StencilKernel::generic});
    ASSERT_TRUE(window.stencil().cubic_kernel());
    ASSERT_FALSE(whole.stencil().cubic_kernel());
    EXPECT_LT(window.field_bytes(), whole.field_bytes());
    for (auto *full : {&window, &whole}) {
      full->set_lattice_state(r, v);
      full->set_ion_state(R, Rdot);
      full->advance(80);
    }
    EXPECT_GT(std::abs(window.ion_position_A().z() - R.z()), 1.0) << "the ion crossed planes";
    EXPECT_LT(support::max_abs_difference(window.lattice_displacements_A(),
                                          whole.lattice_displacements_A()),
              1e-11);
    EXPECT_LT(support::max_abs_difference(window.lattice_velocities_A_per_ps(),
                                          whole.lattice_velocities_A_per_ps()),
              1e-9);
    EXPECT_LT((window.ion_position_A() - whole.ion_position_A()).norm(), 1e-11);
  }
}

TEST(FullLatticeIntegrator, Rk5SweepCoversAnIonCrossingPlanesWithinTheStep) {
  // An ion crossing planes within one step moves the second gate (the planes whose stage
  // positions the forces of stages 5 and 6 read, predicted at the step's start) away from the
  // first; each gate holds only its own planes, so the ring serves the step. 800 Å/ps for 10 fs:
  // 8 Å (2.7 planes) per step; 3000 Å/ps: 30 Å (10 planes, half the lattice). The window run
  // equals the whole-lattice run.
  const GridShape g{6, 6, 20};
  const std::int64_t n = grid_points(g);
  const auto r = random_field(n, 41), v = random_field(n, 42);
  const Vec3 R(7.4, 7.7, 25.6);
  for (const double speed : {-800.0, 800.0, 3000.0}) {
    FullLatticeIntegrator window(kCubic, g, kU, kFree, InteractionList::corners(), 1e-2);
    FullLatticeIntegrator whole(kCubic, g, kU, kFree, InteractionList::corners(), 1e-2,
                                {.kernel = StencilKernel::generic});
    for (auto *full : {&window, &whole}) {
      full->set_lattice_state(r, v);
      full->set_ion_state(R, Vec3(0.3, -0.2, speed));
      full->advance(10);
    }
    EXPECT_GT(std::abs(window.ion_position_A().z() - R.z()), 60.0);
    EXPECT_LT(support::max_abs_difference(window.lattice_displacements_A(),
                                          whole.lattice_displacements_A()),
              1e-11)
        << speed;
    EXPECT_LT((window.ion_position_A() - whole.ion_position_A()).norm(), 1e-10) << speed;
  }
}

TEST(FullLatticeIntegrator, ThreadedPassesMatchOneThread) {
  for (const FullScheme scheme : {FullScheme::rk5, FullScheme::velocity_verlet}) {
    auto one = generic_system(scheme, {9, 8, 7}, 1);
    auto two = generic_system(scheme, {9, 8, 7}, 2);
    one.advance(20);
    two.advance(20);
    expect_same_state(one, two);
  }
}
