#pragma once
// Observers of a trajectory (design.md "Streaming observers"): each sees every sample of the
// particles' unwrapped positions and velocities, streams what it needs, and saves and restores
// its own state through the checkpoint, so that no observer holds the trajectory in memory.
// They run on the group leader only.
#include "ionbath/analysis/collective_transport.hpp"
#include "ionbath/analysis/fft_msd.hpp"
#include "ionbath/analysis/segment_msd.hpp"
#include "ionbath/app/checkpoint.hpp"
#include "ionbath/core/types.hpp"
#include "ionbath/dynamics/interaction_list.hpp"
#include "ionbath/io/h5md.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ionbath::app {

// The particles at sample k (unwrapped R in Å, Ṙ in Å/ps, one entry per particle).
struct ParticleSample {
  std::int64_t k = 0;
  std::span<const Vec3> R_A, V_A_per_ps;
};

class TrajectoryObserver {
public:
  virtual ~TrajectoryObserver() = default;
  virtual void observe(const ParticleSample &sample) = 0;
  // Makes the observer's streamed output durable and records its state.
  virtual void save(Checkpoint &checkpoint) = 0;
};

// Cell changes of each particle: the cell ⌈A⁻¹R⌉ (physics.md §3.2) differs from the previous
// sample's.
class HopCounter final : public TrajectoryObserver {
public:
  HopCounter(const Mat3 &lattice_vectors, std::span<const Vec3> R0_A, const Checkpoint *resume);
  void observe(const ParticleSample &sample) override;
  void save(Checkpoint &checkpoint) override;
  std::int64_t hops() const; // summed over particles

private:
  Cell cell_of(const Vec3 &R_A) const { return dynamics::anchor_cell(inverse_lattice_, R_A); }

  Mat3 inverse_lattice_;
  std::vector<Cell> cells_;
  std::vector<std::int64_t> hops_;
};

// Segment MSD (physics.md §5.1) of each particle and, for several ions, of the species sums and
// the charge displacement (§11.4). Checkpoint keys: msd_<i> per ion (as for one ion), then
// collective_msd_<k>.
class SegmentMsdObserver final : public TrajectoryObserver {
public:
  SegmentMsdObserver(const analysis::SegmentMsdParams &params, std::vector<int> species_of_ion,
                     std::vector<double> charge_number, const Checkpoint *resume);
  void observe(const ParticleSample &sample) override;
  void save(Checkpoint &checkpoint) override;
  const analysis::CollectiveMsd &msd() const { return msd_; }

private:
  analysis::CollectiveMsd msd_;
};

// Every sample's positions appended to a binary scratch file (for the all-origin FFT MSD at the
// end of the run), not kept in memory; a resume truncates the file to the checkpointed samples.
class PositionLog final : public TrajectoryObserver {
public:
  PositionLog(std::string path, std::size_t particles, const Checkpoint *resume);
  ~PositionLog() override;
  PositionLog(const PositionLog &) = delete;
  PositionLog &operator=(const PositionLog &) = delete;
  void observe(const ParticleSample &sample) override;
  void save(Checkpoint &checkpoint) override;
  // The positions of particle i over all samples (reads the file back).
  std::vector<Vec3> read_particle(std::size_t i);
  void remove(); // deletes the scratch file

private:
  static constexpr std::size_t buffer_samples = 4096; // written in blocks of this many samples
  void write_buffer();

  std::string path_;
  std::size_t particles_;
  std::FILE *file_ = nullptr;
  std::int64_t samples_ = 0;
  std::vector<Vec3> buffer_;
};

// The H5MD trajectory file, every stride-th step.
class H5mdObserver final : public TrajectoryObserver {
public:
  H5mdObserver(const std::string &path, const io::H5mdTrajectoryInfo &info, double dt_ps,
               const Checkpoint *resume);
  void observe(const ParticleSample &sample) override;
  void save(Checkpoint &checkpoint) override;
  void commit() { writer_.commit(); }
  void suspend() { writer_.suspend(); }

private:
  io::H5mdTrajectoryWriter writer_;
  std::int64_t stride_;
  double dt_ps_;
  std::vector<double> R_, V_;
};

} // namespace ionbath::app
