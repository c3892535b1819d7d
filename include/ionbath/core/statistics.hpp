#pragma once
// Occupation statistics of the framework modes, shared by the bath and the thermal covariance.

namespace ionbath {

enum class Statistics {
  quantum, // Bose occupations with zero-point motion: ħ/(2Ω) coth(Ω/2Ω_T) per mode (seed 002
           // Eq. 23, 24; physics.md §2.1)
  classical // equipartition: mode energy E ~ Exp(kT), ⟨A²⟩ = 2kT/Ω², covariance kT/Ω² per mode
};

} // namespace ionbath
