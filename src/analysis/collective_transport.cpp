#include "ionbath/analysis/collective_transport.hpp"

#include "ionbath/core/error.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace ionbath::analysis {
namespace {

// a·x + b·y elementwise on curves with the same lags and segments.
SegmentCurves combine(double a, const SegmentCurves &x, double b, const SegmentCurves &y) {
  SegmentCurves out = x;
  for (std::size_t k = 0; k < out.d_A2.size(); ++k)
    out.d_A2[k] = a * x.d_A2[k] + b * y.d_A2[k];
  return out;
}

SegmentCurves scaled(const SegmentCurves &x, double a) {
  SegmentCurves out = x;
  for (double &d : out.d_A2)
    d *= a;
  return out;
}

// σ(a/b) from the per-segment values a_s, b_s of the two fits (delta method with their
// covariance): (a/b)² [var a/ā² + var b/b̄² − 2 cov(a, b)/(ā b̄)] / N_s.
double ratio_error(const DiffusionFit &a, const DiffusionFit &b) {
  const auto &x = a.D_segments_A2_per_ps, &y = b.D_segments_A2_per_ps;
  const std::size_t n = x.size();
  if (n < 2 || y.size() != n)
    return std::numeric_limits<double>::quiet_NaN();
  double mx = 0, my = 0;
  for (std::size_t k = 0; k < n; ++k) {
    mx += x[k] / double(n);
    my += y[k] / double(n);
  }
  double vx = 0, vy = 0, cxy = 0;
  for (std::size_t k = 0; k < n; ++k) {
    vx += (x[k] - mx) * (x[k] - mx) / double(n - 1);
    vy += (y[k] - my) * (y[k] - my) / double(n - 1);
    cxy += (x[k] - mx) * (y[k] - my) / double(n - 1);
  }
  const double r = mx / my;
  const double relative = vx / (mx * mx) + vy / (my * my) - 2 * cxy / (mx * my);
  return std::abs(r) * std::sqrt(std::max(relative, 0.0) / double(n));
}

} // namespace

CollectiveMsd::CollectiveMsd(const SegmentMsdParams &params, std::vector<int> species_of_ion,
                             std::vector<double> charge_number)
    : species_of_ion_(std::move(species_of_ion)), charge_number_(std::move(charge_number)),
      ions_of_(charge_number_.size(), 0) {
  const int n_species = static_cast<int>(charge_number_.size());
  for (const int s : species_of_ion_) {
    if (s < 0 || s >= n_species)
      throw std::invalid_argument(
          fmt::format("CollectiveMsd: species {} outside [0, {})", s, n_species));
    ++ions_of_[std::size_t(s)];
  }
  for (int s = 0; s < n_species; ++s)
    if (ions_of_[std::size_t(s)] == 0)
      throw std::invalid_argument(fmt::format("CollectiveMsd: species {} has no ion", s));
  ion_.assign(species_of_ion_.size(), SegmentMsd(params));
  collective_.resize(std::size_t(n_species));
  for (int s = 0; s < n_species; ++s)
    if (ions_of(s) > 1)
      collective_[std::size_t(s)].emplace(params);
  pair_.assign(std::size_t(n_species * (n_species - 1) / 2), SegmentMsd(params));
  if (species_of_ion_.size() > 1)
    charge_.emplace(params);
}

std::size_t CollectiveMsd::pair_index(int s, int t) const {
  if (s > t)
    std::swap(s, t);
  const int n = n_species();
  return std::size_t(s * n - s * (s + 1) / 2 + (t - s - 1)); // s < t, row-major upper triangle
}

int CollectiveMsd::ion_of_species(int s) const {
  return int(std::find(species_of_ion_.begin(), species_of_ion_.end(), s) -
             species_of_ion_.begin());
}

template <class Self, class F> void CollectiveMsd::for_each_accumulator(Self &self, F f) {
  for (auto &m : self.ion_)
    f(m);
  for (auto &m : self.collective_)
    if (m)
      f(*m);
  for (auto &m : self.pair_)
    f(m);
  if (self.charge_)
    f(*self.charge_);
}

