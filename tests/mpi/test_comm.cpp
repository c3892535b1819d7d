// The parallel layer's deterministic reduction: bitwise the same for any number of ranks.
#include "ionbath/parallel/comm.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace ionbath::parallel;

namespace {
// Terms with wildly different magnitudes, so that the summation order matters in floating point.
double term(std::int64_t i) {
  return std::sin(0.37 * i) * std::pow(10.0, (i % 17) - 8);
}

std::vector<double> block_partials(const BlockPartition &p, int rank, int size, int width) {
  std::vector<double> local;
  for (auto b = p.first_block(rank, size); b < p.last_block(rank, size); ++b)
    for (int w = 0; w < width; ++w) {
      double s = 0;
      for (auto i = p.block_begin(b); i < p.block_end(b); ++i)
        s += term(i) * (w + 1);
      local.push_back(s);
    }
  return local;
}
} // namespace

TEST(Communicator, OrderedBlockSumIsBitwiseLayoutIndependent) {
  const auto world = Communicator::world();
  const BlockPartition p{10007, 64};
  const int width = 3;
  std::vector<double> parallel(width), serial(width);
  world.ordered_block_sum(p, block_partials(p, world.rank(), world.size(), width), width, parallel);
  Communicator::self_serial().ordered_block_sum(p, block_partials(p, 0, 1, width), width, serial);
  for (int w = 0; w < width; ++w)
    EXPECT_EQ(std::memcmp(&parallel[w], &serial[w], sizeof(double)), 0) << "component " << w;
  // And the sum is right.
  double direct = 0;
  for (std::int64_t i = 0; i < p.n_items; ++i)
    direct += term(i);
  EXPECT_NEAR(serial[0], direct, 1e-12 * std::abs(direct) + 1e-15);
}

TEST(Communicator, SplitBroadcastGather) {
  const auto world = Communicator::world();
  const auto half = world.split(world.rank() % 2, world.rank());
  EXPECT_EQ(half.size(), (world.size() + 1 - world.rank() % 2) / 2);
  std::string text = world.is_root() ? "ionbath" : "";
  world.broadcast(text);
  EXPECT_EQ(text, "ionbath");
  const double mine = world.rank() + 0.5;
  const auto all = world.allgatherv(std::span<const double>(&mine, 1));
  ASSERT_EQ(static_cast<int>(all.size()), world.size());
  for (int r = 0; r < world.size(); ++r)
    EXPECT_EQ(all[r], r + 0.5);
  EXPECT_EQ(world.max(mine), world.size() - 0.5);
  EXPECT_EQ(world.any(world.rank() == world.size() - 1), true);
  EXPECT_EQ(world.any(false), false);
}

#include "ionbath/parallel/run_plan.hpp"

TEST(TrajectoryLayout, EveryTaskRunsOnExactlyOneGroup) {
  const auto world = Communicator::world();
  for (int p = 1; p <= world.size(); ++p) {
    if (world.size() % p != 0)
      continue;
    const TrajectoryLayout layout(world, p);
    EXPECT_EQ(layout.n_groups(), world.size() / p);
    EXPECT_EQ(layout.group().size(), p);
    const auto plan = RunPlan::product({"temperature_index", "trajectory_id"},
                                       {{0, 1, 2, 3, 4, 5, 6}, {0, 1, 2}});
    const auto mine = plan.runs_of(layout);
    // Count, over the group leaders, how often each task is run.
    std::vector<double> counts(21, 0.0);
    if (layout.is_group_leader())
      for (const auto &t : mine)
        counts[static_cast<std::size_t>(t.index)] += 1;
    const auto all = world.allgatherv(counts);
    for (int i = 0; i < 21; ++i) {
      double total = 0;
      for (int r = 0; r < world.size(); ++r)
        total += all[r * 21 + i];
      EXPECT_EQ(total, 1.0) << "task " << i << " with " << p << " ranks per trajectory";
    }
  }
}
