#pragma once
// The thermal field r_H(t), ṙ_H(t) (physics.md §2.2) on every site of the periodic lattice whose
// Brillouin-zone grid defines the bath's modes (the full model's initial state, §2.3 "Full
// approach"): per Cartesian component and basis atom b one complex 3D backward DFT (FFTW,
// unnormalized, sign +1) of the branch-summed coefficients Σ_u c_{j,b} e^{−iΩ_j t} (and
// −iΩ_j c_{j,b} e^{−iΩ_j t}), real part (physics.md §12.3: c_{j,b} carries e^{iq·f_b}).
// O(N log N) instead of the O(N²) direct sum.
#include "ionbath/bath/thermal_bath.hpp"

#include <vector>

namespace ionbath::bath {

struct LatticeMotion {
  // 3 n_b N displacements, DOF order 3 (n_b lin(n) + b) + c (physics.md §0.2; 3 lin(n) + c for
  // one atom per cell).
  std::vector<double> r_A;
  std::vector<double> v_A_per_ps; // 3 n_b N velocities, same order
};

// Sums the modes held by `bath` (a slice gives that slice's additive share of the field; the whole
// ModeSet gives r_H). The lattice is the bath's grid, lin(n) = n1 + N1 (n2 + N2 n3).
LatticeMotion lattice_thermal_motion(const ThermalBath &bath, double t_ps = 0.0);

} // namespace ionbath::bath
