#pragma once
// A particle moving along seed 003's confined chain (physics.md §7.1–7.4), seed-003 units: lengths
// in l_slow, time τ in periods 2π/Ω_slow, energies in ħΩ_slow. Chain masses g = 1..n_chain sit at
// αg and feel Φ = Σ_g Φ0 e^{−(αg + ρ_g − σ)²/2λ²}; the infinite chain around them responds.
//   ρ̈_g = −4π² [(Dρ)_g + ∂_{ρ_g}Φ],  (Dρ)_g = ρ_g + ¼(ω_fast² − 1)(2ρ_g − ρ_{g−1} − ρ_{g+1}),
//   μσ̈ = −4π² ∂_σΦ + 4π² β/α                                           (seed 003 Eqs. 2–4)
// Two engines integrate this and must agree:
//  * memory: the authors' scheme (§7.3), ρ_g = −2π ∫ Σ_n Γ_{g−n} ∂_{ρ_n}Φ by impulse scatter
//    of the tabulated Γ (left-endpoint quadrature, which is the trapezoid rule here since
//    Γ(0) = 0 and the chain starts unforced: second order), Störmer–Verlet for σ; cost
//    O(n_chain n K) time and n_chain (n + K) doubles (the future displacements and the Γ table),
//    n = steps of the run: the reference for single passes (Fig. 3, n_chain = 10);
//  * direct: the chain itself (the interacting masses padded on both sides by masses that feel
//    no Φ, fixed ends beyond), Störmer–Verlet for chain and particle; the padding is wider than
//    half the distance the fastest wave travels in the run, so no reflection reaches the
//    interacting masses. Cost O((n_chain + 2P) n), memory O(n_chain + 2P): the engine for long
//    runs and long chains (Figs. 2 and 4).
// Both start from the same state: chain at rest, σ_0 = sigma0, σ_1 = sigma0 + δ speed0.
// The direct engine can also start from a thermal chain (ChainRun::thermal, below).
#include "ionbath/core/statistics.hpp"
#include "ionbath/dissipation/memory_chain.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace ionbath::dissipation {

struct ChainModel {
  ChainBand band;      // ω_fast
  double alpha = 40.0; // a / l_slow
  double Phi0 = 2.0;   // ħΩ_slow; > 0 repulsive, < 0 attractive
  double lambda = 4.0; // l_slow
  double mu = 1.0;     // M / m
  double bias = 0.0;   // β: energy gained per distance α (force β/α)
  int n_chain = 10;    // interacting masses g = 1..n_chain
};

enum class ChainEngine { memory, direct };

// A thermal initial state of the direct engine's padded chain (physics.md §7.3 "Thermal chains",
// §2.1), built on that chain's own normal modes: M = n_chain + 2P masses, fixed ends,
//   ψ_j(i) = sqrt(2/(M+1)) sin(πji/(M+1)),  ω_j² = 1 + (ω_fast² − 1) sin²(πj/2(M+1)),  j = 1..M,
// the exact eigenpairs of D (i = g + P the padded index). Mode j draws ζ_j by bath::draw_mode
// (ħ = 1, kT = omega_T, Ω = ω_j) from bath::stream_uniforms with key (seed, temperature_index)
// and counter (trajectory_id, StreamPurpose::chain_mode, j): x_j = Re(ζ_j e^{−2πiω_jτ}),
// ⟨x_j²⟩ = (n_j + ½)/ω_j (quantum), omega_T/ω_j² (classical). The start is on the Verlet scheme's
// own orbit of every mode, ρ_k = Σ_j ψ_j Re(ζ_j e^{−ikθ_j}), sin(θ_j/2) = πδω_j (k = 0, 1): each
// mode then keeps |ζ_j| and turns by θ_j per step, so the free chain's distribution is exactly
// stationary (positions with the physical ⟨x_j²⟩; central-difference velocities have
// ⟨v_j²⟩ = 4π²ω_j²⟨x_j²⟩(1 − π²δ²ω_j²), an O(δ²) deficit). The state depends on these numbers
// and on M, ω_fast and δ only. Needs steps_per_period ≥ 4 (Verlet stability, πδω_j < 1).
struct ChainThermalState {
  double omega_T = 0; // k_B T / ħΩ_slow, ≥ 0 (0 quantum: zero-point motion only)
  Statistics statistics = Statistics::quantum;
  std::uint64_t seed = 1, temperature_index = 0, trajectory_id = 0;
};

