// The one interaction-list vocabulary (physics.md §3.2, §4.1): anchor cell, boxes of the moving
// lists, planes touched, and the checks of the factories.
#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/interaction_list.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
const Mat3 kInverse = Mat3::Identity() / 3.0; // a = 3 Å
}

TEST(InteractionList, AnchorCellIsTheCeilingOfTheFractionalPosition) {
  EXPECT_EQ(anchor_cell(kInverse, Vec3(1.5, 4.5, -1.5)), Cell(1, 2, 0));
  EXPECT_EQ(anchor_cell(kInverse, Vec3(3.0, -3.0, 0.0)), Cell(1, -1, 0)); // on a corner: itself
}

TEST(InteractionList, CornersOfExtentEAreTheBoxAroundTheAnchor) {
  // n_j ∈ [p_j − e, p_j + e − 1], x fastest: e = 1 gives the 8 corners in the lattice DOF order.
  const auto corners = InteractionList::corners(1).box_offsets(kInverse);
  ASSERT_EQ(corners.size(), 8u);
  for (int o = 0; o < 8; ++o)
    EXPECT_EQ(corners[o], Cell((o & 1) - 1, (o >> 1 & 1) - 1, (o >> 2 & 1) - 1));
  EXPECT_EQ(InteractionList::corners(2).box_offsets(kInverse).size(), 64u);
  EXPECT_EQ(InteractionList().kind(), InteractionList::Kind::corners);
}

TEST(InteractionList, PlanesTouched) {
  const std::vector<Vec3> tau{Vec3::Zero()};
  const Vec3 R(1.0, 1.0, 1.0); // anchor (1, 1, 1): corner planes 0 and 1
  EXPECT_EQ(InteractionList::corners().planes_touched(kInverse, tau, R, 8),
            (std::vector<int>{0, 1}));
  EXPECT_EQ(InteractionList::corners(2).planes_touched(kInverse, tau, R, 8),
            (std::vector<int>{0, 1, 2, 7}));
  EXPECT_EQ(InteractionList::corners().plane_span(kInverse, tau, 8), 3);
  // Cutoff 2.9 Å on a = 3 Å: ⌈2.9/3⌉ + 2 = 3 cells each side.
  const auto cut = InteractionList::cutoff(2.9);
  EXPECT_EQ(cut.box(kInverse), (std::array<int, 3>{3, 3, 3}));
  EXPECT_EQ(cut.planes_touched(kInverse, tau, R, 20), (std::vector<int>{0, 1, 2, 3, 18, 19}));
  EXPECT_EQ(cut.plane_span(kInverse, tau, 20), 7);
  const auto fixed = InteractionList::fixed({Cell(0, 0, 9), Cell(0, 0, -1), Cell(0, 0, 2)});
  EXPECT_EQ(fixed.planes_touched(kInverse, tau, R, 10), (std::vector<int>{2, 9}));
  EXPECT_EQ(fixed.plane_span(kInverse, tau, 10), 4); // 9, 0, 1, 2 (periodic)
}

TEST(InteractionList, FactoriesRefuseInconsistentLists) {
  EXPECT_THROW(InteractionList::fixed({}), InputError);
  EXPECT_THROW(InteractionList::fixed({Cell::Zero()}, {0, 1}), InputError);
  EXPECT_THROW(InteractionList::fixed({Cell::Zero()}, {-1}), InputError);
  EXPECT_THROW(InteractionList::corners(0), InputError);
  EXPECT_THROW(InteractionList::cutoff(0.0), InputError);
  EXPECT_EQ(InteractionList::fixed({Cell::Zero(), Cell(1, 0, 0)}, {0, 1}).basis_of(1), 1);
}
