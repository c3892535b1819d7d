#pragma once
// Exact Bloch phases e^{i q·n} on a BZ grid (physics.md §1.3): with q = 2π (m1/N1, m2/N2, m3/N3)
// the phase is the L-th root of unity e^{2πi k/L}, L = lcm(N1, N2, N3), with the integer
// k = Σ_c (m_c n_c mod N_c) L/N_c. Integer arithmetic makes r_H exactly periodic in n.
#include "ionbath/core/types.hpp"

#include <array>
#include <complex>
#include <cstdint>
#include <vector>

namespace ionbath::bath {

class BlochPhases {
public:
  explicit BlochPhases(const GridShape &grid);

  // Per-axis phase indices of site n: axis[c][m] = (m n_c mod N_c) L/N_c, m = 0 … N_c-1.
  struct SiteIndex {
    std::array<std::vector<std::int32_t>, 3> axis;
  };
  SiteIndex site_index(const Cell &n) const;

  // e^{i q_m·n} from the site's indices and the grid vector m of q.
  std::complex<double> operator()(const SiteIndex &site, const Cell &m) const {
    return roots_[static_cast<std::size_t>(site.axis[0][m.x()] + site.axis[1][m.y()] +
                                           site.axis[2][m.z()])];
  }

  // n wrapped into the periodic cell [0, N1) × [0, N2) × [0, N3).
  Cell wrap(const Cell &n) const;
  const GridShape &grid() const { return grid_; }

private:
  GridShape grid_;
  std::int32_t order_;                      // L
  std::vector<std::complex<double>> roots_; // e^{2πi k/L} for k = 0 … 3L-1 (sum of 3 indices)
};

} // namespace ionbath::bath
