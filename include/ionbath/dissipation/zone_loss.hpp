#pragma once
// Single-pass loss as a Brillouin-zone integral (seed 001 Eq. 13, physics.md §6.3), for any crystal
// and any list of framework atoms at rest: each mode (q, u) is forced from rest by the listed atoms
// and absorbs ½|∫F e^{iΩt}dt|², so that
//   Δ = (1/2v²) ⟨ Σ_u | Σ_i e^{−iq·x̃_i − ik c_i} e_{b_i,u}^† g_i / √m_{b_i} |² ⟩_BZ,
//   g_i = ∂_bŨ(b_i; k) b̂_i − i k û Ũ(b_i; k),   k = Ω_u / v,
// x̃_i the lattice coordinates of atom i, b_i and c_i its place relative to the path (pass.hpp).
// Internal units of the crystal; seed 001: Δ_ħΩ = Δ / 4π² reproduces 2π²/σ̇² ⟨Σ|η^†g|²⟩.
#include "ionbath/dissipation/pass.hpp"

namespace ionbath::dissipation {

struct ZoneLoss {
  double loss = 0;           // internal energy units
  double error_estimate = 0; // estimated absolute error (hcubature's, or the ladder's)
  long evaluations = 0;      // integrand evaluations (wave vectors), ladder and cubature
  int midpoint_grid = 0;     // n of the accepted midpoint grid n^d; 0: the cubature answered
  int dimensions = 0;        // BZ axes integrated (axes without bonds are skipped: chains are 1D)
};

// The BZ average to relative tolerance rel_tol: the symmetry-reduced midpoint ladder where the
// integrand is smooth (it converges geometrically), else adaptive cubature (hcubature) over the
// symmetry-reduced zone centred on Γ.
ZoneLoss zone_loss(const crystal::Crystal &crystal, const PathTransform &interaction,
                   const std::vector<AtomOnPath> &atoms, const Vec3 &direction, double speed,
                   double rel_tol);

// The same average as a plain midpoint sum on an n^d grid (the cross-check of Eq. 13 and the
// baseline of the benchmark).
ZoneLoss zone_loss_midpoint(const crystal::Crystal &crystal, const PathTransform &interaction,
                            const std::vector<AtomOnPath> &atoms, const Vec3 &direction,
                            double speed, int n);

} // namespace ionbath::dissipation
