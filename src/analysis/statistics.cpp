#include "ionbath/analysis/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace ionbath::analysis {

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();

// Continued fraction of I_x(a,b) (DLMF 8.17.22) by the modified Lentz method, y = 1 − x given
// separately so that neither tail loses digits.
double beta_continued_fraction(double a, double b, double x, double y) {
  constexpr double tiny = 1e-300;
  double f = 1.0, C = 1.0, D = 0.0;
  for (int j = 1; j <= 10000; ++j) {
    const int m = j / 2;
    const double d = (j % 2 == 1) ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                                  : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    D = 1.0 + d * D;
    D = std::abs(D) < tiny ? 1.0 / tiny : 1.0 / D;
    C = 1.0 + d / C;
    if (std::abs(C) < tiny)
      C = tiny;
    const double delta = C * D;
    f *= delta;
    if (std::abs(delta - 1.0) < 2 * kEps) {
      const double log_front =
          a * std::log(x) + b * std::log(y) + std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b);
      return std::exp(log_front) / (a * f);
    }
  }
  throw std::runtime_error("regularized_incomplete_beta: continued fraction did not converge");
}

double incomplete_beta(double a, double b, double x, double y) {
  if (x <= 0)
    return 0.0;
  if (y <= 0)
    return 1.0;
  if (x < (a + 1) / (a + b + 2))
    return beta_continued_fraction(a, b, x, y);
  return 1.0 - beta_continued_fraction(b, a, y, x);
}

// Upper tail P(T > t), t ≥ 0, and density of Student's t.
double t_upper_tail(double t, double nu) {
  const double s = nu + t * t;
  return 0.5 * incomplete_beta(0.5 * nu, 0.5, nu / s, t * t / s);
}
double t_density(double t, double nu) {
  const double log_c =
      std::lgamma(0.5 * (nu + 1)) - std::lgamma(0.5 * nu) - 0.5 * std::log(nu * std::numbers::pi);
  return std::exp(log_c - 0.5 * (nu + 1) * std::log1p(t * t / nu));
}

double normal_upper_tail(double z) {
  return 0.5 * std::erfc(z / std::numbers::sqrt2);
}
double normal_density(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
}

// Root t > 0 of tail(t) = q (tail decreasing, tail(0) = ½ > q): Newton on ln tail, kept inside
// a bracket that bisection shrinks whenever Newton leaves it.
template <class Tail, class Density>
double solve_upper_tail(Tail tail, Density density, double q, double guess) {
  double lo = 0, hi = std::max(guess, 1.0);
  while (tail(hi) > q) {
    lo = hi;
    hi *= 2;
    if (!std::isfinite(hi))
      throw std::runtime_error("quantile: no bracket found");
  }
  double t = std::clamp(guess, lo, hi);
  const double log_q = std::log(q);
  for (int it = 0; it < 400; ++it) {
    const double f = tail(t);
    if (f > q)
      lo = t;
    else
      hi = t;
    const double step = (std::log(f) - log_q) * f / density(t); // g/(-g'), g = ln tail − ln q
    double next = t + step;
    if (!(next > lo && next < hi))
      next = 0.5 * (lo + hi);
    if (std::abs(next - t) <= 4 * kEps * next || hi - lo <= 4 * kEps * hi)
      return next;
    t = next;
  }
  return t;
}
} // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1))
    throw std::domain_error("regularized_incomplete_beta: need a, b > 0 and 0 <= x <= 1");
  return incomplete_beta(a, b, x, 1.0 - x);
}

double standard_normal_quantile(double p) {
  if (!(p > 0 && p < 1))
    throw std::domain_error("standard_normal_quantile: need 0 < p < 1");
  if (p == 0.5)
    return 0.0;
  const double q = p > 0.5 ? 1.0 - p : p;
  const double z =
      solve_upper_tail(normal_upper_tail, normal_density, q, std::sqrt(-2 * std::log(q)));
  return p > 0.5 ? z : -z;
}

double student_t_quantile(double p, double nu) {
  if (!(p > 0 && p < 1) || !(nu > 0))
    throw std::domain_error("student_t_quantile: need 0 < p < 1 and nu > 0");
  if (p == 0.5)
    return 0.0;
  const double z = standard_normal_quantile(p);
  // Cornish–Fisher expansion of t in powers of 1/ν (Abramowitz–Stegun 26.7.5).
  const double z2 = z * z;
  const double g1 = z * (z2 + 1) / 4;
  const double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
  const double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
  const double g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
  const double expansion = z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu;
  if (nu > 1000)
    return expansion;
  const double q = p > 0.5 ? 1.0 - p : p;
  const auto tail = [nu](double t) { return t_upper_tail(t, nu); };
  const auto density = [nu](double t) { return t_density(t, nu); };
  const double guess = std::abs(expansion);
  const double t = solve_upper_tail(tail, density, q, std::isfinite(guess) ? guess : 1.0);
  return p > 0.5 ? t : -t;
}

} // namespace ionbath::analysis
