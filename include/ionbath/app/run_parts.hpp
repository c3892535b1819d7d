#pragma once
// The finished runs of a run plan (`loss`, `chain`): one result file per run in
// <output>.parts/run_<i>.ckpt, written atomically, so an interrupted plan resumes where it
// stopped (also after kill -9); a result of another configuration is refused by its hash.
#include "ionbath/parallel/comm.hpp"
#include "ionbath/parallel/layout.hpp"
#include "ionbath/parallel/run_plan.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ionbath::app {

class RunParts {
public:
  // output: the results file; output_key: its config key, for messages ("loss.output").
  RunParts(std::string output, std::string output_key, std::string config_hash);

  const std::string &directory() const { return directory_; }
  std::string file(std::int64_t index, const char *extension = "ckpt") const;

  // Root checks the output's directory, creates the parts directory and checks the hashes of the
  // results already there; every rank throws the InputError together.
  void prepare(const parallel::Communicator &world) const;
  // Skipped when the run's result exists, else computed (nullopt: interrupted) and saved.
  parallel::RunOutcome
  run_once(std::int64_t index,
           const std::function<std::optional<std::vector<double>>()> &compute) const;
  // Every rank's copy of every run's values, in plan order.
  std::vector<std::vector<double>> gather(const parallel::RunPlan &plan,
                                          const parallel::TrajectoryLayout &layout) const;
  // After the results file is written.
  void remove(const parallel::Communicator &world) const;

private:
  std::string output_, output_key_, hash_, directory_;
};

} // namespace ionbath::app
