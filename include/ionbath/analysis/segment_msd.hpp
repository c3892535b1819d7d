#pragma once
// Segment mean squared displacement (physics.md §5.1): the stored trajectory R_k (unwrapped, Å,
// spacing δt) is cut into N_s consecutive non-overlapping segments of P samples and each segment
// yields the squared displacement from its own first sample, d_{s,p} = |R_{sP+p} − R_{sP}|².
// The raw curves d_{s,p} are kept (the binning and covariance error bars of diffusion_fit.hpp
// need them); the accumulator never holds the trajectory itself.
#include "ionbath/core/types.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace ionbath::analysis {

// Squared displacements of a set of segments on a common lag axis.
struct SegmentCurves {
  std::vector<double> lag_ps; // P lag labels
  std::vector<double> d_A2;   // segments × P, row-major: d_A2[s * P + p] = d_{s,p}

  std::size_t lags() const { return lag_ps.size(); }
  std::size_t segments() const { return lag_ps.empty() ? 0 : d_A2.size() / lag_ps.size(); }
  std::span<const double> segment(std::size_t s) const {
    return std::span<const double>(d_A2).subspan(s * lags(), lags());
  }
};

// Mean and standard error over segments per lag (§5.1 item 3; std with N_s − 1).
struct MsdCurve {
  std::vector<double> lag_ps;
  std::vector<double> mean_A2;
  std::vector<double> stderr_A2;
  std::size_t segments = 0;
};

MsdCurve mean_curve(const SegmentCurves &curves);

// Union of the segments of several trajectories (pooling at one temperature). The lag axes must
// be identical; segments keep their order, trajectory by trajectory.
SegmentCurves pool_segments(std::span<const SegmentCurves> trajectories);

struct SegmentMsdParams {
  int segments = 250;                // N_s
  int samples_per_segment = 2400;    // P (12 ps at δt = 0.005 ps)
  double dt_ps = 0.005;              // δt between stored samples
  std::int64_t skip_samples = 0;     // leading samples discarded before segment 0
  bool reference_lag_labels = false; // label lag p with (p+1)δt as the reference code (§5.1 item 4)
};

// Streaming accumulator: push one position per stored sample. Samples beyond
// skip_samples + N_s·P are ignored (complete() is then true).
class SegmentMsd {
public:
  explicit SegmentMsd(const SegmentMsdParams &params);

  void push(const Vec3 &R_A);

  const SegmentMsdParams &params() const { return params_; }
  std::int64_t samples_pushed() const { return pushed_; }
  std::size_t completed_segments() const;
  bool complete() const { return completed_segments() == std::size_t(params_.segments); }
  std::vector<double> lag_ps() const;

  // The completed segments (a segment still being filled is left out).
  SegmentCurves curves() const;

  // Flat state for checkpoints; restore(serialize()) continues bitwise identically.
  std::vector<double> serialize() const;
  static SegmentMsd restore(std::span<const double> state);

private:
  std::size_t max_values() const {
    return std::size_t(params_.segments) * std::size_t(params_.samples_per_segment);
  }

  SegmentMsdParams params_;
  std::int64_t pushed_ = 0;
  Vec3 origin_A_ = Vec3::Zero(); // R_{sP} of the segment being filled
  std::vector<double> d_A2_;     // filled d_{s,p}, row-major, capacity N_s·P
};

} // namespace ionbath::analysis
