// Sites from the occupation density (analysis/site_detection.hpp; physics.md §8.2 site list).
#include "ionbath/analysis/site_detection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace ionbath::analysis {

namespace {

constexpr double kMaxGridPoints = double(std::int64_t(1) << 26);
constexpr int kSmoothHalfWidth = 3; // Gaussian taps −3σ … 3σ, σ = one grid spacing

double wrap_unit(double f) {
  const double w = f - std::floor(f);
  return w >= 1 ? 0.0 : w;
}

// The grid geometry shared by the detection steps.
struct Geometry {
  Mat3 to_cartesian, to_fractional;
  GridShape n{};

  std::int64_t index(int i0, int i1, int i2) const {
    return (std::int64_t(i0) * n[1] + i1) * n[2] + i2;
  }
  Vec3 centre(int i0, int i1, int i2) const {
    return Vec3((i0 + 0.5) / n[0], (i1 + 0.5) / n[1], (i2 + 0.5) / n[2]);
  }
  // Cartesian minimum image of a fractional difference (the shortest of 27 reduced images).
  Vec3 min_image(Vec3 df) const {
    for (int k = 0; k < 3; ++k)
      df[k] -= std::round(df[k]);
    Vec3 best = to_cartesian * df;
    for (int i = -1; i <= 1; ++i)
      for (int j = -1; j <= 1; ++j)
        for (int k = -1; k <= 1; ++k) {
          const Vec3 d = to_cartesian * (df + Vec3(i, j, k));
          if (d.squaredNorm() < best.squaredNorm())
            best = d;
        }
    return best;
  }
};

Geometry geometry(const OccupationDensity &density) {
  Geometry g;
  g.to_cartesian = lattice_columns(density.cell());
  g.to_fractional = g.to_cartesian.inverse();
  g.n = density.grid();
  return g;
}

// Calls fn(grid index, Cartesian offset of the bin centre from c) for every bin whose centre is
// within r of the fractional point c, each bin once (along an axis shorter than the window:
// every bin, at its minimum-image offset).
template <class Fn> void for_each_bin_within(const Geometry &g, const Vec3 &c, double r, Fn &&fn) {
  std::array<std::vector<std::pair<int, double>>, 3> axis; // (bin, fractional offset)
  for (int k = 0; k < 3; ++k) {
    const int n = g.n[k];
    const int h = int(std::ceil(r * g.to_fractional.row(k).norm() * n)) + 1;
    const bool whole = 2 * h + 1 >= n;
    const int first = whole ? 0 : int(std::floor(c[k] * n)) - h;
    const int last = whole ? n - 1 : first + 2 * h;
    for (int b = first; b <= last; ++b) {
      double d = (b + 0.5) / n - c[k];
      if (whole)
        d -= std::round(d);
      axis[k].emplace_back(((b % n) + n) % n, d);
    }
  }
  for (const auto &[b0, d0] : axis[0])
    for (const auto &[b1, d1] : axis[1])
      for (const auto &[b2, d2] : axis[2]) {
        const Vec3 d = g.to_cartesian * Vec3(d0, d1, d2);
        if (d.squaredNorm() <= r * r)
          fn(g.index(b0, b1, b2), d);
      }
}

// One pass of the periodic Gaussian (σ = one grid spacing) along `axis`.
void smooth_axis(const std::vector<double> &in, std::vector<double> &out, const GridShape &n,
                 int axis) {
  std::array<double, 2 * kSmoothHalfWidth + 1> w{};
  for (int k = -kSmoothHalfWidth; k <= kSmoothHalfWidth; ++k)
    w[k + kSmoothHalfWidth] = std::exp(-0.5 * k * k);
  const double norm = std::accumulate(w.begin(), w.end(), 0.0);
  const std::int64_t stride[3] = {std::int64_t(n[1]) * n[2], n[2], 1};
  const int m = n[axis];
  for (int i0 = 0; i0 < n[0]; ++i0)
    for (int i1 = 0; i1 < n[1]; ++i1)
      for (int i2 = 0; i2 < n[2]; ++i2) {
        const int c[3] = {i0, i1, i2};
        const std::int64_t idx = (std::int64_t(i0) * n[1] + i1) * n[2] + i2;
        const std::int64_t line = idx - c[axis] * stride[axis];
        double s = 0;
        for (int k = -kSmoothHalfWidth; k <= kSmoothHalfWidth; ++k)
          s += w[k + kSmoothHalfWidth] * in[line + (((c[axis] + k) % m + m) % m) * stride[axis]];
        out[idx] = s / norm;
      }
}

// Step 2: the histogram smoothed along a, b and c in turn.
std::vector<double> smoothed_density(const OccupationDensity &density) {
  const auto counts = density.counts();
  std::vector<double> a(counts.begin(), counts.end()), b(a.size());
  smooth_axis(a, b, density.grid(), 0);
  smooth_axis(b, a, density.grid(), 1);
  smooth_axis(a, b, density.grid(), 2);
  return b;
}

struct Peak {
  Vec3 fractional;
  double height = 0; // smoothed density, later the occupancy
};

// Step 3: points above `threshold` that no periodic 26-neighbour exceeds (ties: the lower index).
std::vector<Peak> local_maxima(const std::vector<double> &s, const Geometry &g, double threshold) {
  std::vector<Peak> peaks;
  const auto wrap = [](int i, int n) { return ((i % n) + n) % n; };
  for (int i0 = 0; i0 < g.n[0]; ++i0)
    for (int i1 = 0; i1 < g.n[1]; ++i1)
      for (int i2 = 0; i2 < g.n[2]; ++i2) {
        const std::int64_t idx = g.index(i0, i1, i2);
        bool is_max = s[idx] > threshold;
        for (int d = 0; d < 27 && is_max; ++d) {
          const std::int64_t j =
              g.index(wrap(i0 + d / 9 - 1, g.n[0]), wrap(i1 + d / 3 % 3 - 1, g.n[1]),
                      wrap(i2 + d % 3 - 1, g.n[2]));
          if (j != idx && (s[j] > s[idx] || (s[j] == s[idx] && j < idx)))
            is_max = false;
        }
        if (is_max)
          peaks.push_back({g.centre(i0, i1, i2), s[idx]});
      }
  return peaks;
}

// Step 4: highest first; a peak closer than min_separation to a kept one is dropped.
std::vector<Peak> merge_peaks(std::vector<Peak> peaks, const Geometry &g, double min_separation) {
  std::stable_sort(peaks.begin(), peaks.end(),
                   [](const Peak &a, const Peak &b) { return a.height > b.height; });
  std::vector<Peak> kept;
  for (const auto &p : peaks) {
    const bool far = std::all_of(kept.begin(), kept.end(), [&](const Peak &q) {
      return g.min_image(p.fractional - q.fractional).norm() >= min_separation;
    });
    if (far)
      kept.push_back(p);
  }
  return kept;
}

// Step 5: mean shift on the raw histogram, the density-weighted mean within r of the current
// centre, until it moves less than 1e-6 Å (at most 20 steps).
Vec3 refine(const Geometry &g, std::span<const std::int64_t> counts, Vec3 c, double r) {
  for (int step = 0; step < 20; ++step) {
    double weight = 0;
    Vec3 sum = Vec3::Zero();
    for_each_bin_within(g, c, r, [&](std::int64_t idx, const Vec3 &d) {
      weight += double(counts[idx]);
      sum += double(counts[idx]) * d;
    });
    if (weight == 0)
      break;
    const Vec3 shift = sum / weight;
    c += g.to_fractional * shift;
    if (shift.norm() < 1e-6)
      break;
  }
  return Vec3(wrap_unit(c[0]), wrap_unit(c[1]), wrap_unit(c[2]));
}

// The largest distance from a bin's centre to its corners, Å.
double bin_half_diagonal(const Geometry &g) {
  double h = 0;
  for (int s = 0; s < 4; ++s) {
    const Vec3 corner(0.5 / g.n[0], (s & 1 ? 0.5 : -0.5) / g.n[1], (s & 2 ? 0.5 : -0.5) / g.n[2]);
    h = std::max(h, (g.to_cartesian * corner).norm());
  }
  return h;
}

// The fraction of a bin (centre at Cartesian offset d from the site) inside the sphere of radius
// r: 1 or 0 away from the surface, else from 4 × 4 × 4 points in the bin.
double inside_fraction(const Geometry &g, const Vec3 &d, double r, double half_diagonal) {
  const double distance = d.norm();
  if (distance <= r - half_diagonal)
    return 1;
  if (distance > r + half_diagonal)
    return 0;
  int inside = 0;
  for (int i = 0; i < 64; ++i) {
    const Vec3 u(((i / 16) + 0.5) / 4 - 0.5, ((i / 4 % 4) + 0.5) / 4 - 0.5,
                 ((i % 4) + 0.5) / 4 - 0.5);
    const Vec3 p = d + g.to_cartesian * Vec3(u[0] / g.n[0], u[1] / g.n[1], u[2] / g.n[2]);
    inside += p.squaredNorm() <= r * r;
  }
  return inside / 64.0;
}

// Step 6: the samples within r of c, bins on the sphere's surface counted by the fraction of
// their volume inside it (so that the occupancy does not depend on how the site sits in the grid).
double occupancy(const Geometry &g, const OccupationDensity &density, const Vec3 &c, double r) {
  const double half_diagonal = bin_half_diagonal(g);
  const auto counts = density.counts();
  double n = 0;
  for_each_bin_within(g, c, r + half_diagonal, [&](std::int64_t idx, const Vec3 &d) {
    if (counts[idx] != 0)
      n += double(counts[idx]) * inside_fraction(g, d, r, half_diagonal);
  });
  return n / double(density.samples());
}

// Step 7: by decreasing occupancy; a new class when a site is more than `tolerance` (relative)
// below the first (highest) site of the current class.
std::vector<int> occupancy_classes(const std::vector<Peak> &sites, double tolerance) {
  std::vector<int> order(sites.size()), site_class(sites.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return sites[a].height > sites[b].height; });
  int current = -1;
  double reference = 0;
  for (int k : order) {
    if (current < 0 || sites[k].height < (1 - tolerance) * reference) {
      ++current;
      reference = sites[k].height;
    }
    site_class[k] = current;
  }
  return site_class;
}

} // namespace

