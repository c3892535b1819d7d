#include "ionbath/dissipation/low_speed_loss.hpp"

#include "ionbath/core/units.hpp"
#include "ionbath/dissipation/quadrature.hpp"

#include <cmath>

namespace ionbath::dissipation {
using units::pi;

// seed 001 Eqs. (20)–(22)
double low_speed_loss_per_speed(const dynamics::PairPotential &potential,
                                const std::vector<Vec3> &sites, const StraightPath &path,
                                const Mat3 &drag, double rel_tol) {
  const Vec3 u = path.direction.normalized();
  // Centre the map z = t/(1 − t²) on the sites' mean projection, where the integrand lives.
  double centre = 0;
  for (const Vec3 &x : sites)
    centre += (x - path.point).dot(u);
  const Vec3 origin = path.point + (sites.empty() ? 0.0 : centre / sites.size()) * u;
  const auto integrand = [&](double z, std::span<double> out) {
    const Vec3 position = origin + z * u;
    Mat3 hessian = Mat3::Zero();
    for (const Vec3 &x : sites)
      hessian += potential.terms(position - x).hessian;
    const Vec3 h_u = hessian * u;
    out[0] = h_u.dot(drag * h_u);
  };
  return integrate_real_line(integrand, 1, rel_tol)[0];
}

double gaussian_low_speed_loss_per_speed(double Phi0, double lambda, double offset, double ell) {
  const double s2 = offset * offset, l2 = lambda * lambda;
  return ell * Phi0 * Phi0 * std::exp(-s2 / l2) * std::sqrt(pi) * (2.0 * s2 + 3.0 * l2) /
         (4.0 * std::pow(lambda, 5));
}

} // namespace ionbath::dissipation
