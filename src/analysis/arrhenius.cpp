#include "ionbath/analysis/arrhenius.hpp"

#include "ionbath/analysis/statistics.hpp"
#include "ionbath/core/units.hpp"

#include <cmath>
#include <stdexcept>

namespace ionbath::analysis {

namespace {
ArrheniusIntervals intervals(const Eigen::Matrix2d &cov, double ln_D0, double t) {
  ArrheniusIntervals out;
  out.cov = cov;
  out.ln_D0_half_width = t * std::sqrt(cov(0, 0));
  out.Ea_half_width_meV = t * std::sqrt(cov(1, 1));
  out.D0_low_A2_per_ps = std::exp(ln_D0 - out.ln_D0_half_width);
  out.D0_high_A2_per_ps = std::exp(ln_D0 + out.ln_D0_half_width);
  return out;
}
} // namespace

ArrheniusFit fit_arrhenius(std::span<const double> kT_meV, std::span<const double> D_A2_per_ps,
                           std::span<const double> sigma_D_A2_per_ps) {
  const std::size_t n = kT_meV.size();
  if (D_A2_per_ps.size() != n || sigma_D_A2_per_ps.size() != n)
    throw std::invalid_argument("fit_arrhenius: kT, D and sigma_D differ in length");
  if (n < 3)
    throw std::invalid_argument("fit_arrhenius: need at least 3 temperatures");
  std::vector<double> x(n), y(n), w(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(kT_meV[i] > 0) || !(D_A2_per_ps[i] > 0) || !(sigma_D_A2_per_ps[i] > 0))
      throw std::invalid_argument("fit_arrhenius: kT, D and sigma_D must be positive");
    x[i] = 1.0 / kT_meV[i];
    y[i] = std::log(D_A2_per_ps[i]);
    const double r = D_A2_per_ps[i] / sigma_D_A2_per_ps[i];
    w[i] = r * r;
  }
  // Closed form about the weighted centroid (x̄, ȳ): slope −p2 = Sxy/Sxx, p1 = ȳ + p2 x̄.
  double sw = 0, sx = 0, sy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sw += w[i];
    sx += w[i] * x[i];
    sy += w[i] * y[i];
  }
  const double xm = sx / sw, ym = sy / sw;
  double sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sxx += w[i] * (x[i] - xm) * (x[i] - xm);
    sxy += w[i] * (x[i] - xm) * (y[i] - ym);
  }
  if (!(sxx > 0))
    throw std::invalid_argument("fit_arrhenius: temperatures must not all be equal");

  ArrheniusFit fit;
  fit.Ea_meV = -sxy / sxx;
  fit.ln_D0 = ym + fit.Ea_meV * xm;
  fit.D0_A2_per_ps = std::exp(fit.ln_D0);
  for (std::size_t i = 0; i < n; ++i) {
    const double r = y[i] - (fit.ln_D0 - fit.Ea_meV * x[i]);
    fit.chi2 += w[i] * r * r;
  }
  fit.dof = int(n) - 2;
  fit.t_quantile = student_t_quantile(0.975, fit.dof);

  // (XᵀWX)⁻¹ for the design columns (1, −x), written in the centred sums.
  Eigen::Matrix2d cov;
  cov(1, 1) = 1.0 / sxx;
  cov(0, 0) = 1.0 / sw + xm * xm / sxx;
  cov(0, 1) = cov(1, 0) = xm / sxx;
  fit.unscaled = intervals(cov, fit.ln_D0, fit.t_quantile);
  fit.chi2_scaled = intervals(cov * (fit.chi2 / fit.dof), fit.ln_D0, fit.t_quantile);
  return fit;
}

std::vector<double> kT_meV_from_kelvin(std::span<const double> T_K) {
  std::vector<double> kT(T_K.size());
  for (std::size_t i = 0; i < T_K.size(); ++i)
    kT[i] = units::kelvin_to_meV(T_K[i]);
  return kT;
}

} // namespace ionbath::analysis
