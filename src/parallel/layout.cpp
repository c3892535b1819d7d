#include "ionbath/parallel/layout.hpp"

#include "ionbath/core/error.hpp"

#include <fmt/format.h>

namespace ionbath::parallel {

TrajectoryLayout::TrajectoryLayout(const Communicator &world, int ranks_per_trajectory)
    : world_(world), group_(world), leaders_(world) {
  if (ranks_per_trajectory < 1 || world.size() % ranks_per_trajectory != 0)
    throw InputError(fmt::format("parallel.ranks_per_trajectory = {} must be ≥ 1 and divide the "
                                 "number of MPI ranks ({})",
                                 ranks_per_trajectory, world.size()));
  n_groups_ = world.size() / ranks_per_trajectory;
  group_index_ = world.rank() / ranks_per_trajectory;
  group_ = world.split(group_index_, world.rank());
  leaders_ = world.split(group_.rank() == 0 ? 0 : 1, world.rank());
}

std::vector<TrajectoryTask> TrajectoryLayout::all_tasks(int n_temperatures,
                                                        int trajectories_per_temperature) {
  std::vector<TrajectoryTask> tasks;
  for (int t = 0; t < n_temperatures; ++t)
    for (int k = 0; k < trajectories_per_temperature; ++k)
      tasks.push_back({t, k, static_cast<int>(tasks.size())});
  return tasks;
}

std::vector<TrajectoryTask> TrajectoryLayout::my_tasks(int n_temperatures,
                                                       int trajectories_per_temperature) const {
  std::vector<TrajectoryTask> mine;
  for (const auto &t : all_tasks(n_temperatures, trajectories_per_temperature))
    if (group_of(t) == group_index_)
      mine.push_back(t);
  return mine;
}

} // namespace ionbath::parallel
