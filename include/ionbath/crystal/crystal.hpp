#pragma once
// A crystal: lattice vectors, a basis of atoms, harmonic force-constant blocks between them and
// optional on-site confinement (physics.md §1.1, §12.1). One atom per cell (the seeds' cubic
// lattice, the chains of seeds 001 and 003) is the special case n_b = 1 with the atom at the
// origin; several atoms per cell come from builders (rocksalt, supercells) or force-constant files.
#include "ionbath/core/types.hpp"
#include "ionbath/core/unit_system.hpp"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace ionbath::crystal {

// Force-constant block Φ_{from,to}(offset) coupling atom (n, from) to atom (n + offset, to), in
// energy/length² (meV/Å² physically). Blocks with offset = 0 and from = to are self terms; they are
// replaced by the acoustic sum rule (the difference is reported).
struct Bond {
  Cell offset;
  Mat3 phi;
  int from = 0;
  int to = 0;
};

struct BasisAtom {
  Vec3 position = Vec3::Zero(); // τ_b, Cartesian (Å)
  double mass = 0;              // meV ps²/Å² (1 in the seed unit systems)
  std::string species = "X";
};

class Crystal {
public:
  // lattice_vectors_A: columns are the primitive vectors a1, a2, a3.
  // bonds: every Φ_{bb'}(L) except self terms; each needs its partner Φ_{b'b}(−L) ≈ Φ_{bb'}(L)ᵀ.
  // The pair is symmetrized (symmetry_correction() reports the largest change); an asymmetry above
  // 1 % of the largest block, or a missing partner, is an InputError.
  // confinement: empty, or one on-site spring block K_b per basis atom (seeds 001, 003).
  Crystal(Mat3 lattice_vectors_A, std::vector<BasisAtom> basis, std::vector<Bond> bonds,
          std::vector<Mat3> confinement, std::string name,
          units::UnitSystem units = units::physical_units());
  // One atom of the given mass at the origin, no confinement.
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
  const std::vector<BasisAtom> &basis() const { return basis_; }
  int n_basis() const { return static_cast<int>(basis_.size()); }
  const std::vector<Bond> &bonds() const { return bonds_; }
  const std::string &name() const { return name_; }
  const units::UnitSystem &units() const { return units_; }

  // The mass of a one-atom crystal (throws std::logic_error for n_b > 1: use basis()[b].mass).
  double mass() const;
  double total_mass() const; // Σ_b m_b
  // √m_b at every mass-weighted index 3b + α (the M^{1/2} of D = M^{-1/2} Φ M^{-1/2}).
  Eigen::VectorXd sqrt_masses() const;
  // Self term Φ_bb(0) = −Σ' Φ_{bb'}(L) + K_b (acoustic sum rule plus confinement).
  const Mat3 &onsite_block(int b = 0) const { return onsite_[static_cast<std::size_t>(b)]; }
  // K_b (zero without confinement).
  const Mat3 &confinement(int b = 0) const { return confinement_[static_cast<std::size_t>(b)]; }
  bool confined() const { return confined_; }
  // Number of Ω = 0 modes at Γ: the three uniform translations, none when confined.
  int zero_modes_at_gamma() const { return confined_ ? 0 : 3; }
  // Largest element change made by symmetrizing Φ_{bb'}(L) = Φ_{b'b}(−L)ᵀ, and by replacing given
  // self terms with the sum rule.
  double symmetry_correction() const { return symmetry_correction_; }
  double sum_rule_correction() const { return sum_rule_correction_; }

  double cell_volume_A3() const { return std::abs(lattice_vectors_.determinant()); }
  double density() const { return total_mass() / cell_volume_A3(); } // ρ = Σ m_b / V_cell
  Vec3 equilibrium_position(const Cell &n) const { return lattice_vectors_ * n.cast<double>(); }
  Vec3 equilibrium_position(const Cell &n, int b) const {
    return equilibrium_position(n) + basis_[static_cast<std::size_t>(b)].position;
  }
  // τ_b in units of the lattice vectors.
  Vec3 fractional_position(int b) const;
  // Largest |d_i| over all bonds (stencil half-width per axis).
  int stencil_reach() const;
  // Whether any bond spans lattice vector i (a chain's a2, a3 carry none: its zone is 1D).
  std::array<bool, 3> bonded_axes() const;

private:
  void check_basis() const;
  void symmetrize_bonds();
  void impose_sum_rule();

  Mat3 lattice_vectors_;
  std::vector<BasisAtom> basis_;
  std::vector<Bond> bonds_;
  std::vector<Mat3> confinement_, onsite_;
  bool confined_ = false;
  double symmetry_correction_ = 0, sum_rule_correction_ = 0;
  std::string name_;
  units::UnitSystem units_;
};

// Linearized central spring k between atoms separated by the physical vector X: Φ = -k X̂ X̂ᵀ.
Mat3 central_spring_block(const Vec3 &bond_vector, double k);

} // namespace ionbath::crystal
