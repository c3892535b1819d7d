#pragma once
// Single-pass energy loss of a particle flying past one mass of seed 001's confined chain
// (physics.md §6.2), seed-001 units: energies in ħΩ, lengths in l, time in periods. The particle
// moves on (0, s, σ̇τ) at constant speed; the chain lies along z with confinement κ = ν² and
// nearest-neighbour springs ω∥² (z) and ω⊥² (x, y).
namespace ionbath::dissipation {

struct ChainPass {
  double nu = 1.0;             // √κ
  double omega_parallel = 0.0; // √k∥
  double omega_perp = 0.0;     // √k⊥
  double Phi0 = 0.01;          // Gaussian strength Φ0 (ħΩ)
  double lambda = 1.0;         // Gaussian width λ (l)
  double offset = 0.0;         // transverse offset s (l)
};

// Δ = Δ⊥ + Δ∥ in ħΩ; the transverse branch polarized along the offset and the longitudinal branch.
struct ChannelLoss {
  double transverse = 0;
  double longitudinal = 0;
  double total() const { return transverse + longitudinal; }
};

// seed 001 Eq. 14 with e^{−z}I_n(z), Y = 2πλ/σ̇; finite for every speed > 0.
ChannelLoss analytic_chain_loss(const ChainPass &p, double speed);

// Fast limit Y → 0: Δ⊥ → πY²s²Φ0²e^{−s²/λ²}/λ⁴ ∝ σ̇⁻², Δ∥ → πY⁴Φ0²(ν²+2ω∥²)e^{−s²/λ²}/λ² ∝ σ̇⁻⁴.
ChannelLoss fast_chain_loss(const ChainPass &p, double speed);

// Slow limit Y → ∞ (ω⊥, ω∥ > 0): the leading Hankel terms of the Bessel functions,
// Δ⊥ → (√π/2) Y s²Φ0² e^{−s²/λ²−ν²Y²} / (λ⁴ω⊥),
// Δ∥ → (√π/2) Y³ Φ0² e^{−s²/λ²−ν²Y²} [ν² + (ν² + 8ω∥²)/(16ω∥²Y²)] / (λ²ω∥):
// suppressed by e^{−(2πλν/σ̇)²} when confined, ∝ 1/σ̇ when ν = 0.
ChannelLoss slow_chain_loss(const ChainPass &p, double speed);

// The unconfined (ν = 0) low-speed plateau σ̇Δ/Φ0² = π^{3/2} e^{−s²/λ²} [1/(2λω∥) + s²/(λ³ω⊥)]
// (flat curves of seed 001 Fig. 2c,d).
double unconfined_plateau(const ChainPass &p);

// The speed above which the transverse channel dominates the fast limit: 2πλ²√(ν² + 2ω∥²)/s.
double transverse_dominance_speed(const ChainPass &p);

} // namespace ionbath::dissipation
