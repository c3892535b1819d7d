#pragma once
// Static response blocks W_L(0) = <Φ(q)^{-1} cos(q·L)>_BZ (seed 002 Eq. 22 at t = 0; physics.md
// §1.6), the pair blocks of V^{-1}, for every separation L with |L|∞ ≤ range. Units Å²/meV.
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"

#include <stdexcept>
#include <vector>

namespace ionbath::crystal {

// Blocks W_bb'(L) between atom (n, b) and atom (n + L, b') (physics.md §12.3) for |L_i| ≤ range;
// one atom per cell is n_basis = 1 with the layout of the cubic lattice.
struct StaticResponseTable {
  int range = 0; // blocks stored for |L_i| ≤ range
  int n_basis = 1;
  // n_basis² (2 range + 1)³ blocks: pair (b, b') at (b n_basis + b') cells(), cell offset L at
  // index(L, range) = ((Lz+r)*(2r+1) + (Ly+r))*(2r+1) + (Lx+r) within the pair.
  std::vector<Mat3> blocks;
  double error_estimate = 0; // estimated max absolute error of any element, Å²/meV

  static std::size_t index(const Cell &L, int range) {
    const int w = 2 * range + 1;
    return (static_cast<std::size_t>(L.z() + range) * w + (L.y() + range)) * w + (L.x() + range);
  }
  std::size_t cells() const {
    const auto w = static_cast<std::size_t>(2 * range + 1);
    return w * w * w;
  }
  std::size_t index(int b, const Cell &L, int b2) const {
    return static_cast<std::size_t>(b * n_basis + b2) * cells() + index(L, range);
  }
  bool contains(const Cell &L) const { return L.cwiseAbs().maxCoeff() <= range; }
  const Mat3 &operator()(const Cell &L) const { return (*this)(0, L, 0); }
  const Mat3 &operator()(int b, const Cell &L, int b2) const {
    if (!contains(L) || b < 0 || b2 < 0 || b >= n_basis || b2 >= n_basis)
      throw std::out_of_range("StaticResponseTable: block outside the stored range");
    return blocks[index(b, L, b2)];
  }
};

// Continuum W_L(0) for all |L|∞ ≤ range (physics.md §1.6, recommended method): Φ(q)^{-1} on the
// half-shifted grids N, N/2, N/4, N/8 (N = grid_n, a multiple of 8, ≥ 64), FFT, Richardson
// cancelling the O(h), O(h³), O(h⁵) errors (zone_average). Accuracy against converged cubature for
// the paper lattice: 160 → ≤ 1.1e-4 relative for |L| ≤ 7 (the worst element is W_(0,0,7),xx; |L| ≤
// 2 are better than 1e-7), 128 → ≤ 4e-4. Time ≈ 0.8 s for 160, 0.4 s for 128. Blocks are symmetric;
// error_estimate as documented at zone_average.
StaticResponseTable static_response_fft(const Crystal &crystal, int grid_n = 160, int range = 7);
// Any crystal (physics.md §12.3): W_bb'(L) = <e^{-iq·(L + f_b' − f_b)} [Φ(q)^{-1}]_bb'>_BZ with
// Φ(q) = M^{1/2} D(q) M^{1/2} (the inverse of the §12.2 transform), through the branches of D(q) on
// the N1×N2×N3 grids of zone_average (a supercell of N cells on grid/s gives the primitive result).
StaticResponseTable static_response_fft(const Crystal &crystal, GridShape grid, int range);

// One continuum block W_L(0) by adaptive cubature (libcubature hcubature, Genz–Malik), an
// independent check of static_response_fft (physics.md §1.6 alternative). The zone [-π,π]³ is
// folded onto the octant [0,π]³ (Γ a corner), which is split into three pyramids with the Duffy
// map q = π u (1, v, w) (and permutations); the Jacobian π³u² cancels the 1/q² singularity.
Mat3 static_response_cubature(const Crystal &crystal, const Cell &L, double rel_tol = 1e-8);

// Exact blocks of the pseudo-inverse of V on an N1×N2×N3 periodic lattice (physics.md §1.9 fact 7):
// (1/N) Σ_{q≠0} Φ(q)^{-1} cos(q·L) over the lattice's own grid (§1.3). L is taken modulo the
// lattice. error_estimate = 0.
// Any crystal: the zero modes at Γ are dropped (physics.md §12.2), the optical ones kept.
StaticResponseTable static_response_periodic(const Crystal &crystal, GridShape lattice,
                                             int range = 7);

} // namespace ionbath::crystal
