#pragma once
// Internal unit system (physics.md §0.1): energy meV, length Å, time ps,
// mass meV ps^2 / Å^2, frequency rad/ps.

namespace ionbath::units {

inline constexpr double hbar_meV_ps = 0.6582119569;   // ħ, exact value used by the reference code
inline constexpr double kB_meV_per_K = 0.08617333262; // Boltzmann constant
inline constexpr double dalton_in_mass_unit = 1.0 / 9.648533212; // 1 Da in meV ps²/Å²
inline constexpr double meV_per_eV = 1000.0;                      // 1 eV in meV
inline constexpr double A2_per_ps_in_cm2_per_s = 1.0e-4;         // 1 Å²/ps = 1e-16 cm² / 1e-12 s
inline constexpr double pi = 3.14159265358979323846;

constexpr double kelvin_to_meV(double T_K) {
  return kB_meV_per_K * T_K;
}
constexpr double meV_to_kelvin(double kT_meV) {
  return kT_meV / kB_meV_per_K;
}
constexpr double dalton_to_mass(double m_Da) {
  return m_Da * dalton_in_mass_unit;
}

} // namespace ionbath::units
