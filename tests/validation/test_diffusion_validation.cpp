// physics.md §5.1–5.3 and §5.7 facts 1–2 at the seed 002 run geometry (§10 row 33): 3 ns at
// δt = 0.005 ps, 250 segments × 2400 samples, fit from 1 ps, 10 bins. Synthetic Brownian
// trajectories with known D, 200 fixed seeds (≈ 10 s).
#include "ionbath/analysis/diffusion_fit.hpp"
#include "ionbath/analysis/fft_msd.hpp"
#include "support/brownian.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ionbath;
using namespace ionbath::analysis;

namespace {
struct Moments {
  double n = 0, sum = 0, sum2 = 0;
  void add(double x) {
    n += 1;
    sum += x;
    sum2 += x * x;
  }
  double mean() const { return sum / n; }
  double sd() const { return std::sqrt((sum2 - sum * sum / n) / (n - 1)); }
};
} // namespace

TEST(DiffusionValidation, ReferenceGeometryIntervalsCoverTrueD) {
  const double D = 0.3, dt = 0.005;
  const int cases = 200, fft_cases = 40;
  SegmentMsdParams params; // defaults: 250 × 2400 at 0.005 ps, true lag labels
  FftMsd fft(600000);
  int covered_a = 0, covered_b = 0;
  Moments D_segments, D_all_origin, sigma_a2, sigma_b2;
  for (int i = 0; i < cases; ++i) {
    const auto R = synthetic::brownian_trajectory(600000, D, dt, 90000 + i);
    SegmentMsd msd(params);
    for (const auto &r : R)
      msd.push(r);
    const DiffusionFit fit = fit_diffusion(msd.curves()); // from 1 ps, 10 bins, seed 250
    covered_a += std::abs(fit.D_A2_per_ps - D) < 1.96 * fit.sigma_D_binning_A2_per_ps;
    covered_b += std::abs(fit.D_A2_per_ps - D) < 1.96 * fit.sigma_D_A2_per_ps;
    D_segments.add(fit.D_A2_per_ps);
    sigma_a2.add(fit.sigma_D_binning_A2_per_ps * fit.sigma_D_binning_A2_per_ps);
    sigma_b2.add(fit.sigma_D_A2_per_ps * fit.sigma_D_A2_per_ps);
    if (i < fft_cases) {
      const AllOriginMsdCurve all = fft.compute(R, dt);
      D_all_origin.add(through_origin_D_A2_per_ps(all.lag_ps, all.msd_A2, 1.0, 12.0));
    }
  }
  const double coverage_a = double(covered_a) / cases, coverage_b = double(covered_b) / cases;
  RecordProperty("coverage_binning", std::to_string(coverage_a));
  RecordProperty("coverage_segment_slopes", std::to_string(coverage_b));
  EXPECT_GE(coverage_b, 0.90);
  EXPECT_LE(coverage_b, 0.99);
  EXPECT_GE(coverage_a, 0.85); // 9 degrees of freedom: ≈ 0.92 expected
  EXPECT_LE(coverage_a, 0.99);
  // Unbiased, and both error bars match the observed scatter of D over trajectories (the sample
  // variance of 200 values is itself uncertain by ±10 %).
  EXPECT_NEAR(D_segments.mean(), D, 3 * D_segments.sd() / std::sqrt(cases));
  EXPECT_NEAR(std::sqrt(sigma_b2.mean()) / D_segments.sd(), 1.0, 0.2);
  EXPECT_NEAR(std::sqrt(sigma_a2.mean()) / D_segments.sd(), 1.0, 0.2);
  // All origins over 1–12 ps of the same 3 ns: unbiased and less scattered than 250 segments.
  EXPECT_NEAR(D_all_origin.mean(), D, 3 * D_all_origin.sd() / std::sqrt(fft_cases));
  EXPECT_LT(D_all_origin.sd(), D_segments.sd());
}
