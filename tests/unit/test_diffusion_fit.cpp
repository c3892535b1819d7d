// physics.md §5.2–5.3, §5.7 facts 1–2: D with error bars from segment MSD of synthetic Brownian
// trajectories with known D (Gaussian increments of variance 2DΔt per component, fixed seeds).
#include "ionbath/analysis/diffusion_fit.hpp"
#include "ionbath/analysis/fft_msd.hpp"
#include "ionbath/core/error.hpp"
#include "support/brownian.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ionbath;
using namespace ionbath::analysis;

namespace {
SegmentCurves brownian_segments(int segments, int samples_per_segment, double D, double dt,
                                std::uint64_t seed) {
  SegmentMsdParams p;
  p.segments = segments;
  p.samples_per_segment = samples_per_segment;
  p.dt_ps = dt;
  SegmentMsd msd(p);
  for (const auto &r :
       synthetic::brownian_trajectory(std::size_t(segments) * samples_per_segment, D, dt, seed))
    msd.push(r);
  return msd.curves();
}

// Exact σ_D of the unweighted through-origin fit for Brownian motion: Cov(d_p, d_q) =
// 24 D² min(t_p, t_q)² per segment (three components, Cov(x_p², x_q²) = 2 (2D min t)²).
double exact_sigma_D(const std::vector<double> &t_window, double D, int segments) {
  double norm = 0;
  for (double t : t_window)
    norm += t * t;
  double var = 0;
  for (double tp : t_window)
    for (double tq : t_window)
      var += tp * tq / (norm * norm) * 24 * D * D * std::pow(std::min(tp, tq), 2);
  return std::sqrt(var / segments) / 6;
}

std::vector<double> window_lags(const SegmentCurves &c, const DiffusionFit &f) {
  return {c.lag_ps.begin() + std::ptrdiff_t(f.fit_first_lag),
          c.lag_ps.begin() + std::ptrdiff_t(f.fit_first_lag + f.fit_lag_count)};
}
} // namespace

TEST(DiffusionFit, SegmentSlopeIntervalCoversTrueD) { // §5.7 fact 1, estimator (b)
  const double D = 0.5, dt = 0.005;
  DiffusionFitOptions opt;
  opt.fit_from_ps = 0.1;
  const int cases = 200;
  int covered_b = 0, covered_a = 0;
  double sum_D = 0, sum_D2 = 0, sum_var_b = 0;
  for (int i = 0; i < cases; ++i) {
    const auto fit = fit_diffusion(brownian_segments(40, 300, D, dt, 1000 + i), opt);
    covered_b += std::abs(fit.D_A2_per_ps - D) < 1.96 * fit.sigma_D_A2_per_ps;
    covered_a += std::abs(fit.D_A2_per_ps - D) < 1.96 * fit.sigma_D_binning_A2_per_ps;
    sum_D += fit.D_A2_per_ps;
    sum_D2 += fit.D_A2_per_ps * fit.D_A2_per_ps;
    sum_var_b += fit.sigma_D_A2_per_ps * fit.sigma_D_A2_per_ps;
  }
  const double coverage_b = double(covered_b) / cases, coverage_a = double(covered_a) / cases;
  RecordProperty("coverage_b", std::to_string(coverage_b));
  RecordProperty("coverage_a", std::to_string(coverage_a));
  EXPECT_GE(coverage_b, 0.90);
  EXPECT_LE(coverage_b, 0.99);
  // Binning has N_b − 1 = 9 degrees of freedom: expected coverage of ±1.96σ is ≈ 0.92.
  EXPECT_GE(coverage_a, 0.85);
  EXPECT_LE(coverage_a, 0.99);
  // Unbiased, and the mean estimated variance matches the scatter of D over cases (±25 %).
  const double mean_D = sum_D / cases, var_D = sum_D2 / cases - mean_D * mean_D;
  const double sigma_mean = std::sqrt(var_D / cases);
  EXPECT_NEAR(mean_D, D, 3 * sigma_mean);
  EXPECT_NEAR(sum_var_b / cases / var_D, 1.0, 0.25);
}

