#pragma once
// Distribution quantiles for confidence intervals (physics.md §5.4): the Student-t quantile
// t_{p,ν} (e.g. t_{0.975,5} = 2.5706) by inverting the regularized incomplete beta function,
// t CDF: P(T > t) = ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0.

namespace ionbath::analysis {

// Regularized incomplete beta function I_x(a, b), a, b > 0, 0 ≤ x ≤ 1 (continued fraction,
// DLMF 8.17.22, with the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where it converges faster).
double regularized_incomplete_beta(double a, double b, double x);

// z with Φ(z) = p for the standard normal distribution, 0 < p < 1.
double standard_normal_quantile(double p);

// t with P(T ≤ t) = p for Student's t with ν > 0 degrees of freedom (ν need not be an integer),
// 0 < p < 1. Above ν = 1000 the Cornish–Fisher expansion in 1/ν (Abramowitz–Stegun 26.7.5,
// error O(ν⁻⁵)) replaces the beta inversion, whose log-gamma prefactor loses digits there.
double student_t_quantile(double p, double nu);

} // namespace ionbath::analysis