std::size_t CollectiveMsd::accumulator_count(std::span<const int> species_of_ion, int n_species) {
  std::vector<int> ions_of(std::size_t(std::max(n_species, 0)), 0);
  for (const int s : species_of_ion)
    if (s >= 0 && s < n_species)
      ++ions_of[std::size_t(s)];
  const auto collective = std::size_t(std::ranges::count_if(ions_of, [](int n) { return n > 1; }));
  const auto pairs = std::size_t(n_species * (n_species - 1) / 2);
  return species_of_ion.size() + collective + pairs + (species_of_ion.size() > 1 ? 1 : 0);
}

std::vector<std::vector<double>> CollectiveMsd::serialize() const {
  std::vector<std::vector<double>> states;
  for_each_accumulator(*this, [&](const SegmentMsd &m) { states.push_back(m.serialize()); });
  return states;
}

CollectiveMsd CollectiveMsd::restore(std::vector<int> species_of_ion,
                                     std::vector<double> charge_number,
                                     std::span<const std::vector<double>> states) {
  if (states.empty())
    throw std::invalid_argument("CollectiveMsd::restore: no states");
  CollectiveMsd msd(SegmentMsd::restore(states[0]).params(), std::move(species_of_ion),
                    std::move(charge_number));
  const std::size_t count = accumulator_count(msd.species_of_ion_, msd.n_species());
  if (count != states.size())
    throw std::invalid_argument(
        fmt::format("CollectiveMsd::restore: {} states for {} accumulators", states.size(), count));
  std::size_t k = 0;
  for_each_accumulator(msd, [&](SegmentMsd &m) { m = SegmentMsd::restore(states[k++]); });
  return msd;
}

void CollectiveMsd::push(std::span<const Vec3> R_A) {
  if (R_A.size() != species_of_ion_.size())
    throw std::invalid_argument(fmt::format("CollectiveMsd::push: {} positions for {} ions",
                                            R_A.size(), species_of_ion_.size()));
  std::array<Vec3, 8> X_small;
  std::vector<Vec3> X_large;
  std::span<Vec3> X(X_small);
  if (charge_number_.size() > X_small.size()) {
    X_large.resize(charge_number_.size());
    X = X_large;
  }
  std::fill(X.begin(), X.end(), Vec3::Zero());
  Vec3 Q = Vec3::Zero();
  for (std::size_t i = 0; i < R_A.size(); ++i) {
    const auto s = std::size_t(species_of_ion_[i]);
    ion_[i].push(R_A[i]);
    X[s] += R_A[i];
    Q += charge_number_[s] * R_A[i];
  }
  for (int s = 0; s < n_species(); ++s) {
    if (auto &c = collective_[std::size_t(s)])
      c->push(X[std::size_t(s)]);
    for (int t = s + 1; t < n_species(); ++t)
      pair_[pair_index(s, t)].push(X[std::size_t(s)] + X[std::size_t(t)]);
  }
  if (charge_)
    charge_->push(Q);
}

SegmentCurves CollectiveMsd::tracer(int s) const {
  SegmentCurves sum;
  for (std::size_t i = 0; i < ion_.size(); ++i)
    if (species_of_ion_[i] == s)
      sum = sum.d_A2.empty() ? ion_[i].curves() : combine(1, sum, 1, ion_[i].curves());
  return ions_of(s) == 1 ? sum : scaled(sum, 1.0 / ions_of(s));
}

SegmentCurves CollectiveMsd::collective(int s) const {
  const auto &c = collective_[std::size_t(s)];
  return c ? scaled(c->curves(), 1.0 / ions_of(s)) : ion_[std::size_t(ion_of_species(s))].curves();
}

// |ΔX_s|² of a species.
SegmentCurves CollectiveMsd::cross(int s, int t) const {
  if (s == t) {
    const auto &c = collective_[std::size_t(s)];
    return c ? c->curves() : ion_[std::size_t(ion_of_species(s))].curves();
  }
  const SegmentCurves sum = pair_[pair_index(s, t)].curves();
  return combine(0.5, sum, -0.5, combine(1, cross(s, s), 1, cross(t, t)));
}

SegmentCurves CollectiveMsd::charge() const {
  if (charge_)
    return charge_->curves();
  const double z = charge_number_[0];
  return scaled(ion_[0].curves(), z * z);
}

