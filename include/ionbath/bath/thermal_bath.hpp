#pragma once
// Random mode amplitudes of the thermal framework motion (seed 002 Eq. 23, physics.md §2.1):
// occupation n_j ~ Geometric(p_j), amplitude A_j = sqrt(n_j + 1/2) sqrt(2ħ/Ω_j), random phase
// ζ_j = A_j e^{-2πi u_j}, field coefficient c_j = ζ_j η_j / sqrt(N m) (physics.md §2.2).
//
// Crystals with a basis (physics.md §12.3): one coefficient per (mode, basis atom),
//   c_{j,b} = ζ_j e_{b,u}(q) e^{iq·f_b} / sqrt(N m_b),   r_H,nb(t) = Re Σ_j c_{j,b} e^{iq·n}
//   e^{-iΩ_j t}.
// The basis phase e^{iq·f_b} sits in the coefficient: it is fixed per (mode, atom), and the fields
// then need only the integer-cell phase e^{iq·n}, which stays an exact root of unity (bloch_phase).
// For one atom (f_0 = 0) c_{j,0} = c_j with the same draws and the same arithmetic.
//
// Random numbers (design.md "Randomness", physics.md §2.4): one Philox4x64 draw per mode with
// key (seed, temperature index) and counter (trajectory id, purpose, global mode index, 0).
// Any rank can draw any mode, so the bath of a trajectory does not depend on the rank layout or
// on the slice of the ModeSet. In the common-random-numbers mode every temperature uses the same
// key, hence the same uniforms: identical phases and monotonically related occupations.
#include "ionbath/core/statistics.hpp"
#include "ionbath/crystal/mode_set.hpp"

#include <array>
#include <complex>
#include <cstdint>
#include <vector>

namespace ionbath::bath {

using ionbath::Statistics; // A² = 2E/Ω² with E ~ Exp(kT) for classical

enum class RandomStreams {
  per_temperature, // key (seed, temperature index): independent baths per temperature
  common           // key (seed, common): all temperatures share the uniforms (physics.md §2.4)
};

struct ThermalBathParams {
  double kT_meV = 25.0; // ħΩ_T; 0 is the zero-temperature (zero-point only) bath
  std::uint64_t seed = 1;
  std::uint64_t temperature_index = 0;
  std::uint64_t trajectory_id = 0;
  Statistics statistics = Statistics::quantum;
  RandomStreams streams = RandomStreams::per_temperature;
};

// Purposes (third counter word's slot) of the counter-based streams of one trajectory.
enum class StreamPurpose : std::uint64_t {
  mode_amplitude = 1, // the framework modes of ThermalBath, index = global mode index
  chain_mode = 2,     // seed 003's thermal chain (chain_engines.hpp), index = chain mode j
  ion_placement = 3   // several ions' starting cells (ion_placement.hpp), index = shuffle step
};

// The four uniforms in [0, 1) of draw `index` for `purpose` (53-bit resolution).
std::array<double, 4> stream_uniforms(const ThermalBathParams &params, StreamPurpose purpose,
                                      std::uint64_t index);

// One mode's random amplitude (physics.md §2.1) from the uniforms u of its stream_uniforms draw,
// Ω_T = kT/ħ (any consistent units: meV, rad/ps, meV ps for the framework; ħΩ_slow, Ω_slow, 1
// for seed 003's chain):
//   quantum   n = ⌊ln(1 − u_0)/ln q⌋ ~ Geometric(1 − q), q = e^{−Ω/Ω_T} + 1e-12 (n = 0 at kT = 0),
//             A = sqrt(n + ½) sqrt(2ħ/Ω)                              (seed 002 Eq. 23);
//   classical E = −kT ln(1 − u_0) ~ Exp(kT), A = sqrt(2E)/Ω (occupation 0);
//   ζ = A e^{−2πi u_1}.
// Throws InputError when the Bose p = 1 − q ≤ 0 (kT ≳ 1e12 ħΩ).
struct ModeDraw {
  std::int64_t occupation = 0; // n_j (quantum statistics)
  std::complex<double> zeta;   // ζ_j = A_j e^{−2πi u_j}
};
ModeDraw draw_mode(double omega, double kT, double hbar, Statistics statistics,
                   const std::array<double, 4> &uniforms);

class ThermalBath {
public:
  // Draws the amplitudes of the modes of `modes` (a slice of the global numbering).
  // `modes` must outlive the bath.
  ThermalBath(const crystal::ModeSet &modes, const ThermalBathParams &params);

  const crystal::ModeSet &modes() const { return *modes_; }
  const ThermalBathParams &params() const { return params_; }
  std::int64_t size() const { return modes_->size(); }
  double omega_T() const { return omega_T_; } // Ω_T = kT/ħ, rad/ps

  // Bose occupation n_j of local mode `local` (quantum statistics only).
  std::int64_t occupation(std::int64_t local) const;
  double amplitude(std::int64_t local) const { return std::abs(zeta_[idx(local)]); } // A_j, √meV ps
  std::complex<double> zeta(std::int64_t local) const { return zeta_[idx(local)]; }
  int n_basis() const { return modes_->n_basis(); }
  // c_{j,b}, Å (b = 0 for one atom per cell).
  const CVec3 &coefficient(std::int64_t local, int b = 0) const {
    return c_[idx(local) * static_cast<std::size_t>(n_basis()) + static_cast<std::size_t>(b)];
  }

private:
  void set_coefficients(); // c_{j,b} from ζ_j and the polarizations
  static std::size_t idx(std::int64_t local) { return static_cast<std::size_t>(local); }
  const crystal::ModeSet *modes_;
  ThermalBathParams params_;
  double omega_T_;
  std::vector<std::int64_t> occupation_;
  std::vector<std::complex<double>> zeta_;
  std::vector<CVec3> c_; // [local · n_b + b]
};

} // namespace ionbath::bath
