// Seed 001 Eq. 13 with several atoms per cell (physics.md §6.3, §12): the projection e^† g onto
// complex basis eigenvectors, checked against references that do not use Bloch eigenvectors.
//
// Why not only supercells: for a supercell of a one-atom crystal the supercell eigenvectors are
// e_(m,b)(Q) = η(q)/√n up to one global phase (η real), so e^T g and e^† g have the same modulus
// and no supercell test can tell the two projections apart. The conjugation only matters when
// D(q) is genuinely complex: a crystal without an inversion centre on every atom. Here: a
// zig-zag chain of two different masses with alternating springs (no inversion centre at all).
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/dissipation/zone_loss.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <complex>
#include <gtest/gtest.h>

using namespace ionbath;
using namespace ionbath::dissipation;
using ionbath::units::pi;

namespace {

constexpr double kPhi0 = 0.8, kLambda = 1.0;

// A chain along z (a1 = 2 ẑ; a2, a3 carry no bonds): A (m = 1) at 0, B (m = 2.3) at
// (0.5, 0.2, 0.7); central springs A–B 20 inside the cell, B–A' 8 to the next cell, A–A' 5,
// B–B' 3, and anisotropic on-site springs (no zero modes, so the zone integrand is analytic).
crystal::Crystal zigzag_chain() {
  Mat3 lattice;
  lattice.col(0) = Vec3(0, 0, 2);
  lattice.col(1) = Vec3(6, 0, 0);
  lattice.col(2) = Vec3(0, 6, 0);
  const Vec3 ra = Vec3::Zero(), rb(0.5, 0.2, 0.7), a1 = lattice.col(0);
  const Cell next(1, 0, 0);
  std::vector<crystal::Bond> bonds;
  auto pair = [&](int from, int to, const Cell &offset, const Vec3 &d, double k) {
    const Mat3 phi = crystal::central_spring_block(d, k);
    bonds.push_back({offset, phi, from, to});
    bonds.push_back({Cell(-offset), phi, to, from});
  };
  pair(0, 1, Cell::Zero(), rb - ra, 20.0);
  pair(1, 0, next, ra + a1 - rb, 8.0);
  pair(0, 0, next, a1, 5.0);
  pair(1, 1, next, a1, 3.0);
  const std::vector<Mat3> confinement{Vec3(4, 5, 6).asDiagonal(), Vec3(7, 3, 5).asDiagonal()};
  return crystal::Crystal(lattice, {{ra, 1.0, "A"}, {rb, 2.3, "B"}}, std::move(bonds), confinement,
                          "zigzag");
}

// The same pass on a ring of n cells of the crystal: the real 3 n_b n × 3 n_b n dynamical matrix,
// its real eigenvectors v, and the energy ½ |Σ_i v_i · ∫F_i e^{iΩt} dt / √m_i|² each mode takes
// from rest (no Bloch phases, no complex eigenvectors). Equals the zone average of Eq. 13 on the
// n-point grid q = 2πj/n, which converges exponentially for an analytic integrand.
double ring_loss(const crystal::Crystal &c, int n,
                 const std::vector<dissipation::FrameworkAtom> &atoms, const StraightPath &path,
                 double speed) {
  const int nb = c.n_basis(), dim = 3 * nb * n;
  auto index = [&](int cell, int b) { return 3 * (((cell % n) + n) % n * nb + b); };
  Eigen::MatrixXd phi = Eigen::MatrixXd::Zero(dim, dim);
  for (int cell = 0; cell < n; ++cell) {
    for (int b = 0; b < nb; ++b)
      phi.block<3, 3>(index(cell, b), index(cell, b)) += c.onsite_block(b);
    for (const crystal::Bond &bond : c.bonds()) {
      EXPECT_EQ(bond.offset.y(), 0);
      EXPECT_EQ(bond.offset.z(), 0);
      phi.block<3, 3>(index(cell, bond.from), index(cell + bond.offset.x(), bond.to)) += bond.phi;
    }
  }
  Eigen::VectorXd inv_sqrt_m(dim);
  for (int cell = 0; cell < n; ++cell)
    for (int b = 0; b < nb; ++b)
      inv_sqrt_m.segment<3>(index(cell, b)).setConstant(1 / std::sqrt(c.basis()[b].mass));
  const Eigen::MatrixXd d =
      inv_sqrt_m.asDiagonal() * (0.5 * (phi + phi.transpose())) * inv_sqrt_m.asDiagonal();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(d);
  const Vec3 u = path.direction.normalized();
  double loss = 0;
  for (int mode = 0; mode < dim; ++mode) {
    const double omega = std::sqrt(es.eigenvalues()[mode]);
    const double k = omega / speed;
    std::complex<double> amplitude = 0;
    for (const auto &a : atoms) {
      // σ(t) − x = b + (c + v t) û; ∫F e^{iΩt}dt = e^{−ikc} [∇_bŨ − i k û Ũ] / v for the Gaussian.
      const Vec3 relative = path.point - c.equilibrium_position(a.cell, a.basis);
      const double along = relative.dot(u);
      const Vec3 b = relative - along * u;
      const double ut =
          kPhi0 * std::sqrt(2 * pi) * kLambda *
          std::exp(-b.squaredNorm() / (2 * kLambda * kLambda) - 0.5 * k * k * kLambda * kLambda);
      const Vec3 v = es.eigenvectors().col(mode).segment<3>(index(a.cell.x(), a.basis));
      const std::complex<double> projected(-ut / (kLambda * kLambda) * v.dot(b),
                                           -k * ut * v.dot(u));
      amplitude +=
          std::polar(1.0, -k * along) * projected / (speed * std::sqrt(c.basis()[a.basis].mass));
    }
    loss += 0.5 * std::norm(amplitude);
  }
  return loss;
}

} // namespace

