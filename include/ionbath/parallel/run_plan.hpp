#pragma once
// Run plans (design.md "MPI layout"): a list of independent runs, each with coordinates on named
// axes — a sweep's temperature_index × trajectory_id, later speeds × λ × offsets or chain drift
// runs — and a fixed position in the plan. Runs go to the groups of a TrajectoryLayout round
// robin by position, so the assignment and every result are independent of the number of ranks
// and of the group size. Each run checkpoints and resumes itself; `execute` only drives them.
#include "ionbath/parallel/layout.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ionbath::parallel {

struct PlannedRun {
  std::vector<std::int64_t> coordinates; // one value per axis of the plan
  std::int64_t index = 0;                // position in the plan
};

class RunPlan {
public:
  explicit RunPlan(std::vector<std::string> axes);
  // Every combination of the axes' values in row-major order (the first axis slowest).
  static RunPlan product(std::vector<std::string> axes,
                         const std::vector<std::vector<std::int64_t>> &values);

  // Appends a run (one coordinate per axis; std::invalid_argument otherwise).
  void add(std::vector<std::int64_t> coordinates);

  const std::vector<std::string> &axes() const { return axes_; }
  // Position of a named axis (std::invalid_argument if the plan has none of that name).
  std::size_t axis(std::string_view name) const;
  const std::vector<PlannedRun> &runs() const { return runs_; }
  std::size_t size() const { return runs_.size(); }

  static int group_of(const PlannedRun &run, int n_groups) {
    return static_cast<int>(run.index % n_groups);
  }
  // The runs of this rank's group, in plan order.
  std::vector<PlannedRun> runs_of(const TrajectoryLayout &layout) const;

private:
  std::vector<std::string> axes_;
  std::vector<PlannedRun> runs_;
};

enum class RunOutcome { finished, skipped, interrupted };

// Collective over the world. Every rank of a group calls run_one for each of its group's runs in
// plan order (run_one communicates within the group only); a group stops at its first
// interrupted run. True on every rank if any group was interrupted.
bool execute(const RunPlan &plan, const TrajectoryLayout &layout,
             const std::function<RunOutcome(const PlannedRun &)> &run_one);

} // namespace ionbath::parallel
