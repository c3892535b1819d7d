#include "ionbath/analysis/diffusion_fit.hpp"

#include "ionbath/core/error.hpp"
#include "ionbath/core/units.hpp"

#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace ionbath::analysis {

namespace {
struct Window {
  std::size_t first = 0, count = 0;
};

// Lags with t > 0 and fit_from ≤ t ≤ fit_to (labels compared with a 1e-9 relative tolerance so
// that (p+1)·δt = 1.0 ps is inside a window starting at 1.0 ps).
Window fit_window(std::span<const double> lag_ps, double fit_from_ps, double fit_to_ps) {
  const double tol = 1e-9;
  Window w;
  w.first = lag_ps.size();
  for (std::size_t p = 0; p < lag_ps.size(); ++p) {
    const double t = lag_ps[p];
    if (t > 0 && t >= fit_from_ps - tol * std::abs(fit_from_ps) &&
        t <= fit_to_ps + tol * std::abs(fit_to_ps)) {
      if (w.count == 0)
        w.first = p;
      ++w.count;
    }
  }
  if (w.count == 0)
    throw InputError("msd fit: no lag with t > 0 in the window [" + std::to_string(fit_from_ps) +
                     ", " + std::to_string(fit_to_ps) + "] ps");
  return w;
}

double sample_std(std::span<const double> v) {
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
  double ss = 0;
  for (double x : v)
    ss += (x - mean) * (x - mean);
  return std::sqrt(ss / double(v.size() - 1));
}

// Uniform integer in [0, n) by rejection (portable, unlike std::uniform_int_distribution).
std::size_t uniform_below(std::mt19937_64 &rng, std::size_t n) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t r;
  do
    r = rng();
  while (r >= limit);
  return std::size_t(r % n);
}
} // namespace

DiffusionFit fit_diffusion(const SegmentCurves &segments, const DiffusionFitOptions &options) {
  const std::size_t S = segments.segments(), P = segments.lags();
  if (options.bins < 2)
    throw InputError("msd fit: bins must be >= 2");
  if (S < std::size_t(options.bins))
    throw InputError("msd fit: " + std::to_string(S) + " segments are fewer than " +
                     std::to_string(options.bins) + " bins");
  const Window win = fit_window(segments.lag_ps, options.fit_from_ps, options.fit_to_ps);

  // Fit coefficients a_p (§5.2): s = Σ a_p d_p for any curve d.
  std::vector<double> w(win.count, 1.0);
  if (options.weighted) {
    const MsdCurve mean = mean_curve(segments);
    for (std::size_t i = 0; i < win.count; ++i) {
      const double se = mean.stderr_A2[win.first + i];
      if (!(se > 0))
        throw InputError("msd fit: zero standard error in the window, cannot weight by 1/SE^2");
      w[i] = 1.0 / (se * se);
    }
  }
  std::vector<double> a(win.count);
  double norm = 0;
  for (std::size_t i = 0; i < win.count; ++i) {
    const double t = segments.lag_ps[win.first + i];
    a[i] = w[i] * t;
    norm += w[i] * t * t;
  }
  for (auto &ai : a)
    ai /= norm;

  DiffusionFit fit;
  fit.segments = S;
  fit.fit_first_lag = win.first;
  fit.fit_lag_count = win.count;
  // Per-segment slopes s_s; the mean curve's slope is their mean (linearity).
  std::vector<double> slope(S, 0.0);
  for (std::size_t s = 0; s < S; ++s) {
    const double *d = segments.d_A2.data() + s * P + win.first;
    for (std::size_t i = 0; i < win.count; ++i)
      slope[s] += a[i] * d[i];
  }
  fit.slope_A2_per_ps = std::accumulate(slope.begin(), slope.end(), 0.0) / double(S);
  fit.D_A2_per_ps = fit.slope_A2_per_ps / 6;
  fit.D_cm2_per_s = fit.D_A2_per_ps * units::A2_per_ps_in_cm2_per_s;

  // (b) segment slopes.
  fit.D_segments_A2_per_ps.resize(S);
  for (std::size_t s = 0; s < S; ++s)
    fit.D_segments_A2_per_ps[s] = slope[s] / 6;
  fit.sigma_D_A2_per_ps = sample_std(fit.D_segments_A2_per_ps) / std::sqrt(double(S));
  fit.sigma_D_dof = int(S) - 1;

  // (a) binning (§5.3): Fisher–Yates permutation, bins of ⌊S/N_b⌋ or ⌈S/N_b⌉ segments. A bin's
  // mean curve has slope = mean of its segments' slopes, since the fit is linear in the curve.
  std::vector<std::size_t> order(S);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::mt19937_64 rng(options.bin_seed);
  for (std::size_t i = S - 1; i > 0; --i)
    std::swap(order[i], order[uniform_below(rng, i + 1)]);
  const std::size_t nb = std::size_t(options.bins);
  fit.D_bins_A2_per_ps.resize(nb);
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t lo = b * S / nb, hi = (b + 1) * S / nb;
    double sum = 0;
    for (std::size_t i = lo; i < hi; ++i)
      sum += slope[order[i]];
    fit.D_bins_A2_per_ps[b] = sum / double(hi - lo) / 6;
  }
  fit.sigma_D_binning_A2_per_ps = sample_std(fit.D_bins_A2_per_ps) / std::sqrt(double(nb));
  return fit;
}

PooledDiffusionFit fit_diffusion_pooled(std::span<const SegmentCurves> trajectories,
                                        const DiffusionFitOptions &options) {
  PooledDiffusionFit out;
  out.pooled = fit_diffusion(pool_segments(trajectories), options);
  for (const auto &t : trajectories)
    out.per_trajectory.push_back(fit_diffusion(t, options));
  return out;
}

double through_origin_D_A2_per_ps(std::span<const double> lag_ps, std::span<const double> msd_A2,
                                  double fit_from_ps, double fit_to_ps) {
  if (lag_ps.size() != msd_A2.size())
    throw std::invalid_argument("through_origin_D: lag and MSD arrays differ in length");
  const Window win = fit_window(lag_ps, fit_from_ps, fit_to_ps);
  double num = 0, den = 0;
  for (std::size_t p = win.first; p < win.first + win.count; ++p) {
    num += lag_ps[p] * msd_A2[p];
    den += lag_ps[p] * lag_ps[p];
  }
  return num / den / 6;
}

} // namespace ionbath::analysis
