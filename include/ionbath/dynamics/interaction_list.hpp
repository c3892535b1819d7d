#pragma once
// The framework atoms S the mobile particle interacts with (physics.md §3.2, §4.1), one
// vocabulary for the time-local and the full-lattice integrators.
#include "ionbath/core/types.hpp"

#include <array>
#include <cmath>
#include <span>
#include <vector>

namespace ionbath::dynamics {

// The anchor cell p = ⌈A⁻¹R⌉ (componentwise ceiling, on the unwrapped R): the cell whose far
// corner is nearest R, i.e. R lies in the cell spanned by the corners p − 1 … p
// (physics.md §3.2, §4.1). Inline: every caller keeps its own floating-point contraction.
inline Cell anchor_cell(const Mat3 &inverse_lattice_vectors, const Vec3 &R) {
  const Vec3 f = inverse_lattice_vectors * R;
  return {static_cast<int>(std::ceil(f.x())), static_cast<int>(std::ceil(f.y())),
          static_cast<int>(std::ceil(f.z()))};
}

// Which atoms S the particle interacts with:
//  * fixed: the atoms (n, b) given, at all times (e.g. 8 collinear atoms, physics.md §4.3 (b));
//  * moving corners of extent e: n_j ∈ [p_j − e, p_j + e − 1] around the anchor cell p of R
//    (e = 1: the 8 corners of the cell holding R, physics.md §3.2);
//  * cutoff: every atom closer to R than a radius (the potential is cut, not shifted).
// When a moving list is chosen (once per step or at every stage) and how separations are taken
// (literally, or by minimum image on a periodic lattice) is the integrator's.
class InteractionList {
public:
  enum class Kind { fixed, corners, cutoff };

  InteractionList() = default; // the 8 corners
  // basis: the basis atom of each site (empty: atom 0 of every cell).
  static InteractionList fixed(std::vector<Cell> sites, std::vector<int> basis = {});
  static InteractionList corners(int extent = 1);
  static InteractionList cutoff(double radius_A);

  Kind kind() const { return kind_; }
  bool moving() const { return kind_ != Kind::fixed; }
  const std::vector<Cell> &sites() const { return sites_; } // fixed list
  const std::vector<int> &basis() const { return basis_; }  // fixed list; may be empty
  int basis_of(std::size_t i) const { return basis_.empty() ? 0 : basis_[i]; }
  int extent() const { return extent_; }        // corners
  double radius_A() const { return radius_A_; } // cutoff

  // Half-widths e_j of the box of cells n_j ∈ [p_j − e_j, p_j + e_j − 1] around an anchor p that
  // a moving list may hold: the extent for the corners; for the cutoff ⌈radius |row_j(A⁻¹)|⌉ + 2
  // (one cell of margin for displacements). Zero for a fixed list.
  std::array<int, 3> box(const Mat3 &inverse_lattice_vectors) const;
  // The box's offsets n − p, z slowest, x fastest (the lattice DOF order).
  std::vector<Cell> box_offsets(const Mat3 &inverse_lattice_vectors) const;
  // Planes n3 (wrapped into [0, n3)) of the atoms the list may hold with the particle at R,
  // sorted, unique. tau: the basis positions τ_b (the cutoff's sublattice b is anchored at
  // ⌈A⁻¹(R − τ_b)⌉; the corners at ⌈A⁻¹R⌉).
  std::vector<int> planes_touched(const Mat3 &inverse_lattice_vectors, std::span<const Vec3> tau,
                                  const Vec3 &R, int n3) const;
  // Upper bound of the number of consecutive planes (periodic) the lists at two particle
  // positions less than a cell apart touch together.
  int plane_span(const Mat3 &inverse_lattice_vectors, std::span<const Vec3> tau, int n3) const;

private:
  Kind kind_ = Kind::corners;
  std::vector<Cell> sites_;
  std::vector<int> basis_;
  int extent_ = 1;
  double radius_A_ = 0;
};

} // namespace ionbath::dynamics
