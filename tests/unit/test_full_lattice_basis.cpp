// physics.md §4 and §12 on a basis: the stencil −V r of several atoms per cell (§4.2.5 and §12.4
// fact 1: the simple cubic lattice as a 2- or 8-atom supercell equals its 1-atom description),
// full-lattice trajectories in both descriptions (§12.4 fact 1), energy and momentum of a two-mass
// rocksalt lattice with the ion (§4.2.1–2) and a rocksalt optical mode at Ω (§4.2.3).
#include "full_lattice_test_support.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = 3.0; // Å
const crystal::Crystal kCubic = crystal::Crystal::simple_cubic(a, 3.5, 520.0, 170.0);
const Vec3 kFree = Vec3::Constant(1 / 0.7); // ion inverse mass, all components free
const Vec3 kFarAway(1e6, 1e6, 1e6);         // ion position without any interaction (U = 0)

std::vector<double> random_field(std::int64_t values, unsigned seed, double amplitude = 0.1) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  std::vector<double> f(static_cast<std::size_t>(values));
  for (auto &x : f)
    x = u(rng);
  return f;
}

double max_abs(const std::vector<double> &x) {
  double m = 0;
  for (const double v : x)
    m = std::max(m, std::abs(v));
  return m;
}

// The simple cubic lattice of `physical` sites described with an m1×m2×m3 supercell (builders
// `supercell`: basis atom b = m1' + m1 (m2' + m2 m3') of sub-cell m'). Site x = M m + m' of the
// one-atom lattice is atom b of supercell cell M.
struct SupercellMap {
  GridShape physical, multiplier;
  GridShape cells() const {
    return {physical[0] / multiplier[0], physical[1] / multiplier[1], physical[2] / multiplier[2]};
  }
  int n_basis() const { return multiplier[0] * multiplier[1] * multiplier[2]; }
  // Supercell cell and basis atom of one-atom site x.
  std::pair<Cell, int> atom(const Cell &x) const {
    Cell big, sub;
    for (int axis = 0; axis < 3; ++axis) {
      const int m = multiplier[axis];
      big[axis] = (x[axis] - ((x[axis] % m) + m) % m) / m;
      sub[axis] = ((x[axis] % m) + m) % m;
    }
    return {big, sub.x() + multiplier[0] * (sub.y() + multiplier[1] * sub.z())};
  }
  // One-atom DOF order (3 lin(x) + c) → supercell DOF order (3 (n_b lin(M) + b) + c).
  std::vector<double> to_supercell(const std::vector<double> &one) const {
    std::vector<double> out(one.size());
    const GridShape g = cells();
    for (int z = 0; z < physical[2]; ++z)
      for (int y = 0; y < physical[1]; ++y)
        for (int x = 0; x < physical[0]; ++x) {
          const auto [cell, b] = atom(Cell(x, y, z));
          const std::int64_t from = x + physical[0] * (y + std::int64_t(physical[1]) * z);
          const std::int64_t to =
              n_basis() * (cell.x() + g[0] * (cell.y() + std::int64_t(g[1]) * cell.z())) + b;
          for (int c = 0; c < 3; ++c)
            out[3 * to + c] = one[3 * from + c];
        }
    return out;
  }
  InteractionList fixed_list(const std::vector<Cell> &sites) const {
    std::vector<Cell> cells;
    std::vector<int> basis;
    for (const Cell &x : sites) {
      const auto [cell, b] = atom(x);
      cells.push_back(cell);
      basis.push_back(b);
    }
    return InteractionList::fixed(cells, basis);
  }
};

// −V r in one-atom DOF order with the given kernel.
std::vector<double> one_atom_force(const GridShape &g, const std::vector<double> &r,
                                   StencilKernel kernel) {
  const LatticeStencil stencil(kCubic, g, 1.0, kernel);
  EXPECT_EQ(stencil.cubic_kernel(), kernel == StencilKernel::automatic);
  std::vector<double> out(r.size());
  stencil.apply_dof(r, out);
  return out;
}

