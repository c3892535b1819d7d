#pragma once
// Bessel functions of the first kind J_0(x) … J_K(x) for one argument, by Miller's backward
// recurrence J_{k-1} = (2k/x) J_k - J_{k+1} normalised with J_0 + 2 Σ_{k≥1} J_{2k} = 1
// (Abramowitz & Stegun 9.1.27 and 9.1.46). Used for the Jacobi–Anger expansion of the bath field.
#include <span>

namespace ionbath::bath {

// out[k] = J_k(x) for k = 0 … out.size()-1; x ≥ 0. Absolute error ~1e-15 for x ≲ 10³.
void bessel_j_orders(double x, std::span<double> out);

} // namespace ionbath::bath
