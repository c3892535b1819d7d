#pragma once
// Equal-time thermal covariance of the framework motion (seed 002 Eq. 24 at t = 0; physics.md §1.8,
// §2.5 fact 2): displacement C_L(0) = <r_{n+L} r_nᵀ> in Å² and velocity <ṙ_{n+L} ṙ_nᵀ> in Å²/ps².
#include "ionbath/core/statistics.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/static_response.hpp"

namespace ionbath::crystal {

using ionbath::Statistics; // classical: C → kT W(0), velocity → (kT/m) δ_{L0} I

struct ThermalCovarianceTable {
  StaticResponseTable displacement; // Å²
  StaticResponseTable velocity;     // Å²/ps²
};

// Continuum (N → ∞) covariance for all |L|∞ ≤ range (physics.md §1.8):
//   C_L(0) = (ħ/m) <Σ_u η_u η_uᵀ coth(Ω_u/2Ω_T)/(2Ω_u) cos(q·L)>_BZ, velocity: × Ω_u².
// kT_meV = ħΩ_T ≥ 0 (0 = ground state). Both averages by zone_average (half-shifted grids and
// Richardson) with the error orders h, h², h³ of the kT Φ^{-1} (classical) and ħ D^{-1/2}/2m
// (zero-point) singularities at Γ; grid_n must be a multiple of 8 and ≥ 64.
ThermalCovarianceTable thermal_covariance(const Crystal &crystal, double kT_meV, int grid_n = 128,
                                          int range = 0,
                                          Statistics statistics = Statistics::quantum);

// Any crystal (physics.md §12.3): blocks C_bb'(L) = <r_{n,b} r_{n+L,b'}ᵀ> per basis pair (for one
// atom per cell C_L = C_{−L}ᵀ, the form above), the
// branch sums of mode_zone_average on the N1×N2×N3 grids (its rules; a supercell on grid/s has the
// accuracy of its primitive cell on grid).
ThermalCovarianceTable thermal_covariance(const Crystal &crystal, double kT_meV, GridShape grid,
                                          int range, Statistics statistics = Statistics::quantum);

struct CovarianceBlocks {
  Mat3 displacement = Mat3::Zero(); // Å²
  Mat3 velocity = Mat3::Zero();     // Å²/ps²
};

// The covariance a simulation on the ModeSet's grid samples (physics.md §2.5 fact 2): the exact sum
//   (ħ/(N m)) Σ_j η_j η_jᵀ coth(Ω_j/2Ω_T)/(2Ω_j) cos(q_j·L), velocity × Ω_j²,
// over the modes held by `modes` (Γ is never among them), N = number of cells of the grid. For a
// slice of the modes this is the slice's share; the shares of all slices add up to the whole.
CovarianceBlocks mode_covariance(const ModeSet &modes, double kT_meV, const Cell &L = Cell::Zero(),
                                 Statistics statistics = Statistics::quantum);
// The same between atoms (n, b) and (n + L, b') of any crystal (the 3-argument form is b = b' = 0).
CovarianceBlocks mode_covariance(const ModeSet &modes, double kT_meV, int b, const Cell &L, int b2,
                                 Statistics statistics = Statistics::quantum);

} // namespace ionbath::crystal
