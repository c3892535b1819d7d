// physics.md §5.4 and §5.7 facts 3–4: weighted Arrhenius fit, Student-t intervals.
#include "ionbath/analysis/arrhenius.hpp"
#include "ionbath/analysis/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

using namespace ionbath::analysis;

namespace {
const std::vector<double> kPaperKT = {10, 15, 20, 25, 30, 40, 50}; // meV, the 7 temperatures

std::vector<double> exact_D(double D0, double Ea, const std::vector<double> &kT) {
  std::vector<double> D;
  for (double t : kT)
    D.push_back(D0 * std::exp(-Ea / t));
  return D;
}
std::vector<double> scaled(const std::vector<double> &v, double c) {
  std::vector<double> out;
  for (double x : v)
    out.push_back(c * x);
  return out;
}
} // namespace

TEST(Statistics, StudentTQuantiles) {
  EXPECT_NEAR(student_t_quantile(0.975, 5), 2.5705818366, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.7062047362, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.0422724563, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 1e4), 1.9602012399, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 1e12), 1.959963984540054, 1e-11);
  EXPECT_NEAR(standard_normal_quantile(0.975), 1.959963984540054, 1e-14);
  const double z_tail = standard_normal_quantile(1e-300); // deep tail, Φ(z) = 1e-300
  EXPECT_NEAR(0.5 * std::erfc(-z_tail / std::numbers::sqrt2) / 1e-300, 1.0, 1e-12);
  // Closed forms: ν = 1 (Cauchy) and ν = 2, over the whole range of p.
  for (double p : {1e-12, 0.01, 0.3, 0.5, 0.6, 0.975, 0.999999}) {
    const double t1 =
        p < 0.5 ? -1 / std::tan(std::numbers::pi * p) : 1 / std::tan(std::numbers::pi * (1 - p));
    const double t2 = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    EXPECT_NEAR(student_t_quantile(p, 1), t1, 1e-12 * std::max(1.0, std::abs(t1))) << p;
    EXPECT_NEAR(student_t_quantile(p, 2), t2, 1e-12 * std::max(1.0, std::abs(t2))) << p;
  }
  EXPECT_NEAR(student_t_quantile(0.025, 5), -student_t_quantile(0.975, 5), 1e-13);
  // Beta inversion (ν ≤ 1000) and Cornish–Fisher (ν > 1000) agree across the switch: over
  // Δν = 0.002 the quantile changes by Δν (g1/ν² + 2 g2/ν³) (A&S 26.7.5).
  for (double p : {0.975, 0.995}) {
    const double z = standard_normal_quantile(p), z2 = z * z;
    const double g1 = z * (z2 + 1) / 4, g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
    EXPECT_NEAR(student_t_quantile(p, 999.999) - student_t_quantile(p, 1000.001),
                0.002 * (g1 / 1e6 + 2 * g2 / 1e9), 2e-12);
  }
  // Non-integer ν interpolates monotonically.
  EXPECT_GT(student_t_quantile(0.975, 4.5), student_t_quantile(0.975, 5));
  EXPECT_LT(student_t_quantile(0.975, 4.5), student_t_quantile(0.975, 4));
  EXPECT_THROW(student_t_quantile(1.0, 5), std::domain_error);
}

TEST(Statistics, IncompleteBetaClosedForms) {
  for (double x : {0.0, 1e-8, 0.2, 0.5, 0.9, 1.0}) {
    EXPECT_NEAR(regularized_incomplete_beta(1, 1, x), x, 1e-15);
    EXPECT_NEAR(regularized_incomplete_beta(3.5, 1, x), std::pow(x, 3.5), 1e-14);
    EXPECT_NEAR(regularized_incomplete_beta(1, 2.5, x), 1 - std::pow(1 - x, 2.5), 1e-14);
    EXPECT_NEAR(regularized_incomplete_beta(0.5, 0.5, x),
                2 / std::numbers::pi * std::asin(std::sqrt(x)), 1e-14);
  }
}

TEST(Arrhenius, ExactDataReturnsParametersExactly) { // §5.7 fact 3
  const double D0 = 9.8, Ea = 42.0;
  const auto D = exact_D(D0, Ea, kPaperKT);
  const ArrheniusFit fit = fit_arrhenius(kPaperKT, D, scaled(D, 0.1));
  EXPECT_NEAR(fit.D0_A2_per_ps, D0, 1e-12 * D0);
  EXPECT_NEAR(fit.Ea_meV, Ea, 1e-12 * Ea);
  EXPECT_NEAR(fit.chi2, 0.0, 1e-20);
  EXPECT_EQ(fit.dof, 5);
  EXPECT_NEAR(fit.t_quantile, 2.5706, 1e-4);
  EXPECT_NEAR(fit.chi2_scaled.Ea_half_width_meV, 0.0, 1e-8);
  EXPECT_LT(fit.unscaled.D0_low_A2_per_ps, D0);
  EXPECT_GT(fit.unscaled.D0_high_A2_per_ps, D0);

  // Intervals shrink as weights grow: σ_D/D ÷ 2 → weights × 4 → unscaled half-widths ÷ 2.
  const ArrheniusFit sharper = fit_arrhenius(kPaperKT, D, scaled(D, 0.05));
  EXPECT_NEAR(sharper.unscaled.Ea_half_width_meV, fit.unscaled.Ea_half_width_meV / 2, 1e-12);
  EXPECT_NEAR(sharper.unscaled.ln_D0_half_width, fit.unscaled.ln_D0_half_width / 2, 1e-12);
  EXPECT_LT(sharper.unscaled.D0_high_A2_per_ps - sharper.unscaled.D0_low_A2_per_ps,
            fit.unscaled.D0_high_A2_per_ps - fit.unscaled.D0_low_A2_per_ps);

  // Temperatures in kelvin give the same fit.
  std::vector<double> T_K;
  for (double kT : kPaperKT)
    T_K.push_back(kT / 0.08617333262);
  EXPECT_NEAR(fit_arrhenius(kT_meV_from_kelvin(T_K), D, scaled(D, 0.1)).Ea_meV, Ea, 1e-10);
}

