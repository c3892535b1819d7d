#include "ionbath/crystal/mode_set.hpp"

#include "ionbath/core/error.hpp"

#include <cmath>
#include <fmt/format.h>

namespace ionbath::crystal {

ModeSet::ModeSet(const Crystal &crystal, GridShape grid)
    : ModeSet(crystal, grid, 0, total_modes(grid)) {}

ModeSet::ModeSet(const Crystal &crystal, GridShape grid, std::int64_t first, std::int64_t last)
    : grid_(grid), first_(first), last_(last), mass_(crystal.mass()) {
  if (first < 0 || last > total_modes(grid) || first > last)
    throw std::out_of_range(fmt::format("ModeSet: mode range [{}, {}) outside [0, {})", first, last,
                                        total_modes(grid)));
  build(crystal);
}

Vec3 ModeSet::q(std::int64_t local) const {
  const Cell &n = q_index_[local];
  return {2.0 * M_PI * n.x() / grid_[0], 2.0 * M_PI * n.y() / grid_[1],
          2.0 * M_PI * n.z() / grid_[2]};
}

void ModeSet::build(const Crystal &crystal) {
  const DynamicalMatrix dyn(crystal);
  const auto count = static_cast<std::size_t>(last_ - first_);
  omega_.resize(count);
  eta_.resize(count);
  q_index_.resize(count);
  std::int64_t current_point = -1;
  DynamicalMatrix::Modes m;
  for (std::int64_t j = first_; j < last_; ++j) {
    const std::int64_t p = j / 3 + 1;
    const int u = static_cast<int>(j % 3);
    const Cell n(static_cast<int>(p % grid_[0]), static_cast<int>((p / grid_[0]) % grid_[1]),
                 static_cast<int>(p / (std::int64_t(grid_[0]) * grid_[1])));
    if (p != current_point) {
      const Vec3 q(2.0 * M_PI * n.x() / grid_[0], 2.0 * M_PI * n.y() / grid_[1],
                   2.0 * M_PI * n.z() / grid_[2]);
      m = dyn.modes(q);
      current_point = p;
    }
    const auto i = static_cast<std::size_t>(j - first_);
    if (!(m.omega2(u) > 0))
      throw InputError(fmt::format(
          "lattice: mode {} at q-grid point ({},{},{}) has Ω² = {:.3e} ≤ 0; the force constants "
          "are not stable (need k2 > 0 for the cubic model)",
          j, n.x(), n.y(), n.z(), m.omega2(u)));
    omega_[i] = std::sqrt(m.omega2(u));
    eta_[i] = m.eta.col(u);
    q_index_[i] = n;
  }
}

} // namespace ionbath::crystal