OccupationDensity::OccupationDensity(const std::array<double, 9> &cell, SiteDetectionParams p)
    : cell_(cell), params_(p) {
  const Mat3 m = lattice_columns(cell);
  const double scale = m.colwise().norm().sum();
  if (!std::isfinite(m.determinant()) || !(std::abs(m.determinant()) > 1e-12 * std::pow(scale, 3)))
    throw std::invalid_argument("site detection: the cell is singular");
  if (!(p.grid_spacing_A > 0) || !(p.min_separation_A > 0) || !(p.min_peak_fraction >= 0) ||
      !(p.min_peak_fraction < 1) || !(p.class_tolerance >= 0))
    throw std::invalid_argument("site detection: grid_spacing_A and min_separation_A must be > 0, "
                                "min_peak_fraction in [0, 1), class_tolerance >= 0");
  to_fractional_ = m.inverse();
  double points = 1;
  for (int k = 0; k < 3; ++k) {
    const double bins = std::max(1.0, std::round(m.col(k).norm() / p.grid_spacing_A));
    points *= bins;
    if (points > kMaxGridPoints)
      throw std::invalid_argument(fmt::format(
          "site detection: a {} Å grid in this cell has over 2^26 points; use a coarser grid",
          p.grid_spacing_A));
    grid_[k] = int(bins);
  }
  counts_.assign(std::size_t(grid_points(grid_)), 0);
}