// Dense V (3 n_b N square) with V_{(n,b),(n+L,b')} += Φ_{bb'}(L) (physics.md §1.1, §12.1).
Eigen::MatrixXd dense_V(const crystal::Crystal &crystal, const GridShape &g) {
  const int nb = crystal.n_basis();
  const int n = static_cast<int>(grid_points(g));
  Eigen::MatrixXd V = Eigen::MatrixXd::Zero(3 * nb * n, 3 * nb * n);
  auto index = [&](int x, int y, int z, int b) {
    auto w = [](int i, int m) { return ((i % m) + m) % m; };
    return 3 * (nb * (w(x, g[0]) + g[0] * (w(y, g[1]) + g[1] * w(z, g[2]))) + b);
  };
  for (int z = 0; z < g[2]; ++z)
    for (int y = 0; y < g[1]; ++y)
      for (int x = 0; x < g[0]; ++x) {
        for (int b = 0; b < nb; ++b)
          V.block<3, 3>(index(x, y, z, b), index(x, y, z, b)) += crystal.onsite_block(b);
        for (const auto &bond : crystal.bonds())
          V.block<3, 3>(index(x, y, z, bond.from), index(x + bond.offset.x(), y + bond.offset.y(),
                                                         z + bond.offset.z(), bond.to)) += bond.phi;
      }
  return V;
}

const crystal::Crystal &rocksalt() {
  static const crystal::Crystal c = crystal::rocksalt(a, 3.5, 9.0, 520.0, 170.0);
  return c;
}

// The rocksalt site at the simple-cubic point t a (species by parity): fcc cell and basis atom.
std::pair<Cell, int> rocksalt_atom(const Cell &t) {
  Mat3 fcc;
  fcc << 0, 1, 1, 1, 0, 1, 1, 1, 0;
  const int b = ((t.sum() % 2) + 2) % 2;
  const Vec3 cell = fcc.inverse() * (t - b * Cell::UnitX()).cast<double>();
  return {cell.array().round().cast<int>().matrix(), b};
}
} // namespace

TEST(StencilBasis, SupercellDescriptionsEqualOneAtomKernels) {
  // §12.4 fact 1 for −V r: the 2-atom (2×1×1) and 8-atom (2×2×2) supercells of the simple cubic
  // lattice against the 1-atom generic and simple-cubic kernels on the same physical lattice.
  // 26×4×6 gives 13-cell lines (a vector block overhanging the line end).
  for (const SupercellMap map :
       {SupercellMap{{8, 6, 4}, {2, 1, 1}}, SupercellMap{{26, 4, 6}, {2, 1, 1}},
        SupercellMap{{8, 6, 4}, {2, 2, 2}}, SupercellMap{{4, 2, 2}, {2, 2, 2}}}) {
    const auto big = crystal::supercell(kCubic, map.multiplier);
    ASSERT_EQ(big.n_basis(), map.n_basis());
    const auto r = random_field(3 * grid_points(map.physical), 17);
    const auto generic = one_atom_force(map.physical, r, StencilKernel::generic);
    const auto cubic = one_atom_force(map.physical, r, StencilKernel::automatic);
    const LatticeStencil stencil(big, map.cells());
    EXPECT_FALSE(stencil.cubic_kernel());
    std::vector<double> out(r.size());
    stencil.apply_dof(map.to_supercell(r), out);
    const double scale = max_abs(generic);
    ASSERT_GT(scale, 1.0);
    const std::string label = fmt::format("{} on {}×{}×{} cells", big.name(), map.cells()[0],
                                          map.cells()[1], map.cells()[2]);
    EXPECT_LT(support::max_abs_difference(out, map.to_supercell(generic)) / scale, 1e-12) << label;
    EXPECT_LT(support::max_abs_difference(out, map.to_supercell(cubic)) / scale, 1e-12) << label;
  }
}

TEST(StencilBasis, TwoMassRocksaltEqualsDenseMatrixWithPerAtomScale) {
  // §4.2.5 on a basis: the stencil with scale 1/m_b equals −M⁻¹ V r of the dense V assembled from
  // the blocks Φ_{bb'}(L); a wrong sublattice, offset or mass would be off by O(1).
  const auto &c = rocksalt();
  for (const GridShape g : {GridShape{5, 3, 4}, GridShape{2, 3, 1}}) {
    const std::int64_t n = 2 * grid_points(g);
    const auto r = random_field(3 * n, 5);
    const Eigen::VectorXd Vr = dense_V(c, g) * Eigen::Map<const Eigen::VectorXd>(r.data(), 3 * n);
    std::vector<double> expected(r.size());
    for (std::int64_t i = 0; i < 3 * n; ++i) // atom i / 3, basis atom (i / 3) mod 2
      expected[i] = -Vr[i] / (i / 3 % 2 == 0 ? 3.5 : 9.0);
    const LatticeStencil stencil(c, g, std::vector<double>{1 / 3.5, 1 / 9.0});
    std::vector<double> out(r.size());
    stencil.apply_dof(r, out);
    EXPECT_LT(support::max_abs_difference(out, expected) / max_abs(expected), 1e-12)
        << g[0] << "×" << g[1] << "×" << g[2];
  }
}

