#pragma once
// Validation protocols of the full equations of motion against the time-local model (seed 002
// Figs. 3 and 4, physics.md §4.3 (a) and (b)). Plain parameter and result structs; the caller
// writes them out (HDF5, CSV).
#include "ionbath/crystal/crystal.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"

#include <vector>

namespace ionbath::dynamics {

// §4.3 (a): head-on collision with the single framework atom at the origin along z (seed 002
// Figs. 2–3). Defaults: the paper's panel (λ = 1/2, Ṙ0 = 10) on the 50³ lattice.
struct ReflectionParams {
  double U0_meV_A = 14000.0;
  double screening_length_A = 0.5; // λ
  double speed_A_per_ps = 10.0;    // Ṙ0 (towards the atom, +z)
  double start_in_lengths = 24.0;  // R(0) = (0, 0, −24 λ)
  double ion_mass = 0.7;           // M_z; x and y are frozen (M = (∞, ∞, M))
  double dt_ps = 2.5e-3;
  double duration_factor = 1.5; // t_max = 1.5 · 24 λ / Ṙ0
  int lattice_n = 50;           // N³ periodic lattice, r = ṙ = 0 at t = 0
  FullLatticeOptions options{};
};

// One row per stored state (t = k δt, k = 0 .. ⌊t_max/δt⌋ − 1); all z components.
struct ReflectionResult {
  std::vector<double> t_ps;
  std::vector<double> atom_r_A;        // full-EOM deflection r of atom 0 (the "full" curve)
  std::vector<double> atom_v_A_per_ps; // ṙ
  std::vector<double> ion_R_A;         // R
  std::vector<double> ion_Rdot_A_per_ps;
  // Deflection from Eq. 25 with the full run's r, ṙ, R, Ṙ inserted on the right:
  std::vector<double> r_time_local_A;  // r = −w U'(r − R) + l U''(r − R)(ṙ − Ṙ)
  std::vector<double> r_quasistatic_A; // same with ṙ → 0
  std::vector<double> r_homogeneous_A; // Eq. 26: r, ṙ → 0 on the right
  // Force on the particle −U'(R − r) for each deflection (meV/Å).
  std::vector<double> force_full_meV_per_A;
  std::vector<double> force_time_local_meV_per_A;
  std::vector<double> force_quasistatic_meV_per_A;
  std::vector<double> force_homogeneous_meV_per_A;
  double w_A2_per_meV = 0;    // W_0,zz(0) used
  double l_ps_A2_per_meV = 0; // 𝓛_zz used
  // Finite-box check: sound from atom 0 reaches the half-box distance N a/2 at
  // signal_wrap_time_ps (fastest sound speed); far_field_max_displacement_A is the largest |r|
  // seen at the atoms (N/2,0,0), (0,N/2,0), (0,0,N/2) during the run (0 = no signal arrived).
  double signal_wrap_time_ps = 0;
  double far_field_max_displacement_A = 0;
};

// w = W_0,zz(0) (e.g. the mean diagonal of static_response_fft(crystal, 160, 0) block L = 0) and
// l = 𝓛_zz (mean diagonal of drag_matrix(crystal)), as in the reference code.
ReflectionResult run_reflection(const crystal::Crystal &crystal, const ReflectionParams &params,
                                double w_A2_per_meV, double l_ps_A2_per_meV);

// §4.3 (b): the particle trapped between atoms 3 and 4 of the line n = (0, 0, j), j = 0..7, of a
// zero-temperature lattice (seed 002 Fig. 4): full EOM vs the time-local EOM (r_H ≡ 0, same list).
struct DissipationParams {
  double U0_meV_A = 150.0;
  double screening_length_A = 0.5;
  int chain_atoms = 8;               // fixed list (0, 0, j), j = 0 .. chain_atoms − 1
  double start_z_A = 10.5;           // R(0) = (0, 0, 10.5)
  double start_speed_A_per_ps = 7.5; // Ṙ(0) = (0, 0, 7.5)
  double ion_mass = 0.7;             // M_z; x, y frozen
  double dt_ps = 5e-3;
  double duration_ps = 30.0;
  int lattice_n = 100; // full EOM on an N³ periodic lattice at rest
  FullLatticeOptions options{};
};

struct DissipationResult {
  std::vector<double> t_ps; // stored states t = k δt, k = 0 .. ⌊duration/δt⌋
  std::vector<double> z_full_A, zdot_full_A_per_ps;
  std::vector<double> z_time_local_A, zdot_time_local_A_per_ps;
  // Mechanical energy of the particle in the undeformed chain, (M/2) ż² + Σ_j U(z − z_j), meV.
  std::vector<double> energy_full_meV, energy_time_local_meV;
  // Decay envelopes: successive local maxima of |ż| (time, speed).
  std::vector<double> envelope_t_full_ps, envelope_speed_full_A_per_ps;
  std::vector<double> envelope_t_time_local_ps, envelope_speed_time_local_A_per_ps;
};

// static_response: W(0) blocks with range ≥ chain_atoms − 1 (static_response_fft(crystal, 160,
// 7)); drag_matrix: 𝓛 (drag_matrix(crystal)).
DissipationResult run_dissipation(const crystal::Crystal &crystal, const DissipationParams &params,
                                  const crystal::StaticResponseTable &static_response,
                                  const Mat3 &drag_matrix);

// Successive local maxima (t_k, |v|_k) of |v(t)| on a sampled series.
void speed_envelope(const std::vector<double> &t, const std::vector<double> &v,
                    std::vector<double> &peak_t, std::vector<double> &peak_speed);

} // namespace ionbath::dynamics
