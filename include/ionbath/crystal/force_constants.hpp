#pragma once
// Crystals from force constants given on a periodic supercell (physics.md §12.1, §12.2), e.g. the
// ones phonopy writes (io/phonopy.hpp reads them into this plain struct). Pure computation.
//
// The supercell has lattice vectors N_i a_i (a diagonal supercell matrix) and holds every atom
// (L, b) of the N1×N2×N3 cells once, at A L + τ_b up to a supercell translation. Its force
// constants Φ_{iα,jβ} = ∂²E/∂u_{iα}∂u_{jβ} couple atom i to atom j and all of j's periodic images
// at once; the infinite crystal gets, for each pair (b, b') and each supercell atom j of basis b',
// the block Φ_{r_b, j} on the shortest image(s) of r_j − r_b among the supercell translations,
// divided by their number (the multiplicity; phonopy's convention, dynamical_matrix.py). Without
// that folding finite-supercell phonons are wrong away from the supercell's commensurate q.
#include "ionbath/crystal/crystal.hpp"

#include <string>
#include <vector>

namespace ionbath::crystal {

struct SupercellForceConstants {
  Mat3 cell_vectors_A = Mat3::Identity(); // columns a1, a2, a3 of the primitive (= unit) cell
  std::vector<BasisAtom> basis;           // τ_b (Cartesian Å), mass (meV ps²/Å²), species
  GridShape multiplier{1, 1, 1};          // supercell lattice vectors N_i a_i
  std::vector<BasisAtom> supercell_atoms; // Cartesian Å, mass and species of every supercell atom
  // Row of each basis atom b: the supercell atom whose couplings Φ_{i,j} define the bonds of b
  // (phonopy's p2s_map; it must be an atom of basis b). Empty: the first supercell atom of each b.
  std::vector<int> representatives;
  // Φ_{iα,jβ} in the crystal's energy/length² (meV/Å²): 3n × 3n, row 3i + α, column 3j + β.
  Eigen::MatrixXd phi;
};

// Where supercell atom i sits: r_i = A cell[i] + τ_basis[i] (cell[i] as the position gives it, not
// wrapped into 0 … N_k − 1).
struct SupercellAtomMap {
  std::vector<Cell> cell;
  std::vector<int> basis;
  GridShape multiplier{1, 1, 1};
  std::vector<int> atom_at_slot; // slot (L mod N, b) → supercell atom
  // The supercell atom of basis atom b in cell L (modulo the supercell).
  int atom(const Cell &L, int b) const;
};

// Maps every supercell atom onto (L, b) within tolerance_A of a lattice translate of τ_b. An atom
// that matches no basis atom (or two), a cell slot filled twice or left empty, a mass or species
// that differs from its basis atom's: InputError naming the supercell atom (1-based, as in
// phonopy's files).
SupercellAtomMap map_supercell_atoms(const SupercellForceConstants &fc, double tolerance_A = 1e-5);

// Integer supercell translations T (in units of the supercell lattice vectors) that make
// |v + S T| shortest, all those within symprec_A of the minimum (phonopy: length − min < symprec),
// S = the supercell lattice vectors as columns. The search is exhaustive over the box that can hold
// a shorter image, so skewed supercells need no reduction.
std::vector<Cell> shortest_images(const Vec3 &v_A, const Mat3 &supercell_vectors_A,
                                  double symprec_A = 1e-5);

// The folded bond list Φ_{bb'}(L) of the infinite crystal (physics.md §12.2), one bond per
// shortest image with Φ/multiplicity, self terms included (the Crystal replaces them by the sum
// rule and reports the difference). Pairs whose blocks are both exactly zero are left out.
std::vector<Bond> folded_bonds(const SupercellForceConstants &fc, double symprec_A = 1e-5);

// The primitive-cell crystal of these force constants (energies in the unit system's internal
// units). The Crystal symmetrizes Φ_bb'(L) = Φ_b'b(−L)ᵀ (symmetry_correction()) and imposes the
// acoustic sum rule (sum_rule_correction()).
Crystal crystal_from_supercell(const SupercellForceConstants &fc, std::string name,
                               double symprec_A = 1e-5,
                               units::UnitSystem units = units::physical_units());

} // namespace ionbath::crystal
