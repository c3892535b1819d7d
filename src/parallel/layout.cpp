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

} // namespace ionbath::parallel
