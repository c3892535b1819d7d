#pragma once
// Seed 003's confined chain with longitudinal motion only (physics.md §7), seed-003 units:
// lengths in l_slow, time in periods 2π/Ω_slow, energies in ħΩ_slow, band
// ω(θ) = √(1 + (ω_fast² − 1) sin²θ), θ = qa/2.
//  * the memory kernel Γ_n(τ) of the chain's response (Eq. 5);
//  * the single-pass loss past one mass (Eqs. 7–9);
//  * the steady-state loss per pass along the whole chain (Eq. 10) from every resonant mode.
#include <cstdint>
#include <functional>
#include <vector>

namespace ionbath::dissipation {

struct ChainBand {
  double omega_fast = 10.0; // Ω_fast/Ω_slow > 1
  double omega(double theta) const;
  // dω/dx at θ = πx: π(ω_fast² − 1) sin θ cos θ / ω(θ).
  double slope(double x) const;
};

// Γ_n(τ) = (2/π) ∫_0^{π/2} cos(2nθ) sin(2πτω(θ)) / ω(θ) dθ (seed 003 Eq. 5) by adaptive
// Gauss–Kronrod to absolute tolerance abs_tol.
double memory_kernel(const ChainBand &band, int n, double tau, double abs_tol = 1e-12);

// Γ_l(kδ) for l = 0..l_max, k = 0..steps (row l, column k), the table of the memory-kernel
// integrator (physics.md §7.3).
struct MemoryKernelTable {
  int l_max = 0;
  std::int64_t steps = 0;
  double dt = 0;
  std::vector<double> values; // (l_max + 1) × (steps + 1)
  double operator()(int l, std::int64_t k) const {
    return values[std::size_t(l < 0 ? -l : l) * std::size_t(steps + 1) + std::size_t(k)];
  }
};
MemoryKernelTable tabulate_memory_kernel(const ChainBand &band, int l_max, double dt,
                                         std::int64_t steps, double abs_tol = 1e-10);

// Seed 003 Eq. 7: a Gaussian Φ0 e^{−d²/2λ²} passing one mass head on at constant speed σ̇,
// z = (2πλ/σ̇)², W = z(ω_fast² − 1)/2, with e^{−W}I_n(W) (no overflow at any speed).
double head_on_loss(const ChainBand &band, double Phi0, double lambda, double speed);
double fast_head_on_loss(const ChainBand &band, double Phi0, double lambda, double speed); // Eq. 8
double slow_head_on_loss(const ChainBand &band, double Phi0, double lambda, double speed); // Eq. 9
// Seed 003 Eq. 6, the cross-check of Eq. 7: ½⟨[4π²ω/σ̇² Φ̃(2πω/σ̇)]²⟩ over the zone θ ∈ [0, π/2]
// with the Gaussian's Φ̃(k) = √(2π)λΦ0 e^{−k²λ²/2}, by adaptive Gauss–Kronrod.
double head_on_loss_zone_average(const ChainBand &band, double Phi0, double lambda, double speed,
                                 double rel_tol = 1e-12);

// The steady-state loss per pass Δ̄(σ̇) (seed 003 Eq. 10) of a particle moving at constant speed
// along the chain of spacing α: the sum over the resonant modes ω(πx_s) = x_s σ̇/α,
// x_s ∈ (0, ω_fast α/σ̇].
enum class SteadyStateExponent {
  eq10,          // e^{−4π²λ²ω_s²/σ̇²}, seed 003 Eq. 10
  authors_script // e^{−2π²λ²ω_s⁴/σ̇²}, the published code (physics.md §7.5 discrepancy)
};
struct SteadyStatePass {
  ChainBand band;
  double alpha = 40.0;
  double Phi0 = 2.0;
  double lambda = 4.0;
  SteadyStateExponent exponent = SteadyStateExponent::eq10;
};
struct SteadyStateLoss {
  double loss = 0;
  std::vector<double> resonances; // x_s, ascending
};
SteadyStateLoss steady_state_loss(const SteadyStatePass &pass, double speed);

// The broadened Δ̄ (physics.md §7.5): the particle's speed varies during a pass,
// v(x)² = σ̇² − 8π²Φ(x)/μ with Φ(x) = Φ0 Σ_n e^{−(x − nα)²/2λ²} (the sign of Φ0 matters here),
// and Δ̄ = α × (drag force at the local speed), so the loss per pass is the average over
// positions (1/α)∫_{−α/2}^{α/2} Δ̄(v(x)) dx (the seed's kernel density of speeds sampled
// uniformly along the pass, without its smoothing). Midpoint rule on `positions` points of the
// half pass [0, α/2] (Φ is even); the drops 8π²Φ(x_i)/μ are computed once per pass.
class BroadenedPass {
public:
  BroadenedPass(const SteadyStatePass &pass, double mu, int positions = 10000);
  // loss_at_speed(v) gives Δ̄(v) for v in [lowest_speed, highest_speed], e.g. interpolated from a
  // table. NaN when the particle cannot cross a mass (v² ≤ 0: repulsive, σ̇ below the capture
  // speed √(8π²Φ0/μ)).
  double loss(double speed, const std::function<double(double)> &loss_at_speed) const;
  double lowest_speed(double speed) const;  // NaN below the capture speed
  double highest_speed(double speed) const; // the extremes of v(x) during the pass
private:
  std::vector<double> drop_; // 8π²Φ(x_i)/μ
  double drop_at_mass_ = 0;  // x = 0
};

// Every root of ω(πx) = x σ̇/α on (0, ω_fast α/σ̇], ascending: the domain is cut where the band
// turns (x = k/2), at the band's inflection points and where the band's slope equals σ̇/α, so
// that the difference is monotone on every piece and each piece holds at most one root.
std::vector<double> resonant_modes(const ChainBand &band, double alpha, double speed);

} // namespace ionbath::dissipation
