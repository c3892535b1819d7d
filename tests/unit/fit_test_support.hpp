#pragma once
// Small fits shared by the unit tests (decay rates from logarithms of energies).
#include <vector>

namespace ionbath::test_support {

// Least-squares slope of y(x).
inline double slope(const std::vector<double> &x, const std::vector<double> &y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

} // namespace ionbath::test_support
