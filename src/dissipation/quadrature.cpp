#include "ionbath/dissipation/quadrature.hpp"

#include <algorithm>
#include <cmath>
#include <cubature.h>
#include <stdexcept>

namespace ionbath::dissipation {
namespace {

enum class Domain { whole_line, half_line, interval };

struct Mapped {
  const LineIntegrand *f;
  Domain domain;
};

int mapped_integrand(unsigned, const double *t, void *data, unsigned fdim, double *out) {
  const auto &m = *static_cast<const Mapped *>(data);
  const double x = t[0];
  double z = x, jacobian = 1.0;
  if (m.domain == Domain::whole_line) { // z = x/(1 − x²), x ∈ (−1, 1)
    const double d = 1.0 - x * x;
    z = x / d;
    jacobian = (1.0 + x * x) / (d * d);
  } else if (m.domain == Domain::half_line) { // z = x/(1 − x), x ∈ [0, 1)
    const double d = 1.0 - x;
    z = x / d;
    jacobian = 1.0 / (d * d);
  }
  const std::span<double> values(out, fdim);
  if (!std::isfinite(z)) {
    std::fill(values.begin(), values.end(), 0.0);
    return 0;
  }
  (*m.f)(z, values);
  for (double &v : values)
    v *= jacobian;
  return 0;
}

std::vector<double> integrate(const LineIntegrand &f, int dimension, double rel_tol, double abs_tol,
                              Domain domain, double lo, double hi) {
  Mapped data{&f, domain};
  std::vector<double> value(static_cast<std::size_t>(dimension)), error(value.size());
  if (hcubature(static_cast<unsigned>(dimension), mapped_integrand, &data, 1, &lo, &hi, 0, abs_tol,
                rel_tol, ERROR_L2, value.data(), error.data()) != 0)
    throw std::runtime_error("line quadrature: hcubature failed");
  return value;
}

} // namespace

std::vector<double> integrate_real_line(const LineIntegrand &f, int dimension, double rel_tol,
                                        double abs_tol) {
  return integrate(f, dimension, rel_tol, abs_tol, Domain::whole_line, -1.0, 1.0);
}
std::vector<double> integrate_half_line(const LineIntegrand &f, int dimension, double rel_tol,
                                        double abs_tol) {
  return integrate(f, dimension, rel_tol, abs_tol, Domain::half_line, 0.0, 1.0);
}
std::vector<double> integrate_interval(const LineIntegrand &f, int dimension, double a, double b,
                                       double rel_tol, double abs_tol) {
  return integrate(f, dimension, rel_tol, abs_tol, Domain::interval, a, b);
}

} // namespace ionbath::dissipation
