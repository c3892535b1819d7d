#include "ionbath/app/run_parts.hpp"

#include "ionbath/app/checkpoint.hpp"
#include "ionbath/app/runtime.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/parallel/fail_together.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace ionbath::app {
namespace fs = std::filesystem;

RunParts::RunParts(std::string output, std::string output_key, std::string config_hash)
    : output_(std::move(output)), output_key_(std::move(output_key)), hash_(std::move(config_hash)),
      directory_(output_ + ".parts") {}

std::string RunParts::file(std::int64_t index, const char *extension) const {
  return fmt::format("{}/run_{}.{}", directory_, index, extension);
}

void RunParts::prepare(const parallel::Communicator &world) const {
  parallel::on_root_or_fail_together<InputError>(world, [&] {
    const auto parent = fs::path(output_).parent_path();
    if (!parent.empty() && !fs::is_directory(parent))
      throw InputError(fmt::format("{} = \"{}\": directory '{}' does not exist", output_key_,
                                   output_, parent.string()));
    std::error_code ec;
    fs::create_directories(directory_, ec);
    if (ec)
      throw InputError(fmt::format("cannot create '{}': {}", directory_, ec.message()));
    for (const auto &entry : fs::directory_iterator(directory_))
      if (entry.path().extension() == ".ckpt")
        if (auto done = Checkpoint::read(entry.path().string()))
          done->require_config(hash_, entry.path().string());
  });
}

parallel::RunOutcome
RunParts::run_once(std::int64_t index,
                   const std::function<std::optional<std::vector<double>>()> &compute) const {
  const std::string path = file(index);
  if (auto done = Checkpoint::read(path)) {
    done->require_config(hash_, path);
    return parallel::RunOutcome::skipped;
  }
  if (StopSignal::requested())
    return parallel::RunOutcome::interrupted;
  auto values = compute();
  if (!values)
    return parallel::RunOutcome::interrupted;
  Checkpoint result;
  result.set("config_hash", hash_);
  result.set_array("values", std::move(*values));
  result.write(path);
  return parallel::RunOutcome::finished;
}

std::vector<std::vector<double>> RunParts::gather(const parallel::RunPlan &plan,
                                                  const parallel::TrajectoryLayout &layout) const {
  std::vector<double> mine;
  for (const auto &run : plan.runs_of(layout)) {
    const auto values = Checkpoint::read(file(run.index))->get_array("values");
    mine.push_back(double(run.index));
    mine.push_back(double(values.size()));
    mine.insert(mine.end(), values.begin(), values.end());
  }
  const auto all = layout.world().allgatherv(mine);
  std::vector<std::vector<double>> runs(plan.size());
  for (std::size_t i = 0; i < all.size();) {
    const auto index = std::size_t(all[i]);
    const auto n = std::size_t(all[i + 1]);
    runs[index].assign(all.begin() + std::ptrdiff_t(i + 2),
                       all.begin() + std::ptrdiff_t(i + 2 + n));
    i += 2 + n;
  }
  return runs;
}

void RunParts::remove(const parallel::Communicator &world) const {
  world.barrier();
  if (world.is_root()) {
    std::error_code ec;
    fs::remove_all(directory_, ec);
  }
}

} // namespace ionbath::app