void OccupationDensity::push(std::span<const Vec3> R_A) {
  for (const Vec3 &R : R_A) {
    const Vec3 f = to_fractional_ * R;
    if (!f.allFinite())
      throw std::invalid_argument("site detection: a position is not finite");
    int i[3];
    for (int k = 0; k < 3; ++k)
      i[k] = std::min(int(wrap_unit(f[k]) * grid_[k]), grid_[k] - 1);
    ++counts_[std::size_t((std::int64_t(i[0]) * grid_[1] + i[1]) * grid_[2] + i[2])];
  }
  samples_ += std::int64_t(R_A.size());
}

void OccupationDensity::add_counts(std::span<const std::int64_t> counts, std::int64_t samples) {
  if (counts.size() != counts_.size() || samples < 0)
    throw std::invalid_argument("site detection: add_counts of a different grid");
  for (std::size_t k = 0; k < counts.size(); ++k)
    counts_[k] += counts[k];
  samples_ += samples;
}

DetectedSites detect_sites(const OccupationDensity &density) {
  if (density.samples() == 0)
    throw std::invalid_argument("site detection: no samples");
  const SiteDetectionParams &p = density.params();
  const Geometry g = geometry(density);
  const std::vector<double> smooth = smoothed_density(density);
  const double top = *std::max_element(smooth.begin(), smooth.end());
  std::vector<Peak> sites =
      merge_peaks(local_maxima(smooth, g, p.min_peak_fraction * top), g, p.min_separation_A);
  if (sites.empty())
    throw std::invalid_argument("site detection: no density peak");

  const double r = 0.5 * p.min_separation_A;
  for (auto &s : sites) {
    s.fractional = refine(g, density.counts(), s.fractional, r);
    s.height = occupancy(g, density, s.fractional, r);
  }
  sites = merge_peaks(std::move(sites), g, r); // two peaks that converged onto one site
  const std::vector<int> site_class = occupancy_classes(sites, p.class_tolerance);

  // Output order: by class, then by fractional position.
  std::vector<int> order(sites.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const auto &fa = sites[a].fractional, &fb = sites[b].fractional;
    return std::tie(site_class[a], fa[0], fa[1], fa[2]) <
           std::tie(site_class[b], fb[0], fb[1], fb[2]);
  });
  DetectedSites out;
  for (int k : order) {
    out.fractional.push_back(sites[k].fractional);
    out.occupancy.push_back(sites[k].height);
    out.site_class.push_back(site_class[k]);
  }
  const int classes =
      site_class.empty() ? 0 : 1 + *std::max_element(site_class.begin(), site_class.end());
  for (int c = 0; c < classes; ++c)
    out.class_names.push_back(fmt::format("class{}", c));
  return out;
}

SiteLattice site_lattice_from_detection(const DetectedSites &sites,
                                        const std::array<double, 9> &cell, double site_radius_A) {
  return make_site_lattice(cell, sites.fractional, sites.site_class, sites.class_names,
                           site_radius_A);
}

} // namespace ionbath::analysis
