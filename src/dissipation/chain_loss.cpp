#include "ionbath/dissipation/chain_loss.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"
#include "ionbath/dissipation/scaled_bessel.hpp"

#include <cmath>
#include <fmt/format.h>
#include <limits>

namespace ionbath::dissipation {
using units::pi;
namespace {

void check(const ChainPass &p, double speed) {
  if (!(speed > 0) || !std::isfinite(speed))
    throw InputError(fmt::format("chain loss: speed must be positive and finite, got {}", speed));
  if (!(p.lambda > 0))
    throw InputError(fmt::format("chain loss: lambda must be positive, got {}", p.lambda));
  if (p.nu < 0 || p.omega_parallel < 0 || p.omega_perp < 0)
    throw InputError("chain loss: nu, omega_parallel and omega_perp must be ≥ 0");
}

double offset_factor(const ChainPass &p) { // Φ0² e^{−s²/λ²}
  return p.Phi0 * p.Phi0 * std::exp(-p.offset * p.offset / (p.lambda * p.lambda));
}

double y_of(const ChainPass &p, double speed) {
  return 2.0 * pi * p.lambda / speed;
}

} // namespace

// seed 001 Eq. 14
ChannelLoss analytic_chain_loss(const ChainPass &p, double speed) {
  check(p, speed);
  const double y = y_of(p, speed), y2 = y * y;
  const double l2 = p.lambda * p.lambda;
  const double common = pi * offset_factor(p) * std::exp(-y2 * p.nu * p.nu);
  const double w2_perp = p.omega_perp * p.omega_perp;
  const double w2_par = p.omega_parallel * p.omega_parallel;
  const double z_par = 2.0 * w2_par * y2;
  ChannelLoss out;
  out.transverse =
      common * y2 * p.offset * p.offset / (l2 * l2) * scaled_bessel_i0(2.0 * w2_perp * y2);
  out.longitudinal = common * y2 * y2 / l2 *
                     ((p.nu * p.nu + 2.0 * w2_par) * scaled_bessel_i0(z_par) -
                      2.0 * w2_par * scaled_bessel_i1(z_par));
  return out;
}

ChannelLoss fast_chain_loss(const ChainPass &p, double speed) {
  check(p, speed);
  const double y2 = std::pow(y_of(p, speed), 2), l2 = p.lambda * p.lambda;
  const double common = pi * offset_factor(p);
  return {common * y2 * p.offset * p.offset / (l2 * l2),
          common * y2 * y2 * (p.nu * p.nu + 2.0 * p.omega_parallel * p.omega_parallel) / l2};
}

ChannelLoss slow_chain_loss(const ChainPass &p, double speed) {
  check(p, speed);
  if (!(p.omega_perp > 0) || !(p.omega_parallel > 0))
    throw InputError("chain loss: the slow limit needs omega_perp > 0 and omega_parallel > 0");
  const double y = y_of(p, speed), y2 = y * y, l2 = p.lambda * p.lambda;
  const double common = 0.5 * std::sqrt(pi) * offset_factor(p) * std::exp(-y2 * p.nu * p.nu);
  const double nu2 = p.nu * p.nu, w2 = p.omega_parallel * p.omega_parallel;
  return {common * y * p.offset * p.offset / (l2 * l2 * p.omega_perp),
          common * y * y2 * (nu2 + (nu2 + 8.0 * w2) / (16.0 * w2 * y2)) / (l2 * p.omega_parallel)};
}

double unconfined_plateau(const ChainPass &p) {
  check(p, 1.0);
  const double e = std::exp(-p.offset * p.offset / (p.lambda * p.lambda));
  const double perp =
      p.offset == 0 ? 0.0 : p.offset * p.offset / (std::pow(p.lambda, 3) * p.omega_perp);
  return std::pow(pi, 1.5) * e * (0.5 / (p.lambda * p.omega_parallel) + perp);
}

double transverse_dominance_speed(const ChainPass &p) {
  if (p.offset == 0)
    return std::numeric_limits<double>::infinity();
  return 2.0 * pi * p.lambda * p.lambda *
         std::sqrt(p.nu * p.nu + 2.0 * p.omega_parallel * p.omega_parallel) / std::abs(p.offset);
}

} // namespace ionbath::dissipation
