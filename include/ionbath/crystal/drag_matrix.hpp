#pragma once
// The time-local drag matrix 𝓛 (seed 002 Eq. 15) and seed 001's loss matrix ℳ (seed 001 Eq. 23),
// physics.md §1.7.
#include "ionbath/crystal/crystal.hpp"

namespace ionbath::crystal {

// 𝓛 = (1/16π²ρ) ∮ dΩ D1(n̂)^{-3/2}, ρ = m / V_cell, in ps Å²/meV (physics.md §1.7 boxed equation).
// Adaptive cubature (hcubature) over (θ, φ) ∈ [0,π]×[0,2π] with integrand D1(n̂)^{-3/2} sinθ, the
// matrix power taken through the symmetric eigendecomposition (no eigenvector degeneracy issues).
// rel_tol is relative to the Frobenius norm of 𝓛.
Mat3 drag_matrix(const Crystal &crystal, double rel_tol = 1e-9);

// The same integral by a fixed product rule: Gauss–Legendre in cosθ (n_theta nodes, dΩ = d cosθ dφ)
// times Gauss–Legendre in φ on [0, 2π] (n_phi nodes). 100 × 200 converges to ~9 digits (§1.7).
Mat3 drag_matrix_gauss_legendre(const Crystal &crystal, int n_theta = 100, int n_phi = 200);

// Seed 001's loss matrix in its dimensionless units (physics.md §1.7): ℳ = (1/32π³) ∮ dΩ
// S(n̂)^{-3/2} with S the small-q matrix without a²/m, S = m D1(n̂)/a², a³ = V_cell/n_b = 1/ρ. The
// crystal must be given in those units (every mass 1, force constants in units of K; any a, which
// cancels); a mass other than 1 throws std::invalid_argument. Conversion: 𝓛_phys = 2π ℳ √m /
// K^{3/2}; ℳ = 𝓛/2π in the seed units, so a supercell description gives the same ℳ.
Mat3 loss_matrix_dimensionless(const Crystal &dimensionless_crystal, double rel_tol = 1e-9);

} // namespace ionbath::crystal
