// physics.md §1.2–1.5, §1.9 facts 1, 2, 4, 5 and §10 rows 3–11.
#include "ionbath/crystal/dynamical_matrix.hpp"
#include "ionbath/crystal/mode_set.hpp"

#include "unit/crystal_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace ionbath;
using namespace ionbath::crystal;

namespace {
const Crystal &kPaper = support::paper_lattice();
using support::cubic_group;

} // namespace

TEST(DynamicalMatrix, VanishesAtGammaAndObeysAcousticSumRule) {
  const DynamicalMatrix d(kPaper);
  EXPECT_LT(d(Vec3::Zero()).norm(), 1e-12);
  Mat3 sum = kPaper.onsite_block();
  for (const auto &b : kPaper.bonds())
    sum += b.phi;
  EXPECT_LT(sum.norm(), 1e-12);
  EXPECT_EQ(kPaper.bonds().size(), 18u);
  EXPECT_TRUE(kPaper.onsite_block().isApprox((2 * 520.0 + 4 * 170.0) * Mat3::Identity(), 1e-14));
}

TEST(DynamicalMatrix, SymmetricEvenPeriodicCubicCovariant) {
  const DynamicalMatrix d(kPaper);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-M_PI, M_PI);
  const auto ops = cubic_group();
  ASSERT_EQ(ops.size(), 48u);
  for (int i = 0; i < 50; ++i) {
    const Vec3 q(u(rng), u(rng), u(rng));
    const Mat3 dq = d(q);
    EXPECT_LT((dq - dq.transpose()).norm(), 1e-12);
    EXPECT_LT((d(-q) - dq).norm(), 1e-11);
    EXPECT_LT((d(q + 2 * M_PI * Vec3(1, -2, 3)) - dq).norm(), 1e-9);
    for (const auto &p : ops)
      EXPECT_LT((d(p * q) - p * dq * p.transpose()).norm(), 1e-10);
    Eigen::SelfAdjointEigenSolver<Mat3> es(dq);
    EXPECT_GE(es.eigenvalues().minCoeff(), -1e-10);
  }
}

TEST(DynamicalMatrix, ClosedFormElements) { // physics.md §1.2
  const DynamicalMatrix d(kPaper);
  const double m = 3.5, k1 = 520, k2 = 170;
  const Vec3 q(0.3, -1.1, 2.0);
  const Mat3 dq = d(q);
  for (int j = 0; j < 3; ++j) {
    double cl = 0;
    for (int l = 0; l < 3; ++l)
      if (l != j)
        cl += std::cos(q[l]);
    EXPECT_NEAR(dq(j, j),
                2 * k1 / m * (1 - std::cos(q[j])) + 2 * k2 / m * (2 - std::cos(q[j]) * cl), 1e-10);
    for (int l = 0; l < 3; ++l) {
      if (l != j) {
        EXPECT_NEAR(dq(j, l), 2 * k2 / m * std::sin(q[j]) * std::sin(q[l]), 1e-10);
      }
    }
  }
}

TEST(DynamicalMatrix, HighSymmetryFrequencies) { // §1.4, §10 rows 3-6
  const DynamicalMatrix d(kPaper);
  auto freqs = [&](const Vec3 &q) { return d.modes(q).omega2.cwiseSqrt().eval(); };
  const Vec3 x = freqs({M_PI, 0, 0}), m = freqs({M_PI, M_PI, 0}), r = freqs({M_PI, M_PI, M_PI});
  EXPECT_NEAR(x[0], 13.938641, 1e-6);
  EXPECT_NEAR(x[1], 13.938641, 1e-6);
  EXPECT_NEAR(x[2], 31.350553, 1e-6);
  EXPECT_NEAR(m[0], 19.712215, 1e-6);
  EXPECT_NEAR(m[2], 28.081514, 1e-6);
  EXPECT_NEAR(r[0], 24.377976, 1e-6);
  EXPECT_NEAR(r[2], 24.377976, 1e-6);
  EXPECT_NEAR(x[2], std::sqrt(4 * 520.0 / 3.5 + 8 * 170.0 / 3.5), 1e-12);
}

