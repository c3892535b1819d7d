// physics.md §0.3 (pair terms) and §10 rows 22–24, 28–29 (reference sums).
#include "ionbath/dynamics/pair_potential.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
constexpr double a = 3.0; // Å

// Σ_n U(R − a n) over n ∈ [−reach, reach]³ (the full lattice for these screening lengths).
double lattice_sum(const PairPotential &U, const Vec3 &R, int reach) {
  double sum = 0;
  for (int x = -reach; x <= reach; ++x)
    for (int y = -reach; y <= reach; ++y)
      for (int z = -reach; z <= reach; ++z)
        sum += U.value(R - a * Vec3(x, y, z));
  return sum;
}

// Σ over the 8 corners of the cell [0, a]³.
PairTerms corner_sum(const PairPotential &U, const Vec3 &R) {
  PairTerms sum;
  for (int c = 0; c < 8; ++c) {
    const PairTerms t = U.terms(R - a * Vec3(c & 1, c >> 1 & 1, c >> 2 & 1));
    sum.value += t.value;
    sum.gradient += t.gradient;
    sum.hessian += t.hessian;
  }
  return sum;
}

// Central differences of the value (gradient) and of the gradient (Hessian) vs closed forms,
// relative to the largest element, at random separations with |x| in [0.5, 4] Å.
void check_against_finite_differences(const PairPotential &U) {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> dir(-1, 1), len(0.5, 4.0);
  const double h = 1e-5;
  for (int trial = 0; trial < 40; ++trial) {
    const Vec3 x = len(rng) * Vec3(dir(rng), dir(rng), dir(rng)).normalized();
    const PairTerms t = U.terms(x);
    Vec3 fd_gradient;
    Mat3 fd_hessian;
    for (int c = 0; c < 3; ++c) {
      const Vec3 e = h * Vec3::Unit(c);
      fd_gradient[c] = (U.value(x + e) - U.value(x - e)) / (2 * h);
      fd_hessian.col(c) = (U.gradient(x + e) - U.gradient(x - e)) / (2 * h);
    }
    EXPECT_DOUBLE_EQ(t.value, U.value(x));
    EXPECT_LT((t.gradient - U.gradient(x)).norm(), 1e-15 * t.gradient.norm());
    EXPECT_LT((fd_gradient - t.gradient).cwiseAbs().maxCoeff(),
              1e-7 * t.gradient.cwiseAbs().maxCoeff());
    EXPECT_LT((fd_hessian - t.hessian).cwiseAbs().maxCoeff(),
              1e-7 * t.hessian.cwiseAbs().maxCoeff());
    // Even U: value and Hessian even, gradient odd; the Hessian is symmetric.
    const PairTerms m = U.terms(-x);
    EXPECT_EQ(m.value, t.value);
    EXPECT_LT((m.gradient + t.gradient).norm(), 1e-15 * t.gradient.norm());
    EXPECT_LT((m.hessian - t.hessian).norm(), 1e-15 * t.hessian.norm());
    EXPECT_LT((t.hessian - t.hessian.transpose()).norm(), 1e-15 * t.hessian.norm());
  }
}
} // namespace

TEST(PairPotential, YukawaClosedFormsMatchFiniteDifferences) {
  check_against_finite_differences(Yukawa(4000.0, 0.5));
  check_against_finite_differences(Yukawa(14000.0, 0.2));
}

TEST(PairPotential, GaussianClosedFormsMatchFiniteDifferences) {
  check_against_finite_differences(Gaussian(0.01, 1.0));
  check_against_finite_differences(Gaussian(-2.0, 0.5));
}

TEST(PairPotential, GaussianIsSmoothAtTheOrigin) {
  const Gaussian phi(3.0, 0.5);
  const PairTerms t = phi.terms(Vec3::Zero());
  EXPECT_EQ(t.value, 3.0);
  EXPECT_EQ(t.gradient, Vec3::Zero());
  EXPECT_TRUE(t.hessian.isApprox(-3.0 / 0.25 * Mat3::Identity(), 1e-15));
  const PairTerms near = phi.terms(Vec3(1e-6, -2e-6, 0.5e-6));
  EXPECT_LT((near.hessian - t.hessian).norm(), 1e-9 * t.hessian.norm());
}

TEST(PairPotential, YukawaRadialDerivativesOfSpec) { // physics.md §0.3
  const double U0 = 4000, lambda = 0.5, d = 1.7;
  const Yukawa U(U0, lambda);
  const double u = U0 * std::exp(-d / lambda) / d;
  const RadialTerms r = U.radial(d);
  EXPECT_NEAR(r.value, u, 1e-13 * u);
  EXPECT_NEAR(r.first, -u * (1 / lambda + 1 / d), 1e-13 * u);
  EXPECT_NEAR(r.second, u * (std::pow(1 / lambda + 1 / d, 2) + 1 / (d * d)), 1e-13 * u);
  // Along an axis the Hessian is diag(u'/d, u'/d, u'').
  const PairTerms t = U.terms(Vec3(0, 0, d));
  EXPECT_NEAR(t.hessian(2, 2), r.second, 1e-13 * r.second);
  EXPECT_NEAR(t.hessian(0, 0), r.first / d, 1e-13 * r.second);
  EXPECT_NEAR(t.hessian(0, 2), 0.0, 1e-13 * r.second);
}

TEST(PairPotential, YukawaAtOneLatticeSpacing) { // §10 row 22 (paper rounding)
  EXPECT_NEAR(Yukawa(14000, 0.2).value(Vec3(a, 0, 0)), 1.43e-3, 0.005e-3);
  EXPECT_NEAR(Yukawa(14000, 0.5).value(Vec3(0, a, 0)), 11.57, 0.005);
}

TEST(PairPotential, FullLatticeFaceAndCellCentreSums) { // §10 rows 23–25, ±1e-4 relative
  const Vec3 centre(1.5, 1.5, 1.5), face(1.5, 1.5, 0.0);
  const Yukawa short_range(14000, 0.2), long_range(14000, 0.5);
  EXPECT_NEAR(lattice_sum(short_range, face, 6), 0.6537, 1e-4 * 0.6537);
  EXPECT_NEAR(lattice_sum(short_range, centre, 6), 0.0984, 1e-3 * 0.0984); // 3 digits quoted
  EXPECT_NEAR(lattice_sum(long_range, face, 8), 401.383, 1e-5 * 401.383);
  EXPECT_NEAR(lattice_sum(long_range, centre, 8), 242.072, 1e-5 * 242.072);
  const Yukawa diffusion(4000, 0.5);
  EXPECT_NEAR(lattice_sum(diffusion, face, 8) - lattice_sum(diffusion, centre, 8), 45.517, 1e-3);
}

TEST(PairPotential, EightCornerBarrierAndCentreHessian) { // §10 rows 28–29
  for (const double U0 : {4000.0, 8000.0}) {
    const Yukawa U(U0, 0.5);
    const PairTerms centre = corner_sum(U, Vec3(1.5, 1.5, 1.5));
    const PairTerms face = corner_sum(U, Vec3(1.5, 1.5, 3.0));
    const double barrier = U0 == 4000 ? 42.976 : 85.95;
    EXPECT_NEAR(face.value - centre.value, barrier, 1e-4 * barrier);
    const double h = U0 == 4000 ? 90.9445 : 181.889;
    EXPECT_LT((centre.hessian - h * Mat3::Identity()).cwiseAbs().maxCoeff(), 1e-5 * h);
    EXPECT_LT(centre.gradient.norm(), 1e-12);
  }
}
