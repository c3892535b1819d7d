#include "ionbath/bath/bloch_phase.hpp"

#include "ionbath/core/units.hpp"

#include <numeric>
#include <stdexcept>

namespace ionbath::bath {

BlochPhases::BlochPhases(const GridShape &grid) : grid_(grid) {
  if (grid[0] < 1 || grid[1] < 1 || grid[2] < 1)
    throw std::invalid_argument("BlochPhases: grid dimensions must be positive");
  const std::int64_t order = std::lcm(std::lcm(std::int64_t{grid[0]}, grid[1]), grid[2]);
  if (order > (std::int64_t{1} << 24))
    throw std::invalid_argument("BlochPhases: lcm of the grid dimensions is too large");
  order_ = static_cast<std::int32_t>(order);
  roots_.resize(3 * static_cast<std::size_t>(order_));
  for (std::size_t k = 0; k < roots_.size(); ++k) {
    const auto reduced = static_cast<double>(static_cast<std::int64_t>(k) % order_);
    roots_[k] = std::polar(1.0, 2.0 * units::pi * reduced / static_cast<double>(order_));
  }
}

Cell BlochPhases::wrap(const Cell &n) const {
  Cell w;
  for (int c = 0; c < 3; ++c)
    w[c] = ((n[c] % grid_[c]) + grid_[c]) % grid_[c];
  return w;
}

BlochPhases::SiteIndex BlochPhases::site_index(const Cell &n) const {
  const Cell w = wrap(n);
  SiteIndex s;
  for (int c = 0; c < 3; ++c) {
    const std::int64_t size = grid_[c];
    const std::int64_t scale = order_ / size;
    s.axis[c].resize(static_cast<std::size_t>(size));
    for (std::int64_t m = 0; m < size; ++m)
      s.axis[c][static_cast<std::size_t>(m)] = static_cast<std::int32_t>((m * w[c]) % size * scale);
  }
  return s;
}

} // namespace ionbath::bath
