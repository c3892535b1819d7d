// General crystals (physics.md §12, §6.2, §7.1, §10 rows 13, 16): a basis, confinement, chains,
// the Γ policy and unit systems, checked against closed forms and against the one-atom
// description of the same lattice.
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/spectrum.hpp"
#include "ionbath/crystal/static_response.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/io/config.hpp"
#include "unit/crystal_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>

using namespace ionbath;
using namespace ionbath::crystal;

namespace {

const Crystal &kPaper = support::paper_lattice();

std::vector<double> sorted_omegas(const ModeSet &m) {
  std::vector<double> w = m.omegas();
  std::sort(w.begin(), w.end());
  return w;
}

double max_relative_difference(const std::vector<double> &a, const std::vector<double> &b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]) / std::abs(b[i]));
  return worst;
}

} // namespace

TEST(GeneralCrystal, CubicLatticeIsUnchangedByTheGeneralization) {
  EXPECT_EQ(kPaper.n_basis(), 1);
  EXPECT_FALSE(kPaper.confined());
  EXPECT_EQ(kPaper.zero_modes_at_gamma(), 3);
  EXPECT_EQ(kPaper.symmetry_correction(), 0.0);
  EXPECT_EQ(ModeSet::total_modes(kPaper, {20, 20, 20}), ModeSet::total_modes({20, 20, 20}));
  const DynamicalMatrix d(kPaper);
  const Vec3 q(0.3, -1.2, 2.2);
  const Eigen::MatrixXcd h = d.hermitian(q);
  EXPECT_LT((h.real() - d(q)).norm(), 1e-12 * d(q).norm());
  EXPECT_LT(h.imag().norm(), 1e-12 * d(q).norm());
}

TEST(GeneralCrystal, SymmetrizesForceConstantsAndReportsTheCorrection) {
  const Mat3 a = central_spring_block(Vec3(3, 0, 0), 100.0);
  Mat3 b = a;
  b(0, 1) += 0.02; // small asymmetry of the partner
  const Crystal c(3.0 * Mat3::Identity(), 1.0, {{Cell(1, 0, 0), a}, {Cell(-1, 0, 0), b}}, "t");
  EXPECT_NEAR(c.symmetry_correction(), 0.01, 1e-15);
  EXPECT_EQ(c.bonds()[0].phi, c.bonds()[1].phi.transpose());
  EXPECT_THROW(Crystal(3.0 * Mat3::Identity(), 1.0, {{Cell(1, 0, 0), a}}, "t"), InputError);
  Mat3 far = a;
  far(0, 0) *= 1.5;
  EXPECT_THROW(
      Crystal(3.0 * Mat3::Identity(), 1.0, {{Cell(1, 0, 0), a}, {Cell(-1, 0, 0), far}}, "t"),
      InputError);
}

TEST(GeneralCrystal, GivenSelfTermsAreReplacedByTheSumRule) {
  const Mat3 a = central_spring_block(Vec3(3, 0, 0), 100.0);
  Mat3 self = -2 * a;
  self(0, 0) += 0.5;
  const Crystal c(3.0 * Mat3::Identity(), {BasisAtom{Vec3::Zero(), 2.0, "X"}},
                  {{Cell(1, 0, 0), a}, {Cell(-1, 0, 0), a}, {Cell(0, 0, 0), self}}, {}, "t");
  EXPECT_EQ(c.bonds().size(), 2u);
  EXPECT_NEAR(c.sum_rule_correction(), 0.5, 1e-12);
  EXPECT_LT((c.onsite_block() + 2 * a).norm(), 1e-12);
}

