#include "ionbath/crystal/crystal.hpp"

#include "ionbath/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace ionbath::crystal {
namespace {

bool same_pair(const Bond &a, const Bond &b) {
  return a.from == b.from && a.to == b.to && a.offset == b.offset;
}
bool is_partner(const Bond &a, const Bond &b) {
  return a.from == b.to && a.to == b.from && a.offset == -b.offset;
}
bool is_self_term(const Bond &b) {
  return b.from == b.to && b.offset.isZero();
}

std::string describe(const Bond &b) {
  return fmt::format("Φ_{{{},{}}}({},{},{})", b.from, b.to, b.offset.x(), b.offset.y(),
                     b.offset.z());
}

} // namespace

Mat3 central_spring_block(const Vec3 &bond_vector, double k) {
  const Vec3 u = bond_vector.normalized();
  return -k * u * u.transpose();
}

Crystal::Crystal(Mat3 lattice_vectors_A, double mass, std::vector<Bond> bonds, std::string name)
    : Crystal(std::move(lattice_vectors_A), {BasisAtom{Vec3::Zero(), mass, "X"}}, std::move(bonds),
              {}, std::move(name)) {}

Crystal::Crystal(Mat3 lattice_vectors_A, std::vector<BasisAtom> basis, std::vector<Bond> bonds,
                 std::vector<Mat3> confinement, std::string name, units::UnitSystem units)
    : lattice_vectors_(std::move(lattice_vectors_A)), basis_(std::move(basis)),
      bonds_(std::move(bonds)), confinement_(std::move(confinement)), name_(std::move(name)),
      units_(std::move(units)) {
  check_basis();
  if (confinement_.empty())
    confinement_.assign(basis_.size(), Mat3::Zero());
  if (confinement_.size() != basis_.size())
    throw InputError(fmt::format("crystal '{}': {} confinement blocks for {} basis atoms", name_,
                                 confinement_.size(), basis_.size()));
  for (const Mat3 &k : confinement_)
    confined_ = confined_ || !k.isZero();
  symmetrize_bonds();
  impose_sum_rule();
}

void Crystal::check_basis() const {
  if (basis_.empty())
    throw InputError(fmt::format("crystal '{}': the basis has no atoms", name_));
  for (const auto &atom : basis_)
    if (!(atom.mass > 0) || !std::isfinite(atom.mass))
      throw InputError(fmt::format("crystal '{}': mass must be positive, got {} (species {})",
                                   name_, atom.mass, atom.species));
  if (!(cell_volume_A3() > 0))
    throw InputError(fmt::format("crystal '{}': lattice vectors are degenerate", name_));
  const int nb = n_basis();
  for (std::size_t i = 0; i < bonds_.size(); ++i) {
    const Bond &b = bonds_[i];
    if (b.from < 0 || b.from >= nb || b.to < 0 || b.to >= nb)
      throw InputError(fmt::format("crystal '{}': {} names a basis atom outside 0..{}", name_,
                                   describe(b), nb - 1));
    for (std::size_t j = 0; j < i; ++j)
      if (same_pair(bonds_[j], b))
        throw InputError(fmt::format("crystal '{}': {} is given twice", name_, describe(b)));
  }
}

// Φ_{bb'}(L) = Φ_{b'b}(−L)ᵀ (physics.md §12.1): both blocks of a pair become their average.
// Exactly symmetric input is left untouched (bitwise).
void Crystal::symmetrize_bonds() {
  double largest = 0;
  for (const auto &b : bonds_)
    largest = std::max(largest, b.phi.cwiseAbs().maxCoeff());
  std::vector<Mat3> symmetric(bonds_.size());
  for (std::size_t i = 0; i < bonds_.size(); ++i) {
    const Bond &b = bonds_[i];
    symmetric[i] = b.phi;
    if (is_self_term(b))
      continue;
    const auto partner = std::find_if(bonds_.begin(), bonds_.end(),
                                      [&b](const Bond &c) { return is_partner(b, c); });
    if (partner == bonds_.end())
      throw InputError(fmt::format("crystal '{}': bond {} has no partner Φ_{{{},{}}}({},{},{})",
                                   name_, describe(b), b.to, b.from, -b.offset.x(), -b.offset.y(),
                                   -b.offset.z()));
    if (b.phi == partner->phi.transpose())
      continue;
    const double change = 0.5 * (b.phi - partner->phi.transpose()).cwiseAbs().maxCoeff();
    if (change > 1e-2 * largest)
      throw InputError(fmt::format(
          "crystal '{}': {} and its partner differ by {:.3e} (largest block element {:.3e}): "
          "not Φ_bb'(L) = Φ_b'b(−L)ᵀ",
          name_, describe(b), 2 * change, largest));
    symmetry_correction_ = std::max(symmetry_correction_, change);
    symmetric[i] = 0.5 * (b.phi + partner->phi.transpose());
  }
  for (std::size_t i = 0; i < bonds_.size(); ++i)
    bonds_[i].phi = symmetric[i];
}

// Self terms Φ_bb(0) = −Σ' Φ_{bb'}(L) + K_b (acoustic sum rule; physics.md §12.1). Given self
// terms are dropped from the bond list; their difference from the rule is reported.
void Crystal::impose_sum_rule() {
  onsite_.assign(basis_.size(), Mat3::Zero());
  std::vector<Bond> given_self;
  std::vector<Bond> kept;
  kept.reserve(bonds_.size());
  for (auto &b : bonds_)
    (is_self_term(b) ? given_self : kept).push_back(b);
  bonds_ = std::move(kept);
  for (const auto &b : bonds_)
    onsite_[static_cast<std::size_t>(b.from)] -= b.phi;
  for (const auto &s : given_self)
    sum_rule_correction_ =
        std::max(sum_rule_correction_,
                 (s.phi - onsite_[static_cast<std::size_t>(s.from)]).cwiseAbs().maxCoeff());
  for (std::size_t b = 0; b < basis_.size(); ++b)
    if (confined_)
      onsite_[b] += confinement_[b];
}

double Crystal::mass() const {
  if (basis_.size() != 1)
    throw std::logic_error(fmt::format(
        "crystal '{}' has {} atoms per cell: mass() is for one-atom crystals", name_, n_basis()));
  return basis_[0].mass;
}

Eigen::VectorXd Crystal::sqrt_masses() const {
  Eigen::VectorXd s(3 * n_basis());
  for (int b = 0; b < n_basis(); ++b)
    s.segment<3>(3 * b).setConstant(std::sqrt(basis_[static_cast<std::size_t>(b)].mass));
  return s;
}

double Crystal::total_mass() const {
  double m = 0;
  for (const auto &atom : basis_)
    m += atom.mass;
  return m;
}

Vec3 Crystal::fractional_position(int b) const {
  return lattice_vectors_.inverse() * basis_[static_cast<std::size_t>(b)].position;
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

std::array<bool, 3> Crystal::bonded_axes() const {
  std::array<bool, 3> bonded{};
  for (const auto &b : bonds_)
    for (int i = 0; i < 3; ++i)
      bonded[std::size_t(i)] = bonded[std::size_t(i)] || b.offset[i] != 0;
  return bonded;
}

} // namespace ionbath::crystal
