// The generic plane wavefront of the full-lattice RK5: every task once, in an order that honours
// the plane reach, the gates and the slot ring; a gate outside the ring restarts the sweep.
#include "ionbath/dynamics/plane_wavefront.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

using namespace ionbath::dynamics;

namespace {
struct Recorder {
  PlaneWavefrontShape shape;
  std::vector<std::vector<int>> gates; // per pass (index 0 unused)
  std::map<std::pair<int, int>, int> when;
  std::vector<int> opened_at; // per pass: tasks run before it opened
  std::vector<int> opens;     // per pass: times opened
  int clock = 0;

  PlaneWavefrontWork work() {
    opened_at.assign(static_cast<std::size_t>(shape.passes), 0);
    opens.assign(opened_at.size(), 0);
    return {[this](int p, int z) {
              when[{p, z}] = clock++;
            },
            [this](int p) {
              opened_at[p] = clock;
              ++opens[p];
            },
            [this](int p) { return gates[p]; }};
  }
  int wrap(int z) const { return (z % shape.planes + shape.planes) % shape.planes; }
};
} // namespace

TEST(PlaneWavefront, RunsEveryTaskAfterItsDependencies) {
  Recorder rec{.shape = {.passes = 3, .planes = 11, .reach = 1, .seam = 3, .slots = 11},
               .gates = {{}, {4, 5}, {6, 7}}};
  PlaneWavefront wavefront(rec.shape);
  std::vector<int> slots(11, -1);
  wavefront.execute(rec.work(), slots);
  ASSERT_EQ(rec.when.size(), 33u);
  for (const auto &[task, t] : rec.when) {
    const auto [p, z] = task;
    for (int d = -1; d <= 1 && p > 0; ++d)
      EXPECT_LT(rec.when.at({p - 1, rec.wrap(z + d)}), t) << p << " " << z;
    if (p > 0)
      EXPECT_GE(t, rec.opened_at[p]);
  }
  for (int p = 1; p < 3; ++p)
    for (const int z : rec.gates[p])
      EXPECT_LT(rec.when.at({p - 1, z}), rec.opened_at[p]);
  // Without reuse every plane keeps its own slot: its sweep position.
  std::vector<int> sorted = slots;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 11; ++i)
    EXPECT_EQ(sorted[i], i);
}

TEST(PlaneWavefront, ReusedSlotWaitsForItsLastReader) {
  // 20 planes in 3 + 6 slots: a plane that takes over a slot waits until the next pass has read
  // the slot's previous plane and its neighbours.
  Recorder rec{.shape = {.passes = 3, .planes = 20, .reach = 1, .seam = 3, .slots = 9},
               .gates = {{}, {10, 11}, {11, 12}}};
  PlaneWavefront wavefront(rec.shape);
  std::vector<int> slots(20, -1);
  wavefront.execute(rec.work(), slots);
  ASSERT_EQ(rec.when.size(), 60u);
  for (int z = 0; z < 20; ++z) {
    ASSERT_GE(slots[z], 0);
    ASSERT_LT(slots[z], 9);
  }
  for (const auto &[task, t] : rec.when) {
    const auto [p, z] = task;
    if (p == 2)
      continue;
    // The slot's previous holder z' (same slot, earlier sweep position): pass p + 1 on z' ± 1
    // came before task (p, z) overwrote it.
    for (int zp = 0; zp < 20; ++zp)
      if (zp != z && slots[zp] == slots[z] && rec.when.at({p, zp}) < t)
        for (int d = -1; d <= 1; ++d)
          EXPECT_LT(rec.when.at({p + 1, rec.wrap(zp + d)}), t) << p << " " << z << " " << zp;
  }
}

TEST(PlaneWavefront, GateOutsideTheRingRestartsOrThrows) {
  // The gate of pass 2 far from that of pass 1: the sweep starts again from a start covering
  // both, and still honours the gates; a pair of gates wider than the ring is refused.
  Recorder rec{.shape = {.passes = 3, .planes = 20, .reach = 1, .seam = 3, .slots = 12},
               .gates = {{}, {5}, {1}}};
  PlaneWavefront wavefront(rec.shape);
  std::vector<int> slots(20, -1);
  wavefront.execute(rec.work(), slots);
  EXPECT_EQ(rec.when.size(), 60u);
  EXPECT_EQ(rec.opens[1], 2); // pass 1 opened in the first sweep, again in the second
  EXPECT_EQ(rec.opens[2], 1);
  EXPECT_LT(rec.when.at({1, 1}), rec.opened_at[2]);
  EXPECT_LT(rec.when.at({0, 5}), rec.opened_at[1]);
  Recorder wide{.shape = rec.shape, .gates = {{}, {0}, {10}}};
  PlaneWavefront refused(wide.shape);
  EXPECT_THROW(refused.execute(wide.work(), slots), PlaneWavefrontTooWide);
}