namespace {
const Vec3 kStart(1.2, 1.6, 1.4), kLaunch(12.0, -5.0, 7.0); // 76 meV: over the 35 meV faces

// An ion launched through the cell of the eight sites (0..1)³ of the simple cubic lattice of
// `map.physical` sites, a thermal-like random lattice state; `list`: the fixed list of those
// eight atoms or a cutoff list. Described with the 1-atom crystal (supercell = false) or with the
// supercell of `map`.
FullLatticeIntegrator cubic_system(const SupercellMap &map, bool supercell, FullScheme scheme,
                                   bool cutoff, const PairPotential &U) {
  std::vector<Cell> cube;
  for (int o = 0; o < 8; ++o)
    cube.emplace_back(o & 1, o >> 1 & 1, o >> 2 & 1);
  const crystal::Crystal c = supercell ? crystal::supercell(kCubic, map.multiplier) : kCubic;
  const GridShape g = supercell ? map.cells() : map.physical;
  InteractionList list = cutoff      ? InteractionList::cutoff(3.2)
                         : supercell ? map.fixed_list(cube)
                                     : InteractionList::fixed(cube);
  FullLatticeIntegrator full(c, g, U, kFree, list, 4e-3, {.scheme = scheme});
  const std::int64_t values = 3 * grid_points(map.physical);
  auto r = random_field(values, 3), v = random_field(values, 4, 2.0);
  if (supercell) {
    r = map.to_supercell(r);
    v = map.to_supercell(v);
  }
  full.set_lattice_state(r, v);
  full.set_ion_state(kStart, kLaunch);
  return full;
}
} // namespace

TEST(FullLatticeBasis, SupercellTrajectoryEqualsOneAtomTrajectory) {
  // §12.4 fact 1 for the full EOM: 300 RK5 steps (1.2 ps, the ion crosses cells) in the 2-atom
  // description agree with the 1-atom run (simple-cubic kernel, RK5 plane window) to 1e-10
  // relative, for the fixed list (basis indices per site) and for the cutoff list (every
  // sublattice searched); also velocity Verlet with the fixed list.
  const Gaussian U(300.0, 0.8);
  const SupercellMap map{{12, 8, 8}, {2, 1, 1}}; // the 3.2 Å cutoff needs 8 cells (6 of 6 Å)
  struct Case {
    FullScheme scheme;
    bool cutoff;
  };
  for (const Case k : {Case{FullScheme::rk5, false}, Case{FullScheme::rk5, true},
                       Case{FullScheme::velocity_verlet, false}}) {
    auto one = cubic_system(map, false, k.scheme, k.cutoff, U);
    auto two = cubic_system(map, true, k.scheme, k.cutoff, U);
    EXPECT_EQ(one.atoms(), two.atoms());
    EXPECT_EQ(one.interaction_sites().size(), two.interaction_sites().size());
    EXPECT_NEAR(one.energy().total(), two.energy().total(), 1e-10 * std::abs(one.energy().total()));
    one.advance(300);
    two.advance(300);
    const auto r1 = map.to_supercell(one.lattice_displacements_A());
    const auto v1 = map.to_supercell(one.lattice_velocities_A_per_ps());
    const std::string label = fmt::format("{}_{}", k.scheme == FullScheme::rk5 ? "rk5" : "verlet",
                                          k.cutoff ? "cutoff" : "fixed");
    RecordProperty(
        label + "_relative_r_difference",
        fmt::format("{:.3e}",
                    support::max_abs_difference(r1, two.lattice_displacements_A()) / max_abs(r1)));
    EXPECT_GT((one.ion_position_A() - kStart).norm(), 3.0) << label;
    EXPECT_GT((one.ion_velocity_A_per_ps() - kLaunch).norm(), 1.0) << label << ": scattered";
    EXPECT_LT(support::max_abs_difference(r1, two.lattice_displacements_A()) / max_abs(r1), 1e-10)
        << label;
    EXPECT_LT(support::max_abs_difference(v1, two.lattice_velocities_A_per_ps()) / max_abs(v1),
              1e-10)
        << label;
    EXPECT_LT((one.ion_position_A() - two.ion_position_A()).norm() / one.ion_position_A().norm(),
              1e-10)
        << label;
    EXPECT_LT((one.ion_velocity_A_per_ps() - two.ion_velocity_A_per_ps()).norm() /
                  one.ion_velocity_A_per_ps().norm(),
              1e-10)
        << label;
  }
}

