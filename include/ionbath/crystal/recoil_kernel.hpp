#pragma once
// The recoil kernel W_L(t) (seed 002 Eqs. 10, 22; physics.md §1.6), Å²/meV.
#include "ionbath/crystal/crystal.hpp"

#include <span>
#include <vector>

namespace ionbath::crystal {

// W_L(t) = (1/m) <D(q)^{-1} cos(√D(q) t) cos(q·L)>_BZ for each t in times_ps, split as
//   W_L(t) = W_L(0) - (t²/2m) <Σ_u η_u η_uᵀ sinc²(Ω_u t/2) cos(q·L)>_BZ,
// using cos(Ωt) - 1 = -2 sin²(Ωt/2). The first term carries the whole Γ singularity and comes from
// static_response_fft(crystal, grid_n); the second is an entire function of D(q), hence analytic
// and periodic in q, and the plain grid_n³ grid sum (Γ included) converges exponentially. That sum
// is the kernel of a periodic grid_n³ lattice, so grid_n must exceed the distance the fastest sound
// travels, about 2 v_max t / a + |L| cells (64 suffices for the paper lattice up to t = 2 ps).
// grid_n must be a multiple of 8 and ≥ 64. Cost: grid_n³ 3×3 eigendecompositions plus O(grid_n³ ×
// times).
std::vector<Mat3> recoil_kernel(const Crystal &crystal, const Cell &L,
                                std::span<const double> times_ps, int grid_n = 64);

// Any crystal (physics.md §12.3): the kernel between atoms (n, b) and (n + L, b'), the same split
// with the branch sum of mode_zone_average's convention; W_bb'(L, 0) from static_response_fft on
// grid_n³ (rules there), the dynamic part the plain grid_n³ sum.
std::vector<Mat3> recoil_kernel(const Crystal &crystal, int b, const Cell &L, int b2,
                                std::span<const double> times_ps, int grid_n = 64);

} // namespace ionbath::crystal
