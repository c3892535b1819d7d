// physics.md §12.3, §12.4 fact 1, §2.5 facts 2 and 6 for crystals with a basis: bath coefficients
// c_{j,b}, the Chebyshev field and the FFT lattice state of atom (n, b) against the direct sum and
// against the 1-atom description of the same crystal.
#include "ionbath/bath/chebyshev_bath_field.hpp"
#include "ionbath/bath/lattice_thermal_motion.hpp"
#include "ionbath/bath/reference_bath_field.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/thermal_covariance.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fmt/format.h>
#include <vector>

using namespace ionbath;
using namespace ionbath::bath;

namespace {
const crystal::Crystal kPaper = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
constexpr double kDt = 0.005; // ps
constexpr double kT = 25.0;   // meV

const crystal::Crystal &rocksalt() {
  static const crystal::Crystal c = crystal::rocksalt(3.0, 3.5, 1.2, 520.0, 170.0);
  return c;
}

// E(Ω) = (ħΩ/2) coth(ħΩ/2kT): ½⟨|ζ_j|²⟩ = E/Ω² (physics.md §2.1).
double mode_energy(double omega, double hbar) {
  const double x = 0.5 * hbar * omega;
  return x / std::tanh(x / kT);
}

// The unit-amplitude wave of mode j at atom (n, b): c_{j,b} e^{iq·n} / ζ_j.
CVec3 unit_wave(const ThermalBath &bath, std::int64_t j, const Cell &n, int b) {
  const double phase = bath.modes().q(j).dot(n.cast<double>());
  return bath.coefficient(j, b) * (std::polar(1.0, phase) / bath.zeta(j));
}

// Exact ensemble covariance ⟨r_{n,b} r_{n',b'}ᵀ⟩ (and of ṙ) of the bath's field: the random phases
// leave Σ_j ½⟨|ζ_j|²⟩ Re(w w'^H), w the unit-amplitude waves at the two atoms.
crystal::CovarianceBlocks bath_covariance(const ThermalBath &bath, const Cell &n, int b,
                                          const Cell &n2, int b2) {
  const auto &modes = bath.modes();
  crystal::CovarianceBlocks sum;
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const CVec3 w = unit_wave(bath, j, n, b), w2 = unit_wave(bath, j, n2, b2);
    const Mat3 re = w.real() * w2.real().transpose() + w.imag() * w2.imag().transpose();
    const double omega = modes.omega(j), e = mode_energy(omega, modes.hbar());
    sum.displacement += (e / (omega * omega)) * re;
    sum.velocity += e * re;
  }
  return sum;
}

// The cell of the primitive crystal holding atom (n, b) of its supercell description.
Cell primitive_cell(const crystal::Crystal &primitive, const crystal::Crystal &super, const Cell &n,
                    int b) {
  const Vec3 f = primitive.lattice_vectors().inverse() * super.equilibrium_position(n, b);
  return f.array().round().cast<int>().matrix();
}

// Per-component r.m.s. of r_H and ṙ_H (largest over the basis atoms) of the bath's ensemble.
std::pair<double, double> rms_xyz(const ThermalBath &bath) {
  double r2 = 0, v2 = 0;
  for (int b = 0; b < bath.n_basis(); ++b) {
    const auto c = bath_covariance(bath, Cell::Zero(), b, Cell::Zero(), b);
    r2 = std::max(r2, c.displacement.trace() / 3);
    v2 = std::max(v2, c.velocity.trace() / 3);
  }
  return {std::sqrt(r2), std::sqrt(v2)};
}

struct Atoms {
  std::vector<Cell> cells;
  std::vector<int> basis;
};

// Every atom of the periodic lattice, in the DOF order of lattice_thermal_motion.
Atoms lattice_atoms(const GridShape &g, int n_b) {
  Atoms a;
  for (int z = 0; z < g[2]; ++z)
    for (int y = 0; y < g[1]; ++y)
      for (int x = 0; x < g[0]; ++x)
        for (int b = 0; b < n_b; ++b) {
          a.cells.emplace_back(x, y, z);
          a.basis.push_back(b);
        }
  return a;
}