TEST(FullLatticeBasis, CornerListIsRefusedForSeveralAtomsPerCell) {
  const Gaussian U(300.0, 0.8);
  EXPECT_THROW(FullLatticeIntegrator(crystal::supercell(kCubic, {2, 1, 1}), {4, 4, 4}, U, kFree,
                                     InteractionList::corners(), 4e-3),
               InputError);
  EXPECT_THROW(FullLatticeIntegrator(rocksalt(), {4, 4, 4}, U, kFree,
                                     InteractionList::fixed({Cell::Zero()}, {2}), 4e-3),
               InputError);
}

namespace {
// A rocksalt lattice (masses 3.5 and 9) of 6³ fcc cells in a thermal-like random state and the
// ion launched from the centre of the simple-cubic cube (1..2)³ a; fixed list: its eight corners
// (four of each species).
FullLatticeIntegrator rocksalt_system(FullScheme scheme, double dt, const PairPotential &U,
                                      int threads = 1) {
  const GridShape g{6, 6, 6};
  std::vector<Cell> cells;
  std::vector<int> basis;
  for (int o = 0; o < 8; ++o) {
    const auto [cell, b] = rocksalt_atom(Cell(1 + (o & 1), 1 + (o >> 1 & 1), 1 + (o >> 2 & 1)));
    cells.push_back(cell);
    basis.push_back(b);
  }
  FullLatticeIntegrator full(rocksalt(), g, U, kFree, InteractionList::fixed(cells, basis), dt,
                             {.scheme = scheme, .threads = threads});
  const std::int64_t values = 3 * full.atoms();
  full.set_lattice_state(random_field(values, 7), random_field(values, 8, 2.0));
  full.set_ion_state(Vec3(4.4, 4.6, 4.3), Vec3(5.0, -3.0, 2.0));
  return full;
}
} // namespace

TEST(FullLatticeBasis, RocksaltSiteMapIsTheFixedListGeometry) {
  // The corners of the cube (1..2)³ a: four atoms of each species at A n + τ_b = t a.
  const auto &c = rocksalt();
  int species[2] = {0, 0};
  for (int o = 0; o < 8; ++o) {
    const Cell t(1 + (o & 1), 1 + (o >> 1 & 1), 1 + (o >> 2 & 1));
    const auto [cell, b] = rocksalt_atom(t);
    ++species[b];
    EXPECT_LT((c.equilibrium_position(cell, b) - a * t.cast<double>()).norm(), 1e-12);
  }
  EXPECT_EQ(species[0], 4);
  EXPECT_EQ(species[1], 4);
}

TEST(FullLatticeBasis, RocksaltConservesEnergyAndMomentum) {
  // §4.2.1–2 with two masses: E = Σ_b (m_b/2)|ṙ_b|² + ½ rᵀVr + (M/2)|Ṙ|² + Σ_S U and
  // Σ m_b ṙ_b + M Ṙ. RK5, δt = 1e-3 ps, 4000 steps (Ω_max δt ≈ 0.03): drift ≤ 1e-9 relative;
  // velocity Verlet, δt = 4e-3 ps, 2·10⁴ steps: the error stays bounded (no secular growth). A
  // mass missing from the kinetic energy or the forces (1/m_b) would break either.
  const Gaussian U(300.0, 0.8);
  {
    auto full = rocksalt_system(FullScheme::rk5, 1e-3, U);
    const FullEnergy e0 = full.energy();
    const Vec3 p0 = full.total_momentum();
    ASSERT_GT(e0.interaction, 1.0) << "the ion starts inside the interaction";
    double worst = 0, exchanged = 0;
    for (int block = 0; block < 8; ++block) {
      full.advance(500);
      const FullEnergy e = full.energy();
      worst = std::max(worst, std::abs(e.total() - e0.total()));
      exchanged = std::max(exchanged, std::abs(e.ion_kinetic - e0.ion_kinetic));
    }
    RecordProperty("rk5_relative_drift", fmt::format("{:.3e}", worst / std::abs(e0.total())));
    EXPECT_GT(exchanged, 1.0) << "the ion exchanged energy with the lattice";
    EXPECT_LT(worst / std::abs(e0.total()), 1e-9);
    const double scale = (3.5 + 9.0) / 2 * 432 * 1.0; // Σ m_b |ṙ| scale (|ṙ| ~ 1 Å/ps)
    EXPECT_LT((full.total_momentum() - p0).norm(), 1e-11 * scale);
  }
  {
    auto full = rocksalt_system(FullScheme::velocity_verlet, 4e-3, U);
    const double E0 = full.energy().total();
    const Vec3 p0 = full.total_momentum();
    const auto [first, last] = support::energy_error_quarters(full);
    RecordProperty("verlet_first_quarter_max_error_meV", fmt::format("{:.3e}", first));
    RecordProperty("verlet_last_quarter_max_error_meV", fmt::format("{:.3e}", last));
    EXPECT_LT(last, 1.5 * first);
    EXPECT_LT(last / std::abs(E0), 1e-3);
    EXPECT_LT((full.total_momentum() - p0).norm(), 1e-10 * (3.5 + 9.0) / 2 * 432);
  }
}

