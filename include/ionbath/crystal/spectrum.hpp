#pragma once
// Phonon spectrum: dispersion along the high-symmetry path and density of states (physics.md §1.4).
#include "ionbath/crystal/crystal.hpp"

#include <vector>

namespace ionbath::crystal {

struct DispersionPath {
  std::vector<Vec3> q;                         // reduced wave vectors
  std::vector<double> x;                       // cumulative path length Σ|Δq|
  std::vector<Eigen::VectorXd> hbar_omega_meV; // ħΩ of the 3 n_b branches, ascending (ħ of the
                                               // crystal's unit system)
};

// Γ(0,0,0) → X(π,0,0) → M(π,π,0) → Γ → R(π,π,π) in reduced q (physics.md §1.4, seed 002 Fig. 1b).
std::vector<Vec3> cubic_path_corners();
// Γ → the zone boundary (π,0,0) along the first reciprocal axis (a chain's path).
std::vector<Vec3> chain_path_corners();

// Straight legs between the corners (reduced q), `subdivisions_per_leg` steps per leg, the first
// leg with both end points, the others without their start: (legs × subdivisions + 1) points (801
// for the cubic path and 200).
DispersionPath dispersion_path(const Crystal &crystal, int subdivisions_per_leg = 200,
                               const std::vector<Vec3> &corners = cubic_path_corners());

struct DensityOfStates {
  std::vector<double> omega;   // bin centres, rad/ps
  std::vector<double> density; // g(Ω), modes per cell per rad/ps; Σ g ΔΩ = 3 n_b (all branches)
  double bin_width = 0;        // rad/ps
};

// Histogram of Ω over the half-shifted grid_n³ grid (never hits Γ), n_bins bins on [0, omega_max],
// normalized so that ∫ g dΩ = 3 n_b when omega_max covers the spectrum (frequencies above omega_max
// are not binned, so the integral is then 3 n_b × the fraction of modes below omega_max). A chain
// (one-atom crystal without bonds along a2, a3) is sampled on grid_n × 1 × 1.
DensityOfStates density_of_states(const Crystal &crystal, int grid_n, int n_bins, double omega_max);

} // namespace ionbath::crystal
