#pragma once
// Adaptive Gauss–Kronrod (7, 15) quadrature of vector-valued functions over the real line and the
// half line, through libcubature's one-dimensional hcubature with the maps z = t/(1 − t²) and
// z = t/(1 − t), and over finite intervals. Used for the path transforms and the low-speed loss
// integral (seed 001 Eq. 22).
#include <functional>
#include <span>
#include <vector>

namespace ionbath::dissipation {

// f(z, out) fills out (size dimension); the result is ∫ f dz with relative tolerance rel_tol on
// the L2 norm of the vector (absolute floor abs_tol), so vanishing components converge. Throws
// std::runtime_error if hcubature fails.
using LineIntegrand = std::function<void(double z, std::span<double> out)>;
std::vector<double> integrate_real_line(const LineIntegrand &f, int dimension, double rel_tol,
                                        double abs_tol = 0);
std::vector<double> integrate_half_line(const LineIntegrand &f, int dimension, double rel_tol,
                                        double abs_tol = 0);
// ∫_a^b f dz (finite a < b).
std::vector<double> integrate_interval(const LineIntegrand &f, int dimension, double a, double b,
                                       double rel_tol, double abs_tol = 0);

} // namespace ionbath::dissipation
