// The default starting site of an ion in a general crystal (physics.md §12.3): the point of the
// cell farthest from every framework atom.
#include "ionbath/crystal/builders.hpp"
#include "ionbath/crystal/interstitial_site.hpp"

#include <cmath>
#include <gtest/gtest.h>
#include <stdexcept>

using namespace ionbath;
using namespace ionbath::crystal;

TEST(InterstitialSite, SimpleCubicGivesTheCellCentre) {
  // The seed lattice's single-ion start (physics.md §3.4), a√3/2 from its 8 corners.
  const Crystal c = Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
  const InterstitialSite s = farthest_point_from_atoms(c);
  EXPECT_EQ(s.fraction, Vec3::Constant(0.5));
  EXPECT_NEAR(s.clearance_A, 1.5 * std::sqrt(3.0), 1e-12);
}

TEST(InterstitialSite, RocksaltGivesTheCentreOfAnOctantCube) {
  // Two masses on the simple cubic network of spacing a as the fcc cell with a two-atom basis:
  // the largest empty sphere sits at the centre of a small cube of edge a (4 atoms of each
  // species at its corners), a√3/2 from them, i.e. a tetrahedral site of each fcc sublattice.
  const double a = 3.0;
  const Crystal c = rocksalt(a, 3.5, 1.2, 520.0, 170.0);
  const InterstitialSite s = farthest_point_from_atoms(c);
  EXPECT_NEAR(s.clearance_A, a * std::sqrt(3.0) / 2, 1e-12);
  const Vec3 x = c.lattice_vectors() * s.fraction;
  // The site is a cube centre: every Cartesian coordinate an odd multiple of a/2.
  for (int j = 0; j < 3; ++j) {
    const double half_units = x[j] / (a / 2);
    EXPECT_NEAR(half_units, std::round(half_units), 1e-12);
    EXPECT_EQ(std::abs(std::lround(half_units)) % 2, 1) << x.transpose();
  }
  EXPECT_THROW(farthest_point_from_atoms(c, 7), std::invalid_argument);
}
