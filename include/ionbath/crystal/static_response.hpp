#pragma once
// Static response blocks W_L(0) = <Φ(q)^{-1} cos(q·L)>_BZ (seed 002 Eq. 22 at t = 0; physics.md §1.6),
// the pair blocks of V^{-1}, for every separation L with |L|∞ ≤ range. Units Å²/meV.
#include "ionbath/core/types.hpp"

#include <stdexcept>
#include <vector>

namespace ionbath::crystal {

struct StaticResponseTable {
  int range = 0;               // blocks stored for |L_i| ≤ range
  std::vector<Mat3> blocks;    // (2 range + 1)^3 blocks, index ((Lz+r)*(2r+1) + (Ly+r))*(2r+1) + (Lx+r)
  double error_estimate = 0;   // estimated max absolute error of any element, Å²/meV

  static std::size_t index(const Cell &L, int range) {
    const int w = 2 * range + 1;
    return (static_cast<std::size_t>(L.z() + range) * w + (L.y() + range)) * w + (L.x() + range);
  }
  bool contains(const Cell &L) const { return L.cwiseAbs().maxCoeff() <= range; }
  const Mat3 &operator()(const Cell &L) const {
    if (!contains(L))
      throw std::out_of_range("StaticResponseTable: separation outside the stored range");
    return blocks[index(L, range)];
  }
};

} // namespace ionbath::crystal
