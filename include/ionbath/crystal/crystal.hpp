#pragma once
// A Bravais lattice with harmonic force constants (physics.md §1.1).
// Today: one atom per cell. The representation (lattice vectors + list of bond blocks Φ_d) is the
// one other tools' force constants map onto; several atoms per cell add a basis index to Bond.
#include "ionbath/core/types.hpp"

#include <functional>
#include <string>
#include <vector>

namespace ionbath::crystal {

// Force-constant block coupling atom n to atom n + offset (offset ≠ 0), meV/Å².
struct Bond {
  Cell offset;
  Mat3 phi;
};

class Crystal {
public:
  // lattice_vectors_A: columns are the primitive vectors a1, a2, a3 in Å.
  // bonds: every Φ_d with d ≠ 0; must contain -d with Φ_{-d} = Φ_d^T (checked).
  Crystal(Mat3 lattice_vectors_A, double mass, std::vector<Bond> bonds, std::string name);

  // Linearized central springs (seed 001 Eq. 18) to the 26 neighbouring cells d ∈ [-1,1]³ \ 0 with
  // constant spring(d) (0: no bond); spring must be even, spring(-d) = spring(d).
  static Crystal central_springs(const Mat3 &lattice_vectors_A, double mass,
                                 const std::function<double(const Cell &)> &spring,
                                 std::string name);
  // Simple cubic lattice with linearized nearest (k1) and next-nearest (k2) springs (seed 001 Eq.
  // 18).
  static Crystal simple_cubic(double a_A, double mass, double k1, double k2);

  const Mat3 &lattice_vectors() const { return lattice_vectors_; }
  double mass() const { return mass_; }
  const std::vector<Bond> &bonds() const { return bonds_; }
  const std::string &name() const { return name_; }

  // Φ_0 = -Σ_d Φ_d (acoustic sum rule).
  const Mat3 &onsite_block() const { return onsite_; }
  double cell_volume_A3() const { return std::abs(lattice_vectors_.determinant()); }
  double density() const { return mass_ / cell_volume_A3(); } // ρ = m / V_cell
  Vec3 equilibrium_position(const Cell &n) const { return lattice_vectors_ * n.cast<double>(); }
  // Largest |d_i| over all bonds (stencil half-width per axis).
  int stencil_reach() const;

private:
  Mat3 lattice_vectors_;
  double mass_;
  std::vector<Bond> bonds_;
  Mat3 onsite_;
  std::string name_;
};

// Linearized central spring k between atoms separated by the physical vector X: Φ = -k X̂ X̂ᵀ.
Mat3 central_spring_block(const Vec3 &bond_vector, double k);

} // namespace ionbath::crystal
