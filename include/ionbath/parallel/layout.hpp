#pragma once
// The MPI layout of a sweep (design.md): world = trajectory groups × ranks per trajectory.
// Ranks of one group share one trajectory's bath mode sum (deterministic block reduction);
// groups take the runs of a plan (parallel/run_plan.hpp) in a fixed round-robin order, so the
// assignment and every result are independent of the world size and of the group size.
#include "ionbath/parallel/comm.hpp"

#include <vector>

namespace ionbath::parallel {

class TrajectoryLayout {
public:
  // ranks_per_trajectory must divide the world size (checked, InputError otherwise).
  TrajectoryLayout(const Communicator &world, int ranks_per_trajectory);

  const Communicator &world() const { return world_; }
  const Communicator &group() const { return group_; }
  // Communicator of the group leaders (rank 0 of every group); valid only on leaders.
  const Communicator &leaders() const { return leaders_; }
  int group_index() const { return group_index_; }
  int n_groups() const { return n_groups_; }
  bool is_group_leader() const { return group_.rank() == 0; }

private:
  Communicator world_, group_, leaders_;
  int group_index_ = 0, n_groups_ = 1;
};

} // namespace ionbath::parallel