TEST(DiffusionFit, ErrorBarsMatchExactBrownianVarianceAndScaleAsInverseRootSegments) { // fact 2
  const double D = 1.0, dt = 0.005;
  DiffusionFitOptions opt;
  opt.fit_from_ps = 0.1;
  const int seeds = 100;
  double rms_binning[2], rms_segments[2];
  const int segment_counts[2] = {40, 160};
  for (int j = 0; j < 2; ++j) {
    double var_a = 0, var_b = 0;
    std::vector<double> t_window;
    for (int i = 0; i < seeds; ++i) {
      const auto c = brownian_segments(segment_counts[j], 300, D, dt, 5000 + 1000 * j + i);
      const auto fit = fit_diffusion(c, opt);
      var_a += std::pow(fit.sigma_D_binning_A2_per_ps, 2) / seeds;
      var_b += std::pow(fit.sigma_D_A2_per_ps, 2) / seeds;
      t_window = window_lags(c, fit);
    }
    rms_binning[j] = std::sqrt(var_a);
    rms_segments[j] = std::sqrt(var_b);
    const double exact = exact_sigma_D(t_window, D, segment_counts[j]);
    // rms of 100 σ estimates: binning (9 dof) scatters ~5 %, segment slopes ≪ 5 %.
    EXPECT_NEAR(rms_binning[j] / exact, 1.0, 0.15) << segment_counts[j] << " segments";
    EXPECT_NEAR(rms_segments[j] / exact, 1.0, 0.10) << segment_counts[j] << " segments";
  }
  // 4× the segments → σ halves (SE ∝ 1/√N_s).
  EXPECT_NEAR(rms_binning[0] / rms_binning[1], 2.0, 0.2);
  EXPECT_NEAR(rms_segments[0] / rms_segments[1], 2.0, 0.1);
}

TEST(DiffusionFit, ReferenceGeometryWindowAndDWithinErrors) { // §5.2, §10 row 33
  const double D = 0.8, dt = 0.005;
  SegmentMsdParams p; // 250 × 2400 at δt = 0.005 ps
  p.reference_lag_labels = true;
  SegmentMsd msd(p);
  for (const auto &r : synthetic::brownian_trajectory(600000, D, dt, 77))
    msd.push(r);
  const SegmentCurves ref = msd.curves();
  const DiffusionFit fit = fit_diffusion(ref); // fit from 1 ps, 10 bins, seed 250
  EXPECT_EQ(fit.fit_first_lag, 199u);          // code indices 200..2400 (1-based)
  EXPECT_EQ(fit.fit_lag_count, 2201u);
  EXPECT_EQ(fit.segments, 250u);
  EXPECT_EQ(fit.D_bins_A2_per_ps.size(), 10u);
  EXPECT_EQ(fit.sigma_D_dof, 249);
  EXPECT_DOUBLE_EQ(fit.D_cm2_per_s, fit.D_A2_per_ps * 1e-4);
  // Reference labels (p+1)δt bias D low by ~δt/t; within errors here.
  EXPECT_NEAR(fit.D_A2_per_ps, D, 3 * fit.sigma_D_A2_per_ps);
  EXPECT_NEAR(fit.D_A2_per_ps, D, 3 * fit.sigma_D_binning_A2_per_ps);

  SegmentCurves true_lags = ref;
  for (std::size_t q = 0; q < true_lags.lags(); ++q)
    true_lags.lag_ps[q] = q * dt;
  const DiffusionFit fit_true = fit_diffusion(true_lags);
  EXPECT_EQ(fit_true.fit_first_lag, 200u);
  EXPECT_EQ(fit_true.fit_lag_count, 2200u);
  EXPECT_NEAR(fit_true.D_A2_per_ps, D, 3 * fit_true.sigma_D_A2_per_ps);

  DiffusionFitOptions weighted;
  weighted.weighted = true;
  const DiffusionFit fit_w = fit_diffusion(true_lags, weighted);
  EXPECT_NEAR(fit_w.D_A2_per_ps, D, 3 * fit_w.sigma_D_A2_per_ps);
  EXPECT_NE(fit_w.D_A2_per_ps, fit_true.D_A2_per_ps);
}

