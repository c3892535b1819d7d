#pragma once
// The framework atoms S the mobile particle interacts with (physics.md §3.2, §4.1).
#include "ionbath/core/types.hpp"

#include <cmath>

namespace ionbath::dynamics {

// The anchor cell p = ⌈A⁻¹R⌉ (componentwise ceiling, on the unwrapped R): the cell whose far
// corner is nearest R, i.e. R lies in the cell spanned by the corners p − 1 … p
// (physics.md §3.2, §4.1). Inline: every caller keeps its own floating-point contraction.
inline Cell anchor_cell(const Mat3 &inverse_lattice_vectors, const Vec3 &R) {
  const Vec3 f = inverse_lattice_vectors * R;
  return {static_cast<int>(std::ceil(f.x())), static_cast<int>(std::ceil(f.y())),
          static_cast<int>(std::ceil(f.z()))};
}

} // namespace ionbath::dynamics
