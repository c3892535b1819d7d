#include "ionbath/analysis/segment_msd.hpp"

#include "ionbath/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ionbath::analysis {

namespace {
constexpr double kStateFormat = 1.0; // first entry of a serialized SegmentMsd
constexpr std::size_t kHeader = 10;  // format, N_s, P, δt, skip, flag, pushed, origin xyz

void validate(const SegmentMsdParams &p) {
  if (p.segments < 1)
    throw InputError("msd: segments must be >= 1");
  if (p.samples_per_segment < 2)
    throw InputError("msd: samples per segment must be >= 2");
  if (!(p.dt_ps > 0) || !std::isfinite(p.dt_ps))
    throw InputError("msd: dt must be positive");
  if (p.skip_samples < 0)
    throw InputError("msd: skip_samples must be >= 0");
}
} // namespace

MsdCurve mean_curve(const SegmentCurves &curves) {
  const std::size_t P = curves.lags(), S = curves.segments();
  MsdCurve out;
  out.lag_ps = curves.lag_ps;
  out.mean_A2.assign(P, 0.0);
  out.stderr_A2.assign(P, 0.0);
  out.segments = S;
  if (S == 0)
    return out;
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t p = 0; p < P; ++p)
      out.mean_A2[p] += curves.d_A2[s * P + p];
  for (auto &m : out.mean_A2)
    m /= double(S);
  if (S < 2)
    return out;
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t p = 0; p < P; ++p) {
      const double r = curves.d_A2[s * P + p] - out.mean_A2[p];
      out.stderr_A2[p] += r * r;
    }
  for (auto &v : out.stderr_A2)
    v = std::sqrt(v / double(S - 1) / double(S));
  return out;
}

SegmentCurves pool_segments(std::span<const SegmentCurves> trajectories) {
  SegmentCurves out;
  if (trajectories.empty())
    return out;
  out.lag_ps = trajectories.front().lag_ps;
  for (const auto &t : trajectories) {
    if (t.lag_ps != out.lag_ps)
      throw std::invalid_argument("pool_segments: trajectories have different lag axes");
    out.d_A2.insert(out.d_A2.end(), t.d_A2.begin(), t.d_A2.end());
  }
  return out;
}

SegmentMsd::SegmentMsd(const SegmentMsdParams &params) : params_(params) {
  validate(params_);
  d_A2_.reserve(max_values());
}

void SegmentMsd::push(const Vec3 &R_A) {
  const std::int64_t k = pushed_++ - params_.skip_samples;
  if (k < 0 || d_A2_.size() == max_values())
    return;
  if (std::int64_t(d_A2_.size()) % params_.samples_per_segment == 0)
    origin_A_ = R_A; // p = 0: a new segment starts at R_{sP}
  d_A2_.push_back((R_A - origin_A_).squaredNorm());
}

std::size_t SegmentMsd::completed_segments() const {
  return d_A2_.size() / std::size_t(params_.samples_per_segment);
}

std::vector<double> SegmentMsd::lag_ps() const {
  const int shift = params_.reference_lag_labels ? 1 : 0;
  std::vector<double> lag(std::size_t(params_.samples_per_segment));
  for (std::size_t p = 0; p < lag.size(); ++p)
    lag[p] = double(std::int64_t(p) + shift) * params_.dt_ps;
  return lag;
}

SegmentCurves SegmentMsd::curves() const {
  SegmentCurves out;
  out.lag_ps = lag_ps();
  const std::size_t n = completed_segments() * out.lags();
  out.d_A2.assign(d_A2_.begin(), d_A2_.begin() + std::ptrdiff_t(n));
  return out;
}

std::vector<double> SegmentMsd::serialize() const {
  std::vector<double> state{kStateFormat,
                            double(params_.segments),
                            double(params_.samples_per_segment),
                            params_.dt_ps,
                            double(params_.skip_samples),
                            params_.reference_lag_labels ? 1.0 : 0.0,
                            double(pushed_),
                            origin_A_.x(),
                            origin_A_.y(),
                            origin_A_.z()};
  state.insert(state.end(), d_A2_.begin(), d_A2_.end());
  return state;
}

SegmentMsd SegmentMsd::restore(std::span<const double> state) {
  if (state.size() < kHeader || state[0] != kStateFormat)
    throw InputError("msd: checkpoint state is not a SegmentMsd state (format " +
                     std::to_string(kStateFormat) + ")");
  SegmentMsdParams p;
  p.segments = int(state[1]);
  p.samples_per_segment = int(state[2]);
  p.dt_ps = state[3];
  p.skip_samples = std::int64_t(state[4]);
  p.reference_lag_labels = state[5] != 0.0;
  SegmentMsd msd(p);
  msd.pushed_ = std::int64_t(state[6]);
  msd.origin_A_ = Vec3(state[7], state[8], state[9]);
  const std::size_t filled = state.size() - kHeader;
  const std::int64_t expected = std::max<std::int64_t>(0, msd.pushed_ - p.skip_samples);
  if (std::int64_t(filled) != std::min<std::int64_t>(expected, std::int64_t(msd.max_values())))
    throw InputError("msd: checkpoint state is inconsistent (" + std::to_string(filled) +
                     " values for " + std::to_string(msd.pushed_) + " samples)");
  msd.d_A2_.assign(state.begin() + kHeader, state.end());
  return msd;
}

} // namespace ionbath::analysis
