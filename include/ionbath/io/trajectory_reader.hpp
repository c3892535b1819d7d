#pragma once
// Trajectory readers: MD trajectories written by LAMMPS, ab-initio codes or ionbath, read into one
// data view for `ionbath decompose` (seed 000, physics.md §8). io/ owns the formats; the view
// below is all analysis/ sees.
//
// Formats: "h5md" (ours, LAMMPS `dump h5md`, MDAnalysis), "lammps-dump" (text `dump custom/atom`,
// plain or .gz), "extxyz" (ASE flavour), "xdatcar" (VASP, plain or gzip); "auto" picks one by
// extension and content. Every reader streams: memory is bounded by the chunk asked for (and the
// particle count), never by the trajectory length.
//
// The view: unwrapped Cartesian positions in Å (through image flags when the file has them,
// otherwise by minimum-image continuity frame to frame in fractional coordinates), frame times
// in ps, the cell per frame, particles sorted by id. Bad input (truncated file, missing columns,
// uneven frame spacing, unknown species, changing atom counts, jumps too large to unwrap) throws
// ionbath::InputError naming the file, the frame (counted from 1) and the value.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ionbath::io {

// Rows are the lattice vectors a, b, c (Å), row-major: a = (m[0], m[1], m[2]), ...
using CellMatrix = std::array<double, 9>;

struct TrajectoryOptions {
  std::string format = "auto"; // "auto" | "h5md" | "lammps-dump" | "extxyz" | "xdatcar"
  // Keep only these particles (empty lists: all). A particle is kept if its species label is in
  // `species` or its type number (LAMMPS type, H5MD species number) is in `types`.
  std::vector<std::string> species{};
  std::vector<std::int64_t> types{};
  double timestep_ps = 0;       // MD time step: time = step × timestep_ps (LAMMPS dumps)
  double frame_interval_ps = 0; // time between stored frames (XDATCAR; extxyz without Time=)
  std::string h5md_group{};     // /particles/<group>; empty: the only group in the file
  // Minimum-image unwrapping refuses a frame-to-frame displacement larger than this fraction of
  // the cell along a lattice vector: near half the cell the direction of the jump is ambiguous.
  double max_unwrap_fraction = 0.4;
};

// A chunk of consecutive frames.
struct TrajectoryChunk {
  std::int64_t first_frame = 0; // index of the first frame of the chunk in the trajectory
  std::int64_t frames = 0;
  std::int64_t particles = 0;
  std::vector<double> positions;   // [frames × particles × 3] unwrapped Cartesian, Å
  std::vector<double> times_ps;    // [frames]
  std::vector<std::int64_t> steps; // [frames] MD step (-1 where the file has none)
  std::vector<double> cells;       // [frames × 9] CellMatrix per frame (zeros: no cell)

  double position(std::int64_t frame, std::int64_t particle, int axis) const {
    return positions[std::size_t((frame * particles + particle) * 3 + axis)];
  }
  CellMatrix cell(std::int64_t frame) const;
};

class FrameSource; // one format's frames as the file holds them (src/io/trajectory_source.hpp)

class TrajectoryReader {
public:
  TrajectoryReader(std::unique_ptr<FrameSource> source, const TrajectoryOptions &options);
  ~TrajectoryReader();
  TrajectoryReader(TrajectoryReader &&) noexcept;
  TrajectoryReader &operator=(TrajectoryReader &&) noexcept;

  const std::string &path() const;
  const std::string &format() const; // the format actually read ("lammps-dump", ...)
  std::int64_t particles() const;
  const std::vector<std::int64_t> &ids() const;    // ascending
  const std::vector<std::string> &species() const; // label per particle
  const std::vector<std::int64_t> &types() const;  // type number per particle (0: none)
  bool periodic() const;                           // the file has a periodic cell
  std::int64_t frames_read() const;

  // The next up to max_frames frames; a chunk with frames == 0 once the trajectory is exhausted.
  TrajectoryChunk read_chunk(std::int64_t max_frames);

  class Impl;

private:
  std::unique_ptr<Impl> impl_;
};

// Opens `path` in options.format ("auto": .h5/.h5md/HDF5 signature → h5md; .xyz/.extxyz → extxyz;
// XDATCAR* → xdatcar; "ITEM: TIMESTEP" → lammps-dump). Reads the first frame.
TrajectoryReader open_trajectory(const std::string &path, const TrajectoryOptions &options = {});

} // namespace ionbath::io