TEST(ZoneLossBasis, ComplexEigenvectorsMatchARingOfRealModes) {
  const auto chain = zigzag_chain();
  // D(q) is complex and not reducible to a real matrix: the projection convention matters.
  const Eigen::MatrixXcd dq = crystal::DynamicalMatrix(chain).hermitian(Vec3(0.9, 0, 0));
  ASSERT_GT(dq.imag().norm(), 0.1 * dq.real().norm());
  const GaussianPathTransform gaussian(kPhi0, kLambda);
  // Two atoms in different cells and basis positions, an oblique path passing both.
  const std::vector<FrameworkAtom> listed{{Cell::Zero(), 0}, {Cell(1, 0, 0), 1}};
  const StraightPath path{Vec3(0.3, -0.4, 0.0), Vec3(0.2, 0.1, 1.0).normalized()};
  const auto atoms = atoms_on_path(chain, listed, path);
  for (double speed : {3.0, 12.0}) {
    const ZoneLoss zone = zone_loss(chain, gaussian, atoms, path.direction, speed, 1e-11);
    EXPECT_EQ(zone.dimensions, 1);
    const double ring = ring_loss(chain, 64, listed, path, speed);
    EXPECT_NEAR(zone.loss, ring, 1e-8 * ring) << speed;
    // Reversing the path (time reversal) does not change the loss.
    const StraightPath back{path.point, -path.direction};
    const double reversed =
        zone_loss(chain, gaussian, atoms_on_path(chain, listed, back), back.direction, speed, 1e-11)
            .loss;
    EXPECT_NEAR(reversed, zone.loss, 1e-8 * zone.loss) << speed;
  }
}

TEST(ZoneLossBasis, ImpulseLimitIsTheSumOfFreeRecoils) {
  // Fast passes: every k = Ω/v → 0, and completeness Σ_u e_{b,u} e_{b',u}^† = δ_bb' with the zone
  // average of e^{−iq·(x_i − x_j)} = δ_ij leaves Σ_i p_i²/2m_i, p_i = |∂_bŨ(b_i; 0)|/v.
  const auto rocksalt = crystal::rocksalt(2.0, 1.0, 3.0, 15.0, 5.0);
  const auto zigzag = zigzag_chain();
  const StraightPath path{Vec3(0.6, 0.35, -0.2), Vec3(0.3, -0.2, 1.0).normalized()};
  for (const crystal::Crystal *c : {&rocksalt, &zigzag}) {
    const std::vector<FrameworkAtom> listed{{Cell::Zero(), 0}, {Cell::Zero(), 1}};
    const auto atoms = atoms_on_path(*c, listed, path);
    const double speed = 1e4;
    double recoil = 0;
    for (const AtomOnPath &a : atoms) {
      const double b2 = a.distance * a.distance, l2 = kLambda * kLambda;
      const double p =
          kPhi0 * std::sqrt(2 * pi) * kLambda * std::exp(-b2 / (2 * l2)) * a.distance / l2 / speed;
      recoil += p * p / (2 * a.mass);
    }
    const GaussianPathTransform gaussian(kPhi0, kLambda);
    const ZoneLoss zone = zone_loss(*c, gaussian, atoms, path.direction, speed, 1e-7);
    EXPECT_NEAR(zone.loss, recoil, 1e-5 * recoil) << c->name();
  }
}

