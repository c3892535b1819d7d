#pragma once
// The default starting site of a mobile ion in a general crystal (physics.md §12.3): the point of
// the cell farthest from every framework atom, the centre of the largest empty sphere.
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"

namespace ionbath::crystal {

struct InterstitialSite {
  Vec3 fraction = Vec3::Zero(); // of the lattice vectors, each in [0, 1)
  double clearance_A = 0;       // distance to the nearest framework atom at equilibrium
};

// Searched on the grid of n³ fractional points k/n (n even, so the cell centre ½(1, 1, 1) is one;
// the first of equivalent points in x-fastest order), over the atoms of the 5³ cells around the
// cell. The simple cubic lattice gives its cell centre. Throws std::invalid_argument for odd or
// non-positive n.
InterstitialSite farthest_point_from_atoms(const Crystal &crystal, int n = 48);

} // namespace ionbath::crystal
