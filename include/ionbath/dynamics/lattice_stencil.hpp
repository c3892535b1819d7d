#pragma once
// Matrix-free framework force −V r on an N1×N2×N3 periodic lattice of cells with n_b atoms each
// (physics.md §1.1, §4.1, §12.1): (V r)_{n,b} = Φ_bb(0) r_{n,b} + Σ_{L,b'} Φ_{bb'}(L) r_{n+L,b'},
// neighbour labels wrapped periodically; V is never assembled. A line is the N1 cells with fixed
// (n2, n3), line index n2 + N2 n3.
//
// The stencil reads a padded field: 3 n_b component arrays, component c of basis atom b at
// (3b + c) · padded_sites() doubles, in which the lattice is surrounded by halo()[a] ghost cells on
// both sides of axis a holding the periodic images (fill_halo). Every neighbour of a site is then
// at a fixed offset, so one branch-free vector loop serves every site of every line.
#include "ionbath/crystal/crystal.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace ionbath::dynamics {

using FieldView = std::array<double *, 3>;            // mutable x, y, z component arrays
using ConstFieldView = std::array<const double *, 3>; // read-only x, y, z component arrays

// Which line kernel sweeps the lattice: automatic takes the kernel written for the simple-cubic
// nearest/next-nearest bond set when the blocks are exactly of that form (physics.md §1.1), else
// the generic one, which serves any bond list.
enum class StencilKernel { automatic, generic };

class LatticeStencil {
public:
  // scale multiplies every force (1/m gives the acceleration, ps⁻²).
  LatticeStencil(const crystal::Crystal &crystal, GridShape lattice, double scale = 1.0,
                 StencilKernel kernel = StencilKernel::automatic);
  // atom_scale[b] multiplies the forces on basis atom b (1/m_b: accelerations), n_b values.
  LatticeStencil(const crystal::Crystal &crystal, GridShape lattice,
                 const std::vector<double> &atom_scale,
                 StencilKernel kernel = StencilKernel::automatic);
  // True when the simple-cubic kernel sweeps the lines.
  bool cubic_kernel() const { return cubic_sweep_ != nullptr; }

  const GridShape &lattice() const { return n_; }
  std::int64_t sites() const { return grid_points(n_); } // cells
  int n_basis() const { return n_basis_; }
  // Component arrays of a padded field (3 n_b).
  int components() const { return 3 * n_basis_; }
  int lines() const { return n_[1] * n_[2]; }
  int line_length() const { return n_[0]; }
  // Nonzero 3×3 entries per cell (the multiply–adds of one cell update).
  int entries_per_site() const;

  // Padded layout: ghost width per axis, doubles per component array (lattice, ghosts and a tail
  // the vector loop may read past the last line), and the index of site (n1, n2, n3) with
  // −halo ≤ n_a < N_a + halo.
  const std::array<int, 3> &halo() const { return halo_; }
  std::int64_t padded_sites() const { return padded_sites_; }
  std::int64_t padded_index(int n1, int n2, int n3) const {
    return (n1 + lead_) + stride_[1] * (n2 + halo_[1]) + stride_[2] * (n3 + halo_[2]);
  }
  // Doubles between consecutive lines of one plane in a padded field.
  std::int64_t row_stride() const { return stride_[1]; }
  // A padded plane (the plane's lines with their ghost sites and its ghost lines) holds
  // plane_stride() doubles per component; plane n3 = z of a padded field starts at
  // plane_offset(z), and site (n1, n2) at in_plane_index(n1, n2) from the start of its plane.
  std::int64_t plane_stride() const { return stride_[2]; }
  std::int64_t plane_offset(int z) const { return stride_[2] * (z + halo_[2]); }
  std::int64_t in_plane_index(int n1, int n2) const {
    return (n1 + lead_) + stride_[1] * (n2 + halo_[1]);
  }
  // True when plane_lines() reads the neighbouring planes wherever they are stored (the
  // simple-cubic kernel); the generic kernel reads them at fixed offsets inside a padded field.
  bool reads_planes_anywhere() const { return cubic_kernel(); }
  // Padded index of the first site of a line; its N1 sites follow contiguously.
  std::int64_t line_start(int line) const { return padded_index(0, line % n_[1], line / n_[1]); }
  // Copies the periodic images of the lattice sites of `field` (components() · padded_sites()
  // doubles, component k at k · padded_sites()) into its ghost cells.
  void fill_halo(double *field) const;
  // The same for the lattice plane n3 = z alone: its ghost sites and lines, and its periodic
  // images among the ghost planes.
  void fill_plane_halo(double *field, int z) const;
  // The ghost sites and ghost lines of one padded plane stored at `plane` (its components()
  // components component_stride doubles apart), wherever it is stored.
  void fill_plane_ghosts(double *plane, std::int64_t component_stride) const;

