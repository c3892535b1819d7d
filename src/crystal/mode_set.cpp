#include "ionbath/crystal/mode_set.hpp"

#include "ionbath/core/error.hpp"

#include <cmath>
#include <fmt/format.h>

namespace ionbath::crystal {

ModeSet::ModeSet(const Crystal &crystal, GridShape grid)
    : ModeSet(crystal, grid, 0, total_modes(crystal, grid)) {}

ModeSet::ModeSet(const Crystal &crystal, GridShape grid, std::int64_t first, std::int64_t last)
    : grid_(grid), first_(first), last_(last), n_basis_(crystal.n_basis()),
      zero_modes_(crystal.zero_modes_at_gamma()), hbar_(crystal.units().hbar) {
  const std::int64_t total = total_modes(crystal, grid);
  if (first < 0 || last > total || first > last)
    throw std::out_of_range(
        fmt::format("ModeSet: mode range [{}, {}) outside [0, {})", first, last, total));
  for (const auto &atom : crystal.basis())
    masses_.push_back(atom.mass);
  for (int b = 0; b < n_basis_; ++b)
    fractions_.push_back(crystal.fractional_position(b));
  build(crystal);
}

double ModeSet::mass() const {
  if (n_basis_ != 1)
    throw std::logic_error("ModeSet::mass: several atoms per cell; use basis_mass(b)");
  return masses_[0];
}

Vec3 ModeSet::q(std::int64_t local) const {
  const Cell &n = q_index_[local];
  return {2.0 * M_PI * n.x() / grid_[0], 2.0 * M_PI * n.y() / grid_[1],
          2.0 * M_PI * n.z() / grid_[2]};
}

CVec3 ModeSet::polarization(std::int64_t local, int b) const {
  if (n_basis_ == 1)
    return eta_[local].cast<std::complex<double>>();
  return polarization_[static_cast<std::size_t>(local) * n_basis_ + b];
}

void ModeSet::store(std::int64_t j, const Cell &n, int u, double omega2, const Crystal &crystal) {
  if (!(omega2 > 0))
    throw InputError(fmt::format(
        "lattice '{}': mode {} (branch {}) at q-grid point ({},{},{}) has Ω² = {:.3e} ≤ 0; the "
        "force constants are not stable (need k2 > 0 for the cubic model)",
        crystal.name(), j, u, n.x(), n.y(), n.z(), omega2));
  const auto i = static_cast<std::size_t>(j - first_);
  omega_[i] = std::sqrt(omega2);
  q_index_[i] = n;
  branch_[i] = u;
}

void ModeSet::build(const Crystal &crystal) {
  const DynamicalMatrix dyn(crystal);
  const auto count = static_cast<std::size_t>(last_ - first_);
  const int nbr = branches();
  omega_.resize(count);
  q_index_.resize(count);
  branch_.resize(count);
  (n_basis_ == 1 ? eta_.resize(count) : polarization_.resize(count * n_basis_));
  std::int64_t current_point = -1;
  DynamicalMatrix::Modes m;
  DynamicalMatrix::Branches mb;
  for (std::int64_t j = first_; j < last_; ++j) {
    const std::int64_t p = (j + zero_modes_) / nbr;
    const int u = static_cast<int>((j + zero_modes_) % nbr);
    const Cell n(static_cast<int>(p % grid_[0]), static_cast<int>((p / grid_[0]) % grid_[1]),
                 static_cast<int>(p / (std::int64_t(grid_[0]) * grid_[1])));
    if (p != current_point) {
      const Vec3 q(2.0 * M_PI * n.x() / grid_[0], 2.0 * M_PI * n.y() / grid_[1],
                   2.0 * M_PI * n.z() / grid_[2]);
      (n_basis_ == 1 ? (void)(m = dyn.modes(q)) : (void)(mb = dyn.branches(q)));
      current_point = p;
    }
    const auto i = static_cast<std::size_t>(j - first_);
    if (n_basis_ == 1) {
      store(j, n, u, m.omega2(u), crystal);
      eta_[i] = m.eta.col(u);
      continue;
    }
    store(j, n, u, mb.omega2(u), crystal);
    for (int b = 0; b < n_basis_; ++b)
      polarization_[i * n_basis_ + b] = mb.e.col(u).segment<3>(3 * b);
  }
}

} // namespace ionbath::crystal