CollectiveCurves CollectiveMsd::curves() const {
  CollectiveCurves c;
  for (int s = 0; s < n_species(); ++s) {
    c.tracer.push_back(tracer(s));
    c.collective.push_back(collective(s));
    for (int t = s + 1; t < n_species(); ++t)
      c.cross.push_back(cross(s, t));
  }
  c.charge = charge();
  c.ions_of_species = ions_of_;
  c.charge_number = charge_number_;
  return c;
}

double conductivity_S_per_m(double D_Q_A2_per_ps, double volume_A3, double kT_meV) {
  return 1.602176634e6 * D_Q_A2_per_ps / (volume_A3 * kT_meV);
}

// physics.md §11.4
CollectiveTransport fit_collective_transport(std::span<const CollectiveCurves> trajectories,
                                             double volume_A3, double kT_meV,
                                             const DiffusionFitOptions &options) {
  if (!(volume_A3 > 0) || !(kT_meV > 0))
    throw InputError(fmt::format("collective transport: volume {} Å³ and kT {} meV must be > 0",
                                 volume_A3, kT_meV));
  if (trajectories.empty())
    throw std::invalid_argument("fit_collective_transport: no trajectories");
  const auto &first = trajectories.front();
  const int n = int(first.ions_of_species.size());
  // The union of the trajectories' segments of one curve of each.
  const auto pooled = [&](auto pick) {
    std::vector<SegmentCurves> parts;
    for (const auto &c : trajectories)
      parts.push_back(pick(c));
    return pool_segments(parts);
  };
  const auto cross = [&](int s, int t) { // ΔX_s·ΔX_t
    if (s == t)
      return pooled([s](const CollectiveCurves &c) {
        return scaled(c.collective[std::size_t(s)], c.ions_of_species[std::size_t(s)]);
      });
    const int a = std::min(s, t), b = std::max(s, t);
    const auto k = std::size_t(a * n - a * (a + 1) / 2 + (b - a - 1));
    return pooled([k](const CollectiveCurves &c) { return c.cross[k]; });
  };
  CollectiveTransport out;
  for (int s = 0; s < n; ++s) {
    SpeciesTransport st;
    st.tracer = fit_diffusion(
        pooled([s](const CollectiveCurves &c) { return c.tracer[std::size_t(s)]; }), options);
    st.collective = fit_diffusion(
        pooled([s](const CollectiveCurves &c) { return c.collective[std::size_t(s)]; }), options);
    st.haven_ratio = st.tracer.D_A2_per_ps / st.collective.D_A2_per_ps;
    st.sigma_haven_ratio = ratio_error(st.tracer, st.collective);
    out.species.push_back(std::move(st));
  }
  out.onsager.resize(std::size_t(n * n));
  out.sigma_onsager.resize(std::size_t(n * n));
  for (int s = 0; s < n; ++s)
    for (int t = 0; t < n; ++t) { // L_ss′ = ⟨ΔX_s·ΔX_s′⟩/(6 V k_BT t) = D_fit/(V k_BT)
      const DiffusionFit f = fit_diffusion(cross(s, t), options);
      out.onsager[std::size_t(s * n + t)] = f.D_A2_per_ps / (volume_A3 * kT_meV);
      out.sigma_onsager[std::size_t(s * n + t)] = f.sigma_D_A2_per_ps / (volume_A3 * kT_meV);
    }
  out.charge = fit_diffusion(pooled([](const CollectiveCurves &c) { return c.charge; }), options);
  out.conductivity_S_per_m = conductivity_S_per_m(out.charge.D_A2_per_ps, volume_A3, kT_meV);
  out.sigma_conductivity_S_per_m =
      conductivity_S_per_m(out.charge.sigma_D_A2_per_ps, volume_A3, kT_meV);
  return out;
}

CollectiveTransport fit_collective_transport(const CollectiveMsd &msd, double volume_A3,
                                             double kT_meV, const DiffusionFitOptions &options) {
  const CollectiveCurves c = msd.curves();
  return fit_collective_transport(std::span(&c, 1), volume_A3, kT_meV, options);
}

} // namespace ionbath::analysis