double max_deviation(const std::vector<SiteMotion> &a, const std::vector<SiteMotion> &b,
                     bool velocity) {
  double err = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    err = std::max(err, velocity ? (a[i].v - b[i].v).cwiseAbs().maxCoeff()
                                 : (a[i].r - b[i].r).cwiseAbs().maxCoeff());
  return err;
}
} // namespace

// (a) physics.md §12.4 fact 1: the same lattice as 2- and 8-atom supercells on the folded grids
// has the 1-atom covariance between any two atoms (cross terms test the phase e^{iq·f_b}).
TEST(BathBasis, SupercellCovarianceEqualsOneAtomCovariance) {
  const crystal::ModeSet one(kPaper, {6, 6, 6});
  const double scale_r = mode_covariance(one, kT).displacement.cwiseAbs().maxCoeff();
  const double scale_v = mode_covariance(one, kT).velocity.cwiseAbs().maxCoeff();
  for (const GridShape multiplier : {GridShape{2, 1, 1}, GridShape{2, 2, 2}}) {
    const crystal::Crystal super = crystal::supercell(kPaper, multiplier);
    const crystal::ModeSet modes(super, {6 / multiplier[0], 6 / multiplier[1], 6 / multiplier[2]});
    ASSERT_EQ(modes.size(), one.size());
    const ThermalBath bath(modes, {.kT_meV = kT, .seed = 4});
    double err_r = 0, err_v = 0;
    int pairs = 0;
    for (int b0 = 0; b0 < super.n_basis(); ++b0)
      for (const Cell &n : {Cell(0, 0, 0), Cell(1, 0, 0), Cell(-1, 2, 1)})
        for (int b = 0; b < super.n_basis(); ++b) {
          const Cell L =
              primitive_cell(kPaper, super, n, b) - primitive_cell(kPaper, super, Cell::Zero(), b0);
          const auto want = mode_covariance(one, kT, L);
          const auto got = bath_covariance(bath, n, b, Cell::Zero(), b0);
          err_r = std::max(err_r, (got.displacement - want.displacement).cwiseAbs().maxCoeff());
          err_v = std::max(err_v, (got.velocity - want.velocity).cwiseAbs().maxCoeff());
          ++pairs;
        }
    EXPECT_EQ(pairs, 3 * super.n_basis() * super.n_basis());
    EXPECT_LE(err_r, 1e-10 * scale_r) << super.name();
    EXPECT_LE(err_v, 1e-10 * scale_v) << super.name();
  }
}

TEST(BathBasis, CoefficientsDoNotDependOnTheModeSlice) {
  const crystal::ModeSet all(rocksalt(), {4, 4, 4});
  const ThermalBathParams params{.kT_meV = kT, .seed = 9, .trajectory_id = 2};
  const ThermalBath full(all, params);
  const crystal::ModeSet slice(rocksalt(), {4, 4, 4}, 100, 250);
  const ThermalBath part(slice, params);
  for (std::int64_t j = 0; j < slice.size(); ++j)
    for (int b = 0; b < 2; ++b)
      EXPECT_EQ(part.coefficient(j, b), full.coefficient(100 + j, b));
}

