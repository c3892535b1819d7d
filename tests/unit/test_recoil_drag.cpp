// physics.md §1.6 (W_L(t)), §1.7 (𝓛 and ℳ), §1.9 facts 6 and 8, §10 rows 12, 13, 17.
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/recoil_kernel.hpp"
#include "unit/crystal_test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ionbath;
using namespace ionbath::crystal;
using support::paper_lattice;

TEST(RecoilKernel, OnsiteTimeDependenceMatchesReference) { // §1.6, ±0.002
  const std::vector<double> t{0.0, 0.02, 0.05, 0.10, 0.15, 0.20, 0.30, 0.50, 1.0, 2.0};
  const double ratio[] = {1.0,     0.9407, 0.6601, 0.0006,  -0.3539,
                          -0.2451, 0.0479, 0.0323, -0.0146, 0.0031};
  const auto w = recoil_kernel(paper_lattice(), Cell::Zero(), t, 64);
  for (std::size_t k = 0; k < t.size(); ++k) {
    EXPECT_NEAR(w[k](0, 0) / w[0](0, 0), ratio[k], 0.002) << "t=" << t[k];
    EXPECT_LT((w[k] - w[k](0, 0) * Mat3::Identity()).norm(), 1e-12 * w[0](0, 0)); // cubic
  }
  EXPECT_NEAR(w[0](0, 0), 9.48247e-4, 5e-4 * 9.48247e-4);
}

TEST(RecoilKernel, CurvatureAtZeroIsMinusIdentityOverMassOnSiteOnly) { // §1.6, §1.9 fact 8
  const double h = 1e-3, m = paper_lattice().mass();
  const std::vector<double> t{-h, 0.0, h};
  for (const Cell &L : {Cell(0, 0, 0), Cell(1, 0, 0), Cell(1, 1, 0), Cell(0, 2, -1)}) {
    const auto w = recoil_kernel(paper_lattice(), L, t, 64);
    const Mat3 curvature = (w[0] - 2.0 * w[1] + w[2]) / (h * h);
    const Mat3 expected = L.isZero() ? Mat3(-Mat3::Identity() / m) : Mat3::Zero();
    // O(h²) truncation: h² <Ω⁴>/12m ≈ 1e-6 × 3e5 / 42 ≈ 1e-2 relative at most; bound 2e-3/m.
    EXPECT_LT((curvature - expected).cwiseAbs().maxCoeff(), 2e-3 / m) << L.transpose();
  }
}

TEST(DragMatrix, IsotropicReferenceValue) { // §1.7, §10 row 12
  const Mat3 l = drag_matrix(paper_lattice(), 1e-9);
  const double ell = 3.29077e-5;
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(l(i, i), ell, 1e-5 * ell);
    for (int j = 0; j < 3; ++j)
      if (i != j) {
        EXPECT_LT(std::abs(l(i, j)), 1e-12 * ell);
      }
  }
  EXPECT_LT((l - l(0, 0) * Mat3::Identity()).norm(), 1e-10 * ell);
}

TEST(DragMatrix, CubatureAgreesWithGaussLegendre) { // §1.7: 100 × 200 nodes → ~9 digits
  for (const Crystal *c : {&paper_lattice(), &support::skewed_lattice()}) {
    const Mat3 a = drag_matrix(*c, 1e-10);
    const Mat3 b = drag_matrix_gauss_legendre(*c, 100, 200);
    EXPECT_LT((a - b).norm(), 1e-8 * a.norm()) << c->name();
    EXPECT_LT((a - a.transpose()).norm(), 1e-15 * a.norm());
    // A coarse rule is visibly worse: the comparison can fail.
    EXPECT_GT((drag_matrix_gauss_legendre(*c, 4, 8) - a).norm(), 1e-6 * a.norm());
  }
}

TEST(LossMatrix, Seed001ReferenceAndConversion) { // §1.7, §1.9 fact 6, §10 row 13
  const Mat3 m = loss_matrix_dimensionless(Crystal::simple_cubic(1.0, 1.0, 15.0, 5.0));
  const double m0 = 5.59361e-4;
  EXPECT_NEAR(m(0, 0), m0, 2e-6 * m0); // six listed digits
  EXPECT_LT((m - m(0, 0) * Mat3::Identity()).norm(), 1e-10 * m0);
  // a cancels (seed 001 uses α = 2).
  const Mat3 m2 = loss_matrix_dimensionless(Crystal::simple_cubic(2.0, 1.0, 15.0, 5.0));
  EXPECT_LT((m2 - m).norm(), 1e-9 * m0);
  // 𝓛_phys = 2π ℳ √m / K^{3/2} for the same spring set in units of K.
  const double k_unit = 170.0;
  const Mat3 dimless =
      loss_matrix_dimensionless(Crystal::simple_cubic(1.0, 1.0, 520.0 / k_unit, 170.0 / k_unit));
  const Mat3 phys = drag_matrix(paper_lattice(), 1e-10);
  EXPECT_LT((phys - 2 * M_PI * dimless * std::sqrt(3.5) / std::pow(k_unit, 1.5)).norm(),
            1e-8 * phys.norm());
  EXPECT_THROW(loss_matrix_dimensionless(paper_lattice()), std::invalid_argument); // m = 3.5
}
