#pragma once
// Unit systems as run-time data (physics.md §0.1, §6.1, §7.1). Every physics kernel works in one
// internal convention — angular frequencies in rad per time unit, EOM m r̈ = −∇U, kinetic energy
// m v²/2 — and a UnitSystem says what the units are and what ħ is in them:
//  * physical: meV, Å, ps, mass meV ps²/Å², ħ = 0.6582119569 meV ps;
//  * seed001 / seed003: framework mass 1, lengths l = √(ħ/mΩ), time in periods τ = Ωt/2π. With
//    m = 1 and time in periods the internal energy unit is m l²/T² = ħΩ/4π², so an input energy
//    (or spring constant, or k_BT) given in ħΩ (or mΩ²) is 4π² internal units and ħ = 2π
//    (seed 001 Eqs. 3–4: ρ̈ = −4π²(Ξρ + ∇Φ); kinetic energy μσ̇²/8π² in ħΩ).
#include <string>

namespace ionbath::units {

enum class System { physical, seed001, seed003 };

struct UnitSystem {
  System system = System::physical;
  std::string name = "physical";
  double hbar = 0.6582119569;   // ħ in internal energy × time units
  double energy_scale = 1.0;    // internal energy units per user energy unit
  double frequency_scale = 1.0; // user frequency per internal angular frequency (seed: ω = Ω/2π)
  std::string frequency_unit = "rad/ps";
  std::string energy_unit = "meV", length_unit = "Å", time_unit = "ps", mass_unit = "meV ps^2/A^2";

  // User energies (and spring constants per length², k_BT) ↔ internal units.
  double energy_in(double user_value) const { return user_value * energy_scale; }
  double energy_out(double internal_value) const { return internal_value / energy_scale; }
};

UnitSystem physical_units();
UnitSystem seed001_units(); // Ω = √(K/m) of the seed-001 framework, K = 1
UnitSystem seed003_units(); // Ω_slow = √(κ/m) of the seed-003 chain
UnitSystem unit_system(System s);
// "physical" | "seed001" | "seed003"; throws InputError naming the key otherwise.
System parse_unit_system(const std::string &name, const std::string &key = "[units] system");

} // namespace ionbath::units
