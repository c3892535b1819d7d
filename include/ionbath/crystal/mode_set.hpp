#pragma once
// Phonon modes on the Brillouin-zone grid of an N1×N2×N3 periodic lattice (physics.md §1.3, §12.2):
// q = 2π (n1/N1, n2/N2, n3/N3), n_i = 0..N_i-1, with 3 n_b branches per point. At Γ exactly the
// zero modes are dropped: the three uniform translations of an unconfined crystal, none of a
// confined one (z = crystal.zero_modes_at_gamma()).
// Global mode index j = 3 n_b p + u − z, where p = n1 + N1 (n2 + N2 n3) is the grid point (p = 0 is
// Γ, where u runs from z) and u = 0 … 3 n_b − 1 the branch in ascending frequency; for one
// unconfined atom per cell this is j = 3 (p − 1) + u. A ModeSet holds a contiguous slice of j, so
// ranks can partition the modes without communication.
#include "ionbath/crystal/dynamical_matrix.hpp"

#include <cstdint>
#include <vector>

namespace ionbath::crystal {

class ModeSet {
public:
  // All modes of the grid.
  ModeSet(const Crystal &crystal, GridShape grid);
  // Modes [first, last) of the global numbering.
  ModeSet(const Crystal &crystal, GridShape grid, std::int64_t first, std::int64_t last);

  // Modes of one unconfined atom per cell (the seeds' cubic lattice).
  static std::int64_t total_modes(const GridShape &grid) { return 3 * (grid_points(grid) - 1); }
  static std::int64_t total_modes(const Crystal &crystal, const GridShape &grid) {
    return 3 * crystal.n_basis() * grid_points(grid) - crystal.zero_modes_at_gamma();
  }

  const GridShape &grid() const { return grid_; }
  // Modes of the whole grid (every slice), 3 n_b N − z.
  std::int64_t total() const { return 3 * n_basis_ * grid_points(grid_) - zero_modes_; }
  std::int64_t n_cells() const { return grid_points(grid_); } // N in the 1/sqrt(N m) normalization
  std::int64_t first_mode() const { return first_; }
  std::int64_t size() const { return static_cast<std::int64_t>(omega_.size()); }
  int n_basis() const { return n_basis_; }
  int branches() const { return 3 * n_basis_; }

  double omega(std::int64_t local) const { return omega_[local]; } // rad per time unit
  // Real polarization of a one-atom crystal's mode (D(q) is real symmetric there).
  const Vec3 &eta(std::int64_t local) const { return eta_[local]; }
  // Polarization e_{b,u}(q) of basis atom b (complex for n_b > 1; Σ_b |e_b|² = 1).
  CVec3 polarization(std::int64_t local, int b) const;
  const Cell &q_index(std::int64_t local) const { return q_index_[local]; } // grid integers n
  int branch(std::int64_t local) const { return branch_[local]; }
  Vec3 q(std::int64_t local) const; // reduced q
  const std::vector<double> &omegas() const { return omega_; }

  // Mass of a one-atom crystal (the 1/√(N m) of the bath); basis_mass(b) for any crystal.
  double mass() const;
  double basis_mass(int b) const { return masses_[static_cast<std::size_t>(b)]; }
  // f_b = τ_b in units of the lattice vectors (the e^{iq·f_b} of the bath, physics.md §12.3).
  const Vec3 &fractional_position(int b) const { return fractions_[static_cast<std::size_t>(b)]; }
  double hbar() const { return hbar_; } // ħ in the crystal's unit system

private:
  void build(const Crystal &crystal);
  void store(std::int64_t j, const Cell &n, int u, double omega2, const Crystal &crystal);
  GridShape grid_;
  std::int64_t first_, last_;
  int n_basis_, zero_modes_;
  std::vector<double> masses_;
  std::vector<Vec3> fractions_;
  double hbar_;
  std::vector<double> omega_;
  std::vector<Vec3> eta_;           // one-atom crystals
  std::vector<CVec3> polarization_; // n_b > 1: [local · n_b + b]
  std::vector<Cell> q_index_;
  std::vector<int> branch_;
};

} // namespace ionbath::crystal
