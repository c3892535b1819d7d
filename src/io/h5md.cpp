#include "ionbath/io/h5md.hpp"

#include "ionbath/parallel/comm.hpp"

#include <array>

namespace ionbath::io {

namespace {
constexpr const char *kPosition = "/particles/ion/position";
constexpr const char *kVelocity = "/particles/ion/velocity";
} // namespace

H5mdTrajectoryWriter::H5mdTrajectoryWriter(const std::string &path, const H5mdTrajectoryInfo &info,
                                           H5Output::Mode mode, std::int64_t resume_frames,
                                           std::int64_t buffer_frames)
    : out_(path, parallel::Communicator::self_serial(), mode), buffer_frames_(buffer_frames) {
  const std::string value = std::string(kPosition) + "/value";
  if (mode == H5Output::Mode::resume && out_.exists(value)) {
    for (const char *group : {kPosition, kVelocity}) {
      const std::string g(group);
      out_.truncate_rows(g + "/value", resume_frames);
      out_.truncate_rows(g + "/step", resume_frames);
      out_.truncate_rows(g + "/time", resume_frames);
    }
    frames_on_disk_ = resume_frames;
    return;
  }
  const std::array<std::int64_t, 2> version{1, 1};
  out_.write_attribute("/h5md", "version", std::span<const std::int64_t>(version));
  out_.write_attribute("/h5md/author", "name", "ionbath user");
  out_.write_attribute("/h5md/creator", "name", "ionbath");
  out_.write_attribute("/h5md/creator", "version", IONBATH_VERSION);
  out_.write_attribute("/particles/ion/box", "dimension", std::int64_t{3});
  const std::array<std::string, 3> boundary{"none", "none", "none"};
  out_.write_attribute("/particles/ion/box", "boundary", std::span<const std::string>(boundary));
  for (const auto &[group, unit] :
       {std::pair{kPosition, "Angstrom"}, std::pair{kVelocity, "Angstrom ps-1"}}) {
    const std::string g(group);
    out_.create_extendible_double(g + "/value", Shape{1, 3}, unit, buffer_frames);
    out_.create_extendible_int64(g + "/step", Shape{}, dimensionless, buffer_frames);
    out_.create_extendible_double(g + "/time", Shape{}, "ps", buffer_frames);
  }
  out_.write_string("/parameters/config", info.config_toml);
  out_.write_attribute("/parameters", "kT_meV", info.kT_meV);
  out_.write_attribute("/parameters", "seed", info.seed);
  out_.write_attribute("/parameters", "temperature_index", info.temperature_index);
  out_.write_attribute("/parameters", "trajectory_id", info.trajectory_id);
  out_.write_attribute("/parameters", "stride", info.stride);
  out_.write_attribute("/parameters", "dt_ps", info.dt_ps);
}

void H5mdTrajectoryWriter::append(std::int64_t step, double time_ps, const Vec3 &R_A,
                                  const Vec3 &v_A_per_ps) {
  steps_.push_back(step);
  times_.push_back(time_ps);
  positions_.insert(positions_.end(), {R_A.x(), R_A.y(), R_A.z()});
  velocities_.insert(velocities_.end(), {v_A_per_ps.x(), v_A_per_ps.y(), v_A_per_ps.z()});
  if (std::int64_t(steps_.size()) >= buffer_frames_)
    flush();
}

std::int64_t H5mdTrajectoryWriter::flush() {
  if (!steps_.empty()) {
    for (const auto &[group, values] :
         {std::pair{kPosition, &positions_}, std::pair{kVelocity, &velocities_}}) {
      const std::string g(group);
      out_.append_rows(g + "/value", std::span<const double>(*values));
      out_.append_rows(g + "/step", std::span<const std::int64_t>(steps_));
      out_.append_rows(g + "/time", std::span<const double>(times_));
    }
    frames_on_disk_ += std::int64_t(steps_.size());
    steps_.clear();
    times_.clear();
    positions_.clear();
    velocities_.clear();
  }
  out_.flush();
  return frames_on_disk_;
}

void H5mdTrajectoryWriter::commit() {
  flush();
  out_.commit();
}

void H5mdTrajectoryWriter::suspend() {
  flush();
  out_.suspend();
}

} // namespace ionbath::io
