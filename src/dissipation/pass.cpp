#include "ionbath/dissipation/pass.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/dissipation/quadrature.hpp"

#include <cmath>
#include <fmt/format.h>

namespace ionbath::dissipation {
using units::pi;

std::vector<AtomOnPath> atoms_on_path(const crystal::Crystal &crystal,
                                      const std::vector<FrameworkAtom> &atoms,
                                      const StraightPath &path) {
  const Vec3 u = path.direction.normalized();
  std::vector<AtomOnPath> out;
  out.reserve(atoms.size());
  for (const FrameworkAtom &a : atoms) {
    if (a.basis < 0 || a.basis >= crystal.n_basis())
      throw InputError(
          fmt::format("pass: basis index {} outside 0..{}", a.basis, crystal.n_basis() - 1));
    const Vec3 relative = path.point - crystal.equilibrium_position(a.cell, a.basis);
    AtomOnPath p;
    p.along = relative.dot(u);
    p.perpendicular = relative - p.along * u;
    p.distance = p.perpendicular.norm();
    p.fractional = a.cell.cast<double>() + crystal.fractional_position(a.basis);
    p.basis = a.basis;
    p.mass = crystal.basis()[static_cast<std::size_t>(a.basis)].mass;
    out.push_back(p);
  }
  return out;
}

PathTransformValue GaussianPathTransform::operator()(double distance, double k) const {
  const double l2 = lambda_ * lambda_;
  const double value = Phi0_ * std::sqrt(2.0 * pi) * lambda_ *
                       std::exp(-0.5 * distance * distance / l2 - 0.5 * k * k * l2);
  return {value, -distance / l2 * value};
}

PathTransformValue NumericalPathTransform::operator()(double distance, double k) const {
  const auto integrand = [&](double z, std::span<double> out) {
    const dynamics::PairTerms t = potential_.terms(Vec3(distance, 0.0, z));
    const double c = 2.0 * std::cos(k * z);
    out[0] = c * t.value;
    out[1] = c * t.gradient.x(); // ∂_b U = u'(d) b/d
  };
  const std::vector<double> v = integrate_half_line(integrand, 2, rel_tol_);
  return {v[0], v[1]};
}

} // namespace ionbath::dissipation
