#include "ionbath/dissipation/scaled_bessel.hpp"

#include "ionbath/core/units.hpp"

#include <cmath>
#include <stdexcept>

namespace ionbath::dissipation {
using units::pi;
namespace {

constexpr double kSeriesLimit = 20.0;

// e^{−z} Σ_k (z/2)^{2k+n} / (k! (k+n)!)
double scaled_power_series(int n, double z) {
  const double half = 0.5 * z;
  double term = n == 0 ? 1.0 : half;
  double sum = term;
  for (int k = 1; k < 200; ++k) {
    term *= half * half / (static_cast<double>(k) * static_cast<double>(k + n));
    sum += term;
    if (term < 1e-17 * sum)
      break;
  }
  return sum * std::exp(-z);
}

// 1/√(2πz) Σ_k (−1)^k a_k(n) / z^k, a_k = Π_{j=1..k} (4n² − (2j−1)²) / (k! 8^k), truncated at the
// smallest term (A&S 9.7.1).
double scaled_asymptotic_series(int n, double z) {
  const double mu = 4.0 * n * n;
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < 100; ++k) {
    const double odd = 2.0 * k - 1.0;
    const double next = -term * (mu - odd * odd) / (8.0 * k * z);
    if (std::abs(next) >= std::abs(term))
      break;
    term = next;
    sum += term;
    if (std::abs(term) < 1e-17 * std::abs(sum))
      break;
  }
  return sum / std::sqrt(2.0 * pi * z);
}

double scaled_bessel(int n, double z) {
  if (!(z >= 0))
    throw std::invalid_argument("scaled Bessel I_n: argument must be ≥ 0");
  return z < kSeriesLimit ? scaled_power_series(n, z) : scaled_asymptotic_series(n, z);
}

} // namespace

double scaled_bessel_i0(double z) {
  return scaled_bessel(0, z);
}
double scaled_bessel_i1(double z) {
  return scaled_bessel(1, z);
}

} // namespace ionbath::dissipation
