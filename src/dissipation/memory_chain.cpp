#include "ionbath/dissipation/memory_chain.hpp"

#include "ionbath/core/units.hpp"
#include "ionbath/dissipation/quadrature.hpp"
#include "ionbath/dissipation/scaled_bessel.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <span>

namespace ionbath::dissipation {
using units::pi;

double ChainBand::omega(double theta) const {
  const double s = std::sin(theta);
  return std::sqrt(1.0 + (omega_fast * omega_fast - 1.0) * s * s);
}

double ChainBand::slope(double x) const {
  const double theta = pi * x;
  return pi * (omega_fast * omega_fast - 1.0) * std::sin(theta) * std::cos(theta) / omega(theta);
}

double memory_kernel(const ChainBand &band, int n, double tau, double abs_tol) {
  const auto f = [&](double theta, std::span<double> out) {
    const double w = band.omega(theta);
    out[0] = std::cos(2.0 * n * theta) * std::sin(2.0 * pi * tau * w) / w;
  };
  return 2.0 / pi * integrate_interval(f, 1, 0.0, pi / 2, 1e-12, abs_tol)[0];
}

MemoryKernelTable tabulate_memory_kernel(const ChainBand &band, int l_max, double dt,
                                         std::int64_t steps, double abs_tol) {
  MemoryKernelTable t{l_max, steps, dt, {}};
  t.values.resize(std::size_t(l_max + 1) * std::size_t(steps + 1));
  for (int l = 0; l <= l_max; ++l)
    for (std::int64_t k = 0; k <= steps; ++k)
      t.values[std::size_t(l) * std::size_t(steps + 1) + std::size_t(k)] =
          k == 0 ? 0.0 : memory_kernel(band, l, double(k) * dt, abs_tol); // Γ_n(0) = 0
  return t;
}

// seed 003 Eq. 7: 4π³Φ0²/σ̇² z e^{−z(ω_f²+1)/2} {I0(W) + (ω_f²−1)/2 [I0(W) − I1(W)]}, with
// e^{−z(ω_f²+1)/2} I_n(W) = e^{−z} e^{−W} I_n(W).
double head_on_loss(const ChainBand &band, double Phi0, double lambda, double speed) {
  const double w2 = band.omega_fast * band.omega_fast;
  const double z = std::pow(2.0 * pi * lambda / speed, 2);
  const double W = z * (w2 - 1.0) / 2;
  const double i0 = scaled_bessel_i0(W), i1 = scaled_bessel_i1(W);
  return 4.0 * std::pow(pi, 3) * Phi0 * Phi0 / (speed * speed) * z * std::exp(-z) *
         (i0 + (w2 - 1.0) / 2 * (i0 - i1));
}

double fast_head_on_loss(const ChainBand &band, double Phi0, double lambda, double speed) {
  const double z = std::pow(2.0 * pi * lambda / speed, 2);
  return 2.0 * std::pow(pi, 3) * Phi0 * Phi0 * z * (band.omega_fast * band.omega_fast + 1.0) /
         (speed * speed);
}

double slow_head_on_loss(const ChainBand &band, double Phi0, double lambda, double speed) {
  const double z = std::pow(2.0 * pi * lambda / speed, 2);
  return 4.0 * std::pow(pi, 3) * Phi0 * Phi0 / (speed * speed) * std::sqrt(z) * std::exp(-z) /
         std::sqrt(pi * (band.omega_fast * band.omega_fast - 1.0));
}

double head_on_loss_zone_average(const ChainBand &band, double Phi0, double lambda, double speed,
                                 double rel_tol) {
  const double z = std::pow(2.0 * pi * lambda / speed, 2);
  const auto f = [&](double theta, std::span<double> out) {
    const double w = band.omega(theta);
    const double amplitude = 4.0 * pi * pi * w / (speed * speed); // × Φ̃ = √(2π)λΦ0 e^{−zω²/2}
    out[0] = 0.5 * amplitude * amplitude * 2.0 * pi * lambda * lambda * Phi0 * Phi0 *
             std::exp(-z * w * w);
  };
  return 2.0 / pi * integrate_interval(f, 1, 0.0, pi / 2, rel_tol)[0]; // seed 003 Eq. (6)
}

namespace {
// The root of a monotone g on [a, b] with g(a) g(b) ≤ 0 to machine precision: regula falsi with
// the Illinois halving (superlinear; every iterate stays inside the bracket, so the root found
// is the bracket's; bisection steps where the secant leaves it).
template <class G> double bisect(const G &g, double a, double b) {
  double ga = g(a), gb = g(b);
  if (ga == 0)
    return a;
  if (gb == 0)
    return b;
  int kept = 0; // which end stayed last time: −1 a, +1 b
  for (int i = 0; i < 200; ++i) {
    if (b - a <= 4 * std::numeric_limits<double>::epsilon() * std::max(std::abs(a), std::abs(b)))
      break;
    double m = (a * gb - b * ga) / (gb - ga);
    if (!(m > a && m < b))
      m = 0.5 * (a + b);
    const double gm = g(m);
    if (gm == 0)
      return m;
    if ((gm < 0) == (ga < 0)) {
      a = m;
      ga = gm;
      if (kept == 1)
        gb *= 0.5;
      kept = 1;
    } else {
      b = m;
      gb = gm;
      if (kept == -1)
        ga *= 0.5;
      kept = -1;
    }
  }
  return 0.5 * (a + b);
}
} // namespace

std::vector<double> resonant_modes(const ChainBand &band, double alpha, double speed) {
  const double c = speed / alpha; // slope of the line x σ̇/α
  const double x_max = band.omega_fast / c;
  const auto f = [&](double x) { return band.omega(pi * x) - c * x; };
  const auto g = [&](double x) { return band.slope(x) - c; };
  // The band's slope in x is largest at sin²θ = 1/(ω_fast + 1) on each rising half-period.
  const double inflection = std::asin(1.0 / std::sqrt(band.omega_fast + 1.0)) / pi;
  std::vector<double> cuts{0.0};
  for (int k = 0; 0.5 * k < x_max; ++k) {
    const double a = 0.5 * k, b = 0.5 * (k + 1);
    std::vector<double> inner;
    // Rising halves [m, m + ½] hold the inflection at m + x_i; falling halves the mirror one.
    const double xi = (k % 2 == 0) ? a + inflection : b - inflection;
    inner.push_back(xi);
    // Where the slope equals c: one point on each monotone side of the inflection.
    for (const auto &[lo, hi] : {std::pair{a, xi}, std::pair{xi, b}})
      if ((g(lo) <= 0) != (g(hi) <= 0))
        inner.push_back(bisect(g, lo, hi));
    std::ranges::sort(inner);
    for (double x : inner)
      cuts.push_back(x);
    cuts.push_back(b);
  }
  std::vector<double> roots;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double lo = cuts[i], hi = std::min(cuts[i + 1], x_max);
    if (hi <= lo)
      break;
    const double flo = f(lo), fhi = f(hi);
    if (flo == 0 && lo > 0)
      roots.push_back(lo);
    else if ((flo < 0) != (fhi < 0) && fhi != 0)
      roots.push_back(bisect(f, lo, hi));
  }
  if (f(x_max) == 0)
    roots.push_back(x_max);
  return roots;
}

