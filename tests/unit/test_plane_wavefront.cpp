// The generic plane wavefront of the full-lattice RK5: every task once, in an order that honours
// the plane reach, the gates (one chain per index) and the slot ring; gates the ring cannot serve
// fall back to a slot per plane or are refused.
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
  PlaneWavefrontGates gates;                 // [pass][gate] → planes (pass 0 unused)
  std::map<std::pair<int, int>, int> when;   // task (p, z) → clock
  std::map<std::pair<int, int>, int> opened; // gate (p, g) → clock
  std::vector<std::pair<int, int>> order;    // tasks and openings (openings as (−1 − p, g))
  int clock = 0;

  PlaneWavefrontWork work() {
    when.clear();
    opened.clear();
    order.clear();
    return {[this](int p, int z) {
              EXPECT_FALSE(when.count({p, z})) << "task run twice";
              when[{p, z}] = clock++;
              order.emplace_back(p, z);
            },
            [this](int p, int g) {
              EXPECT_FALSE(opened.count({p, g})) << "gate opened twice";
              opened[{p, g}] = clock++;
              order.emplace_back(-1 - p, g);
            }};
  }
  int wrap(int z) const { return (z % shape.planes + shape.planes) % shape.planes; }

  // Every task once after pass p − 1 on its neighbours and after the gates of its plane; every
  // gate after pass p − 1 on its planes and after its predecessor in the chain.
  void check_dependencies() const {
    ASSERT_EQ(when.size(), std::size_t(shape.passes * shape.planes));
    for (const auto &[task, t] : when) {
      const auto [p, z] = task;
      for (int d = -shape.reach; d <= shape.reach && p > 0; ++d)
        EXPECT_LT(when.at({p - 1, wrap(z + d)}), t) << p << " " << z;
    }
    for (int p = 1; p < shape.passes; ++p)
      for (std::size_t g = 0; g < gates[p].size(); ++g) {
        const int o = opened.at({p, static_cast<int>(g)});
        if (p > 1)
          EXPECT_LT(opened.at({p - 1, static_cast<int>(g)}), o);
        for (const int z : gates[p][g]) {
          EXPECT_LT(when.at({p - 1, z}), o) << "gate " << p << " " << g;
          EXPECT_GT(when.at({p, z}), o) << "gate " << p << " " << g;
        }
      }
  }
};
} // namespace

TEST(PlaneWavefront, RunsEveryTaskAfterItsDependencies) {
  Recorder rec{.shape = {.passes = 3, .planes = 11, .reach = 1, .seam = 3, .slots = 11},
               .gates = {{}, {{4, 5}}, {{6, 7}}}};
  PlaneWavefront wavefront(rec.shape);
  std::vector<int> slots(11, -1);
  wavefront.execute(rec.work(), rec.gates, slots);
  rec.check_dependencies();
  EXPECT_FALSE(wavefront.reused_slots());
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
               .gates = {{}, {{10, 11}}, {{10, 11, 12}}}};
  PlaneWavefront wavefront(rec.shape);
  std::vector<int> slots(20, -1);
  wavefront.execute(rec.work(), rec.gates, slots);
  rec.check_dependencies();
  EXPECT_TRUE(wavefront.reused_slots());
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

TEST(PlaneWavefront, EveryGateHoldsOnlyItsOwnPlanes) {
  // Two chains far apart along the sweep (two ions): pass 1 runs on the first gate's planes
  // before the second gate opens, and the ring still serves both.
  Recorder rec{.shape = {.passes = 3, .planes = 20, .reach = 1, .seam = 3, .slots = 9},
               .gates = {{}, {{3, 4}, {13, 14}}, {{2, 3, 4, 5}, {12, 13, 14, 15}}}};
  PlaneWavefront wavefront(rec.shape);
  std::vector<int> slots(20, -1);
  wavefront.execute(rec.work(), rec.gates, slots);
  rec.check_dependencies();
  EXPECT_TRUE(wavefront.reused_slots());
  for (int p = 1; p < 3; ++p) {
    const int a = rec.opened.at({p, 0}) < rec.opened.at({p, 1}) ? 0 : 1, b = 1 - a;
    int first_task = rec.clock;
    for (const int z : rec.gates[p][a])
      first_task = std::min(first_task, rec.when.at({p, z}));
    EXPECT_LT(first_task, rec.opened.at({p, b})) << "pass " << p;
  }
}

TEST(PlaneWavefront, GatesTheRingCannotServeFallBackOrThrow) {
  // Gates on every plane leave no sweep start the ring serves: with a slot per plane held, every
  // plane keeps its own slot; without, the gates are refused.
  PlaneWavefrontGates everywhere(3);
  for (int z = 0; z < 20; z += 2) {
    everywhere[1].push_back({z, z + 1});
    everywhere[2].push_back({(z + 19) % 20, z, z + 1, (z + 2) % 20});
  }
  PlaneWavefrontShape shape{.passes = 3, .planes = 20, .reach = 1, .seam = 3, .slots = 9};
  Recorder refused{.shape = shape, .gates = everywhere};
  PlaneWavefront ring(shape);
  std::vector<int> slots(20, -1);
  EXPECT_THROW(ring.execute(refused.work(), everywhere, slots), PlaneWavefrontTooWide);
  shape.capacity = 20;
  Recorder rec{.shape = shape, .gates = everywhere};
  PlaneWavefront held(shape);
  held.execute(rec.work(), everywhere, slots);
  rec.check_dependencies();
  EXPECT_FALSE(held.reused_slots());
  std::vector<int> sorted = slots;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(sorted[i], i);
}

TEST(PlaneWavefront, KeepsTheScheduleWhileTheGatesStay) {
  PlaneWavefrontShape shape{.passes = 3, .planes = 20, .reach = 1, .seam = 3, .slots = 9};
  Recorder rec{.shape = shape, .gates = {{}, {{7, 8}}, {{6, 7, 8, 9}}}};
  PlaneWavefront wavefront(shape);
  std::vector<int> slots(20, -1);
  wavefront.execute(rec.work(), rec.gates, slots);
  const auto first = rec.order;
  const auto first_slots = slots;
  // The same gates in another order and with periodic labels: the same schedule.
  wavefront.execute(rec.work(), {{}, {{28, 7}}, {{9, 8, 7, 6}}}, slots);
  EXPECT_EQ(rec.order, first);
  EXPECT_EQ(slots, first_slots);
  // Moved gates: a new plan that honours them.
  rec.gates = {{}, {{15, 16}}, {{14, 15, 16, 17}}};
  wavefront.execute(rec.work(), rec.gates, slots);
  rec.check_dependencies();
  EXPECT_NE(rec.order, first);
}
