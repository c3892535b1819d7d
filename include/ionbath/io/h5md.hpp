#pragma once
// H5MD 1.1 trajectory of the mobile particles (one file per trajectory, written by one rank):
//   /h5md (version 1.1, author, creator), /particles/<group>/box (dimension 3),
//   /particles/<group>/{position,velocity}/{value [frames×N×3], step, time},
//   /parameters (the resolved configuration and the trajectory's keys).
// One particle without species (the single ion): group "ion", boundary none, unwrapped positions
// (the layout of earlier versions). Several particles: fixed /species [N] (numbers into the
// `labels` attribute) and /id [N]; with a periodic box, boundary periodic, box/edges/value
// [frames×3×3] (rows the box vectors; constant, but per frame: MDAnalysis reads no other form),
// positions wrapped into the box (fractional coordinates in [0, 1)) and /image/value [frames×N×3]
// (H5MD 1.1), so that position + Σ_k image_k · edges_k is the unwrapped trajectory. Frames are
// buffered and appended in chunks, so memory stays bounded whatever the run length. A checkpointed
// run suspends the file (<path>.tmp stays) and resumes it, truncated to the frame count its
// checkpoint recorded.
#include "ionbath/core/types.hpp"
#include "ionbath/io/hdf5.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ionbath::io {

// The particles of the file (one H5MD particle group).
struct H5mdParticles {
  std::string group = "ion";
  std::vector<std::string> species;   // label per particle; empty: the single ion, no /species
  std::vector<std::int64_t> ids;      // per particle; empty: 0..N−1
  std::optional<Mat3> periodic_box_A; // periodic box, columns the box vectors; none: boundary none
  std::int64_t count() const { return species.empty() ? 1 : std::int64_t(species.size()); }
};

struct H5mdTrajectoryInfo {
  std::string config_toml;
  double kT_meV = 0;
  std::int64_t seed = 0, temperature_index = 0, trajectory_id = 0, stride = 1;
  double dt_ps = 0;
  H5mdParticles particles = {};
};

class H5mdTrajectoryWriter {
public:
  // Mode::create starts a new file; Mode::resume reopens <path>.tmp and keeps `resume_frames`.
  H5mdTrajectoryWriter(const std::string &path, const H5mdTrajectoryInfo &info,
                       H5Output::Mode mode = H5Output::Mode::create, std::int64_t resume_frames = 0,
                       std::int64_t buffer_frames = 4096);

  // Unwrapped positions and velocities of every particle, [N × 3] row-major.
  void append(std::int64_t step, double time_ps, std::span<const double> R_A,
              std::span<const double> v_A_per_ps);
  void append(std::int64_t step, double time_ps, const Vec3 &R_A, const Vec3 &v_A_per_ps);
  // Writes the buffered frames and flushes the file; returns the frames on disk.
  std::int64_t flush();
  std::int64_t frames() const { return frames_on_disk_ + std::int64_t(steps_.size()); }

  void commit();  // complete: <path> appears
  void suspend(); // interrupted: keep <path>.tmp for a resume

private:
  void create(const H5mdTrajectoryInfo &info);
  void write_particles();
  // Appends the wrapped position and image of one particle at unwrapped R (Å).
  void wrap(const Vec3 &R);

  H5Output out_;
  H5mdParticles particles_;
  std::string position_, velocity_, image_, edges_; // elements (image_ empty: unwrapped)
  std::int64_t buffer_frames_;
  std::int64_t frames_on_disk_ = 0;
  std::vector<std::int64_t> steps_;
  std::vector<double> times_, positions_, velocities_;
  std::vector<std::int64_t> images_;
};

} // namespace ionbath::io
