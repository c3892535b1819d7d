#include "ionbath/bath/bessel.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ionbath::bath {

void bessel_j_orders(double x, std::span<double> out) {
  if (out.empty())
    return;
  if (!(x >= 0.0))
    throw std::domain_error("bessel_j_orders: argument must be non-negative");
  std::fill(out.begin(), out.end(), 0.0);
  if (x < 1e-8) { // leading power-series terms (A&S 9.1.10); relative error O(x²) < 1e-16
    double term = 1.0;
    for (std::size_t k = 0; k < out.size() && term != 0.0; ++k) {
      out[k] = term * (1.0 - 0.25 * x * x / static_cast<double>(k + 1));
      term *= 0.5 * x / static_cast<double>(k + 1);
    }
    return;
  }
  const auto max_order = static_cast<double>(out.size() - 1);
  // Start far beyond both the largest wanted order and the turning point k ≈ x, where J_k(x)
  // has decayed below double precision relative to the leading orders.
  const double reach = std::max(max_order, x);
  auto start = static_cast<long>(reach + 20.0 + std::sqrt(60.0 * reach));
  start += start % 2; // even, so the normalisation sum sees J_0, J_2, …
  constexpr double rescale_above = 1e250;
  double j_above = 0.0; // J_{k+1}
  double j_here = 1e-300;
  double even_sum = 0.0; // Σ_{k even ≥ 2} J_k, in the running scale
  for (long k = start; k >= 1; --k) {
    if (k <= static_cast<long>(max_order))
      out[static_cast<std::size_t>(k)] = j_here;
    if (k % 2 == 0)
      even_sum += j_here;
    const double j_below = (2.0 * static_cast<double>(k) / x) * j_here - j_above;
    j_above = j_here;
    j_here = j_below;
    if (std::abs(j_here) > rescale_above) {
      j_here /= rescale_above;
      j_above /= rescale_above;
      even_sum /= rescale_above;
      for (auto &v : out)
        v /= rescale_above;
    }
  }
  out[0] = j_here;
  const double norm = j_here + 2.0 * even_sum; // A&S 9.1.46
  for (auto &v : out)
    v /= norm;
}

} // namespace ionbath::bath