  // Doubles per component that line() writes (N1 rounded up to the block of the vector loop).
  int line_buffer_length() const { return (n_[0] + block_ - 1) / block_ * block_; }
  // out[c][x] = scale · (−V r)_c at site x of the line, x = 0..N1−1, from the padded field r with
  // filled ghosts; out[c] must hold line_buffer_length() doubles (entries past N1 are scratch).
  // The line of a padded field (from line_start) qualifies: its overhang lands in the ghosts of
  // the same row. With n_b > 1, component c of basis atom b goes to out[c] + b · out_atom.
  void line(int line, const double *r, FieldView out, std::int64_t out_atom = 0) const;
  // line() for the `count` consecutive lines first, first + 1, … of one plane (n3 equal), line
  // first + l written at out[c] + l · out_row (+ b · out_atom).
  void lines(int first, int count, const double *r, FieldView out, std::int64_t out_row,
             std::int64_t out_atom = 0) const;
  // lines() for the `count` lines n2 = first_row, first_row + 1, … of a plane whose padded plane
  // starts at `center`, components component_stride doubles apart. The simple-cubic kernel reads
  // the planes n3 ∓ 1 at `below` and `above` (same layout, anywhere in the same allocation); the
  // generic kernel needs a padded field with filled ghost planes (component_stride =
  // padded_sites()) and reads its neighbouring planes at fixed offsets from `center`.
  void plane_lines(int first_row, int count, const double *below, const double *center,
                   const double *above, std::int64_t component_stride, FieldView out,
                   std::int64_t out_row, std::int64_t out_atom = 0) const;
  // out = scale · (−V r) on the whole lattice of a one-atom crystal for plain component arrays of
  // sites() doubles (out must not alias r); `threads` OpenMP threads over lines (ignored without
  // OpenMP).
  void apply(ConstFieldView r, FieldView out, int threads = 1) const;
  // The same for any n_b in DOF order 3 (n_b lin(n) + b) + c (3 n_b sites() values each).
  void apply_dof(std::span<const double> r, std::span<double> out, int threads = 1) const;

private:
  using LineStore = std::function<void(int line, const double *scratch, int buffer)>;
  void sweep_padded(const double *source, int threads, const LineStore &store) const;

  // Output component 3b + i gets Σ value · (r[near] + r[far]) over its pairs (two entries of
  // equal value: on one-atom crystals those of d and −d, equal whenever Φ_d is symmetric; with a
  // basis any two) plus Σ value · r[near] over its single entries; near and far are padded-field
  // offsets from the output site (source component 3b' + j included).
  struct Terms {
    int pairs = 0;
    std::vector<std::int64_t> near, far; // far: pairs only
    std::vector<double> value;
  };

  // One nonzero entry scale_b · (−Φ_{bb'}(L))_{αβ}: output component i = 3b + α, source
  // component j = 3b' + β at cell n + L.
  struct Entry {
    Cell offset;
    int i, j;
    double value;
  };
  void set_terms(const std::vector<Entry> &entries); // pairs the entries into terms_

  GridShape n_;
  int n_basis_ = 1;
  std::array<int, 3> halo_{};
  int lead_ = 0; // padded-row slots before site 0 (halo_[0] rounded up to a four-double vector)
  std::array<std::int64_t, 3> stride_{};
  std::int64_t padded_sites_ = 0;
  int block_ = 4; // sites per block of the vector loop
  void (*sweep_)(int, int, const double *, std::int64_t, int, int, const std::int64_t *,
                 const std::int64_t *, const double *, double *, std::int64_t) = nullptr;
  std::vector<Terms> terms_; // per output component 3b + i
  void (*cubic_sweep_)(int, int, const double *, std::int64_t, std::int64_t, std::int64_t,
                       std::int64_t, const std::array<double, 3> &, FieldView,
                       std::int64_t) = nullptr;
  std::array<double, 3> cubic_values_{}; // scaled c0, k, h of the simple-cubic kernel
};

} // namespace ionbath::dynamics