// (b) The Chebyshev (Jacobi–Anger) field against the direct sum at atoms (n, b), to the bound of
// the one-atom test (test_bath_field.cpp): 1e-9 of the r.m.s. field.
TEST(BathBasis, ChebyshevMatchesDirectSumForTwoAtomBases) {
  const crystal::Crystal super = crystal::supercell(kPaper, {2, 1, 1});
  const crystal::ModeSet salt_modes(rocksalt(), {8, 8, 8});
  const crystal::ModeSet super_modes(super, {5, 10, 10});
  const std::pair<const char *, const crystal::ModeSet *> cases[] = {{"rocksalt", &salt_modes},
                                                                     {"supercell", &super_modes}};
  for (const auto &[name, modes] : cases) {
    const ThermalBath bath(*modes, {.kT_meV = kT, .seed = 17, .trajectory_id = 1});
    ReferenceBathField reference(bath, kDt);
    ChebyshevOptions options;
    options.reduction_block_modes = 1024; // several reduction blocks
    ChebyshevBathField fast(bath, kDt, options);
    const auto [r_rms, v_rms] = rms_xyz(bath);
    const std::vector<Cell> cells{Cell(0, 0, 0), Cell(0, 0, 0), Cell(-3, 7, 2), Cell(-3, 7, 2),
                                  Cell(11, -1, -9)};
    const std::vector<int> basis{0, 1, 1, 0, 1};
    const std::int64_t points = 4 * fast.block_steps();
    std::vector<std::int64_t> quarters;
    for (int spot = 0; spot <= 8; ++spot)
      for (std::int64_t k = 0; k < 6; ++k)
        quarters.push_back(4 * (spot * 37013 + 101 * spot) + k);
    for (const std::int64_t q : {points * 9 - 1, points * 9, points * 900 - 1, points * 900})
      quarters.push_back(q);
    double err_r = 0, err_v = 0;
    std::vector<SiteMotion> a(cells.size()), b(cells.size());
    for (const std::int64_t q : quarters) {
      fast.evaluate_atoms(cells, basis, q, a);
      reference.evaluate_atoms(cells, basis, q, b);
      err_r = std::max(err_r, max_deviation(a, b, false));
      err_v = std::max(err_v, max_deviation(a, b, true));
    }
    // The basis atoms carry different fields (the index is not ignored).
    EXPECT_GT((a[0].r - a[1].r).norm(), 0.1 * r_rms);
    RecordProperty(std::string(name) + "_relative_error_r", fmt::format("{:.2e}", err_r / r_rms));
    RecordProperty(std::string(name) + "_relative_error_v", fmt::format("{:.2e}", err_v / v_rms));
    EXPECT_LE(err_r, 1e-9 * r_rms) << name;
    EXPECT_LE(err_v, 1e-9 * v_rms) << name;
  }
}

TEST(BathBasis, EmptyOrZeroBasisIsTheOneAtomEvaluationBitwise) {
  const crystal::ModeSet modes(kPaper, {6, 6, 6});
  const ThermalBath bath(modes, {.kT_meV = kT, .seed = 3});
  ReferenceBathField reference(bath, kDt);
  ChebyshevBathField fast(bath, kDt);
  const std::vector<Cell> cells{Cell(1, 2, 3), Cell(-4, 0, 5)};
  const std::vector<int> zeros(cells.size(), 0), one{0, 1};
  for (BathField *field : {static_cast<BathField *>(&reference), static_cast<BathField *>(&fast)}) {
    std::vector<SiteMotion> a(2), b(2), c(2);
    field->evaluate(cells, 4 * 513 + 1, a);
    field->evaluate_atoms(cells, zeros, 4 * 513 + 1, b);
    field->evaluate_atoms(cells, {}, 4 * 513 + 1, c);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      EXPECT_EQ(a[i].r, b[i].r);
      EXPECT_EQ(a[i].v, b[i].v);
      EXPECT_EQ(a[i].r, c[i].r);
    }
    EXPECT_THROW(field->evaluate_atoms(cells, one, 4 * 513 + 1, a), std::invalid_argument);
  }
}