TEST(ZoneLossBasis, SupercellOfTheCubicLatticeAlongAnObliquePath) {
  // The general basis path against the one-atom fast path: seed 001's cubic lattice as a 2×1×1
  // supercell, two atoms in different sub-cells and cells, a path along no symmetry direction.
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const auto doubled = crystal::supercell(cubic, {2, 1, 1});
  const GaussianPathTransform gaussian(4 * pi * pi * 0.01, kLambda);
  const StraightPath path{Vec3(1.1, 0.4, -0.3), Vec3(0.4, -0.7, 1.0).normalized()};
  // Primitive sites (1, 0, 0) and (0, 1, 0) = sub-cell 1 of cell 0 and sub-cell 0 of cell (0,1,0).
  const auto two = atoms_on_path(doubled, {{Cell::Zero(), 1}, {Cell(0, 1, 0), 0}}, path);
  const auto two_primitive = atoms_on_path(cubic, {{Cell(1, 0, 0), 0}, {Cell(0, 1, 0), 0}}, path);
  for (int i = 0; i < 2; ++i)
    ASSERT_NEAR((two[i].perpendicular - two_primitive[i].perpendicular).norm(), 0, 1e-12);
  const double speed = 40;
  const ZoneLoss a = zone_loss(doubled, gaussian, two, path.direction, speed, 1e-6);
  const ZoneLoss b = zone_loss(cubic, gaussian, two_primitive, path.direction, speed, 1e-6);
  EXPECT_NEAR(a.loss, b.loss, 1e-5 * b.loss);
  // The midpoint grid of the supercell agrees as well (smooth integrand at this speed).
  const ZoneLoss grid = zone_loss_midpoint(doubled, gaussian, two, path.direction, speed, 20);
  EXPECT_NEAR(grid.loss, b.loss, 1e-4 * b.loss);
}

TEST(ZoneLossSymmetry, ReducedZoneMatchesTheFullMidpointGrid) {
  // zone_loss integrates only the part of the zone left by the reflections and axis swaps it
  // proves to be symmetries of the single-atom integrand; the midpoint grid uses none. At a speed
  // where the integrand is smooth (analytic for the Gaussian), 32³ points converge to ~1e-7.
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  // Different springs along x, y, z: the reflections stay, the swaps are not symmetries. The
  // springs are chosen so that the on-site block is still diag(46, 46, 36) (×4π²): only the bonds
  // tell that x ↔ y is not a symmetry.
  const auto anisotropic = crystal::Crystal::central_springs(
      2.0 * Mat3::Identity(), 1.0,
      [](const Cell &d) {
        const int nonzero = (d.x() != 0) + (d.y() != 0) + (d.z() != 0);
        if (nonzero == 1)
          return 4 * pi * pi * (d.x() != 0 ? 15.0 : d.y() != 0 ? 18.0 : 11.0);
        if (nonzero == 2)
          return 4 * pi * pi * (d.z() == 0 ? 3.0 : d.y() == 0 ? 5.0 : 2.0);
        return 0.0;
      },
      "anisotropic");
  ASSERT_NEAR(anisotropic.onsite_block()(0, 0), anisotropic.onsite_block()(1, 1),
              1e-12 * anisotropic.onsite_block()(0, 0));
  struct Case {
    const crystal::Crystal *crystal;
    StraightPath path;
    double speed;
  };
  const Case cases[] = {
      {&cubic, {Vec3(0, 0, 0), Vec3::UnitZ()}, 40},                  // reflections and x ↔ y
      {&cubic, {Vec3(0, 1, 0), Vec3::UnitZ()}, 40},                  // reflections only (b ∥ ŷ)
      {&cubic, {Vec3(0.3, 0.2, 0), Vec3(1, 1, 0).normalized()}, 40}, // z reflection only
      {&anisotropic, {Vec3(0, 0, 0), Vec3::UnitZ()}, 40},            // no swap (bonds differ)
      {&anisotropic, {Vec3(0.4, 0, 0), Vec3::UnitY()}, 40},          // no swap
  };
  for (const Case &c : cases) {
    const GaussianPathTransform gaussian(4 * pi * pi * 0.01, kLambda);
    const auto atoms = atoms_on_path(*c.crystal, {FrameworkAtom{}}, c.path);
    const ZoneLoss zone = zone_loss(*c.crystal, gaussian, atoms, c.path.direction, c.speed, 1e-8);
    const ZoneLoss grid =
        zone_loss_midpoint(*c.crystal, gaussian, atoms, c.path.direction, c.speed, 32);
    EXPECT_NEAR(zone.loss, grid.loss, 2e-6 * grid.loss)
        << c.crystal->name() << " " << c.path.point.transpose() << " / "
        << c.path.direction.transpose();
  }
}

