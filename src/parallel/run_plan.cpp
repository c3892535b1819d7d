#include "ionbath/parallel/run_plan.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace ionbath::parallel {

RunPlan::RunPlan(std::vector<std::string> axes) : axes_(std::move(axes)) {}

RunPlan RunPlan::product(std::vector<std::string> axes,
                         const std::vector<std::vector<std::int64_t>> &values) {
  if (values.size() != axes.size())
    throw std::invalid_argument(
        fmt::format("run plan: {} axes but {} value lists", axes.size(), values.size()));
  RunPlan plan(std::move(axes));
  std::size_t combinations = values.empty() ? 0 : 1;
  for (const auto &v : values)
    combinations *= v.size();
  for (std::size_t n = 0; n < combinations; ++n) {
    std::vector<std::int64_t> coordinates(values.size());
    std::size_t rest = n;
    for (std::size_t a = values.size(); a-- > 0;) { // the last axis fastest
      coordinates[a] = values[a][rest % values[a].size()];
      rest /= values[a].size();
    }
    plan.add(std::move(coordinates));
  }
  return plan;
}

void RunPlan::add(std::vector<std::int64_t> coordinates) {
  if (coordinates.size() != axes_.size())
    throw std::invalid_argument(fmt::format("run plan: a run with {} coordinates on {} axes",
                                            coordinates.size(), axes_.size()));
  runs_.push_back({std::move(coordinates), static_cast<std::int64_t>(runs_.size())});
}

std::size_t RunPlan::axis(std::string_view name) const {
  for (std::size_t a = 0; a < axes_.size(); ++a)
    if (axes_[a] == name)
      return a;
  throw std::invalid_argument(fmt::format("run plan: no axis '{}'", name));
}

std::vector<PlannedRun> RunPlan::runs_of(const TrajectoryLayout &layout) const {
  std::vector<PlannedRun> mine;
  for (const auto &run : runs_)
    if (group_of(run, layout.n_groups()) == layout.group_index())
      mine.push_back(run);
  return mine;
}

bool execute(const RunPlan &plan, const TrajectoryLayout &layout,
             const std::function<RunOutcome(const PlannedRun &)> &run_one) {
  bool interrupted = false;
  for (const auto &run : plan.runs_of(layout))
    if (run_one(run) == RunOutcome::interrupted) {
      interrupted = true;
      break;
    }
  return layout.world().any(interrupted);
}

} // namespace ionbath::parallel