TEST(Arrhenius, MatchesGenericWeightedLeastSquares) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> noise(0.0, 1.0);
  auto D = exact_D(20.0, 40.0, kPaperKT);
  std::vector<double> sigma;
  for (std::size_t i = 0; i < D.size(); ++i) {
    const double rel = 0.05 + 0.02 * i;
    D[i] *= std::exp(rel * noise(rng));
    sigma.push_back(rel * D[i]);
  }
  const ArrheniusFit fit = fit_arrhenius(kPaperKT, D, sigma);
  Eigen::MatrixXd X(7, 2);
  Eigen::VectorXd y(7), w(7);
  for (int i = 0; i < 7; ++i) {
    X(i, 0) = 1;
    X(i, 1) = -1 / kPaperKT[i];
    y(i) = std::log(D[i]);
    w(i) = std::pow(D[i] / sigma[i], 2);
  }
  const Eigen::Matrix2d cov = (X.transpose() * w.asDiagonal() * X).inverse();
  const Eigen::Vector2d p = cov * X.transpose() * w.asDiagonal() * y;
  const double chi2 = (w.array() * (y - X * p).array().square()).sum();
  EXPECT_NEAR(fit.ln_D0, p(0), 1e-10);
  EXPECT_NEAR(fit.Ea_meV, p(1), 1e-8);
  EXPECT_NEAR(fit.chi2, chi2, 1e-9 * chi2);
  EXPECT_TRUE(fit.unscaled.cov.isApprox(cov, 1e-9));
  EXPECT_TRUE(fit.chi2_scaled.cov.isApprox(cov * chi2 / 5, 1e-9));
  EXPECT_NEAR(fit.unscaled.Ea_half_width_meV, 2.5705818366 * std::sqrt(cov(1, 1)), 1e-8);
  // The χ²-rescaled intervals do not depend on the overall scale of the weights.
  const ArrheniusFit loose = fit_arrhenius(kPaperKT, D, scaled(sigma, 3.0));
  EXPECT_NEAR(loose.chi2_scaled.Ea_half_width_meV, fit.chi2_scaled.Ea_half_width_meV, 1e-10);
  EXPECT_NEAR(loose.unscaled.Ea_half_width_meV, 3 * fit.unscaled.Ea_half_width_meV, 1e-10);
}

TEST(Arrhenius, ReproducesCodeCommentD0Interval) { // §5.7 fact 4
  // A 7-temperature fit with ln D0 = 2.279622 and 95 % half-width 0.217405 (ν = 5) must give
  // D0 ∈ [7.863, 12.146]. Exact data with uniform relative errors c: half-width ∝ c.
  const double ln_D0 = 2.279622, half_width = 0.217405;
  const auto D = exact_D(std::exp(ln_D0), 42.0, kPaperKT);
  const double h1 = fit_arrhenius(kPaperKT, D, D).unscaled.ln_D0_half_width;
  const ArrheniusFit fit = fit_arrhenius(kPaperKT, D, scaled(D, half_width / h1));
  EXPECT_NEAR(fit.ln_D0, ln_D0, 1e-12);
  EXPECT_NEAR(fit.unscaled.ln_D0_half_width, half_width, 1e-12);
  EXPECT_NEAR(fit.D0_A2_per_ps, 9.773, 5e-4);
  EXPECT_NEAR(fit.unscaled.D0_high_A2_per_ps, 12.146, 5e-4);
  EXPECT_NEAR(fit.unscaled.D0_low_A2_per_ps, 7.863, 5e-4);
}

TEST(Arrhenius, RejectsBadInput) {
  const std::vector<double> kT = {10, 20}, D = {1, 2}, s = {0.1, 0.2};
  EXPECT_THROW(fit_arrhenius(kT, D, s), std::invalid_argument);
  const std::vector<double> kT3 = {10, 20, 30}, D3 = {1, -2, 3}, s3 = {0.1, 0.2, 0.3};
  EXPECT_THROW(fit_arrhenius(kT3, D3, s3), std::invalid_argument);
}