TEST(DynamicalMatrix, MaximumFrequencyOverTheZoneIsAtX) { // §1.4: 41³ scan
  const DynamicalMatrix d(kPaper);
  double best = 0;
  for (int i = 0; i < 41; ++i)
    for (int j = 0; j < 41; ++j)
      for (int k = 0; k < 41; ++k) {
        const Vec3 q = 2 * M_PI / 41.0 * Vec3(i, j, k);
        best = std::max(best, d.modes(q).omega2.maxCoeff());
      }
  EXPECT_LE(std::sqrt(best), 31.350553 + 1e-6);
  EXPECT_GT(std::sqrt(best), 31.0); // the grid comes close to X
}

TEST(DynamicalMatrix, LongWaveLimitAndSoundSpeeds) { // §1.5, §1.9 fact 4, §10 rows 7-9
  const DynamicalMatrix d(kPaper);
  const double a = 3.0;
  for (const Vec3 &n : {Vec3(1, 0, 0), Vec3(1, 1, 0).normalized(), Vec3(1, 1, 1).normalized(),
                        Vec3(0.3, -0.5, 0.81).normalized()}) {
    const double eps = 1e-4;
    const Mat3 approx = d(eps * n) / (eps * eps);
    EXPECT_LT((approx - d.long_wave(n) / (a * a)).norm(), 1e-5 * d.long_wave(n).norm());
  }
  const Vec3 v100 = d.sound_speeds({1, 0, 0});
  EXPECT_NEAR(v100[0], 20.90796, 1e-5);
  EXPECT_NEAR(v100[1], 20.90796, 1e-5);
  EXPECT_NEAR(v100[2], 47.02583, 1e-5);
  const Vec3 v110 = d.sound_speeds(Vec3(1, 1, 0).normalized());
  EXPECT_NEAR(v110[0], 20.90796, 1e-5);
  EXPECT_NEAR(v110[1], 29.78494, 1e-5);
  EXPECT_NEAR(v110[2], 41.96938, 1e-5);
  const Vec3 v111 = d.sound_speeds(Vec3(1, 1, 1).normalized());
  EXPECT_NEAR(v111[0], 27.15037, 1e-5);
  EXPECT_NEAR(v111[1], 27.15037, 1e-5);
  EXPECT_NEAR(v111[2], 40.14260, 1e-5);
}

TEST(ModeSet, PaperGridCountsTraceAndMinimumFrequency) { // §1.3, §1.4, §10 rows 10-11
  const ModeSet modes(kPaper, {20, 20, 20});
  EXPECT_EQ(modes.size(), 23997);
  EXPECT_EQ(modes.n_cells(), 8000);
  double sum_omega2 = 0, min_omega = 1e300;
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    sum_omega2 += modes.omega(j) * modes.omega(j);
    min_omega = std::min(min_omega, modes.omega(j));
    EXPECT_NEAR(modes.eta(j).norm(), 1.0, 1e-12);
  }
  EXPECT_NEAR(sum_omega2 / modes.size(), 491.490, 5e-4);
  EXPECT_NEAR(min_omega, 2.180484, 1e-6);
  EXPECT_NEAR(min_omega, std::sqrt(2 * 170.0 / 3.5 * (1 - std::cos(2 * M_PI / 20))), 1e-12);
}

TEST(ModeSet, SlicesConcatenateToTheWholeSet) {
  const GridShape g{6, 5, 4};
  const ModeSet all(kPaper, g);
  const std::int64_t cut = 37;
  const ModeSet a(kPaper, g, 0, cut), b(kPaper, g, cut, ModeSet::total_modes(g));
  ASSERT_EQ(a.size() + b.size(), all.size());
  for (std::int64_t j = 0; j < all.size(); ++j) {
    const ModeSet &part = j < cut ? a : b;
    const std::int64_t local = j < cut ? j : j - cut;
    EXPECT_EQ(part.omega(local), all.omega(j));
    EXPECT_EQ(part.eta(local), all.eta(j));
    EXPECT_EQ(part.q_index(local), all.q_index(j));
  }
}

TEST(ModeSet, ZeroNextNearestSpringIsRejected) { // §1.2: k2 = 0 has zero-frequency lines
  EXPECT_THROW(ModeSet(Crystal::simple_cubic(3.0, 3.5, 520.0, 0.0), {4, 4, 4}), std::exception);
}