// Seed 001 Eq. (12) in seed-001 units: ω_u(q)² = κ + 4 k_u sin²(q/2), ω in cycles per period, so
// the internal Ω = 2π ω; a confined chain keeps every Γ mode.
TEST(GeneralCrystal, ChainDispersionIsExactAndKeepsGammaWhenConfined) {
  const double nu = 1.0, kp = 99.0 / 4, kt = 30.0;
  const Crystal c = seed001_chain(nu, std::sqrt(kp), std::sqrt(kt));
  EXPECT_EQ(c.units().system, units::System::seed001);
  EXPECT_TRUE(c.confined());
  const int n = 64;
  const ModeSet modes(c, {n, 1, 1});
  ASSERT_EQ(modes.size(), 3 * n);
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const double s = std::sin(modes.q(j).x() / 2);
    std::array<double, 3> omega{std::sqrt(nu * nu + 4 * kp * s * s),
                                std::sqrt(nu * nu + 4 * kt * s * s),
                                std::sqrt(nu * nu + 4 * kt * s * s)};
    std::sort(omega.begin(), omega.end()); // branches ascend
    const double expected = omega[static_cast<std::size_t>(modes.branch(j))];
    EXPECT_NEAR(modes.omega(j) / (2 * units::pi), expected, 1e-12 * expected);
  }
  // Band edges: ω_min = √κ at Γ, ω_max = √(κ + 4k∥) = 10 (§10 row 43).
  const auto w = sorted_omegas(modes);
  EXPECT_NEAR(w.front() / (2 * units::pi), 1.0, 1e-13);
  EXPECT_NEAR(w.back() / (2 * units::pi), std::sqrt(1 + 4 * kt), 1e-12);
  const Crystal unconfined = seed001_chain(0.0, std::sqrt(kp), std::sqrt(kt));
  EXPECT_EQ(ModeSet(unconfined, {n, 1, 1}).size(), 3 * n - 3);
  EXPECT_EQ(ModeSet(unconfined, {n, 1, 1}).mass(), 1.0);
}

// The on-site static response of a confined chain is the 1D lattice Green's function
// (1/2π)∫dq/(κ + 4k sin²(q/2)) = 1/√(κ(κ + 4k)) per direction (in user units l²/ħΩ).
TEST(GeneralCrystal, ConfinedChainOnsiteResponseMatchesTheLatticeGreensFunction) {
  const double kappa = 1.0, kp = 99.0 / 4, kt = 6.0;
  const Crystal c = seed001_chain(std::sqrt(kappa), std::sqrt(kp), std::sqrt(kt));
  const auto table = static_response_periodic(c, {256, 1, 1}, 2);
  const Mat3 w = table(Cell::Zero()) * c.units().energy_scale;
  EXPECT_NEAR(w(2, 2), 1 / std::sqrt(kappa * (kappa + 4 * kp)), 1e-12);
  EXPECT_NEAR(w(0, 0), 1 / std::sqrt(kappa * (kappa + 4 * kt)), 1e-12);
  EXPECT_NEAR(w(1, 1), w(0, 0), 1e-14);
  EXPECT_NEAR(w(0, 1), 0.0, 1e-14);
  // Neighbour block: the Green's function decays as t^|L|, t = (κ + 2k − √(κ(κ+4k)))/2k.
  const double t = (kappa + 2 * kp - std::sqrt(kappa * (kappa + 4 * kp))) / (2 * kp);
  EXPECT_NEAR(table(Cell(1, 0, 0))(2, 2) * c.units().energy_scale, t * w(2, 2), 1e-12);
}

// The continuum W(0) of a gapped chain needs no Richardson: the half-shifted sum converges
// exponentially.
TEST(GeneralCrystal, ConfinedChainContinuumResponseConverges) {
  const Crystal c = seed001_chain(1.0, std::sqrt(99.0 / 4), std::sqrt(99.0 / 4));
  const auto table = static_response_fft(c, 160, 1);
  EXPECT_NEAR(table(Cell::Zero())(2, 2) * c.units().energy_scale, 0.1, 1e-10);
  EXPECT_LT(table.error_estimate * c.units().energy_scale, 1e-6); // a (N/2)³ bound
}

// Seed 003 chain (§7.1): Ω_slow = 1 and Ω_fast = ω_fast cycles per period, longitudinal springs.
TEST(GeneralCrystal, Seed003ChainBandEdges) {
  const Crystal c = seed003_chain(40.0, 10.0);
  const ModeSet modes(c, {100, 1, 1});
  double lo = 1e300, hi = 0;
  for (std::int64_t j = 0; j < modes.size(); ++j)
    if (modes.branch(j) == 2) {
      lo = std::min(lo, modes.omega(j));
      hi = std::max(hi, modes.omega(j));
    }
  EXPECT_NEAR(lo / (2 * units::pi), 1.0, 1e-13);
  EXPECT_NEAR(hi / (2 * units::pi), 10.0, 1e-12);
}

