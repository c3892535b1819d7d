#include "ionbath/bath/thermal_bath.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"

#include <Random123/philox.h>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace ionbath::bath {
namespace {

// Second key word of the common-random-numbers streams; never a temperature index in practice.
constexpr std::uint64_t kCommonStreamKey = std::numeric_limits<std::uint64_t>::max();
// physics.md §2.1: p_j is reduced by 1e-12 so that p < 1 at very low temperature.
constexpr double kOccupationEpsilon = 1e-12;

double to_unit_interval(std::uint64_t word) {
  return static_cast<double>(word >> 11) * 0x1.0p-53; // [0, 1), 53 random bits
}

} // namespace

std::array<double, 4> stream_uniforms(const ThermalBathParams &params, StreamPurpose purpose,
                                      std::uint64_t index) {
  using Philox = r123::Philox4x64;
  const Philox::key_type key = {{params.seed, params.streams == RandomStreams::common
                                                  ? kCommonStreamKey
                                                  : params.temperature_index}};
  const Philox::ctr_type counter = {
      {params.trajectory_id, static_cast<std::uint64_t>(purpose), index, 0}};
  const Philox::ctr_type words = Philox{}(counter, key);
  return {to_unit_interval(words[0]), to_unit_interval(words[1]), to_unit_interval(words[2]),
          to_unit_interval(words[3])};
}

ModeDraw draw_mode(double omega, double kT, double hbar, Statistics statistics,
                   const std::array<double, 4> &u) {
  const double omega_T = kT / hbar;
  const double tail = 1.0 - u[0]; // (0, 1]: inversion variable of the occupation/energy
  ModeDraw draw;
  double amplitude = 0.0;
  if (statistics == Statistics::quantum) {
    if (omega_T > 0.0) {
      // P(n ≥ k) = (1-p)^k with 1-p = e^{-Ω/Ω_T} + ε ("failures before success", §2.1).
      const double q = std::exp(-omega / omega_T) + kOccupationEpsilon;
      if (!(q < 1.0))
        throw InputError(fmt::format("kT = {} too high for a mode of Ω = {} (ħ = {}): Bose p ≤ 0",
                                     kT, omega, hbar));
      draw.occupation = static_cast<std::int64_t>(std::floor(std::log(tail) / std::log(q)));
    }
    amplitude = std::sqrt(static_cast<double>(draw.occupation) + 0.5) *
                std::sqrt(2.0 * hbar / omega); // seed 002 Eq. (23)
  } else {
    const double energy = -kT * std::log(tail); // Exp(kT)
    amplitude = std::sqrt(2.0 * energy) / omega;
  }
  draw.zeta = std::polar(amplitude, -2.0 * units::pi * u[1]); // e^{-2πi u_j}, §2.1
  return draw;
}

ThermalBath::ThermalBath(const crystal::ModeSet &modes, const ThermalBathParams &params)
    : modes_(&modes), params_(params), omega_T_(params.kT_meV / modes.hbar()) {
  if (!(params.kT_meV >= 0.0) || !std::isfinite(params.kT_meV))
    throw InputError(
        fmt::format("thermal bath: kT = {} meV must be finite and ≥ 0", params.kT_meV));
  const auto n = static_cast<std::size_t>(modes.size());
  const bool quantum = params.statistics == Statistics::quantum;
  if (quantum)
    occupation_.assign(n, 0);
  zeta_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto local = static_cast<std::int64_t>(i);
    const auto mode = static_cast<std::uint64_t>(modes.first_mode() + local);
    const auto u = stream_uniforms(params, StreamPurpose::mode_amplitude, mode);
    ModeDraw draw;
    try {
      draw = draw_mode(modes.omega(local), params.kT_meV, modes.hbar(), params.statistics, u);
    } catch (const InputError &e) {
      throw InputError(fmt::format("thermal bath: mode {} (rad/ps, meV): {}", mode, e.what()));
    }
    if (quantum)
      occupation_[i] = draw.occupation;
    zeta_[i] = draw.zeta;
  }
  set_coefficients();
}

void ThermalBath::set_coefficients() {
  const auto &modes = *modes_;
  const auto n = static_cast<std::size_t>(modes.size());
  const auto cells = static_cast<double>(modes.n_cells());
  const int n_b = modes.n_basis();
  c_.resize(n * static_cast<std::size_t>(n_b));
  if (n_b == 1) { // physics.md §2.2
    const double norm = 1.0 / std::sqrt(cells * modes.mass());
    for (std::size_t i = 0; i < n; ++i)
      c_[i] =
          (zeta_[i] * norm) * modes.eta(static_cast<std::int64_t>(i)).cast<std::complex<double>>();
    return;
  }
  for (std::size_t i = 0; i < n; ++i) { // physics.md §12.3
    const auto local = static_cast<std::int64_t>(i);
    const Vec3 q = modes.q(local);
    for (int b = 0; b < n_b; ++b) {
      const double norm = 1.0 / std::sqrt(cells * modes.basis_mass(b));
      const std::complex<double> basis_phase =
          std::polar(norm, q.dot(modes.fractional_position(b)));
      c_[i * static_cast<std::size_t>(n_b) + static_cast<std::size_t>(b)] =
          (zeta_[i] * basis_phase) * modes.polarization(local, b);
    }
  }
}

std::int64_t ThermalBath::occupation(std::int64_t local) const {
  if (occupation_.empty())
    throw std::logic_error("ThermalBath::occupation: classical baths have no occupations");
  return occupation_[idx(local)];
}

} // namespace ionbath::bath