TEST(ZoneLossSymmetry, LowSpeedPeakAtTheCornerOfTheReducedZone) {
  // At σ̇ = 2 the integrand lives near Γ, a corner of the reduced zone [0, π)³: the adaptive rule
  // must still find it. §10 row 41 (s = 0, λ = 1): Δ/(σ̇Φ0²) = 7.48e-4 (needs ≥ 96³ points);
  // s = 1 against a 128³ midpoint grid (converged to ~1e-6 there).
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const double energy = 4 * pi * pi, speed = 2; // Φ0 = 1 ħΩ
  const GaussianPathTransform gaussian(energy, 1.0);
  for (double s : {0.0, 1.0}) {
    const StraightPath path{Vec3(0, s, 0), Vec3::UnitZ()};
    const auto atoms = atoms_on_path(cubic, {FrameworkAtom{}}, path);
    const double zone =
        zone_loss(cubic, gaussian, atoms, path.direction, speed, 1e-6).loss / energy / speed;
    if (s == 0) {
      EXPECT_NEAR(zone, 7.48e-4, 0.005e-4);
    } else {
      const double grid =
          zone_loss_midpoint(cubic, gaussian, atoms, path.direction, speed, 128).loss / energy /
          speed;
      EXPECT_NEAR(zone, grid, 2e-5 * grid);
    }
  }
}

TEST(ZoneLossSymmetry, MidpointLadderIsThePlainGridAndMeetsTheTolerance) {
  // Where the integrand is smooth zone_loss answers with a midpoint grid evaluated on the points
  // its symmetries leave: the value must be the plain n³ sum (to the
  // eigensolver's rounding), and within the
  // requested 1e-6 of a 64³ grid (converged to ≤ 1e-12 for σ̇ ≥ 10). At σ̇ = 1 the integrand
  // lives at Γ, no grid up to the ladder's limit converges, and the cubature must answer.
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const double energy = 4 * pi * pi;
  const GaussianPathTransform gaussian(0.01 * energy, 1.0);
  for (double s : {0.0, 0.7}) { // s = 0.7: reflections only, no swap
    const StraightPath path{Vec3(0, s, 0), Vec3::UnitZ()};
    const auto atoms = atoms_on_path(cubic, {FrameworkAtom{}}, path);
    for (double speed : {10.0, 20.0, 40.0, 80.0}) {
      const ZoneLoss zone = zone_loss(cubic, gaussian, atoms, path.direction, speed, 1e-6);
      ASSERT_GT(zone.midpoint_grid, 0) << "s " << s << " speed " << speed;
      const double same_grid =
          zone_loss_midpoint(cubic, gaussian, atoms, path.direction, speed, zone.midpoint_grid)
              .loss;
      const double converged =
          zone_loss_midpoint(cubic, gaussian, atoms, path.direction, speed, 64).loss;
      // Not bitwise: the closed-form 3×3 eigensolver rounds differently at q and its images.
      EXPECT_NEAR(zone.loss, same_grid, 1e-9 * same_grid) << "s " << s << " speed " << speed;
      EXPECT_NEAR(zone.loss, converged, 1e-6 * converged) << "s " << s << " speed " << speed;
      EXPECT_LT(zone.evaluations, std::pow(zone.midpoint_grid, 3) / 2);
    }
  }
  const StraightPath path{Vec3::Zero(), Vec3::UnitZ()};
  const auto atoms = atoms_on_path(cubic, {FrameworkAtom{}}, path);
  EXPECT_EQ(zone_loss(cubic, gaussian, atoms, path.direction, 1.0, 1e-6).midpoint_grid, 0);
}