// §10 rows 13 and 16: the seed-001 cubic lattice (α = 2, k1 = 15, k2 = 5, m = 1) in the seed-001
// unit system gives W̃(0) and m0 of ℳ through the physical kernels (W and 𝓛 scale with the
// unit system's energy scale).
TEST(GeneralCrystal, Seed001UnitSystemReproducesDimensionlessW0AndM0) {
  const auto u = units::seed001_units();
  const double s = u.energy_scale;
  const Crystal c = Crystal::central_springs(
      2.0 * Mat3::Identity(), 1.0,
      [s](const Cell &d) {
        const int nz = (d.x() != 0) + (d.y() != 0) + (d.z() != 0);
        return nz == 1 ? 15.0 * s : nz == 2 ? 5.0 * s : 0.0;
      },
      "seed001-cubic");
  const Mat3 w0 = static_response_fft(c, 128, 1)(Cell::Zero()) * s;
  EXPECT_NEAR(w0(0, 0), 0.0324894, 2e-7);
  const Mat3 m = drag_matrix_gauss_legendre(c, 48, 48) * s;
  EXPECT_NEAR(m(0, 0), 5.59361e-4, 2e-9);
  EXPECT_NEAR(m(0, 0), m(2, 2), 1e-7 * m(0, 0)); // isotropic (quadrature precision)
}

// A rocksalt-like two-mass crystal: Hermitian D(q), three zero modes at Γ, the decoupled
// sublattice frequencies at L, and the long-wave theory against Richardson at finite ε.
TEST(GeneralCrystal, RocksaltGapAtTheZoneBoundaryAndSoundSpeeds) {
  const double k1 = 520, k2 = 170, ma = 3.5, mb = 1.7;
  const Crystal c = rocksalt(3.0, ma, mb, k1, k2);
  ASSERT_EQ(c.n_basis(), 2);
  const DynamicalMatrix d(c);
  const Eigen::MatrixXcd h = d.hermitian(Vec3(0.4, -1.0, 2.1));
  EXPECT_LT((h - h.adjoint()).norm(), 1e-12 * h.norm());
  const Eigen::VectorXd g = d.branches(Vec3::Zero()).omega2;
  EXPECT_LT(g.head<3>().cwiseAbs().maxCoeff(), 1e-10 * g.maxCoeff());
  EXPECT_GT(g(3), 1.0);
  std::vector<double> expected{(2 * k1 + 2 * k2) / ma, (2 * k1 + 2 * k2) / ma,
                               (2 * k1 + 8 * k2) / ma, (2 * k1 + 2 * k2) / mb,
                               (2 * k1 + 2 * k2) / mb, (2 * k1 + 8 * k2) / mb};
  std::sort(expected.begin(), expected.end());
  const Eigen::VectorXd l = d.branches(Vec3(M_PI, M_PI, M_PI)).omega2;
  for (int i = 0; i < 6; ++i)
    EXPECT_NEAR(l(i), expected[i], 1e-10 * expected[i]);
  for (const Vec3 &n :
       {Vec3(1, 0, 0), Vec3(1, 1, 0).normalized(), Vec3(0.3, -0.5, 0.8).normalized()}) {
    const Vec3 lw = d.sound_speeds(n), rich = d.sound_speeds_richardson(n, 2e-3);
    for (int u = 0; u < 3; ++u)
      EXPECT_NEAR(lw(u), rich(u), 1e-7 * lw(u)) << "direction " << n.transpose();
  }
  EXPECT_NEAR(c.density(), (ma + mb) / (2 * 27.0), 1e-14);
}

