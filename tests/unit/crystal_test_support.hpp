#pragma once
// Shared fixtures of the crystal tests: the paper lattice, a skewed lattice that exercises the
// generic Crystal, and the 48 cubic point operations.
#include "ionbath/crystal/crystal.hpp"

#include <algorithm>
#include <vector>

namespace ionbath::crystal::support {

inline const Crystal &paper_lattice() {
  static const Crystal c = Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
  return c;
}

// A triclinic one-atom lattice with central springs to its 18 nearest cells: no cubic symmetry,
// so every tensor component is generic.
inline const Crystal &skewed_lattice() {
  static const Crystal c = [] {
    Mat3 a;
    a << 3.0, 0.4, 0.2, 0.0, 3.3, -0.3, 0.0, 0.0, 2.8;
    return Crystal::central_springs(
        a, 4.2,
        [](const Cell &d) {
          const int nonzero = (d.x() != 0) + (d.y() != 0) + (d.z() != 0);
          return nonzero == 1   ? 400.0 + 60.0 * (d.x() != 0)
                 : nonzero == 2 ? 150.0 + 20.0 * (d.z() != 0)
                                : 0.0;
        },
        "skewed");
  }();
  return c;
}

inline std::vector<Mat3> cubic_group() {
  std::vector<Mat3> ops;
  int perm[3] = {0, 1, 2};
  do {
    for (int s = 0; s < 8; ++s) {
      Mat3 p = Mat3::Zero();
      for (int i = 0; i < 3; ++i)
        p(i, perm[i]) = (s >> i & 1) ? -1.0 : 1.0;
      ops.push_back(p);
    }
  } while (std::next_permutation(perm, perm + 3));
  return ops;
}

} // namespace ionbath::crystal::support
