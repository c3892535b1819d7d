#pragma once
// Brillouin-zone cosine averages <F(q) cos(q·L)>_BZ of a per-q symmetric 3×3 function F for all
// separations |L|∞ ≤ range at once (physics.md §1.6, "recommended C++ method"): F sampled on a
// regular grid, one real-to-complex FFT per tensor component, Richardson extrapolation in the grid
// spacing. Used for the static response W(0) (§1.6) and the thermal covariance C(0) (§1.8).
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/crystal/static_response.hpp"

#include <array>
#include <cstddef>
#include <functional>
#include <span>

namespace ionbath::crystal {

// F(q, Φ(q)) → symmetric 3×3 matrix; q reduced, Φ(q) = m D(q) in meV/Å² (handed over so F need not
// recompute it). F must be even, F(-q) = F(q), as every function of D(q) is.
using ZoneFunction = std::function<Mat3(const Vec3 &q, const Mat3 &phi)>;

// The six independent components of F are stored on the grid in FFTW's padded in-place layout,
// 48 N1 N2 (N3 + 2) bytes in total (≈ 100 MB for 128³). Requests above this limit (about 320³)
// throw std::invalid_argument.
inline constexpr std::size_t kMaxZoneGridBytes = std::size_t(8) << 30; // = io max_grid_memory_bytes

// (1/N) Σ_q F(q) cos(q·L), N = N1 N2 N3, on the grid q_j = 2π (n_j + s)/N_j with s = ½
// (half_shifted; never hits Γ) or s = 0 (the grid of an N1×N2×N3 periodic lattice, physics.md §1.3;
// the Γ point is dropped unless the crystal is confined). Separations are taken modulo the grid
// (periodic images). The result is
// the plain grid sum: error_estimate = 0.
StaticResponseTable zone_grid_average(const Crystal &crystal, GridShape grid, bool half_shifted,
                                      int range, const ZoneFunction &f);

// Continuum average <F(q) cos(q·L)>_BZ for F with an integrable singularity at Γ. The half-shifted
// grid sum has an error expansion Σ_p c_p h^p, h = 2π/N, whose orders p follow from the homogeneous
// degrees k of the terms of F at Γ: p = 3 + k (Lyness). Φ(q)^{-1} has k = -2, 0, 2, … → p = 1, 3,
// 5; D^{-1/2} (zero-point motion) has k = -1, 1, … → p = 2, 4. Richardson extrapolation over the
// grids N, N/2, …, N/2^K (K = error_orders.size()) cancels the listed orders; the coefficients
// c_p grow with |L| (roughly as |L|^{p-1}), so large separations need fine grids.
// error_estimate = max over elements of |R_K(N) - R_{K-1}(N)|, the change from cancelling the last
// listed order: it estimates the error of the less extrapolated value and so bounds that of R_K.
// The estimate is asymptotic: for the paper lattice it bounds the true error from a coarsest grid
// N/2^K of 6³ on (checked against cubature for |L| ≤ 7), hence the requirement below.
// grid_n must be a multiple of 2^K and at least 8·2^K (64 for three orders).
// A confined crystal (no zero modes) has an analytic integrand: the plain half-shifted sum on
// grid_n³ is returned, error_estimate = its largest change from the (grid_n/2)³ sum.
inline constexpr std::array<int, 3> kInverseForceConstantOrders{1, 3, 5};
StaticResponseTable zone_average(const Crystal &crystal, int grid_n, int range,
                                 const ZoneFunction &f,
                                 std::span<const int> error_orders = kInverseForceConstantOrders);

// Crystals with a basis (physics.md §12.3): averages of functions of D(q) through its branches,
//   F_bb'(q) = Σ_u w(Ω_u²) M^{-1/2} e_u e_u^† M^{-1/2},  result_bb'(L) = <F_bb'(q) e^{-iq·x}>_BZ,
// x = L + f_b' − f_b the separation of atom (n + L, b') from (n, b) in lattice coordinates (the
// inverse of the §12.2 transform). w maps Ω² (rad²/time²) to the branch weight (1/Ω² gives the
// static response); the zero modes at Γ of an unconfined crystal get none. The result is real.
using ModeWeight = std::function<double(double omega2)>;

// The plain grid sum (half-shifted or the grid of a periodic lattice), like zone_grid_average;
// grid axes of one point carry no phase. Components are held 9 n_b × (rows per pass) at a time
// within kMaxZoneGridBytes.
StaticResponseTable mode_zone_grid_average(const Crystal &crystal, GridShape grid,
                                           bool half_shifted, int range, const ModeWeight &w);

// Continuum average with Richardson extrapolation over grid, grid/2, …, grid/2^K (all axes
// halved), error orders and error_estimate as zone_average. Every N_i must be a multiple of 2^K and
// the coarsest grid must hold at least 8³ wave vectors per atom of the cell (n_b Π N_i ≥ (8·2^K)³;
// a 2×2×2 supercell on 32³ has the accuracy of its primitive crystal on 64³). Confined crystals:
// the plain half-shifted sum, as zone_average.
StaticResponseTable
mode_zone_average(const Crystal &crystal, GridShape grid, int range, const ModeWeight &w,
                  std::span<const int> error_orders = kInverseForceConstantOrders);

} // namespace ionbath::crystal