struct ChainRun {
  double sigma0 = 220.0;     // initial position (l_slow)
  double speed0 = 20.0;      // initial σ̇ (l_slow per period)
  double duration = 4.4;     // τ; the run has n = ⌊duration/δ⌋ steps, τ_k = kδ, k = 0..n
  int steps_per_period = 60; // d: δ = 1 / (ω_fast d)
  // Memory engine: Γ kept for τ − τ′ ≤ memory_cutoff (∞: the whole run, as in every paper run).
  double memory_cutoff = std::numeric_limits<double>::infinity();
  int record_every = 1;       // keep the steps k with k % record_every == 0 (σ, σ̇, ρ, E)
  bool record_chain = false;  // keep ρ_g − 0 (displacements) of the interacting masses
  bool record_energy = false; // direct engine: keep the total energy E at the kept steps
  int direct_padding = 0;     // direct engine: masses per side; 0 = direct_chain_padding()
  // Direct engine, chain at rest: advance only the masses that can still act on σ before the run
  // ends (inside the backward sound cone of every position the particle can reach, see
  // particle_speed_bound); σ is unchanged to the precursor bound of direct_chain_padding, about
  // twice as fast for long runs. The chain record (ρ, ρ_6) then freezes outside that cone, so
  // record_chain, record_energy and a thermal start are refused with it.
  bool particle_only = false;
  // Direct engine only: start the padded chain in this thermal state (every mass then moves, so
  // every step advances the whole chain). Empty: the chain starts at rest.
  std::optional<ChainThermalState> thermal;
};

struct ChainTrajectory {
  double dt = 0;                // δ
  std::vector<double> tau;      // kδ of the kept steps, k = 0 the initial state
  std::vector<double> sigma;    // σ_k
  std::vector<double> speed;    // backward difference (σ_k − σ_{k−1})/δ; speed0 at k = 0
  std::vector<double> mass_six; // ρ_6 displacement (the Fig. 3 moving midpoint), if n_chain ≥ 6
  int n_chain = 0;
  std::vector<double> chain; // record_chain: n_kept × n_chain displacements, row-major
  int padding = 0;           // direct engine: masses added on each side
  // record_energy, direct engine: E = Σ ρ̇²/8π² + ½ρ·Dρ + Φ + μσ̇²/8π² − βσ/α over the whole
  // padded chain, velocities by central differences (one extra step gives the last one, the
  // Verlet step back to k = −1 the first: speed0 is the half-step speed (σ_1 − σ_0)/δ, and a
  // thermal chain's (ρ_1 − ρ_0)/δ likewise).
  std::vector<double> energy;
};

double chain_time_step(const ChainModel &model, int steps_per_period); // δ = 1/(ω_fast d)

// A bound on |σ̇| over a run from a chain at rest: the particle's kinetic energy never exceeds its
// start plus the range of Φ (|Φ| ≤ |Φ0|(1 + √(2π)λ/α)) and the bias work, so σ̇² ≤ A + BD with
// A = σ̇0² + 16π²Φ_max/μ, B = 8π²|β|/(αμ) and the distance D ≤ √A τ + Bτ²/4.
struct ParticleBound {
  double speed = 0;    // l_slow per period
  double distance = 0; // l_slow
};
ParticleBound particle_speed_bound(const ChainModel &model, double speed0, double duration);

// Masses of padding the direct engine adds on each side for a run of this duration:
// ⌈1.1 v_max τ/2⌉ + 32, v_max = π(ω_fast − 1) sites per unit τ (the derivation is in the source).
int direct_chain_padding(const ChainModel &model, double duration);

// The memory engine's kernel table Γ_l(kδ), l = 0..n_chain − 1, k = 0..K (K from
// run.memory_cutoff). Its adaptive quadrature dominates the engine's cost (≈ 25–30 µs × τ per
// entry at ω_fast = 10), so runs with the same ω_fast and δ that need no more masses or columns
// should share one: e.g. every pass of a Fig. 3 sweep at one d, built for the slowest speed.
MemoryKernelTable memory_engine_table(const ChainModel &model, const ChainRun &run);

// gamma (memory engine only; null: tabulated for this run) must come from memory_engine_table
// for the same ω_fast and δ with l_max ≥ n_chain − 1 and at least K columns. Throws InputError
// for non-positive speed0, duration, steps_per_period, n_chain, λ, μ, α or memory_cutoff,
// ω_fast ≤ 1, record_every < 1, a negative padding, a run shorter than δ or an unfit table; with
// a thermal state also for the memory engine, a negative or non-finite omega_T,
// steps_per_period < 4 and (quantum) a Bose p ≤ 0 (omega_T ≳ 1e12 ω_j).
ChainTrajectory run_chain(const ChainModel &model, const ChainRun &run, ChainEngine engine,
                          const MemoryKernelTable *gamma = nullptr);

// The numerical single pass of the published Fig. 3 (physics.md §7.4): n_chain = 10, start
// midway between masses 5 and 6 (σ0 = 5.5α), run 2.2α/σ̇0, final speed at the step closest to the
// next midpoint on the moving chain (αg₆ + ρ₆ + α/2); Δ = μ(σ̇0² − σ̇f²)/8π².
struct ChainPassLoss {
  double loss = 0;        // ħΩ_slow
  double final_speed = 0; // σ̇f
};
// The run of that pass; memory_engine_table(model with n_chain = 10, single_pass_run(model,
// slowest speed, d)) serves every pass of a sweep at that d.
ChainRun single_pass_run(const ChainModel &model, double speed0, int steps_per_period);
ChainPassLoss chain_single_pass(ChainModel model, double speed0, int steps_per_period,
                                ChainEngine engine, const MemoryKernelTable *gamma = nullptr);

} // namespace ionbath::dissipation
