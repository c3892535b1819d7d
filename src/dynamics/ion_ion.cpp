#include "ionbath/dynamics/ion_ion.hpp"

#include "ionbath/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>
#include <vector>

namespace ionbath::dynamics {

namespace {
Mat3 supercell_vectors(const Mat3 &lattice_vectors_A, const GridShape &cells) {
  Mat3 L = lattice_vectors_A;
  for (int k = 0; k < 3; ++k)
    L.col(k) *= cells[k];
  return L;
}
} // namespace

PeriodicSupercell::PeriodicSupercell(const Mat3 &lattice_vectors_A, const GridShape &cells)
    : PeriodicSupercell(supercell_vectors(lattice_vectors_A, cells)) {}

PeriodicSupercell::PeriodicSupercell(const Mat3 &supercell_vectors_A)
    : vectors_(supercell_vectors_A), inverse_(supercell_vectors_A.inverse()) {
  // Face distance k: 1/|row_k(L⁻¹)| (row k of L⁻¹ is the face normal over the face distance).
  half_width_ = std::numeric_limits<double>::infinity();
  for (int k = 0; k < 3; ++k)
    half_width_ = std::min(half_width_, 0.5 / inverse_.row(k).norm());
}

// A separation shorter than the half width has |f_k| = |row_k(L⁻¹) s| < 1/2 in every component,
// so rounding the fractional coordinates finds it from any image.
Vec3 PeriodicSupercell::minimum_image(const Vec3 &s_A) const {
  Vec3 f = inverse_ * s_A;
  for (int k = 0; k < 3; ++k)
    f[k] -= std::floor(f[k] + 0.5);
  return vectors_ * f;
}

IonIonInteraction IonIonInteraction::screened_coulomb(const ScreenedCoulombParams &params,
                                                      const PeriodicSupercell &supercell) {
  if (!(params.relative_permittivity > 0) || !std::isfinite(params.relative_permittivity))
    throw InputError(fmt::format("ion–ion: relative permittivity ε_r must be positive and finite, "
                                 "got {}",
                                 params.relative_permittivity));
  if (std::isinf(params.screening_length_A) || std::isnan(params.screening_length_A))
    throw InputError(fmt::format(
        "ion–ion: screening length λ_ion = {} Å: bare Coulomb (no screening) is not supported; "
        "its 1/r tail reaches past any cutoff inside the periodic supercell, so the minimum image "
        "with a cutoff is wrong and it needs Ewald sums (physics.md §11.1); give a finite λ_ion",
        params.screening_length_A));
  if (!(params.screening_length_A > 0))
    throw InputError(fmt::format("ion–ion: screening length λ_ion must be positive, got {} Å",
                                 params.screening_length_A));
  if (!(params.cutoff_A > 0))
    throw InputError(
        fmt::format("ion–ion: cutoff r_c must be positive, got {} Å", params.cutoff_A));
  if (!(params.cutoff_A < supercell.half_width_A()))
    throw InputError(fmt::format(
        "ion–ion: cutoff r_c = {} Å must be below half the periodic supercell's width, {} Å "
        "(min_k L_k/2: the minimum image is then the only image within r_c)",
        params.cutoff_A, supercell.half_width_A()));
  return IonIonInteraction(params, supercell);
}

IonIonInteraction::IonIonInteraction(const ScreenedCoulombParams &params,
                                     const PeriodicSupercell &supercell)
    : kind_(Kind::screened_coulomb), params_(params), supercell_(supercell),
      coupling_meV_A_(kCoulombConstant_meV_A / params.relative_permittivity) {
  shift_meV_ = unshifted_per_charge2_meV(params.cutoff_A);
}

double IonIonInteraction::unshifted_per_charge2_meV(double r_A) const {
  return coupling_meV_A_ * std::exp(-r_A / params_.screening_length_A) / r_A;
}

double IonIonInteraction::pair_energy_per_charge2_meV(double r_A) const {
  if (kind_ == Kind::none || r_A >= params_.cutoff_A)
    return 0.0;
  return unshifted_per_charge2_meV(r_A) - shift_meV_;
}

// d/dr [C e^{−r/λ}/r] = −C e^{−r/λ}/r · (1/λ + 1/r); the energy shift does not enter.
double IonIonInteraction::pair_derivative_per_charge2_meV_per_A(double r_A) const {
  if (kind_ == Kind::none || r_A >= params_.cutoff_A)
    return 0.0;
  return -unshifted_per_charge2_meV(r_A) * (1.0 / params_.screening_length_A + 1.0 / r_A);
}

IonIonTerms IonIonInteraction::add_forces(std::span<const Vec3> R_A,
                                          std::span<const double> charge_numbers,
                                          std::span<Vec3> forces_meV_per_A) const {
  if (charge_numbers.size() != R_A.size() || forces_meV_per_A.size() != R_A.size())
    throw std::invalid_argument("ion–ion: positions, charges and forces differ in length");
  IonIonTerms terms;
  if (kind_ == Kind::none)
    return terms;
  const double cutoff2 = params_.cutoff_A * params_.cutoff_A;
  for (std::size_t i = 0; i < R_A.size(); ++i)
    for (std::size_t j = i + 1; j < R_A.size(); ++j) {
      const Vec3 s = supercell_.minimum_image(R_A[i] - R_A[j]);
      const double r2 = s.squaredNorm();
      if (r2 >= cutoff2)
        continue;
      const double r = std::sqrt(r2);
      const double zz = charge_numbers[i] * charge_numbers[j];
      terms.energy_meV += zz * pair_energy_per_charge2_meV(r);
      const Vec3 f = (-zz * pair_derivative_per_charge2_meV_per_A(r) / r) * s; // on i
      forces_meV_per_A[i] += f;
      forces_meV_per_A[j] -= f;
      terms.virial_meV += s * f.transpose();
    }
  return terms;
}

double IonIonInteraction::energy_meV(std::span<const Vec3> R_A,
                                     std::span<const double> charge_numbers) const {
  std::vector<Vec3> scratch(R_A.size(), Vec3::Zero());
  return add_forces(R_A, charge_numbers, scratch).energy_meV;
}

} // namespace ionbath::dynamics