TEST(DiffusionFit, BinningIsSeededAndConsistentWithTheMeanFit) {
  const auto c = brownian_segments(45, 200, 1.0, 0.005, 9); // 45/10: bins of 4 and 5
  DiffusionFitOptions opt;
  opt.fit_from_ps = 0.2;
  const auto a = fit_diffusion(c, opt), b = fit_diffusion(c, opt);
  EXPECT_EQ(a.D_bins_A2_per_ps, b.D_bins_A2_per_ps);
  opt.bin_seed = 251;
  const auto other = fit_diffusion(c, opt);
  EXPECT_NE(other.D_bins_A2_per_ps, a.D_bins_A2_per_ps);
  EXPECT_EQ(other.D_A2_per_ps, a.D_A2_per_ps);
  // D is the fit of the mean curve; the bins' D scatter around it.
  const MsdCurve m = mean_curve(c);
  double num = 0, den = 0;
  for (std::size_t q = a.fit_first_lag; q < a.fit_first_lag + a.fit_lag_count; ++q) {
    num += m.lag_ps[q] * m.mean_A2[q];
    den += m.lag_ps[q] * m.lag_ps[q];
  }
  EXPECT_NEAR(a.D_A2_per_ps, num / den / 6, 1e-13);
  EXPECT_NEAR(through_origin_D_A2_per_ps(m.lag_ps, m.mean_A2, 0.2), a.D_A2_per_ps, 1e-13);
  double mean_segments = 0;
  for (double d : a.D_segments_A2_per_ps)
    mean_segments += d / 45;
  EXPECT_NEAR(mean_segments, a.D_A2_per_ps, 1e-13);

  opt.bins = 46;
  EXPECT_THROW(fit_diffusion(c, opt), InputError);
  opt.bins = 10;
  opt.fit_from_ps = 5.0;
  EXPECT_THROW(fit_diffusion(c, opt), InputError);
}

TEST(DiffusionFit, PoolingTrajectories) {
  const double D = 0.4, dt = 0.005;
  std::vector<SegmentCurves> trajectories;
  for (std::uint64_t seed : {21u, 22u, 23u, 24u})
    trajectories.push_back(brownian_segments(60, 300, D, dt, seed));
  DiffusionFitOptions opt;
  opt.fit_from_ps = 0.1;
  const PooledDiffusionFit pooled = fit_diffusion_pooled(trajectories, opt);
  ASSERT_EQ(pooled.per_trajectory.size(), 4u);
  EXPECT_EQ(pooled.pooled.segments, 240u);
  double mean_of_D = 0, mean_sigma = 0;
  for (const auto &f : pooled.per_trajectory) {
    EXPECT_EQ(f.segments, 60u);
    EXPECT_NEAR(f.D_A2_per_ps, D, 3.5 * f.sigma_D_A2_per_ps);
    mean_of_D += f.D_A2_per_ps / 4;
    mean_sigma += f.sigma_D_A2_per_ps / 4;
  }
  // Equal segment counts: the pooled D is the mean of the trajectories' D; σ shrinks ≈ 1/√4.
  EXPECT_NEAR(pooled.pooled.D_A2_per_ps, mean_of_D, 1e-13);
  EXPECT_NEAR(pooled.pooled.sigma_D_A2_per_ps / mean_sigma, 0.5, 0.1);
  EXPECT_NEAR(pooled.pooled.D_A2_per_ps, D, 3 * pooled.pooled.sigma_D_A2_per_ps);
}

TEST(DiffusionFit, AllOriginMsdOfBrownianMotionGivesD) {
  const double D = 0.6, dt = 0.005;
  const auto R = synthetic::brownian_trajectory(20000, D, dt, 31);
  const AllOriginMsdCurve msd = all_origin_msd(R, dt);
  // 100 ps of motion fitted over 0.1–1 ps: relative error ~ √(1 ps / 100 ps) ≈ 0.1 at most.
  EXPECT_NEAR(through_origin_D_A2_per_ps(msd.lag_ps, msd.msd_A2, 0.1, 1.0), D, 0.1 * D);
}
