#include "ionbath/crystal/thermal_covariance.hpp"

#include "ionbath/core/units.hpp"
#include "ionbath/crystal/zone_average.hpp"

#include <Eigen/Eigenvalues>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace ionbath::crystal {
namespace {

// Mean squared amplitude per mode divided by the mass-independent factor: <|ζ|²>/2 = E(Ω)/Ω² with
// E = (ħΩ/2) coth(Ω/2Ω_T) (quantum) or kT (classical); returns E(Ω) in meV (ħ of the crystal's
// unit system).
double mode_energy(double omega, double kT_meV, Statistics statistics, double hbar) {
  if (statistics == Statistics::classical)
    return kT_meV;
  const double zero_point = 0.5 * hbar * omega;
  if (kT_meV == 0.0)
    return zero_point;
  return zero_point / std::tanh(zero_point / kT_meV); // Ω/2Ω_T = ħΩ/2kT
}

void check_temperature(double kT_meV) {
  if (!(kT_meV >= 0) || !std::isfinite(kT_meV))
    throw std::invalid_argument(
        fmt::format("thermal covariance: kT must be finite and ≥ 0 meV, got {}", kT_meV));
}

constexpr std::array<int, 3> kCovarianceOrders{1, 2, 3};

} // namespace

// physics.md §1.8, seed 002 Eq. (24) at t = 0.
ThermalCovarianceTable thermal_covariance(const Crystal &crystal, double kT_meV, int grid_n,
                                          int range, Statistics statistics) {
  if (crystal.n_basis() > 1)
    return thermal_covariance(crystal, kT_meV, GridShape{grid_n, grid_n, grid_n}, range,
                              statistics);
  check_temperature(kT_meV);
  const double m = crystal.mass();
  // E(Ω)/(m Ω²) per mode for the displacement, E(Ω)/m for the velocity.
  auto covariance = [&](const Mat3 &phi, bool velocity) {
    const Eigen::SelfAdjointEigenSolver<Mat3> es(phi / m);
    Vec3 weight;
    for (int u = 0; u < 3; ++u) {
      const double omega2 = std::max(es.eigenvalues()(u), 0.0);
      const double e = mode_energy(std::sqrt(omega2), kT_meV, statistics, crystal.units().hbar) / m;
      weight(u) = velocity ? e : e / omega2;
    }
    return Mat3(es.eigenvectors() * weight.asDiagonal() * es.eigenvectors().transpose());
  };
  ThermalCovarianceTable table;
  table.displacement = zone_average(
      crystal, grid_n, range, [&](const Vec3 &, const Mat3 &phi) { return covariance(phi, false); },
      kCovarianceOrders);
  table.velocity = zone_average(
      crystal, grid_n, range, [&](const Vec3 &, const Mat3 &phi) { return covariance(phi, true); },
      kCovarianceOrders);
  return table;
}

// physics.md §12.3: C_bb'(L) with branch weights E(Ω)/Ω² (displacement) and E(Ω) (velocity).
ThermalCovarianceTable thermal_covariance(const Crystal &crystal, double kT_meV, GridShape grid,
                                          int range, Statistics statistics) {
  check_temperature(kT_meV);
  const double hbar = crystal.units().hbar;
  auto energy = [=](double omega2) {
    return mode_energy(std::sqrt(omega2), kT_meV, statistics, hbar);
  };
  ThermalCovarianceTable table;
  table.displacement = mode_zone_average(
      crystal, grid, range, [&](double omega2) { return energy(omega2) / omega2; },
      kCovarianceOrders);
  table.velocity = mode_zone_average(crystal, grid, range, energy, kCovarianceOrders);
  return table;
}

// physics.md §2.5 fact 2.
CovarianceBlocks mode_covariance(const ModeSet &modes, double kT_meV, const Cell &L,
                                 Statistics statistics) {
  if (modes.n_basis() > 1)
    return mode_covariance(modes, kT_meV, 0, L, 0, statistics);
  check_temperature(kT_meV);
  const double m = modes.mass();
  const Vec3 l = L.cast<double>();
  CovarianceBlocks sum;
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const double omega = modes.omega(j);
    const double e =
        mode_energy(omega, kT_meV, statistics, modes.hbar()) * std::cos(modes.q(j).dot(l));
    const Mat3 polarization = modes.eta(j) * modes.eta(j).transpose();
    sum.velocity += e * polarization;
    sum.displacement += (e / (omega * omega)) * polarization;
  }
  const double norm = 1.0 / (double(modes.n_cells()) * m);
  sum.displacement *= norm;
  sum.velocity *= norm;
  return sum;
}

// physics.md §12.3: (1/N) Σ_j E_j/Ω_j² Re[e_b e_b'^† e^{-iq·(L + f_b' − f_b)}] / √(m_b m_b').
CovarianceBlocks mode_covariance(const ModeSet &modes, double kT_meV, int b, const Cell &L, int b2,
                                 Statistics statistics) {
  check_temperature(kT_meV);
  const Vec3 x = L.cast<double>() + modes.fractional_position(b2) - modes.fractional_position(b);
  CovarianceBlocks sum;
  for (std::int64_t j = 0; j < modes.size(); ++j) {
    const double omega = modes.omega(j);
    const double e = mode_energy(omega, kT_meV, statistics, modes.hbar());
    const double arg = -modes.q(j).dot(x);
    const Eigen::Matrix3cd outer = modes.polarization(j, b) * modes.polarization(j, b2).adjoint() *
                                   std::complex<double>(std::cos(arg), std::sin(arg));
    const Mat3 polarization = outer.real();
    sum.velocity += e * polarization;
    sum.displacement += (e / (omega * omega)) * polarization;
  }
  const double norm =
      1.0 / (double(modes.n_cells()) * std::sqrt(modes.basis_mass(b) * modes.basis_mass(b2)));
  sum.displacement *= norm;
  sum.velocity *= norm;
  return sum;
}

} // namespace ionbath::crystal
