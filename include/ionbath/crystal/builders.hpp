#pragma once
// Crystals the seeds and the tests use, all as data of the one Crystal type (physics.md §12.1):
// the chains of seeds 001 and 003, a rocksalt-like two-mass crystal, and supercells of any crystal.
#include "ionbath/crystal/crystal.hpp"

namespace ionbath::crystal {

// A chain of masses along z (the first lattice vector a1 = a ẑ; a2 = a x̂ and a3 = a ŷ carry no
// bonds, so its BZ grid is N×1×1): on-site confinement κ in every direction and nearest-neighbour
// springs k∥ (z) and k⊥ (x, y) with no coupling between directions, so that
// Ω_u(q)² = (κ + 4 k_u sin²(q/2)) / m (seed 001 Eq. 12, seed 003 Eq. 1). Values in the crystal's
// unit system's user units (spring constants in energy/length², converted with energy_scale).
struct ChainParameters {
  double a = 2.0;         // spacing (seed 001 α = 2; seed 003 α)
  double mass = 1.0;      // framework mass
  double confinement = 0; // κ
  double k_parallel = 0;  // k∥
  double k_perp = 0;      // k⊥ (seed 003: 0, longitudinal motion only)
};
Crystal chain(const ChainParameters &p, const units::UnitSystem &units = units::physical_units());

// Seed 001 §III chain in seed-001 units: α = 2, m = 1, κ = ν², k∥ = ω∥², k⊥ = ω⊥².
Crystal seed001_chain(double nu, double omega_parallel, double omega_perp);
// Seed 001's 3D lattice in seed-001 units: simple cubic α = 2, m = 1, linearized nearest (k1) and
// next-nearest (k2) springs in units of K (Figs. 4–6: k1 = 15, k2 = 5).
Crystal seed001_cubic(double k1, double k2);
// Seed 003 chain in seed-003 units: α, m = 1, κ = 1, k = (ω_fast² − 1)/4, longitudinal springs
// only.
Crystal seed003_chain(double alpha, double omega_fast);

// Two masses on the rocksalt arrangement: the simple cubic spring network of spacing a (k1 to the
// 6 nearest, k2 to the 12 next-nearest sites) with species alternating by the parity of the site,
// as an fcc lattice (vectors a(0,1,1), a(1,0,1), a(1,1,0)) with a basis A at 0 and B at a x̂. At
// the fcc L point the sublattices decouple: Ω² = (2k1 + 2k2)/m_s (×2) and (2k1 + 8k2)/m_s.
Crystal rocksalt(double a_A, double mass_a, double mass_b, double k1, double k2);

// The crystal with an on-site spring κ (internal units) added to every atom, in unit system u.
Crystal with_confinement(const Crystal &c, double kappa, const units::UnitSystem &u);

// The same crystal described with an n1×n2×n3 supercell as its cell: n1 n2 n3 n_b basis atoms
// (sub-cell index m = (m1, m2, m3) outermost, then the old basis index).
Crystal supercell(const Crystal &primitive, const GridShape &multiplier);

} // namespace ionbath::crystal
