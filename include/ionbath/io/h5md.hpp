#pragma once
// H5MD 1.1 trajectory of the mobile ion (one file per trajectory, written by one rank):
//   /h5md (version 1.1, author, creator), /particles/ion/box (dimension 3, boundary none: the
//   positions are unwrapped), /particles/ion/{position,velocity}/{value [frames×1×3], step, time},
//   /parameters (the resolved configuration and the trajectory's keys).
// Frames are buffered and appended in chunks, so memory stays bounded whatever the run length.
// A checkpointed run suspends the file (<path>.tmp stays) and resumes it, truncated to the frame
// count its checkpoint recorded.
#include "ionbath/core/types.hpp"
#include "ionbath/io/hdf5.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ionbath::io {

struct H5mdTrajectoryInfo {
  std::string config_toml;
  double kT_meV = 0;
  std::int64_t seed = 0, temperature_index = 0, trajectory_id = 0, stride = 1;
  double dt_ps = 0;
};

class H5mdTrajectoryWriter {
public:
  // Mode::create starts a new file; Mode::resume reopens <path>.tmp and keeps `resume_frames`.
  H5mdTrajectoryWriter(const std::string &path, const H5mdTrajectoryInfo &info,
                       H5Output::Mode mode = H5Output::Mode::create, std::int64_t resume_frames = 0,
                       std::int64_t buffer_frames = 4096);

  void append(std::int64_t step, double time_ps, const Vec3 &R_A, const Vec3 &v_A_per_ps);
  // Writes the buffered frames and flushes the file; returns the frames on disk.
  std::int64_t flush();
  std::int64_t frames() const { return frames_on_disk_ + std::int64_t(steps_.size()); }

  void commit();  // complete: <path> appears
  void suspend(); // interrupted: keep <path>.tmp for a resume

private:
  H5Output out_;
  std::int64_t buffer_frames_;
  std::int64_t frames_on_disk_ = 0;
  std::vector<std::int64_t> steps_;
  std::vector<double> times_, positions_, velocities_;
};

} // namespace ionbath::io
