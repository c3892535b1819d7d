#pragma once
// Low-speed, time-local single-pass loss (seed 001 Eqs. 20–23, physics.md §6.4): only long waves
// are excited, the framework drags the particle with −H 𝓛 H Ṙ (H the Hessian of the summed
// interaction, 𝓛 the drag matrix of the crystal), and the loss of a straight pass at speed v is
//   Δ = v ∫_{−∞}^{∞} dz ûᵀ H(σ0 + z û) 𝓛 H(σ0 + z û) û,
// linear in v: Δ/v is the horizontal line of seed 001 Figs. 4–5. Internal units of the crystal
// (seed 001: 𝓛 = ℳ/4π² and H = 4π² H_Φ, so Δ_ħΩ/(σ̇Φ0²) = ∫ ûᵀ H_Φ ℳ H_Φ û with Φ0 = 1).
#include "ionbath/dissipation/pass.hpp"

namespace ionbath::dissipation {

// Δ/v for the atoms at the Cartesian positions sites (internal lengths), drag matrix drag
// (internal units, crystal::drag_matrix), by adaptive Gauss–Kronrod over the whole line.
double low_speed_loss_per_speed(const dynamics::PairPotential &potential,
                                const std::vector<Vec3> &sites, const StraightPath &path,
                                const Mat3 &drag, double rel_tol = 1e-10);

// Closed form for one Gaussian atom at distance s from the path and an isotropic 𝓛 = ℓ I:
// Δ/v = ℓ Φ0² e^{−s²/λ²} √π (2s² + 3λ²) / (4λ⁵) (physics.md §6.4; seed 001 m0 for ℓ).
double gaussian_low_speed_loss_per_speed(double Phi0, double lambda, double offset, double ell);

} // namespace ionbath::dissipation