TEST(FullLatticeBasis, ThreadedPassesMatchOneThread) {
  // The per-thread line buffers hold 3 n_b components: two threads give the one-thread state.
  const Gaussian U(300.0, 0.8);
  for (const FullScheme scheme : {FullScheme::rk5, FullScheme::velocity_verlet}) {
    auto one = rocksalt_system(scheme, 2e-3, U, 1);
    auto two = rocksalt_system(scheme, 2e-3, U, 2);
    one.advance(30);
    two.advance(30);
    EXPECT_EQ(one.lattice_displacements_A(), two.lattice_displacements_A());
    EXPECT_EQ(one.lattice_velocities_A_per_ps(), two.lattice_velocities_A_per_ps());
    EXPECT_EQ(one.ion_position_A(), two.ion_position_A());
  }
}

TEST(FullLatticeBasis, RocksaltOpticalModeOscillatesAtItsFrequency) {
  // §4.2.3 on a basis: u_{nb}(0) = ε Re[e_b(q) e^{i q·(n + f_b)}] / √m_b, u̇ = 0, with e(q) an
  // optical eigenvector of D(q) (DynamicalMatrix::branches), is a standing wave
  // u(t) = u(0) cos Ωt. Its phase after t = 1.2 ps (≈ 4 periods): the projection
  // c(t) = ⟨u(0), M u(t)⟩ / ⟨u(0), M u(0)⟩ equals cos Ωt to 1e-8 and the rest of u(t) is below
  // 1e-8 ε; a frequency off by 1e-6 relative would miss by ≈ 2e-5.
  const GridShape g{6, 4, 5};
  const auto &c = rocksalt();
  const Vec3 q = 2 * M_PI * Vec3(1.0 / 6, 3.0 / 4, 2.0 / 5); // reduced, on the grid
  const auto branches = crystal::DynamicalMatrix(c).branches(q);
  const double eps = 0.05;
  const Gaussian U(300.0, 0.8);
  for (const int u : {3, 5}) { // the lowest and highest optical branch
    const double omega = std::sqrt(branches.omega2[u]);
    std::vector<double> r(static_cast<std::size_t>(3 * 2 * grid_points(g))), v(r.size(), 0.0);
    std::vector<double> mass(r.size());
    for (int z = 0; z < g[2]; ++z)
      for (int y = 0; y < g[1]; ++y)
        for (int x = 0; x < g[0]; ++x)
          for (int b = 0; b < 2; ++b) {
            const double m = c.basis()[b].mass;
            const double phase = q.dot(Vec3(x, y, z) + c.fractional_position(b));
            const std::size_t i = 2 * (x + g[0] * (y + g[1] * z)) + b;
            for (int k = 0; k < 3; ++k) {
              const std::complex<double> e = branches.e(3 * b + k, u);
              r[3 * i + k] = eps * std::real(e * std::polar(1.0, phase)) / std::sqrt(m);
              mass[3 * i + k] = m;
            }
          }
    FullLatticeIntegrator full(c, g, U, kFree, InteractionList::fixed({Cell::Zero()}), 2e-3);
    full.set_lattice_state(r, v);
    full.set_ion_state(kFarAway, Vec3::Zero());
    full.advance(600);
    const auto rt = full.lattice_displacements_A();
    double overlap = 0, norm = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
      overlap += mass[i] * r[i] * rt[i];
      norm += mass[i] * r[i] * r[i];
    }
    const double projection = overlap / norm, expected = std::cos(omega * full.time_ps());
    double rest = 0;
    for (std::size_t i = 0; i < r.size(); ++i)
      rest = std::max(rest, std::abs(rt[i] - projection * r[i]));
    RecordProperty(fmt::format("branch{}_phase_error", u),
                   fmt::format("{:.3e}", std::abs(projection - expected)));
    EXPECT_GT(omega * full.time_ps(), 6 * M_PI) << "several periods";
    EXPECT_LT(std::abs(projection - expected), 1e-8) << "branch " << u << " Ω = " << omega;
    EXPECT_LT(rest, 1e-8 * eps) << "branch " << u;
  }
}
