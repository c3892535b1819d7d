#include "ionbath/dissipation/zone_loss.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/dynamical_matrix.hpp"

#include <complex>
#include <cubature.h>
#include <fmt/format.h>
#include <stdexcept>

namespace ionbath::dissipation {
using units::pi;
namespace {

using Complex = std::complex<double>;

// The integrand of seed 001 Eq. 13 at one reduced wave vector.
class ForcedModeAbsorption {
public:
  ForcedModeAbsorption(const crystal::Crystal &crystal, const PathTransform &interaction,
                       const std::vector<AtomOnPath> &atoms, const Vec3 &direction, double speed)
      : dyn_(crystal), interaction_(interaction), atoms_(atoms), u_(direction.normalized()),
        speed_(speed), one_atom_(crystal.n_basis() == 1) {
    for (int axis = 0; axis < 3; ++axis)
      for (const crystal::Bond &b : crystal.bonds())
        if (b.offset[axis] != 0) {
          axes_.push_back(axis);
          break;
        }
  }

  const std::vector<int> &axes() const { return axes_; }

  double operator()(const double *reduced_coordinates) const {
    Vec3 q = Vec3::Zero();
    for (std::size_t j = 0; j < axes_.size(); ++j)
      q[axes_[j]] = reduced_coordinates[j];
    if (one_atom_) {
      const auto modes = dyn_.modes(q);
      double sum = 0;
      for (int u = 0; u < 3; ++u)
        sum += branch(q, modes.omega2[u], [&](int, const Vec3 &g_re, const Vec3 &g_im) {
          return Complex(modes.eta.col(u).dot(g_re), modes.eta.col(u).dot(g_im));
        });
      return sum;
    }
    const auto br = dyn_.branches(q);
    double sum = 0;
    for (int u = 0; u < br.omega2.size(); ++u)
      sum += branch(q, br.omega2[u], [&](int b, const Vec3 &g_re, const Vec3 &g_im) {
        const Eigen::Vector3cd e = br.e.col(u).segment<3>(3 * b);
        return e.dot(g_re.cast<Complex>() +
                     Complex(0, 1) *
                         g_im.cast<Complex>()); // e^† g (Eigen conjugates the left side)
      });
    return sum;
  }

private:
  // ½ |Σ_i phase_i e_{b_i,u}^† g_i / √m|² / v² for one branch; project(b, Re g, Im g) = e_b^† g.
  template <class Project>
  double branch(const Vec3 &q, double omega2, const Project &project) const {
    if (!(omega2 > 1e-14))
      return 0.0; // the zero modes at Γ carry no energy
    const double k = std::sqrt(omega2) / speed_;
    Complex amplitude = 0;
    for (const AtomOnPath &a : atoms_) {
      const PathTransformValue t = interaction_(a.distance, k);
      const Vec3 g_re =
          a.distance > 0 ? Vec3(t.d_distance / a.distance * a.perpendicular) : Vec3::Zero();
      const Vec3 g_im = -k * t.value * u_;
      const Complex phase = std::polar(1.0, -q.dot(a.fractional) - k * a.along);
      amplitude += phase * project(a.basis, g_re, g_im) / std::sqrt(a.mass);
    }
    return 0.5 * std::norm(amplitude) / (speed_ * speed_);
  }

  crystal::DynamicalMatrix dyn_;
  const PathTransform &interaction_;
  const std::vector<AtomOnPath> &atoms_;
  Vec3 u_;
  double speed_;
  bool one_atom_;
  std::vector<int> axes_;
};

struct CubatureData {
  const ForcedModeAbsorption *f;
  long evaluations = 0;
};

int zone_integrand(unsigned, const double *q, void *data, unsigned, double *out) {
  auto &d = *static_cast<CubatureData *>(data);
  ++d.evaluations;
  out[0] = (*d.f)(q);
  return 0;
}

void check_speed(double speed) {
  if (!(speed > 0) || !std::isfinite(speed))
    throw InputError(fmt::format("zone loss: speed must be positive and finite, got {}", speed));
}

} // namespace

// seed 001 Eq. (13)
ZoneLoss zone_loss(const crystal::Crystal &crystal, const PathTransform &interaction,
                   const std::vector<AtomOnPath> &atoms, const Vec3 &direction, double speed,
                   double rel_tol) {
  check_speed(speed);
  const ForcedModeAbsorption f(crystal, interaction, atoms, direction, speed);
  const int d = static_cast<int>(f.axes().size());
  ZoneLoss out;
  out.dimensions = d;
  if (d == 0) { // no bonds: every wave vector is the same
    const double q0[1] = {0.0};
    out.loss = f(q0);
    out.evaluations = 1;
    return out;
  }
  CubatureData data{&f};
  // The zone centred on Γ: at low speed the integrand lives near Γ, where the first rule samples.
  const std::vector<double> lo(static_cast<std::size_t>(d), -pi),
      hi(static_cast<std::size_t>(d), pi);
  double value = 0, error = 0;
  if (hcubature(1, zone_integrand, &data, static_cast<unsigned>(d), lo.data(), hi.data(), 0, 0,
                rel_tol, ERROR_INDIVIDUAL, &value, &error) != 0)
    throw std::runtime_error("zone loss: hcubature failed");
  const double volume = std::pow(2.0 * pi, d);
  out.loss = value / volume;
  out.error_estimate = error / volume;
  out.evaluations = data.evaluations;
  return out;
}

ZoneLoss zone_loss_midpoint(const crystal::Crystal &crystal, const PathTransform &interaction,
                            const std::vector<AtomOnPath> &atoms, const Vec3 &direction,
                            double speed, int n) {
  check_speed(speed);
  if (n < 1)
    throw std::invalid_argument("zone_loss_midpoint: n must be ≥ 1");
  const ForcedModeAbsorption f(crystal, interaction, atoms, direction, speed);
  const int d = static_cast<int>(f.axes().size());
  long total = 1;
  for (int j = 0; j < d; ++j)
    total *= n;
  double sum = 0;
  for (long index = 0; index < total; ++index) {
    double q[3] = {0, 0, 0};
    long rest = index;
    for (int j = 0; j < d; ++j, rest /= n)
      q[j] = 2.0 * pi * (static_cast<double>(rest % n) + 0.5) / n;
    sum += f(q);
  }
  ZoneLoss out;
  out.loss = sum / static_cast<double>(total);
  out.evaluations = total;
  out.dimensions = d;
  return out;
}

} // namespace ionbath::dissipation
