// physics.md §5.1 (segment MSD) and the all-origin FFT MSD; §5.7 fact 1 (ballistic MSD ∝ t²).
#include "ionbath/analysis/fft_msd.hpp"
#include "ionbath/analysis/segment_msd.hpp"
#include "ionbath/core/error.hpp"
#include "support/brownian.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace ionbath;
using namespace ionbath::analysis;

namespace {
// O(K²) definition of the all-origin MSD.
std::vector<double> direct_all_origin_msd(const std::vector<Vec3> &R) {
  const std::size_t K = R.size();
  std::vector<double> msd(K, 0.0);
  for (std::size_t m = 1; m < K; ++m) {
    double sum = 0;
    for (std::size_t k = 0; k + m < K; ++k)
      sum += (R[k + m] - R[k]).squaredNorm();
    msd[m] = sum / double(K - m);
  }
  return msd;
}

SegmentMsdParams small_params() {
  SegmentMsdParams p;
  p.segments = 7;
  p.samples_per_segment = 50;
  p.dt_ps = 0.01;
  p.skip_samples = 13;
  return p;
}
} // namespace

TEST(SegmentMsd, EqualsDirectSegmentDefinition) {
  const auto p = small_params();
  const auto R = synthetic::brownian_trajectory(13 + 7 * 50 + 31, 0.7, p.dt_ps, 11, Vec3(5, -3, 2));
  SegmentMsd msd(p);
  for (const auto &r : R)
    msd.push(r);
  EXPECT_TRUE(msd.complete());
  const SegmentCurves c = msd.curves();
  ASSERT_EQ(c.segments(), 7u);
  ASSERT_EQ(c.lags(), 50u);
  for (std::size_t s = 0; s < 7; ++s)
    for (std::size_t q = 0; q < 50; ++q) {
      const Vec3 d = R[13 + s * 50 + q] - R[13 + s * 50];
      EXPECT_EQ(c.segment(s)[q], d.squaredNorm()); // same arithmetic → bitwise equal
    }
  for (std::size_t q = 0; q < 50; ++q)
    EXPECT_DOUBLE_EQ(c.lag_ps[q], q * 0.01); // true lag p·δt

  // Mean and standard error (N_s − 1) per lag, §5.1 item 3.
  const MsdCurve m = mean_curve(c);
  for (std::size_t q : {1u, 17u, 49u}) {
    double mean = 0, ss = 0;
    for (std::size_t s = 0; s < 7; ++s)
      mean += c.segment(s)[q] / 7;
    for (std::size_t s = 0; s < 7; ++s)
      ss += std::pow(c.segment(s)[q] - mean, 2);
    EXPECT_NEAR(m.mean_A2[q], mean, 1e-12 * mean);
    EXPECT_NEAR(m.stderr_A2[q], std::sqrt(ss / 6 / 7), 1e-12 * mean);
  }
  EXPECT_EQ(m.mean_A2[0], 0.0);
}

TEST(SegmentMsd, ReferenceLagLabelsAndPartialSegments) {
  auto p = small_params();
  p.reference_lag_labels = true;
  SegmentMsd msd(p);
  EXPECT_DOUBLE_EQ(msd.lag_ps()[0], 0.01); // sample p labelled (p+1)δt, §5.1 item 4
  EXPECT_DOUBLE_EQ(msd.lag_ps()[49], 0.50);
  const auto R = synthetic::brownian_trajectory(13 + 2 * 50 + 10, 1.0, p.dt_ps, 3);
  for (const auto &r : R)
    msd.push(r);
  EXPECT_EQ(msd.completed_segments(), 2u);
  EXPECT_FALSE(msd.complete());
  EXPECT_EQ(msd.curves().segments(), 2u); // the segment being filled is left out
}

TEST(SegmentMsd, BallisticMsdIsExactlyQuadratic) { // §5.7 fact 1
  SegmentMsdParams p;
  p.segments = 4;
  p.samples_per_segment = 200;
  p.dt_ps = 0.005;
  const Vec3 v(1.5, -0.25, 0.75); // Å/ps
  SegmentMsd msd(p);
  std::vector<Vec3> R;
  for (int k = 0; k < 800; ++k) {
    R.push_back(Vec3(1, 2, 3) + v * (k * p.dt_ps));
    msd.push(R.back());
  }
  const MsdCurve m = mean_curve(msd.curves());
  for (std::size_t q = 1; q < 200; ++q) {
    const double expected = v.squaredNorm() * m.lag_ps[q] * m.lag_ps[q];
    EXPECT_NEAR(m.mean_A2[q], expected, 1e-12 * expected);
    EXPECT_NEAR(m.stderr_A2[q], 0.0, 1e-12 * expected);
  }
  const AllOriginMsdCurve all = all_origin_msd(R, p.dt_ps);
  for (std::size_t q = 1; q < 800; ++q) {
    const double expected = v.squaredNorm() * all.lag_ps[q] * all.lag_ps[q];
    EXPECT_NEAR(all.msd_A2[q], expected, 1e-10 * expected);
  }
}

