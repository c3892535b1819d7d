#pragma once
// The MPI layout of a sweep (design.md): world = trajectory groups × ranks per trajectory.
// Ranks of one group share one trajectory's bath mode sum (deterministic block reduction);
// groups take (temperature, trajectory) tasks in a fixed round-robin order, so the assignment and
// every result are independent of the world size and of the group size.
#include "ionbath/parallel/comm.hpp"

#include <vector>

namespace ionbath::parallel {

struct TrajectoryTask {
  int temperature_index = 0;
  int trajectory_id = 0;
  int global_index = 0; // position in the fixed task order
};

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

  // All tasks in the fixed order: temperature-major, trajectory-minor.
  static std::vector<TrajectoryTask> all_tasks(int n_temperatures,
                                               int trajectories_per_temperature);
  // The tasks this rank's group runs (round robin over groups).
  std::vector<TrajectoryTask> my_tasks(int n_temperatures, int trajectories_per_temperature) const;
  int group_of(const TrajectoryTask &t) const { return t.global_index % n_groups_; }

private:
  Communicator world_, group_, leaders_;
  int group_index_ = 0, n_groups_ = 1;
};

} // namespace ionbath::parallel
