#pragma once
// Phonon modes on the Brillouin-zone grid of an N1×N2×N3 periodic lattice (physics.md §1.3):
// q = 2π (n1/N1, n2/N2, n3/N3), n_i = 0..N_i-1, with the single point q = 0 dropped.
// Global mode index j = 3 (p - 1) + u, where p = n1 + N1 (n2 + N2 n3) is the grid point (p = 0 is
// Γ) and u = 0,1,2 the branch in ascending frequency. A ModeSet holds a contiguous slice of j, so
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

  static std::int64_t total_modes(const GridShape &grid) { return 3 * (grid_points(grid) - 1); }

  const GridShape &grid() const { return grid_; }
  std::int64_t n_cells() const { return grid_points(grid_); } // N in the 1/sqrt(N m) normalization
  std::int64_t first_mode() const { return first_; }
  std::int64_t size() const { return static_cast<std::int64_t>(omega_.size()); }

  double omega(std::int64_t local) const { return omega_[local]; }          // rad/ps
  const Vec3 &eta(std::int64_t local) const { return eta_[local]; }         // polarization
  const Cell &q_index(std::int64_t local) const { return q_index_[local]; } // grid integers n
  Vec3 q(std::int64_t local) const;                                         // reduced q
  const std::vector<double> &omegas() const { return omega_; }

  double mass() const { return mass_; }

private:
  void build(const Crystal &crystal);
  GridShape grid_;
  std::int64_t first_, last_;
  double mass_;
  std::vector<double> omega_;
  std::vector<Vec3> eta_;
  std::vector<Cell> q_index_;
};

} // namespace ionbath::crystal
