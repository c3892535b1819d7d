// The fast full-lattice RK5 (pass kernels, plane wavefront, stage window) against the readable
// whole-lattice RK5 of full_lattice_test_support.hpp (physics.md §0.4, §4.1): the same
// trajectory to rounding over a few hundred steps, on the seed lattice (moving corners, a fixed
// list) and on a two-atom rocksalt basis (a fixed list of both species, a cutoff list).
#include "full_lattice_test_support.hpp"
#include "ionbath/crystal/builders.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = 3.0; // Å
const Yukawa kU(4000.0, 0.5);
const Vec3 kFree = Vec3::Constant(1 / 0.7);

std::vector<double> random_field(std::int64_t values, unsigned seed, double amplitude) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  std::vector<double> f(static_cast<std::size_t>(values));
  for (auto &x : f)
    x = u(rng);
  return f;
}

double relative_difference(const Eigen::VectorXd &fast, const Eigen::VectorXd &reference) {
  return (fast - reference).cwiseAbs().maxCoeff() / reference.cwiseAbs().maxCoeff();
}

// Runs both integrators `steps` steps from the same random lattice state and ion, and checks
// r, ṙ, R, Ṙ agree to `tolerance` relative (max norm).
void expect_matches_reference(const crystal::Crystal &crystal, GridShape g,
                              const InteractionList &list, const Vec3 &R, const Vec3 &Rdot,
                              int steps, const std::string &label, double tolerance = 1e-12) {
  const double dt = 5e-3;
  FullLatticeIntegrator fast(crystal, g, kU, kFree, list, dt);
  support::ReferenceFullLattice reference(crystal, g, kU, kFree, list, dt);
  const std::int64_t values = 3 * fast.atoms();
  const auto r = random_field(values, 51, 0.1), v = random_field(values, 52, 2.0);
  fast.set_lattice_state(r, v);
  fast.set_ion_state(R, Rdot);
  reference.set_state(r, v, R, Rdot);
  for (int s = 0; s < steps; ++s) {
    fast.step();
    reference.step();
  }
  auto vec = [](const std::vector<double> &x) {
    return Eigen::Map<const Eigen::VectorXd>(x.data(), static_cast<Eigen::Index>(x.size()));
  };
  EXPECT_LT(relative_difference(vec(fast.lattice_displacements_A()), reference.r()), tolerance)
      << label;
  EXPECT_LT(relative_difference(vec(fast.lattice_velocities_A_per_ps()), reference.rdot()),
            tolerance)
      << label;
  EXPECT_LT((fast.ion_position_A() - reference.R()).norm() / reference.R().norm(), tolerance)
      << label;
  EXPECT_LT((fast.ion_velocity_A_per_ps() - reference.Rdot()).norm() / reference.Rdot().norm(),
            tolerance)
      << label;
  const Mat3 inverse_A = crystal.lattice_vectors().inverse();
  EXPECT_NE(anchor_cell(inverse_A, reference.R()), anchor_cell(inverse_A, R))
      << label << ": the ion left its cell";
}
} // namespace

TEST(FullLatticeReference, SeedLatticeMatchesWholeLatticeRk5) {
  // 6 × 6 × 20 planes: the stage window reuses its slots within every step. The ion crosses
  // cell faces (the corner list moves) over 300 steps (1.5 ps).
  const auto seed = crystal::Crystal::simple_cubic(a, 3.5, 520.0, 170.0);
  const Vec3 R(7.4, 7.7, 25.6), Rdot(12.0, -8.0, 24.0); // ≈ 270 meV, over the face saddles
  expect_matches_reference(seed, {6, 6, 20}, InteractionList::corners(), R, Rdot, 300, "corners");
  std::vector<Cell> cube;
  for (int o = 0; o < 8; ++o)
    cube.emplace_back(2 + (o & 1), 2 + (o >> 1 & 1), 8 + (o >> 2 & 1));
  expect_matches_reference(seed, {6, 6, 20}, InteractionList::fixed(cube), R, Rdot, 300, "fixed");
}

TEST(FullLatticeReference, TwoAtomBasisMatchesWholeLatticeRk5) {
  // Rocksalt (masses 3.5 and 9, fcc cells): a fixed list of the eight corners of the
  // simple-cubic cube (1..2)³ a, four of each species, and a 3.2 Å cutoff list.
  const auto salt = crystal::rocksalt(a, 3.5, 9.0, 520.0, 170.0);
  const Mat3 inverse = salt.lattice_vectors().inverse();
  std::vector<Cell> cells;
  std::vector<int> basis;
  for (int o = 0; o < 8; ++o) {
    const Vec3 t = a * Vec3(1 + (o & 1), 1 + (o >> 1 & 1), 1 + (o >> 2 & 1));
    const int b = static_cast<int>(std::lround(t.sum() / a)) % 2; // species by parity
    const Vec3 f = inverse * (t - salt.basis()[b].position);
    cells.emplace_back(static_cast<int>(std::lround(f.x())), static_cast<int>(std::lround(f.y())),
                       static_cast<int>(std::lround(f.z())));
    basis.push_back(b);
  }
  const Vec3 R(4.4, 4.6, 4.3), Rdot(15.0, -9.0, 6.0);
  expect_matches_reference(salt, {6, 6, 6}, InteractionList::fixed(cells, basis), R, Rdot, 200,
                           "rocksalt fixed");
  // The cutoff list sums its pairs in another order than the reference (observed 1.2e-12 in Ṙ
  // after 200 steps, rounding amplified by the ion's collisions): 1e-11.
  expect_matches_reference(salt, {6, 6, 6}, InteractionList::cutoff(3.2), R, Rdot, 200,
                           "rocksalt cutoff", 1e-11);
}
