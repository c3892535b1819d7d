// physics.md §11.1: seeded starting sites of several ions on distinct cell centres, pairwise at
// least a minimum separation apart (minimum image), ion 0 at the single-ion start, deterministic
// from the stream identity, and the refusals.
#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/ion_ion.hpp"
#include "ionbath/dynamics/ion_placement.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = 3.0; // Å
const Mat3 kA = a * Mat3::Identity();
const GridShape kGrid{6, 6, 8};

std::vector<Vec3> place(int count, double separation, std::uint64_t seed = 5,
                        std::uint64_t trajectory = 0, const GridShape &grid = kGrid) {
  return place_ions_at_cell_centres(kA, grid, {.count = count, .min_separation_A = separation},
                                    {.seed = seed, .trajectory_id = trajectory});
}

std::string refusal(int count, double separation, const GridShape &grid = kGrid) {
  try {
    place(count, separation, 5, 0, grid);
  } catch (const InputError &e) {
    return e.what();
  }
  return "";
}
} // namespace

TEST(IonPlacement, DistinctCellCentresAtLeastTheSeparationApart) {
  const double separation = 6.5;
  const auto R = place(12, separation);
  ASSERT_EQ(R.size(), 12u);
  EXPECT_EQ(R[0], kA * Vec3::Constant(0.5)); // the single-ion start (physics.md §3.4)
  const PeriodicSupercell box(kA, kGrid);
  std::set<std::tuple<int, int, int>> cells;
  for (std::size_t i = 0; i < R.size(); ++i) {
    const Vec3 n = R[i] / a - Vec3::Constant(0.5); // integer cell labels in the lattice
    for (int c = 0; c < 3; ++c) {
      EXPECT_EQ(n[c], std::round(n[c]));
      EXPECT_GE(n[c], 0);
      EXPECT_LT(n[c], kGrid[c]);
    }
    cells.insert({int(n[0]), int(n[1]), int(n[2])});
    for (std::size_t j = 0; j < i; ++j)
      EXPECT_GE(box.minimum_image(R[i] - R[j]).norm(), separation) << i << " " << j;
  }
  EXPECT_EQ(cells.size(), R.size());
}

TEST(IonPlacement, DeterministicFromTheStreamIdentity) {
  EXPECT_EQ(place(10, 3.0), place(10, 3.0));
  EXPECT_NE(place(10, 3.0, 5), place(10, 3.0, 6));
  EXPECT_NE(place(10, 3.0, 5, 0), place(10, 3.0, 5, 1));
  // Fewer ions: the first ones of the same greedy pass.
  const auto many = place(10, 3.0), few = place(4, 3.0);
  EXPECT_EQ(few, std::vector<Vec3>(many.begin(), many.begin() + 4));
}

TEST(IonPlacement, OneIonIsTheSingleIonStart) {
  EXPECT_EQ(place(1, 0.0), std::vector<Vec3>{kA * Vec3::Constant(0.5)});
}

TEST(IonPlacement, EveryCellWithoutSeparation) {
  const GridShape small{2, 3, 2};
  const auto R = place(12, 0.0, 5, 0, small);
  std::set<std::tuple<double, double, double>> distinct;
  for (const Vec3 &x : R)
    distinct.insert({x[0], x[1], x[2]});
  EXPECT_EQ(distinct.size(), 12u);
}

TEST(IonPlacement, RefusesWithTheNumbers) {
  const std::string too_many = refusal(289, 0.0);
  EXPECT_NE(too_many.find("289 ions"), std::string::npos) << too_many;
  EXPECT_NE(too_many.find("288 cell centres"), std::string::npos) << too_many;
  EXPECT_NE(refusal(0, 0.0).find("0 ions"), std::string::npos);
  EXPECT_NE(refusal(2, -1.0).find("-1 Å"), std::string::npos);
  // The farthest two cell centres of the 18 × 18 × 24 Å box are |(9, 9, 12)| = 17.5 Å apart.
  const std::string far = refusal(2, 18.0);
  EXPECT_NE(far.find("18 Å"), std::string::npos) << far;
  EXPECT_NE(far.find("only 1 of 2"), std::string::npos) << far;
  // 6 Å apart on a 3 Å grid: at most one ion per 2×2×2 block of cells, 3·3·4 = 36 of them.
  const std::string crowded = refusal(40, 6.0);
  EXPECT_NE(crowded.find("of 40 ions"), std::string::npos) << crowded;
}
