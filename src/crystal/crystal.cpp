#include "ionbath/crystal/crystal.hpp"

#include "ionbath/core/error.hpp"

#include <cmath>
#include <fmt/format.h>

namespace ionbath::crystal {

Mat3 central_spring_block(const Vec3 &bond_vector, double k) {
  const Vec3 u = bond_vector.normalized();
  return -k * u * u.transpose();
}

Crystal::Crystal(Mat3 lattice_vectors_A, double mass, std::vector<Bond> bonds, std::string name)
    : lattice_vectors_(std::move(lattice_vectors_A)), mass_(mass), bonds_(std::move(bonds)),
      onsite_(Mat3::Zero()), name_(std::move(name)) {
  if (!(mass_ > 0) || !std::isfinite(mass_))
    throw InputError(fmt::format("crystal '{}': mass must be positive, got {}", name_, mass_));
  if (!(cell_volume_A3() > 0))
    throw InputError(fmt::format("crystal '{}': lattice vectors are degenerate", name_));
  for (const auto &b : bonds_) {
    if (b.offset.isZero())
      throw InputError(fmt::format("crystal '{}': a bond has zero offset", name_));
    bool has_partner = false;
    for (const auto &c : bonds_)
      if (c.offset == -b.offset && (c.phi - b.phi.transpose()).norm() <= 1e-12 * (1 + b.phi.norm()))
        has_partner = true;
    if (!has_partner)
      throw InputError(fmt::format("crystal '{}': bond ({},{},{}) has no inverse partner with "
                                   "Φ(-d) = Φ(d)ᵀ",
                                   name_, b.offset.x(), b.offset.y(), b.offset.z()));
    onsite_ -= b.phi;
  }
}

Crystal Crystal::central_springs(const Mat3 &lattice_vectors_A, double mass,
                                 const std::function<double(const Cell &)> &spring,
                                 std::string name) {
  std::vector<Bond> bonds;
  for (int x = -1; x <= 1; ++x)
    for (int y = -1; y <= 1; ++y)
      for (int z = -1; z <= 1; ++z) {
        const Cell d(x, y, z);
        const double k = d.isZero() ? 0.0 : spring(d);
        if (k != 0)
          bonds.push_back({d, central_spring_block(lattice_vectors_A * d.cast<double>(), k)});
      }
  return Crystal(lattice_vectors_A, mass, std::move(bonds), std::move(name));
}

Crystal Crystal::simple_cubic(double a_A, double mass, double k1, double k2) {
  return central_springs(
      a_A * Mat3::Identity(), mass,
      [k1, k2](const Cell &d) {
        const int nonzero = (d.x() != 0) + (d.y() != 0) + (d.z() != 0);
        return nonzero == 1 ? k1 : nonzero == 2 ? k2 : 0.0;
      },
      "simple-cubic-k1k2");
}

int Crystal::stencil_reach() const {
  int r = 0;
  for (const auto &b : bonds_)
    r = std::max(r, b.offset.cwiseAbs().maxCoeff());
  return r;
}

} // namespace ionbath::crystal
