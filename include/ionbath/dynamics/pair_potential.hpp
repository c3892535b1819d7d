#pragma once
// Isotropic pair interaction U(x) between the mobile particle and one framework atom, x the
// particle–atom separation (physics.md §0.3). U is even in x, so ∇U is odd and Hess U is even.
#include "ionbath/core/types.hpp"

#include <cmath>
#include <utility>

namespace ionbath::dynamics {

// Value, gradient and Hessian of U at one separation x (meV, meV/Å, meV/Å²).
struct PairTerms {
  double value = 0;
  Vec3 gradient = Vec3::Zero();
  Mat3 hessian = Mat3::Zero();
};

// A radial function and its first two derivatives at distance d = |x| (meV, meV/Å, meV/Å²).
struct RadialTerms {
  double value = 0;
  double first = 0;
  double second = 0;
};

class PairPotential {
public:
  virtual ~PairPotential() = default;
  virtual double value(const Vec3 &x) const = 0;
  virtual Vec3 gradient(const Vec3 &x) const = 0;
  // value(x) and gradient(x) from one evaluation of the radial function.
  virtual std::pair<double, Vec3> value_and_gradient(const Vec3 &x) const = 0;
  virtual PairTerms terms(const Vec3 &x) const = 0;
};

// Isotropic U(x) = u(|x|) from u, u', u'' (physics.md §0.3):
//   ∇U = u' x̂,  Hess U = u'' x̂x̂ᵀ + (u'/d)(I − x̂x̂ᵀ).
// At d = 0 a smooth u has u'(0) = 0 and Hess U = u''(0) I. A tabulated or user potential derives
// from this with `RadialTerms radial(double d) const` and `double radial_value(double d) const`.
template <class Radial> class RadialPairPotential : public PairPotential {
public:
  double value(const Vec3 &x) const final { return self().radial_value(x.norm()); }

  Vec3 gradient(const Vec3 &x) const final {
    const double d = x.norm();
    if (d == 0)
      return Vec3::Zero();
    return (self().radial(d).first / d) * x;
  }

  std::pair<double, Vec3> value_and_gradient(const Vec3 &x) const final {
    const double d = x.norm();
    if (d == 0)
      return {self().radial_value(d), Vec3::Zero()};
    const RadialTerms u = self().radial(d);
    return {u.value, (u.first / d) * x};
  }

  PairTerms terms(const Vec3 &x) const final {
    const double d = x.norm();
    const RadialTerms u = self().radial(d);
    PairTerms out;
    out.value = u.value;
    if (d == 0) {
      out.hessian = u.second * Mat3::Identity();
      return out;
    }
    const double first_over_d = u.first / d;
    out.gradient = first_over_d * x;
    out.hessian = ((u.second - first_over_d) / (d * d)) * (x * x.transpose());
    out.hessian.diagonal().array() += first_over_d;
    return out;
  }

private:
  const Radial &self() const { return static_cast<const Radial &>(*this); }
};

// Screened Coulomb U0 e^{−d/λ}/d (seed 002): u' = −u (1/λ + 1/d), u'' = u [(1/λ + 1/d)² + 1/d²].
class Yukawa final : public RadialPairPotential<Yukawa> {
public:
  Yukawa(double U0_meV_A, double screening_length_A)
      : U0_(U0_meV_A), inverse_length_(1.0 / screening_length_A) {}

  double U0_meV_A() const { return U0_; }
  double screening_length_A() const { return 1.0 / inverse_length_; }

  double radial_value(double d) const { return U0_ * std::exp(-d * inverse_length_) / d; }
  RadialTerms radial(double d) const {
    const double u = radial_value(d);
    const double inverse_d = 1.0 / d;
    const double s = inverse_length_ + inverse_d;
    return {u, -u * s, u * (s * s + inverse_d * inverse_d)};
  }

private:
  double U0_;
  double inverse_length_;
};

// Gaussian Φ0 exp(−d²/2λ²) (seeds 001, 003): u' = −(d/λ²) u, u'' = (d²/λ⁴ − 1/λ²) u.
class Gaussian final : public RadialPairPotential<Gaussian> {
public:
  Gaussian(double Phi0_meV, double width_A)
      : Phi0_(Phi0_meV), inverse_width2_(1.0 / (width_A * width_A)) {}

  double Phi0_meV() const { return Phi0_; }
  double width_A() const { return 1.0 / std::sqrt(inverse_width2_); }

  double radial_value(double d) const { return Phi0_ * std::exp(-0.5 * d * d * inverse_width2_); }
  RadialTerms radial(double d) const {
    const double u = radial_value(d);
    const double slope = d * inverse_width2_;
    return {u, -slope * u, (slope * slope - inverse_width2_) * u};
  }

private:
  double Phi0_;
  double inverse_width2_;
};

} // namespace ionbath::dynamics
