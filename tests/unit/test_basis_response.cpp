// Response, covariance and recoil blocks of crystals with a basis (physics.md §12.3, §12.4 fact 1):
// supercell descriptions of the cubic lattice reproduce the one-atom blocks; the periodic blocks
// are the (pseudo-)inverse of V for a crystal without inversion symmetry; the FFT and the direct
// mode sum agree.
#include "crystal_test_support.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/recoil_kernel.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/crystal/thermal_covariance.hpp"
#include "ionbath/crystal/zone_average.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

namespace ionbath::crystal {
namespace {

const Crystal &kPaper = support::paper_lattice();

// Cell of atom b of a `mult` supercell of a one-atom crystal (builders.hpp supercell ordering).
Cell subcell(int b, const GridShape &mult) {
  return {b % mult[0], (b / mult[0]) % mult[1], b / (mult[0] * mult[1])};
}

// Primitive separation of atom (n + L, b2) from atom (n, b) of the supercell.
Cell primitive_separation(int b, const Cell &L, int b2, const GridShape &mult) {
  const Cell size(mult[0], mult[1], mult[2]);
  return L.cwiseProduct(size) + subcell(b2, mult) - subcell(b, mult);
}

double largest_element(const std::vector<Mat3> &blocks) {
  double m = 0;
  for (const Mat3 &b : blocks)
    m = std::max(m, b.cwiseAbs().maxCoeff());
  return m;
}

// max |big(b, L, b2) − one(separation)| / max |one| over every stored block of `big`.
double supercell_mismatch(const StaticResponseTable &big, const StaticResponseTable &one,
                          const GridShape &mult) {
  double worst = 0;
  const int r = big.range;
  for (int b = 0; b < big.n_basis; ++b)
    for (int b2 = 0; b2 < big.n_basis; ++b2)
      for (int z = -r; z <= r; ++z)
        for (int y = -r; y <= r; ++y)
          for (int x = -r; x <= r; ++x) {
            const Cell L(x, y, z);
            const Mat3 &expected = one(primitive_separation(b, L, b2, mult));
            worst = std::max(worst, (big(b, L, b2) - expected).cwiseAbs().maxCoeff());
          }
  return worst / largest_element(one.blocks);
}

const std::vector<GridShape> kSupercells{{2, 1, 1}, {2, 2, 2}};

GridShape folded(int n, const GridShape &mult) {
  return {n / mult[0], n / mult[1], n / mult[2]};
}

// physics.md §12.4 fact 1: W blocks of the 2- and 8-atom descriptions, same Richardson levels.
TEST(BasisResponse, SupercellStaticResponseEqualsTheOneAtomBlocks) {
  const StaticResponseTable one = static_response_fft(kPaper, 64, 3);
  for (const GridShape &mult : kSupercells) {
    const Crystal big = supercell(kPaper, mult);
    const StaticResponseTable w = static_response_fft(big, folded(64, mult), 1);
    EXPECT_EQ(w.n_basis, big.n_basis());
    EXPECT_LT(supercell_mismatch(w, one, mult), 1e-10);
    EXPECT_LE(w.error_estimate, one.error_estimate * (1 + 1e-9)); // one holds more separations
  }
}

TEST(BasisResponse, SupercellThermalCovarianceEqualsTheOneAtomBlocks) {
  const ThermalCovarianceTable one = thermal_covariance(kPaper, 25.0, 64, 3);
  const GridShape mult{2, 1, 1};
  const ThermalCovarianceTable big =
      thermal_covariance(supercell(kPaper, mult), 25.0, folded(64, mult), 1);
  EXPECT_LT(supercell_mismatch(big.displacement, one.displacement, mult), 1e-10);
  EXPECT_LT(supercell_mismatch(big.velocity, one.velocity, mult), 1e-10);
  // the classical limit kT W(0) per basis pair, within the two extrapolations' error estimates
  // (Richardson orders 1, 2, 3 for the covariance against 1, 3, 5 for W)
  const ThermalCovarianceTable classical =
      thermal_covariance(supercell(kPaper, mult), 25.0, folded(64, mult), 1, Statistics::classical);
  const StaticResponseTable w = static_response_fft(supercell(kPaper, mult), folded(64, mult), 1);
  for (std::size_t k = 0; k < w.blocks.size(); ++k)
    EXPECT_LT((classical.displacement.blocks[k] - 25.0 * w.blocks[k]).cwiseAbs().maxCoeff(),
              3.0 * (classical.displacement.error_estimate + 25.0 * w.error_estimate));
}

TEST(BasisResponse, SupercellRecoilKernelEqualsTheOneAtomKernel) {
  const std::vector<double> times{0.0, 0.05, 0.3, 0.8};
  const GridShape mult{2, 2, 2};
  const Crystal big = supercell(kPaper, mult);
  for (const auto &[b, L, b2] : {std::tuple{3, Cell(1, 0, -1), 5}}) {
    const std::vector<Mat3> one =
        recoil_kernel(kPaper, primitive_separation(b, L, b2, mult), times, 64);
    const std::vector<Mat3> w = recoil_kernel(big, b, L, b2, times, 32);
    for (std::size_t t = 0; t < times.size(); ++t)
      EXPECT_LT((w[t] - one[t]).cwiseAbs().maxCoeff(), 1e-10 * one[0].cwiseAbs().maxCoeff())
          << "b=" << b << " b'=" << b2 << " t=" << times[t];
  }
}

// The seed-001 loss matrix ℳ is a long-wave property: the same for a supercell description.
TEST(BasisResponse, SupercellLossMatrixEqualsTheOneAtomMatrix) {
  const Crystal unit = Crystal::simple_cubic(1.0, 1.0, 1.0, 0.3);
  const Mat3 one = loss_matrix_dimensionless(unit, 1e-10);
  const Mat3 big = loss_matrix_dimensionless(supercell(unit, {2, 1, 1}), 1e-10);
  EXPECT_LT((big - one).norm(), 1e-8 * one.norm());
  EXPECT_NEAR(one(0, 0), drag_matrix(unit, 1e-10)(0, 0) / (2 * M_PI), 1e-8 * one(0, 0));
}

// A two-atom cell without inversion symmetry: masses 2 and 5, atom 1 at f = (0.3, 0.2, 0.1),
// central springs within and between the sublattices.
Crystal polar_crystal(bool confined) {
  const Mat3 a = 3.0 * Mat3::Identity();
  std::vector<BasisAtom> basis{{Vec3::Zero(), 2.0, "A"}, {Vec3(0.9, 0.6, 0.3), 5.0, "B"}};
  std::vector<Bond> bonds;
  auto spring = [&](int from, const Cell &L, int to, double k) {
    const Vec3 x = a * L.cast<double>() + basis[to].position - basis[from].position;
    bonds.push_back({L, central_spring_block(x, k), from, to});
    bonds.push_back({Cell(-L), central_spring_block(-x, k), to, from});
  };
  for (int axis = 0; axis < 3; ++axis) {
    Cell e = Cell::Zero(), f = Cell::Zero();
    e(axis) = 1;
    f((axis + 1) % 3) = 1;
    spring(0, e, 0, 300.0 + 40.0 * axis);
    spring(1, e, 1, 180.0);
    spring(0, Cell(e + f), 0, 90.0); // face diagonals: no soft shear modes
    spring(0, Cell(e - f), 0, 80.0);
    spring(1, Cell(e + f), 1, 70.0);
    spring(1, Cell(e - f), 1, 60.0);
  }
  spring(0, Cell(0, 0, 0), 1, 250.0);
  spring(0, Cell(-1, 0, 0), 1, 120.0);
  spring(0, Cell(0, -1, 0), 1, 90.0);
  spring(0, Cell(0, 0, -1), 1, 60.0);
  std::vector<Mat3> confinement;
  if (confined)
    confinement = {Vec3(40, 50, 60).asDiagonal(), Vec3(70, 30, 20).asDiagonal()};
  return Crystal(a, basis, bonds, confinement, "polar");
}

// Σ_{L', b'} Φ_bb'(L') W_b'b''(L − L') on a periodic lattice: δ I for a confined crystal, and δ I −
// m_b/(N M_cell) I when the uniform translations are projected out (physics.md §12.2).
void expect_periodic_inverse(const Crystal &c) {
  const GridShape lattice{4, 4, 4};
  const StaticResponseTable w = static_response_periodic(c, lattice, 2);
  const int n = 4, cells = n * n * n;
  auto wrapped = [&](const Cell &L) {
    Cell r = L.unaryExpr([&](int v) { return ((v % n) + n + 1) % n - 1; }); // into [-1, 2]
    return r;
  };
  auto block = [&](int b, const Cell &L, int b2) { return w(b, wrapped(L), b2); };
  for (int b = 0; b < c.n_basis(); ++b)
    for (int b2 = 0; b2 < c.n_basis(); ++b2)
      for (const Cell &L : {Cell(0, 0, 0), Cell(1, 0, 0), Cell(0, 2, -1)}) {
        Mat3 sum = c.onsite_block(b) * block(b, L, b2);
        for (const Bond &bond : c.bonds())
          if (bond.from == b)
            sum += bond.phi * block(bond.to, L - bond.offset, b2);
        Mat3 expected = Mat3::Zero();
        if (b == b2 && L.isZero())
          expected = Mat3::Identity();
        if (!c.confined())
          expected -= c.basis()[b].mass / (cells * c.total_mass()) * Mat3::Identity();
        EXPECT_LT((sum - expected).cwiseAbs().maxCoeff(), 1e-11)
            << "b=" << b << " b''=" << b2 << " L=" << L.transpose();
      }
}

TEST(BasisResponse, PeriodicBlocksInvertVForAPolarCrystal) {
  expect_periodic_inverse(polar_crystal(true));
  expect_periodic_inverse(polar_crystal(false));
}

// W_bb'(L) = W_b'b(−L)ᵀ (V symmetric), and the polar crystal's blocks are not even in L.
TEST(BasisResponse, ContinuumBlocksAreTheTransposeOfTheReversedPair) {
  const StaticResponseTable w = static_response_fft(polar_crystal(false), GridShape{64, 64, 64}, 1);
  const Cell L(1, 0, -1);
  EXPECT_LT((w(0, L, 1) - w(1, Cell(-L), 0).transpose()).cwiseAbs().maxCoeff(),
            1e-12 * w(0, Cell::Zero(), 0).norm());
  EXPECT_GT((w(0, L, 1) - w(0, Cell(-L), 1)).cwiseAbs().maxCoeff(),
            1e-3 * w(0, L, 1).cwiseAbs().maxCoeff());
}

// The direct mode sum of mode_covariance against the FFT grid sum, every pair and separation.
TEST(BasisResponse, ModeCovarianceEqualsTheGridSum) {
  const Crystal c = polar_crystal(false);
  const GridShape grid{4, 4, 4};
  const ModeSet modes(c, grid);
  const double kT = 20.0, hbar = c.units().hbar;
  auto energy = [&](double omega2) {
    const double x = 0.5 * hbar * std::sqrt(omega2);
    return x / std::tanh(x / kT);
  };
  const StaticResponseTable fft =
      mode_zone_grid_average(c, grid, false, 1, [&](double w2) { return energy(w2) / w2; });
  for (int b = 0; b < 2; ++b)
    for (int b2 = 0; b2 < 2; ++b2)
      for (const Cell &L : {Cell(0, 0, 0), Cell(1, -1, 0)}) {
        const CovarianceBlocks direct = mode_covariance(modes, kT, b, L, b2);
        EXPECT_LT((direct.displacement - fft(b, L, b2)).cwiseAbs().maxCoeff(),
                  1e-12 * fft(0, Cell::Zero(), 0).norm());
      }
}

TEST(BasisResponse, SupercellModeCovarianceEqualsTheOneAtomSum) {
  const ModeSet one(kPaper, {8, 8, 8});
  const GridShape mult{2, 2, 2};
  const ModeSet big(supercell(kPaper, mult), {4, 4, 4});
  for (const auto &[b, L, b2] :
       {std::tuple{0, Cell(0, 0, 0), 0}, std::tuple{1, Cell(0, 1, 0), 6}}) {
    const CovarianceBlocks expected =
        mode_covariance(one, 10.0, primitive_separation(b, L, b2, mult));
    const CovarianceBlocks got = mode_covariance(big, 10.0, b, L, b2);
    EXPECT_LT((got.displacement - expected.displacement).norm(),
              1e-10 * mode_covariance(one, 10.0).displacement.norm());
    EXPECT_LT((got.velocity - expected.velocity).norm(),
              1e-10 * mode_covariance(one, 10.0).velocity.norm());
  }
}

// physics.md §12.3: ψ_u = eigenvectors of S(n̂) against Σ_b √m_b e_{b,u}(ε n̂), normalized, for a
// two-mass crystal along a generic direction (non-degenerate speeds); the error is O(ε).
TEST(BasisResponse, AcousticPolarizationsAreTheMassWeightedBasisSum) {
  const Crystal c = rocksalt(3.0, 3.5, 1.2, 520.0, 170.0);
  const DynamicalMatrix d(c);
  const Vec3 n = Vec3(0.3, 0.5, 0.81).normalized();
  const Mat3 psi = d.acoustic_polarizations(n);
  const double eps = 1e-4; // Å⁻¹
  const DynamicalMatrix::Branches br = d.branches(c.lattice_vectors().transpose() * (eps * n));
  for (int u = 0; u < 3; ++u) {
    CVec3 sum = CVec3::Zero();
    for (int b = 0; b < 2; ++b)
      sum += std::sqrt(c.basis()[b].mass) * br.e.col(u).segment<3>(3 * b);
    const double overlap = std::abs(sum.normalized().dot(psi.col(u).cast<std::complex<double>>()));
    EXPECT_NEAR(overlap, 1.0, 1e-6) << "branch " << u;
  }
}

TEST(BasisResponse, RejectsGridsTooCoarseForTheBasis) {
  const Crystal big = supercell(kPaper, {2, 2, 2});
  EXPECT_THROW(static_response_fft(big, GridShape{24, 24, 24}, 1), std::invalid_argument);
  EXPECT_THROW(static_response_fft(big, GridShape{36, 32, 32}, 1), std::invalid_argument);
  EXPECT_NO_THROW(static_response_fft(polar_crystal(false), GridShape{64, 64, 32}, 0));
}

} // namespace
} // namespace ionbath::crystal
