#pragma once
// Interaction between the mobile ions (physics.md §11.1):
//   U^ion_{ss'}(r) = z_s z_s' (e²/4πε0) e^{−r/λ_ion} / (ε_r r) − (same at r_c)   for r < r_c,
//   0 for r ≥ r_c,
// r the minimum-image distance |R_i − R_j|_mi in the periodic supercell of the BZ grid,
// L_k = N_k a_k (columns N_k a_k of the supercell matrix; any Bravais lattice, the minimum image
// taken through fractional coordinates).
//
// The shift is an energy shift only: the force is −dU/dr of the unshifted screened Coulomb, the
// exact derivative of the shifted energy, so energy is conserved between cutoff crossings; the
// force jumps by z z' (e²/4πε0) e^{−r_c/λ}(1/λ + 1/r_c)/(ε_r r_c) at r_c (the same kind of jump
// the moving 8-corner list has at a face crossing, physics.md §3.2). A force shift would make the
// force continuous but change the interaction everywhere inside r_c; §11.1 asks for U(r_c) = 0
// only, and with r_c a few λ_ion the jump is e^{−r_c/λ} small.
#include "ionbath/core/types.hpp"

#include <limits>
#include <span>

namespace ionbath::dynamics {

// e²/4πε0 in meV Å (physics.md §11.1).
inline constexpr double kCoulombConstant_meV_A = 14399.645;

// The periodic supercell of the ion–ion terms: columns are the supercell vectors N_k a_k (Å).
class PeriodicSupercell {
public:
  PeriodicSupercell(const Mat3 &lattice_vectors_A, const GridShape &cells);
  explicit PeriodicSupercell(const Mat3 &supercell_vectors_A);

  const Mat3 &vectors_A() const { return vectors_; }
  // Half the smallest distance between opposite faces, min_k 1/(2 |row_k(L⁻¹)|); for an
  // orthorhombic cell min_k L_k/2. Every separation shorter than this is its own minimum image.
  double half_width_A() const { return half_width_; }
  // The image of s with fractional coordinates in [−1/2, 1/2): the minimum image of every s whose
  // minimum image is shorter than half_width_A().
  Vec3 minimum_image(const Vec3 &s_A) const;

private:
  Mat3 vectors_;
  Mat3 inverse_;
  double half_width_ = 0;
};

// Inputs of the screened Coulomb ion–ion term (physics.md §11.1).
struct ScreenedCoulombParams {
  double relative_permittivity = 1.0; // ε_r
  // λ_ion; the default (not given) is bare Coulomb, λ_ion = ∞, which is refused.
  double screening_length_A = std::numeric_limits<double>::infinity();
  double cutoff_A = 0.0; // r_c < half the supercell width
};

// Energy (meV), forces on the ions (meV/Å) and the virial Σ_{i<j} s_ij ⊗ f_ij (meV; s_ij the
// minimum-image R_i − R_j, f_ij the force on i from j; the pressure tensor's interaction part
// is virial / V).
struct IonIonTerms {
  double energy_meV = 0;
  Mat3 virial_meV = Mat3::Zero();
};

class IonIonInteraction {
public:
  enum class Kind { none, screened_coulomb };

  IonIonInteraction() = default; // none: no ion–ion term
  static IonIonInteraction none() { return {}; }
  // Throws InputError naming the value for ε_r ≤ 0, λ_ion ≤ 0 or not finite (bare Coulomb needs
  // Ewald sums), r_c ≤ 0 or r_c ≥ the supercell's half width.
  static IonIonInteraction screened_coulomb(const ScreenedCoulombParams &params,
                                            const PeriodicSupercell &supercell);

  Kind kind() const { return kind_; }
  bool active() const { return kind_ != Kind::none; }
  const ScreenedCoulombParams &params() const { return params_; }
  const PeriodicSupercell &supercell() const { return supercell_; }

  // U^ion(r)/(z z') and its r-derivative, shifted energy, zero from r_c on (meV, meV/Å).
  double pair_energy_per_charge2_meV(double r_A) const;
  double pair_derivative_per_charge2_meV_per_A(double r_A) const;

  // Σ_{i<j} U^ion_{s_i s_j}(|R_i − R_j|_mi) for ions at R (Å, unwrapped) with charge numbers z;
  // forces on the ions are added to `forces` (same length as R). O(N²).
  IonIonTerms add_forces(std::span<const Vec3> R_A, std::span<const double> charge_numbers,
                         std::span<Vec3> forces_meV_per_A) const;
  // The energy only.
  double energy_meV(std::span<const Vec3> R_A, std::span<const double> charge_numbers) const;

private:
  IonIonInteraction(const ScreenedCoulombParams &params, const PeriodicSupercell &supercell);
  double unshifted_per_charge2_meV(double r_A) const;

  Kind kind_ = Kind::none;
  ScreenedCoulombParams params_{};
  PeriodicSupercell supercell_{Mat3::Identity()};
  double coupling_meV_A_ = 0; // (e²/4πε0)/ε_r
  double shift_meV_ = 0;      // unshifted U/(z z') at r_c
};

} // namespace ionbath::dynamics
