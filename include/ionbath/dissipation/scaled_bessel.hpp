#pragma once
// Exponentially scaled modified Bessel functions e^{−z} I_n(z), n = 0, 1, z ≥ 0: finite for every
// argument, so seed 001 Eq. 14 never overflows at low speed (z = 2ω²Y² grows as 1/σ̇²).
namespace ionbath::dissipation {

// e^{−z} I_0(z): the power series Σ (z/2)^{2k}/k!² below z = 20 (positive terms, relative error
// ~1e-15), the Hankel asymptotic series 1/√(2πz) Σ_k (−1)^k a_k(0)/z^k above (A&S 9.7.1, its
// smallest term ~e^{−2z} < 1e-17 there).
double scaled_bessel_i0(double z);
// e^{−z} I_1(z), the same two series.
double scaled_bessel_i1(double z);

} // namespace ionbath::dissipation