// Equal masses: the rocksalt crystal is the simple cubic lattice in a two-atom fcc cell, and its
// long-wave speeds (with the basis relaxation) are the one-atom ones.
TEST(GeneralCrystal, EqualMassRocksaltIsTheCubicLattice) {
  const Crystal c = rocksalt(3.0, 3.5, 3.5, 520.0, 170.0);
  const DynamicalMatrix d(c), d1(kPaper);
  for (const Vec3 &n :
       {Vec3(1, 0, 0), Vec3(1, 1, 1).normalized(), Vec3(0.2, 0.7, -0.3).normalized()})
    EXPECT_LT((d.sound_speeds(n) - d1.sound_speeds(n)).norm(), 1e-10 * d1.sound_speeds(n).norm());
  // §10 row 7 through the two-atom description.
  EXPECT_NEAR(d.sound_speeds(Vec3(1, 0, 0))(2), 47.02583, 1e-5);
}

// physics.md §12.4 fact 1: the cubic lattice as a 2- and an 8-atom supercell.
TEST(GeneralCrystal, SupercellsFoldTheOneAtomSpectrumAndLongWaveProperties) {
  const int n = 8;
  const ModeSet one(kPaper, {n, n, n});
  for (const GridShape &mult : {GridShape{2, 1, 1}, GridShape{2, 2, 2}}) {
    const Crystal big = supercell(kPaper, mult);
    ASSERT_EQ(big.n_basis(), mult[0] * mult[1] * mult[2]);
    const ModeSet folded(big, {n / mult[0], n / mult[1], n / mult[2]});
    EXPECT_LT(max_relative_difference(sorted_omegas(folded), sorted_omegas(one)), 1e-10);
    const DynamicalMatrix d(big), d1(kPaper);
    for (const Vec3 &dir :
         {Vec3(1, 0, 0), Vec3(1, 1, 0).normalized(), Vec3(0.6, -0.2, 0.77).normalized()})
      EXPECT_LT((d.sound_speeds(dir) - d1.sound_speeds(dir)).norm(),
                1e-10 * d1.sound_speeds(dir).norm());
    const Mat3 l = drag_matrix_gauss_legendre(big, 24, 24),
               l1 = drag_matrix_gauss_legendre(kPaper, 24, 24);
    EXPECT_LT((l - l1).norm(), 1e-10 * l1.norm());
    EXPECT_NEAR(big.density(), kPaper.density(), 1e-15);
  }
}

TEST(GeneralCrystal, PolarizationsAreNormalizedOverTheBasis) {
  const Crystal c = rocksalt(3.0, 3.5, 1.2, 520.0, 170.0);
  const ModeSet modes(c, {4, 4, 4});
  EXPECT_EQ(modes.size(), 6 * 64 - 3);
  for (std::int64_t j = 0; j < modes.size(); j += 7) {
    const double norm =
        modes.polarization(j, 0).squaredNorm() + modes.polarization(j, 1).squaredNorm();
    EXPECT_NEAR(norm, 1.0, 1e-12);
  }
  const auto path = dispersion_path(c, 10);
  ASSERT_EQ(path.hbar_omega_meV.front().size(), 6);
  const auto dos = density_of_states(c, 12, 50, 80.0); // Ω_max ≈ 46 ps⁻¹
  double integral = 0;
  for (double g : dos.density)
    integral += g * dos.bin_width;
  EXPECT_NEAR(integral, 6.0, 1e-12);
}

TEST(GeneralCrystal, ChainConfigurationRoundTripsAndDerivesDefaults) {
  const io::Config c = io::parse_config("[units]\nsystem = \"seed003\"\n[lattice]\nkind = "
                                        "\"chain\"\nconfinement = 1.0\nk_parallel = 24.75\n",
                                        "chain.toml");
  EXPECT_EQ(c.lattice.bz_grid, (GridShape{200, 1, 1}));
  EXPECT_EQ(c.lattice.k_perp, c.lattice.k1); // unwritten spring: k1
  EXPECT_EQ(io::parse_config(io::to_toml(c), "resolved"), c);
  // The seed 002 model's canonical text carries none of the new keys (its hash is unchanged).
  EXPECT_EQ(io::to_toml(io::default_config()).find("kind = "),
            io::to_toml(io::default_config()).find("kind = \"yukawa\""));
  EXPECT_EQ(io::to_toml(io::default_config()).find("[units]"), std::string::npos);
}
