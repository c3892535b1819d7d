// Run plans (issue 10): a synthetic plan of 7 independent runs gives bitwise the same results at
// 1 and 2 ranks, with 1 or 2 ranks per run (P), straight through or interrupted and resumed from
// checkpoints. Each run is a keyed walk whose every step sums 96 terms over the ranks of its group
// with the deterministic block reduction (as the bath mode sums do), checkpointed by the group
// leader; the leaders write the results rows collectively.
#include "ionbath/app/checkpoint.hpp"
#include "ionbath/io/hdf5.hpp"
#include "ionbath/parallel/run_plan.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <unistd.h>

using namespace ionbath;
using namespace ionbath::parallel;
namespace fs = std::filesystem;

namespace {
constexpr std::int64_t steps = 400, terms = 96, block = 16;

// The plan: 7 runs on two axes, listed out of order on purpose.
RunPlan synthetic_plan() {
  RunPlan plan({"speed_index", "offset_index"});
  for (const auto &c : std::vector<std::vector<std::int64_t>>{
           {2, 0}, {0, 1}, {1, 1}, {0, 0}, {3, 2}, {1, 0}, {2, 2}})
    plan.add(c);
  return plan;
}

// Term i of step k of a run: magnitudes spread so that the summation order matters.
double term(const PlannedRun &run, std::int64_t k, std::int64_t i, int component) {
  const double phase = 0.37 * double(i) + 0.11 * double(k) + 1.3 * double(run.coordinates[0]) +
                       0.7 * double(run.coordinates[1]) + 2.1 * component;
  return std::sin(phase) * std::pow(10.0, double(i % 11) - 5);
}

// One step: x += Σ_i term (3 components), the sum over the group's ranks in block order.
void walk_step(const PlannedRun &run, std::int64_t k, const Communicator &group,
               std::vector<double> &x) {
  const BlockPartition blocks{terms, block};
  std::vector<double> local;
  for (auto b = blocks.first_block(group.rank(), group.size());
       b < blocks.last_block(group.rank(), group.size()); ++b)
    for (int c = 0; c < 3; ++c) {
      double s = 0;
      for (auto i = blocks.block_begin(b); i < blocks.block_end(b); ++i)
        s += term(run, k, i, c);
      local.push_back(s);
    }
  std::vector<double> sum(3);
  group.ordered_block_sum(blocks, local, 3, sum);
  for (int c = 0; c < 3; ++c)
    x[std::size_t(c)] = x[std::size_t(c)] * 0.999 + sum[std::size_t(c)];
}

// The run in the plan protocol: skip when finished, resume from the checkpoint, stop (checkpoint
// written) at step `stop_at` if that is inside the run.
RunOutcome run_walk(const PlannedRun &run, const Communicator &group, const std::string &dir,
                    std::int64_t stop_at) {
  const std::string done = fmt::format("{}/run{}.done", dir, run.index);
  const std::string ckpt = fmt::format("{}/run{}.ckpt", dir, run.index);
  std::int64_t finished = group.is_root() && fs::exists(done) ? 1 : 0;
  group.broadcast(std::span<std::int64_t>(&finished, 1));
  if (finished)
    return RunOutcome::skipped;
  std::vector<double> state{0, 0, 0, 0}; // step, x
  if (group.is_root())
    if (const auto c = app::Checkpoint::read(ckpt))
      state = c->get_doubles("state");
  group.broadcast(state);
  std::vector<double> x(state.begin() + 1, state.end());
  for (auto k = std::int64_t(state[0]); k < steps; ++k) {
    if (k == stop_at) {
      if (group.is_root()) {
        app::Checkpoint c;
        c.set_doubles("state", {double(k), x[0], x[1], x[2]});
        c.write(ckpt);
      }
      return RunOutcome::interrupted;
    }
    walk_step(run, k, group, x);
  }
  if (group.is_root()) {
    app::Checkpoint c;
    c.set_doubles("x", x);
    c.write(done);
  }
  return RunOutcome::finished;
}

// Rows [run index × 3] of the final positions, written collectively by the group leaders.
void write_results(const RunPlan &plan, const TrajectoryLayout &layout, const std::string &dir,
                   const std::string &path) {
  std::vector<std::int64_t> rows;
  std::vector<double> values;
  if (layout.is_group_leader())
    for (const auto &run : plan.runs_of(layout)) {
      rows.push_back(run.index);
      const auto c = app::Checkpoint::read(fmt::format("{}/run{}.done", dir, run.index));
      const auto x = c->get_doubles("x");
      values.insert(values.end(), x.begin(), x.end());
    }
  io::H5Output out(path, layout.world());
  out.write_row_set("/runs/final_x", rows, values, std::int64_t(plan.size()), 3, "1");
  out.commit();
}

// The reference: every run straight through on one rank, without the plan.
std::vector<double> serial_reference(const RunPlan &plan) {
  std::vector<double> all;
  for (const auto &run : plan.runs()) {
    std::vector<double> x(3, 0.0);
    for (std::int64_t k = 0; k < steps; ++k)
      walk_step(run, k, Communicator::self_serial(), x);
    all.insert(all.end(), x.begin(), x.end());
  }
  return all;
}

std::string fresh_directory(const Communicator &world, const std::string &name) {
  std::string dir;
  if (world.is_root()) {
    dir = (fs::temp_directory_path() /
           fmt::format("ionbath_plan_{}_{}_{}", ::getpid(), world.size(), name))
              .string();
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  world.broadcast(dir);
  return dir;
}
} // namespace

TEST(RunPlan, ProductIsRowMajorAndAxesAreNamed) {
  const auto plan = RunPlan::product({"a", "b"}, {{5, 6}, {0, 1, 2}});
  ASSERT_EQ(plan.size(), 6u);
  EXPECT_EQ(plan.runs()[4].coordinates, (std::vector<std::int64_t>{6, 1}));
  EXPECT_EQ(plan.runs()[4].index, 4);
  EXPECT_EQ(plan.axis("b"), 1u);
  EXPECT_THROW(plan.axis("c"), std::invalid_argument);
  RunPlan p({"a"});
  EXPECT_THROW(p.add({1, 2}), std::invalid_argument);
}

TEST(RunPlan, SevenRunsAreLayoutAndInterruptionIndependent) {
  const auto world = Communicator::world();
  const auto plan = synthetic_plan();
  const auto reference = serial_reference(plan);
  for (int P = 1; P <= world.size(); ++P) {
    if (world.size() % P != 0)
      continue;
    const TrajectoryLayout layout(world, P);
    for (const bool interrupted : {false, true}) {
      const auto dir = fresh_directory(world, fmt::format("P{}_{}", P, interrupted));
      // Interrupted: the first two passes stop every group at its first unfinished run (at
      // steps 150, then 300 of runs resumed from 150); then passes without stops finish.
      int passes = 0;
      for (const std::int64_t stop_at : {std::int64_t(150), std::int64_t(300)})
        if (interrupted) {
          EXPECT_TRUE(execute(plan, layout, [&](const PlannedRun &run) {
            return run_walk(run, layout.group(), dir, stop_at);
          }));
          ++passes;
        }
      while (execute(plan, layout,
                     [&](const PlannedRun &run) { return run_walk(run, layout.group(), dir, -1); }))
        ASSERT_LT(++passes, 20);
      const std::string path = dir + "/results.h5";
      write_results(plan, layout, dir, path);
      if (world.is_root()) {
        const auto got = io::H5Input(path).read_double("/runs/final_x");
        ASSERT_EQ(got.values.size(), reference.size());
        for (std::size_t i = 0; i < reference.size(); ++i)
          EXPECT_EQ(got.values[i], reference[i])
              << "value " << i << ", P = " << P << ", interrupted = " << interrupted
              << ", ranks = " << world.size();
      }
      world.barrier();
      if (world.is_root())
        fs::remove_all(dir);
    }
  }
}
