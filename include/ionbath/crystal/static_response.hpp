#pragma once
// Static response blocks W_L(0) = <Φ(q)^{-1} cos(q·L)>_BZ (seed 002 Eq. 22 at t = 0; physics.md
// §1.6), the pair blocks of V^{-1}, for every separation L with |L|∞ ≤ range. Units Å²/meV.
#include "ionbath/core/types.hpp"
#include "ionbath/crystal/crystal.hpp"

#include <stdexcept>
#include <vector>

namespace ionbath::crystal {

struct StaticResponseTable {
  int range = 0; // blocks stored for |L_i| ≤ range
  std::vector<Mat3>
      blocks; // (2 range + 1)^3 blocks, index ((Lz+r)*(2r+1) + (Ly+r))*(2r+1) + (Lx+r)
  double error_estimate = 0; // estimated max absolute error of any element, Å²/meV

  static std::size_t index(const Cell &L, int range) {
    const int w = 2 * range + 1;
    return (static_cast<std::size_t>(L.z() + range) * w + (L.y() + range)) * w + (L.x() + range);
  }
  bool contains(const Cell &L) const { return L.cwiseAbs().maxCoeff() <= range; }
  const Mat3 &operator()(const Cell &L) const {
    if (!contains(L))
      throw std::out_of_range("StaticResponseTable: separation outside the stored range");
    return blocks[index(L, range)];
  }
};

// Continuum W_L(0) for all |L|∞ ≤ range (physics.md §1.6, recommended method): Φ(q)^{-1} on the
// half-shifted grids N, N/2, N/4, N/8 (N = grid_n, a multiple of 8, ≥ 64), FFT, Richardson
// cancelling the O(h), O(h³), O(h⁵) errors (zone_average). Accuracy against converged cubature for
// the paper lattice: 160 → ≤ 1.1e-4 relative for |L| ≤ 7 (the worst element is W_(0,0,7),xx; |L| ≤
// 2 are better than 1e-7), 128 → ≤ 4e-4. Time ≈ 0.8 s for 160, 0.4 s for 128. Blocks are symmetric;
// error_estimate as documented at zone_average.
StaticResponseTable static_response_fft(const Crystal &crystal, int grid_n = 160, int range = 7);

// One continuum block W_L(0) by adaptive cubature (libcubature hcubature, Genz–Malik), an
// independent check of static_response_fft (physics.md §1.6 alternative). The zone [-π,π]³ is
// folded onto the octant [0,π]³ (Γ a corner), which is split into three pyramids with the Duffy
// map q = π u (1, v, w) (and permutations); the Jacobian π³u² cancels the 1/q² singularity.
Mat3 static_response_cubature(const Crystal &crystal, const Cell &L, double rel_tol = 1e-8);

// Exact blocks of the pseudo-inverse of V on an N1×N2×N3 periodic lattice (physics.md §1.9 fact 7):
// (1/N) Σ_{q≠0} Φ(q)^{-1} cos(q·L) over the lattice's own grid (§1.3). L is taken modulo the
// lattice. error_estimate = 0.
StaticResponseTable static_response_periodic(const Crystal &crystal, GridShape lattice,
                                             int range = 7);

} // namespace ionbath::crystal