TEST(SegmentMsd, SerializationRoundTripIsBitwise) {
  const auto p = small_params();
  const auto R = synthetic::brownian_trajectory(13 + 7 * 50, 0.3, p.dt_ps, 5, Vec3(100, 200, -50));
  for (std::size_t cut : {0u, 5u, 13u, 40u, 113u, 363u}) {
    SegmentMsd original(p);
    for (std::size_t k = 0; k < cut; ++k)
      original.push(R[k]);
    const std::vector<double> state = original.serialize();
    SegmentMsd restored = SegmentMsd::restore(state);
    EXPECT_EQ(restored.serialize(), state);
    for (std::size_t k = cut; k < R.size(); ++k) {
      original.push(R[k]);
      restored.push(R[k]);
    }
    EXPECT_EQ(restored.serialize(), original.serialize()) << "cut at " << cut;
    EXPECT_EQ(restored.curves().d_A2, original.curves().d_A2);
    EXPECT_EQ(restored.curves().lag_ps, original.curves().lag_ps);
  }
  auto bad = SegmentMsd(p).serialize();
  bad.push_back(1.0);
  EXPECT_THROW(SegmentMsd::restore(bad), InputError);
  EXPECT_THROW(SegmentMsd::restore(std::vector<double>{2.0, 1.0}), InputError);
}

TEST(SegmentMsd, PoolingIsTheUnionOfSegments) {
  auto p = small_params();
  p.skip_samples = 0;
  std::vector<SegmentCurves> sets;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    SegmentMsd msd(p);
    for (const auto &r : synthetic::brownian_trajectory(350, 1.0, p.dt_ps, seed))
      msd.push(r);
    sets.push_back(msd.curves());
  }
  const SegmentCurves pooled = pool_segments(sets);
  EXPECT_EQ(pooled.segments(), 21u);
  EXPECT_EQ(pooled.segment(7)[10], sets[1].segment(0)[10]);
  sets[2].lag_ps[3] += 1e-3;
  EXPECT_THROW(pool_segments(sets), std::invalid_argument);
  p.segments = 0;
  EXPECT_THROW(SegmentMsd{p}, InputError);
}

TEST(FftMsd, EqualsDirectDefinition) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> g(0.0, 1.0);
  // K = 1237 pads to a non-power-of-two FFT length; iid and random-walk data.
  for (std::size_t K : {1u, 2u, 3u, 1237u, 2048u}) {
    std::vector<Vec3> iid(K);
    for (auto &r : iid)
      r = Vec3(g(rng) + 3, g(rng) - 7, g(rng) + 1e2);
    auto walk = synthetic::brownian_trajectory(K, 0.5, 0.01, K, Vec3(1e3, -2e3, 5e2));
    for (const auto *R : {&iid, &walk}) {
      const auto direct = direct_all_origin_msd(*R);
      const AllOriginMsdCurve fft = all_origin_msd(*R, 0.01);
      ASSERT_EQ(fft.msd_A2.size(), K);
      EXPECT_EQ(fft.msd_A2[0], 0.0);
      for (std::size_t m = 1; m < K; ++m) {
        EXPECT_NEAR(fft.msd_A2[m], direct[m], 1e-10 * direct[m]) << "K=" << K << " m=" << m;
        EXPECT_EQ(fft.origins[m], std::int64_t(K - m));
        EXPECT_DOUBLE_EQ(fft.lag_ps[m], m * 0.01);
      }
    }
  }
}

TEST(FftMsd, ReusedPlansAndComponentColumnsAgree) {
  const std::size_t K = 999;
  FftMsd fft(K);
  EXPECT_GE(fft.fft_length(), 2 * K);
  for (std::uint64_t seed : {7u, 8u}) {
    const auto R = synthetic::brownian_trajectory(K, 1.0, 0.005, seed);
    std::vector<double> x(K), y(K), z(K);
    for (std::size_t k = 0; k < K; ++k) {
      x[k] = R[k].x();
      y[k] = R[k].y();
      z[k] = R[k].z();
    }
    const auto a = fft.compute(R, 0.005);
    const auto b = fft.compute(x, y, z, 0.005);
    EXPECT_EQ(a.msd_A2, b.msd_A2);
    EXPECT_EQ(a.msd_A2, all_origin_msd(R, 0.005).msd_A2);
  }
  EXPECT_THROW(fft.compute(synthetic::brownian_trajectory(K + 1, 1.0, 0.005, 1), 0.005),
               std::invalid_argument);
}
