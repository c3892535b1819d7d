#pragma once
// Arrhenius fit (physics.md §5.4): weighted least squares of y = ln D on x = 1/kT (meV⁻¹),
// y = p1 − p2 x, weights w = (D/σ_D)² (inverse variance of ln D). D0 = e^{p1} Å²/ps, Ea = p2 meV.
// Reported intervals follow the reference code (LsqFit, weighted fit): covariance (XᵀWX)⁻¹ not
// rescaled by the reduced χ², 95 % half-width t_{0.975,ν}·se with ν = n − 2, D0 interval
// [e^{p1−h}, e^{p1+h}] (asymmetric). The χ²-rescaled variant (covariance × χ²/ν) is also given.
#include <Eigen/Dense>

#include <span>
#include <vector>

namespace ionbath::analysis {

struct ArrheniusIntervals {
  Eigen::Matrix2d cov;          // covariance of (p1, p2) = (ln D0, Ea)
  double ln_D0_half_width = 0;  // 95 % half-width h of ln D0
  double Ea_half_width_meV = 0; // 95 % half-width of Ea
  double D0_low_A2_per_ps = 0;  // e^{p1 − h}
  double D0_high_A2_per_ps = 0; // e^{p1 + h}
};

struct ArrheniusFit {
  double ln_D0 = 0;               // p1
  double D0_A2_per_ps = 0;        // e^{p1}
  double Ea_meV = 0;              // p2
  double chi2 = 0;                // Σ w (y − p1 + p2 x)²
  int dof = 0;                    // ν = n − 2
  double t_quantile = 0;          // t_{0.975,ν}
  ArrheniusIntervals unscaled;    // (XᵀWX)⁻¹: the reference code's intervals
  ArrheniusIntervals chi2_scaled; // (XᵀWX)⁻¹ χ²/ν
};

// n ≥ 3 points with kT in meV, D and σ_D in Å²/ps (D > 0, σ_D > 0).
ArrheniusFit fit_arrhenius(std::span<const double> kT_meV, std::span<const double> D_A2_per_ps,
                           std::span<const double> sigma_D_A2_per_ps);

// Temperatures in K → kT in meV (kB = 0.08617333262 meV/K).
std::vector<double> kT_meV_from_kelvin(std::span<const double> T_K);

} // namespace ionbath::analysis
