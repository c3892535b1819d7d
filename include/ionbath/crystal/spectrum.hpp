#pragma once
// Phonon spectrum: dispersion along the high-symmetry path and density of states (physics.md §1.4).
#include "ionbath/crystal/crystal.hpp"

#include <vector>

namespace ionbath::crystal {

struct DispersionPath {
  std::vector<Vec3> q;              // reduced wave vectors
  std::vector<double> x;            // cumulative path length Σ|Δq|
  std::vector<Vec3> hbar_omega_meV; // ħΩ of the three branches, ascending
};

// Γ(0,0,0) → X(π,0,0) → M(π,π,0) → Γ → R(π,π,π) in reduced q (physics.md §1.4, seed 002 Fig. 1b):
// `subdivisions_per_leg` steps per leg, the first leg with both end points, the others without
// their start: 4 subdivisions + 1 points (801 for 200).
DispersionPath dispersion_path(const Crystal &crystal, int subdivisions_per_leg = 200);

struct DensityOfStates {
  std::vector<double> omega;   // bin centres, rad/ps
  std::vector<double> density; // g(Ω), modes per cell per rad/ps; Σ g ΔΩ = 3 (all three branches)
  double bin_width = 0;        // rad/ps
};

// Histogram of Ω over the half-shifted grid_n³ grid (never hits Γ), n_bins bins on [0, omega_max],
// normalized so that ∫ g dΩ = 3 when omega_max covers the spectrum (frequencies above omega_max are
// not binned, so the integral is then 3 × the fraction of modes below omega_max).
DensityOfStates density_of_states(const Crystal &crystal, int grid_n, int n_bins, double omega_max);

} // namespace ionbath::crystal