SteadyStateLoss steady_state_loss(const SteadyStatePass &p, double speed) {
  SteadyStateLoss out;
  out.resonances = resonant_modes(p.band, p.alpha, speed);
  const double v2 = speed * speed;
  for (const double x : out.resonances) {
    const double w = p.band.omega(pi * x);
    const double exponent = p.exponent == SteadyStateExponent::eq10
                                ? -4.0 * pi * pi * p.lambda * p.lambda * w * w / v2
                                : -2.0 * pi * pi * p.lambda * p.lambda * std::pow(w, 4) / v2;
    const double amplitude = 4.0 * pi * pi * p.lambda * p.Phi0 * w / v2;
    out.loss += pi * amplitude * amplitude * std::exp(exponent) /
                std::abs(p.alpha * p.band.slope(x) / speed - 1.0); // seed 003 Eq. 10
  }
  return out;
}

BroadenedPass::BroadenedPass(const SteadyStatePass &p, double mu, int positions) {
  const auto drop = [&](double x) { // the masses at 0, ±α and ±2α (the rest underflow)
    double phi = 0;
    for (int n = -2; n <= 2; ++n)
      phi += std::exp(-std::pow(x - n * p.alpha, 2) / (2 * p.lambda * p.lambda));
    return 8 * pi * pi * p.Phi0 * phi / mu;
  };
  drop_at_mass_ = drop(0.0);
  drop_.resize(std::size_t(std::max(positions, 1)));
  for (std::size_t i = 0; i < drop_.size(); ++i)
    drop_[i] = drop(0.5 * p.alpha * (double(i) + 0.5) / double(drop_.size()));
}

double BroadenedPass::lowest_speed(double speed) const {
  const double v2 = speed * speed - std::max(drop_at_mass_, drop_.back());
  return v2 > 0 ? std::sqrt(v2) : std::numeric_limits<double>::quiet_NaN();
}

double BroadenedPass::highest_speed(double speed) const {
  return std::sqrt(speed * speed - std::min(drop_at_mass_, drop_.back()));
}

double BroadenedPass::loss(double speed,
                           const std::function<double(double)> &loss_at_speed) const {
  if (std::isnan(lowest_speed(speed))) // stopped at the top of a repulsive mass
    return std::numeric_limits<double>::quiet_NaN();
  double sum = 0;
  for (const double d : drop_)
    sum += loss_at_speed(std::sqrt(speed * speed - d));
  return sum / double(drop_.size()); // physics.md §7.5, broadened variant
}

} // namespace ionbath::dissipation
