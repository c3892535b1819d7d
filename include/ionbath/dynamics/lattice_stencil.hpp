#pragma once
// Matrix-free framework force −V r on an N1×N2×N3 periodic lattice (physics.md §1.1, §4.1):
// (V r)_n = Φ_0 r_n + Σ_d Φ_d r_{n+d}, neighbour labels wrapped periodically; V is never
// assembled. A field is stored as three component arrays (x, y, z), each indexed by the site
// lin(n) = n1 + N1 (n2 + N2 n3), so that every stencil term is a unit-stride sweep along n1.
// A line is the N1 sites with fixed (n2, n3), line index n2 + N2 n3.
#include "ionbath/crystal/crystal.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace ionbath::dynamics {

using FieldView = std::array<double *, 3>;            // mutable x, y, z component arrays
using ConstFieldView = std::array<const double *, 3>; // read-only x, y, z component arrays

class LatticeStencil {
public:
  // scale multiplies every force (1/m gives the acceleration, ps⁻²).
  LatticeStencil(const crystal::Crystal &crystal, GridShape lattice, double scale = 1.0);

  const GridShape &lattice() const { return n_; }
  std::int64_t sites() const { return grid_points(n_); }
  int lines() const { return n_[1] * n_[2]; }
  int line_length() const { return n_[0]; }
  // Nonzero 3×3 entries per site (the multiply–adds of one site update).
  int entries_per_site() const;

  // out[c][x] = scale · (−V r)_c at site x + N1·line, x = 0..N1−1.
  void line(int line, ConstFieldView r, FieldView out) const;
  // out = scale · (−V r) on the whole lattice (out must not alias r); `threads` OpenMP threads
  // over lines (ignored in a build without OpenMP).
  void apply(ConstFieldView r, FieldView out, int threads = 1) const;

private:
  // Contribution scale·(−Φ_d)_{ij} r_j(n + d) to output component i; `shift` indexes the
  // distinct (d2, d3) line offsets. A paired entry also adds the same value times r_j(n − d)
  // (Φ_{−d} = Φ_dᵀ makes the partner's entry (i, j) equal whenever Φ_d is symmetric).
  struct Entry {
    int shift;
    int dx;
    int component;
    double value;
    int partner_shift = -1; // −1: unpaired
  };
  static constexpr int max_entries = 1024;
  static constexpr int max_reach_x = 8;

  GridShape n_;
  int reach_x_ = 0;
  std::vector<std::array<int, 2>> shifts_;
  std::array<std::vector<Entry>, 3> entries_;
};

} // namespace ionbath::dynamics
