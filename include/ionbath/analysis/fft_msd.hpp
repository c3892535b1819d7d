#pragma once
// All-origin mean squared displacement of one stored trajectory R_k, k = 0..K−1 (unwrapped, Å):
//   MSD(m) = 1/(K−m) Σ_{k=0}^{K−1−m} |R_{k+m} − R_k|²,   m = 0..K−1, with K−m origins,
// by the standard O(K log K) split MSD(m) = S1(m) − 2 S2(m):
//   S1(m) = 1/(K−m) Σ_{k=0}^{K−1−m} (|R_k|² + |R_{k+m}|²)   (a running sum),
//   S2(m) = 1/(K−m) Σ_{k=0}^{K−1−m} R_k·R_{k+m}             (autocorrelation, zero-padded FFT).
// Positions are centred on their mean first (MSD is translation invariant) to limit cancellation.
// Unlike the segment MSD (§5.1) the lags share origins, so this curve carries no error bar.
#include "ionbath/core/types.hpp"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace ionbath::analysis {

struct AllOriginMsdCurve {
  std::vector<double> lag_ps;        // m·δt (true lag)
  std::vector<double> msd_A2;        // MSD(m); MSD(0) = 0
  std::vector<std::int64_t> origins; // K − m
};

// FFTW plans (r2c + c2r, FFTW_ESTIMATE) and work arrays for trajectories of a fixed length K,
// reused across calls. Construct instances from one thread at a time (the FFTW planner is not
// thread-safe); compute() on one instance is not reentrant, separate instances run in parallel.
class FftMsd {
public:
  explicit FftMsd(std::size_t samples);
  ~FftMsd();
  FftMsd(FftMsd &&) noexcept;
  FftMsd &operator=(FftMsd &&) noexcept;

  std::size_t samples() const { return samples_; }
  std::size_t fft_length() const { return fft_length_; } // ≥ 2K, a 2^a 3^b 5^c 7^d

  AllOriginMsdCurve compute(std::span<const Vec3> R_A, double dt_ps);
  // Component arrays (a trajectory kept as three compact columns).
  AllOriginMsdCurve compute(std::span<const double> x_A, std::span<const double> y_A,
                            std::span<const double> z_A, double dt_ps);

  struct Plans; // FFTW state, defined in fft_msd.cpp

private:
  AllOriginMsdCurve finish(const std::vector<double> &r2, double dt_ps);

  std::size_t samples_ = 0;
  std::size_t fft_length_ = 0;
  std::unique_ptr<Plans> plans_;
};

// One-shot convenience (plans for this K only).
AllOriginMsdCurve all_origin_msd(std::span<const Vec3> R_A, double dt_ps);

} // namespace ionbath::analysis