// (c) physics.md §2.5 fact 6 with a basis: the FFT state equals the direct sum at every atom, in
// the DOF order 3 (n_b lin(n) + b) + c; the confined crystal has modes at Γ.
TEST(BathBasis, LatticeMotionEqualsDirectSumAtEveryAtom) {
  const crystal::Crystal confined =
      crystal::with_confinement(rocksalt(), 80.0, units::physical_units());
  const crystal::Crystal super = crystal::supercell(kPaper, {2, 1, 1});
  const crystal::ModeSet salt(rocksalt(), {3, 4, 5}), gapped(confined, {3, 4, 5}),
      folded(super, {2, 4, 3});
  for (const crystal::ModeSet *modes : {&salt, &gapped, &folded}) {
    const ThermalBath bath(*modes, {.kT_meV = kT, .seed = 8, .trajectory_id = 4});
    ReferenceBathField reference(bath, kDt);
    const auto [r_rms, v_rms] = rms_xyz(bath);
    const Atoms atoms = lattice_atoms(modes->grid(), modes->n_basis());
    std::vector<SiteMotion> direct(atoms.cells.size());
    for (const std::int64_t q : {0, 4 * 137 + 3}) {
      reference.evaluate_atoms(atoms.cells, atoms.basis, q, direct);
      const auto fft = lattice_thermal_motion(bath, reference.time_ps(q));
      ASSERT_EQ(fft.r_A.size(), 3 * direct.size());
      double err_r = 0, err_v = 0;
      for (std::size_t i = 0; i < direct.size(); ++i)
        for (int c = 0; c < 3; ++c) {
          err_r = std::max(err_r, std::abs(fft.r_A[3 * i + c] - direct[i].r(c)));
          err_v = std::max(err_v, std::abs(fft.v_A_per_ps[3 * i + c] - direct[i].v(c)));
        }
      EXPECT_LE(err_r, 1e-12 * r_rms) << modes->size();
      EXPECT_LE(err_v, 1e-12 * v_rms) << modes->size();
    }
  }
}

// (d) physics.md §2.5 fact 2 per basis atom: ⟨|r_H,nb|²⟩ over independent baths against the exact
// mode sum Σ_j (E_j/Ω_j²) |e_{b,j}|² / (N m_b) (×Ω_j² for ṙ_H), within 5 standard errors.
TEST(BathBasis, SampleMeanSquareDisplacementPerAtomMatchesModeSum) {
  const crystal::ModeSet modes(rocksalt(), {4, 4, 4});
  std::array<double, 2> exact_r{}, exact_v{};
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const double omega = modes.omega(j), e = mode_energy(omega, modes.hbar());
    for (int b = 0; b < 2; ++b) {
      const double w =
          modes.polarization(j, b).squaredNorm() / (modes.n_cells() * modes.basis_mass(b));
      exact_r[b] += e / (omega * omega) * w;
      exact_v[b] += e * w;
    }
  }
  constexpr int kDraws = 4000;
  const std::vector<Cell> cells{Cell(1, -2, 3), Cell(1, -2, 3)};
  const std::vector<int> basis{0, 1};
  std::array<std::vector<double>, 2> r2, v2;
  std::vector<SiteMotion> out(2);
  for (int t = 0; t < kDraws; ++t) {
    const ThermalBath bath(modes, {.kT_meV = kT, .seed = 23, .trajectory_id = std::uint64_t(t)});
    ReferenceBathField field(bath, kDt);
    field.evaluate_atoms(cells, basis, 4 * 977 + t % 4, out);
    for (int b = 0; b < 2; ++b) {
      r2[b].push_back(out[b].r.squaredNorm());
      v2[b].push_back(out[b].v.squaredNorm());
    }
  }
  const auto mean_and_error = [](const std::vector<double> &x) {
    double m = 0, s = 0;
    for (double v : x)
      m += v;
    m /= double(x.size());
    for (double v : x)
      s += (v - m) * (v - m);
    return std::pair{m, std::sqrt(s / double(x.size() - 1) / double(x.size()))};
  };
  for (int b = 0; b < 2; ++b) {
    const auto [mr, er] = mean_and_error(r2[b]);
    const auto [mv, ev] = mean_and_error(v2[b]);
    EXPECT_NEAR(mr, exact_r[b], 5 * er) << "basis atom " << b;
    EXPECT_NEAR(mv, exact_v[b], 5 * ev) << "basis atom " << b;
    // The bound resolves the two species (a wrong 1/√m_b would fail it).
    EXPECT_GT(std::abs(exact_v[0] - exact_v[1]), 20 * ev);
  }
}
