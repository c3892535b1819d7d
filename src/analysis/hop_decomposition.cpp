// Mechanism decomposition of ionic transport (physics.md §8.2–8.5): the site lattice and its
// graph, assignment with hysteresis, concerted links, window labels, block sums and the
// decomposition of L(Δt) into modes.
#include "ionbath/analysis/hop_decomposition.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <stdexcept>

namespace ionbath::analysis {
namespace {

constexpr double kCoincidentA = 1e-6;
constexpr std::int64_t kNoPartnerBefore = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kNoPartnerAfter = std::numeric_limits<std::int64_t>::max();

int floor_div(int a, int n) {
  return a >= 0 ? a / n : -((-a + n - 1) / n);
}

// ---- Periodic geometry ---------------------------------------------------------------------

// The cell as R = A u (columns of A: lattice vectors a, b, c; u fractional).
struct CellGeometry {
  Mat3 A, A_inv;
  Vec3 extent_per_A; // |row d of A⁻¹|: change of u_d per Å of Cartesian motion
  explicit CellGeometry(const std::array<double, 9> &cell) : A(lattice_columns(cell)) {
    A_inv = A.inverse();
    for (int d = 0; d < 3; ++d)
      extent_per_A[d] = A_inv.row(d).norm();
  }
};

// Calls f(j, |A(Δ − j)|²) for every integer image j with |A(Δ − j)| ≤ ρ (Δ fractional). The
// range of j_d follows from |u_d| ≤ ρ |row d of A⁻¹|, so any cell shape is covered.
template <class F>
void for_each_image_within(const CellGeometry &g, const Vec3 &delta, double rho, F &&f) {
  int lo[3], hi[3];
  for (int d = 0; d < 3; ++d) {
    const double extent = rho * g.extent_per_A[d];
    lo[d] = int(std::ceil(delta[d] - extent));
    hi[d] = int(std::floor(delta[d] + extent));
  }
  const double rho2 = rho * rho;
  for (int j0 = lo[0]; j0 <= hi[0]; ++j0)
    for (int j1 = lo[1]; j1 <= hi[1]; ++j1)
      for (int j2 = lo[2]; j2 <= hi[2]; ++j2) {
        const Cell j(j0, j1, j2);
        const double r2 = (g.A * (delta - j.cast<double>())).squaredNorm();
        if (r2 <= rho2)
          f(j, r2);
      }
}

// The minimum image: argmin_j |A(Δ − j)| and that distance squared.
std::pair<Cell, double> nearest_image(const CellGeometry &g, const Vec3 &delta) {
  Cell j0;
  for (int d = 0; d < 3; ++d)
    j0[d] = int(std::lround(delta[d]));
  const Vec3 rest = delta - j0.cast<double>();
  const double bound = (g.A * rest).norm() * (1 + 1e-9);
  std::pair<Cell, double> best{j0, std::numeric_limits<double>::infinity()};
  for_each_image_within(g, rest, bound, [&](const Cell &m, double r2) {
    if (r2 < best.second)
      best = {j0 + m, r2};
  });
  return best;
}

Vec3 wrapped(const Vec3 &u) {
  Vec3 w;
  for (int d = 0; d < 3; ++d) {
    w[d] = u[d] - std::floor(u[d]);
    if (w[d] >= 1.0)
      w[d] = 0.0;
  }
  return w;
}

// ---- make_site_lattice pieces (§8.2) --------------------------------------------------------

void check_cell(const std::array<double, 9> &cell) {
  for (const double x : cell)
    if (!std::isfinite(x))
      throw std::invalid_argument("make_site_lattice: the cell has a non-finite component");
  const Mat3 A = lattice_columns(cell);
  const double scale = A.col(0).norm() * A.col(1).norm() * A.col(2).norm();
  const double volume = std::abs(A.determinant());
  if (!(volume > 1e-12 * scale))
    throw std::invalid_argument(
        fmt::format("make_site_lattice: the cell has zero volume (|det| = {:.3g} Å³)", volume));
}

void resolve_classes(std::size_t sites, std::vector<int> &site_class,
                     std::vector<std::string> &class_names) {
  if (site_class.empty()) {
    site_class.assign(sites, 0);
    if (class_names.empty())
      class_names = {"site"};
    return;
  }
  if (site_class.size() != sites)
    throw std::invalid_argument(
        fmt::format("make_site_lattice: {} site classes for {} sites", site_class.size(), sites));
  if (class_names.empty())
    throw std::invalid_argument("make_site_lattice: site classes given without class names");
  const int classes = static_cast<int>(class_names.size());
  for (std::size_t k = 0; k < sites; ++k)
    if (site_class[k] < 0 || site_class[k] >= classes)
      throw std::invalid_argument(
          fmt::format("make_site_lattice: site {} has class {} outside [0, {}) of the class names",
                      k, site_class[k], classes));
}

// Nearest-site distance of every site over all images, its own included (a 1-site cell).
std::vector<double> nearest_site_distances(const CellGeometry &g, const std::vector<Vec3> &f) {
  const double shortest_axis = std::min({g.A.col(0).norm(), g.A.col(1).norm(), g.A.col(2).norm()});
  double own2 = std::numeric_limits<double>::infinity();
  for_each_image_within(g, Vec3::Zero(), shortest_axis * (1 + 1e-9), [&](const Cell &j, double r2) {
    if (j != Cell::Zero())
      own2 = std::min(own2, r2);
  });
  std::vector<double> dnn2(f.size(), own2);
  for (std::size_t k = 0; k < f.size(); ++k)
    for (std::size_t j = k + 1; j < f.size(); ++j) {
      const double r2 = nearest_image(g, f[k] - f[j]).second;
      if (r2 < kCoincidentA * kCoincidentA)
        throw std::invalid_argument(
            fmt::format("make_site_lattice: sites {} and {} coincide (distance {:.3g} Å < 1e-6 Å)",
                        k, j, std::sqrt(r2)));
      dnn2[k] = std::min(dnn2[k], r2);
      dnn2[j] = std::min(dnn2[j], r2);
    }
  for (double &d : dnn2)
    d = std::sqrt(d);
  return dnn2;
}

// Site graph (§8.2): (j, offset) is a neighbour of k when |s_j + A offset − s_k| ≤
// factor · min(dnn_k, dnn_j); every qualifying image is kept (small cells have several).
std::vector<std::vector<std::pair<int, Cell>>> site_neighbours(const CellGeometry &g,
                                                               const std::vector<Vec3> &f,
                                                               const std::vector<double> &dnn,
                                                               double factor) {
  const int n = static_cast<int>(f.size());
  std::vector<std::vector<std::pair<int, Cell>>> out(f.size());
  for (int k = 0; k < n; ++k)
    for (int j = 0; j < n; ++j) {
      const double rho = factor * std::min(dnn[std::size_t(k)], dnn[std::size_t(j)]) * (1 + 1e-12);
      // s_j + A off − s_k = −A(Δ − off) with Δ = f_k − f_j.
      for_each_image_within(g, f[std::size_t(k)] - f[std::size_t(j)], rho,
                            [&](const Cell &off, double) {
                              if (j != k || off != Cell::Zero())
                                out[std::size_t(k)].emplace_back(j, off);
                            });
    }
  return out;
}

} // namespace

Mat3 lattice_columns(const std::array<double, 9> &cell) {
  Mat3 A;
  for (int d = 0; d < 3; ++d)
    for (int x = 0; x < 3; ++x)
      A(x, d) = cell[std::size_t(3 * d + x)];
  return A;
}

const char *hop_mode_name(HopMode mode) {
  static constexpr const char *names[n_hop_modes] = {"C", "M", "H", "B", "R"};
  const int m = static_cast<int>(mode);
  return m >= 0 && m < n_hop_modes ? names[m] : "?";
}

Vec3 SiteLattice::cartesian(int site, const Cell &image) const {
  return lattice_columns(cell) * (fractional.at(std::size_t(site)) + image.cast<double>());
}

SiteLattice make_site_lattice(const std::array<double, 9> &cell, std::vector<Vec3> fractional,
                              std::vector<int> site_class, std::vector<std::string> class_names,
                              double site_radius_A, double neighbour_factor) {
  if (fractional.empty())
    throw std::invalid_argument("make_site_lattice: empty site list");
  check_cell(cell);
  if (!(site_radius_A >= 0) || !std::isfinite(site_radius_A))
    throw std::invalid_argument(
        fmt::format("make_site_lattice: site radius {} Å must be ≥ 0 (0: default)", site_radius_A));
  if (!(neighbour_factor > 0) || !std::isfinite(neighbour_factor))
    throw std::invalid_argument(
        fmt::format("make_site_lattice: neighbour factor {} must be positive", neighbour_factor));
  resolve_classes(fractional.size(), site_class, class_names);
  for (std::size_t k = 0; k < fractional.size(); ++k) {
    if (!fractional[k].allFinite())
      throw std::invalid_argument(fmt::format("make_site_lattice: site {} is not finite", k));
    fractional[k] = wrapped(fractional[k]);
  }
  const CellGeometry geometry(cell);
  const std::vector<double> dnn = nearest_site_distances(geometry, fractional);
  SiteLattice lattice;
  lattice.cell = cell;
  lattice.nearest_site_distance_A = *std::min_element(dnn.begin(), dnn.end());
  if (site_radius_A == 0)
    site_radius_A = 0.5 * lattice.nearest_site_distance_A;
  if (site_radius_A > 0.5 * lattice.nearest_site_distance_A * (1 + 1e-12))
    throw std::invalid_argument(fmt::format(
        "make_site_lattice: site radius {} Å exceeds half the nearest-site distance {} Å "
        "(site spheres would overlap)",
        site_radius_A, lattice.nearest_site_distance_A));
  lattice.site_radius_A = site_radius_A;
  lattice.neighbours = site_neighbours(geometry, fractional, dnn, neighbour_factor);
  lattice.fractional = std::move(fractional);
  lattice.site_class = std::move(site_class);
  lattice.class_names = std::move(class_names);
  return lattice;
}

SiteLattice cubic_site_lattice(double a_A, const GridShape &cells, double site_radius_A) {
  if (!(a_A > 0) || !std::isfinite(a_A))
    throw std::invalid_argument(fmt::format("cubic_site_lattice: a = {} Å must be positive", a_A));
  if (cells[0] < 1 || cells[1] < 1 || cells[2] < 1)
    throw std::invalid_argument(fmt::format("cubic_site_lattice: cells {}×{}×{} must be ≥ 1",
                                            cells[0], cells[1], cells[2]));
  std::array<double, 9> cell{};
  for (int d = 0; d < 3; ++d)
    cell[std::size_t(4 * d)] = a_A * cells[std::size_t(d)];
  std::vector<Vec3> fractional;
  fractional.reserve(std::size_t(grid_points(cells)));
  for (int c0 = 0; c0 < cells[0]; ++c0) // site index (c0·n1 + c1)·n2 + c2
    for (int c1 = 0; c1 < cells[1]; ++c1)
      for (int c2 = 0; c2 < cells[2]; ++c2)
        fractional.emplace_back((c0 + 0.5) / cells[0], (c1 + 0.5) / cells[1],
                                (c2 + 0.5) / cells[2]);
  // The site graph directly (the general pair search is O(sites²)): the 6 face-sharing cubes,
  // the image offset counting the wraps (a supercell of 1 or 2 cells has images as neighbours).
  if (site_radius_A > 0.5 * a_A * (1 + 1e-12))
    throw std::invalid_argument(fmt::format(
        "make_site_lattice: site radius {} Å exceeds half the nearest-site distance {} Å "
        "(site spheres would overlap)",
        site_radius_A, a_A));
  SiteLattice lattice;
  lattice.cell = cell;
  lattice.nearest_site_distance_A = a_A;
  lattice.site_radius_A = site_radius_A > 0 ? site_radius_A : 0.5 * a_A;
  lattice.neighbours.resize(fractional.size());
  for (int c0 = 0; c0 < cells[0]; ++c0)
    for (int c1 = 0; c1 < cells[1]; ++c1)
      for (int c2 = 0; c2 < cells[2]; ++c2) {
        const Cell c(c0, c1, c2);
        auto &out = lattice.neighbours[std::size_t((c0 * cells[1] + c1) * cells[2] + c2)];
        for (int d = 0; d < 3; ++d)
          for (const int step : {-1, 1}) {
            Cell j = c, offset = Cell::Zero();
            j[d] += step;
            offset[d] = j[d] < 0 ? -1 : (j[d] >= cells[std::size_t(d)] ? 1 : 0);
            j[d] -= offset[d] * cells[std::size_t(d)];
            out.emplace_back((j[0] * cells[1] + j[1]) * cells[2] + j[2], offset);
          }
      }
  lattice.fractional = std::move(fractional);
  lattice.site_class.assign(lattice.fractional.size(), 0);
  lattice.class_names = {"cube"};
  return lattice;
}

int graph_distance_capped(const SiteLattice &lattice, const Microstate &a, const Microstate &b) {
  if (a == b)
    return 0;
  const Cell offset = b.image - a.image;
  for (const auto &[site, image] : lattice.neighbours.at(std::size_t(a.site)))
    if (site == b.site && image == offset)
      return 1;
  return 2;
}

// ---- Site search and storage -----------------------------------------------------------------

namespace {

// Bucket grid over fractional space for the assignment (§8.2): each bin lists the site images
// whose r_site sphere can reach into it, so a frame costs O(1) per ion for any site list.
class SiteFinder {
public:
  explicit SiteFinder(const SiteLattice &lattice);
  // Throws for a non-finite position or one too far out for integer images.
  void check_position(const Vec3 &R) const;
  // The site image within r_site of R; false if none. Requires check_position(R).
  bool find_within_radius(const Vec3 &R, Microstate &out) const;
  // The nearest site image at any distance (an ion's first frame): O(sites).
  Microstate nearest(const Vec3 &R) const;
  const CellGeometry &geometry() const { return geometry_; }

private:
  struct Candidate {
    Vec3 position; // Cartesian, relative to the wrapped point's cell image
    int site;
    Cell offset;
  };
  struct Entry {
    int bin;
    double distance; // from the bin centre: each bin's candidates are tried nearest first
    Candidate candidate;
  };
  CellGeometry geometry_;
  std::vector<Vec3> fractional_;
  std::array<int, 3> bins_{};
  double radius2_ = 0;
  std::vector<std::uint32_t> bin_start_;
  std::vector<Candidate> candidates_;

  int bin_index(const std::array<int, 3> &b) const {
    return (b[0] * bins_[1] + b[1]) * bins_[2] + b[2];
  }
  void add_site(int site, double reach, std::vector<Entry> &out) const;
};

// Bins of width ≈ r_site/2 (at most max(4096, 64·sites) of them).
std::array<int, 3> choose_bins(const CellGeometry &g, double radius, int sites) {
  const double cap = std::min(std::max(4096.0, 64.0 * sites), double(1 << 22));
  double width = radius / 2;
  for (;;) {
    std::array<int, 3> n{};
    double total = 1;
    for (int d = 0; d < 3; ++d) {
      const double height = 1 / g.extent_per_A[d];
      n[std::size_t(d)] = int(std::clamp(std::ceil(height / width), 1.0, double(1 << 20)));
      total *= n[std::size_t(d)];
    }
    if (total <= cap)
      return n;
    width *= std::cbrt(total / cap) * 1.01;
  }
}

// Half the longest diagonal of a bin (a parallelepiped): every point is this close to its centre.
double bin_circumradius(const Mat3 &A, const std::array<int, 3> &n) {
  const Vec3 e0 = A.col(0) / n[0], e1 = A.col(1) / n[1], e2 = A.col(2) / n[2];
  double r = 0;
  for (const double s1 : {-1.0, 1.0})
    for (const double s2 : {-1.0, 1.0})
      r = std::max(r, (e0 + s1 * e1 + s2 * e2).norm());
  return r / 2;
}

void SiteFinder::add_site(int site, double reach, std::vector<Entry> &out) const {
  const Vec3 &f = fractional_[std::size_t(site)];
  int lo[3], hi[3];
  for (int d = 0; d < 3; ++d) {
    const double extent = reach * geometry_.extent_per_A[d];
    lo[d] = int(std::floor((f[d] - extent) * bins_[std::size_t(d)]));
    hi[d] = int(std::floor((f[d] + extent) * bins_[std::size_t(d)]));
  }
  for (int b0 = lo[0]; b0 <= hi[0]; ++b0)
    for (int b1 = lo[1]; b1 <= hi[1]; ++b1)
      for (int b2 = lo[2]; b2 <= hi[2]; ++b2) {
        const std::array<int, 3> b{b0, b1, b2};
        std::array<int, 3> wrapped_bin{};
        Cell image;
        Vec3 centre;
        for (int d = 0; d < 3; ++d) {
          const int n = bins_[std::size_t(d)];
          image[d] = floor_div(b[std::size_t(d)], n);
          wrapped_bin[std::size_t(d)] = b[std::size_t(d)] - image[d] * n;
          centre[d] = (wrapped_bin[std::size_t(d)] + 0.5) / n;
        }
        // Seen from the bin's image-0 copy, the site sits at image −image.
        const Vec3 site_position = geometry_.A * (f - image.cast<double>());
        const double distance = (geometry_.A * centre - site_position).norm();
        if (distance <= reach)
          out.push_back({bin_index(wrapped_bin), distance, {site_position, site, -image}});
      }
}

SiteFinder::SiteFinder(const SiteLattice &lattice)
    : geometry_(lattice.cell), fractional_(lattice.fractional),
      radius2_(lattice.site_radius_A * lattice.site_radius_A) {
  bins_ = choose_bins(geometry_, lattice.site_radius_A, lattice.sites());
  const double reach =
      (lattice.site_radius_A + bin_circumradius(geometry_.A, bins_)) * (1 + 1e-9) + 1e-9;
  std::vector<Entry> entries;
  for (int k = 0; k < lattice.sites(); ++k)
    add_site(k, reach, entries);
  std::stable_sort(entries.begin(), entries.end(), [](const Entry &x, const Entry &y) {
    return x.bin != y.bin ? x.bin < y.bin : x.distance < y.distance;
  });
  bin_start_.assign(std::size_t(bins_[0]) * bins_[1] * bins_[2] + 1, 0);
  for (const auto &e : entries)
    ++bin_start_[std::size_t(e.bin) + 1];
  for (std::size_t b = 1; b < bin_start_.size(); ++b)
    bin_start_[b] += bin_start_[b - 1];
  candidates_.reserve(entries.size());
  for (const auto &e : entries)
    candidates_.push_back(e.candidate);
}

void SiteFinder::check_position(const Vec3 &R) const {
  const Vec3 u = geometry_.A_inv * R;
  if (!(u.cwiseAbs().maxCoeff() < 1e9))
    throw std::invalid_argument(fmt::format(
        "HopTrajectory::push: position ({}, {}, {}) Å is not finite or too far unwrapped", R.x(),
        R.y(), R.z()));
}

bool SiteFinder::find_within_radius(const Vec3 &R, Microstate &out) const {
  const Vec3 u = geometry_.A_inv * R;
  Cell n0;
  std::array<int, 3> b{};
  for (int d = 0; d < 3; ++d) {
    const double fl = std::floor(u[d]);
    n0[d] = int(fl);
    const int n = bins_[std::size_t(d)];
    b[std::size_t(d)] = std::min(int((u[d] - fl) * n), n - 1);
  }
  const Vec3 x = R - geometry_.A * n0.cast<double>();
  // r_site ≤ half the nearest-site distance: at most one sphere holds R (two only if R is on
  // both boundaries), so the first candidate within r_site is the answer.
  const int bin = bin_index(b);
  for (std::uint32_t c = bin_start_[std::size_t(bin)]; c < bin_start_[std::size_t(bin) + 1]; ++c)
    if ((x - candidates_[c].position).squaredNorm() <= radius2_) {
      out = Microstate{candidates_[c].site, n0 + candidates_[c].offset};
      return true;
    }
  return false;
}

Microstate SiteFinder::nearest(const Vec3 &R) const {
  const Vec3 u = geometry_.A_inv * R;
  Microstate best;
  double best2 = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < fractional_.size(); ++k) {
    const auto [image, r2] = nearest_image(geometry_, u - fractional_[k]);
    if (r2 < best2) {
      best2 = r2;
      best = Microstate{static_cast<int>(k), image};
    }
  }
  return best;
}

// One occupied microstate of an ion, in order of occupation.
struct IonState {
  Microstate microstate;
  int site_class = 0;
  std::int64_t entered_by = -1; // index into hops (−1: the first frame's state)
};

SiteLattice checked(SiteLattice lattice) {
  const std::size_t n = lattice.fractional.size();
  if (n == 0 || lattice.neighbours.size() != n || lattice.site_class.size() != n ||
      lattice.class_names.empty() || !(lattice.site_radius_A > 0) ||
      lattice.site_radius_A > 0.5 * lattice.nearest_site_distance_A * (1 + 1e-12))
    throw std::invalid_argument(
        "HopTrajectory: the site lattice is incomplete (build it with make_site_lattice)");
  return lattice;
}

// Frame-major per-ion columns, in chunks of whole frames: appending a frame never moves the
// stored trajectory (a flat vector would copy it at every growth).
template <class T, std::size_t Width> class FrameColumns {
public:
  explicit FrameColumns(std::size_t ions)
      : ions_(ions), frames_per_chunk_(std::max<std::size_t>(1, (std::size_t(1) << 16) / ions)) {}
  T *append_frame() {
    const std::size_t slot = frames_ % frames_per_chunk_;
    if (slot == 0) // uninitialized: each element is written once, by push
      chunks_.emplace_back(new T[frames_per_chunk_ * ions_ * Width]);
    ++frames_;
    return chunks_.back().get() + slot * ions_ * Width;
  }
  const T *frame(std::int64_t f) const {
    const auto k = std::size_t(f);
    return chunks_[k / frames_per_chunk_].get() + (k % frames_per_chunk_) * ions_ * Width;
  }

private:
  std::size_t ions_, frames_per_chunk_, frames_ = 0;
  std::vector<std::unique_ptr<T[]>> chunks_;
};

int count_species(const std::vector<int> &species_of_ion) {
  if (species_of_ion.empty())
    throw std::invalid_argument("HopTrajectory: no ions to analyse");
  const int n = *std::max_element(species_of_ion.begin(), species_of_ion.end()) + 1;
  std::vector<int> ions_of(std::size_t(std::max(n, 0)), 0);
  for (const int s : species_of_ion) {
    if (s < 0)
      throw std::invalid_argument(fmt::format("HopTrajectory: species {} is negative", s));
    ++ions_of[std::size_t(s)];
  }
  for (int s = 0; s < n; ++s)
    if (ions_of[std::size_t(s)] == 0)
      throw std::invalid_argument(fmt::format("HopTrajectory: species {} has no ion", s));
  return n;
}

} // namespace

// The trajectory, 28 B per ion-frame: positions (24 B) and the ion's hop count so far (4 B),
// which indexes its occupation history and gives h of any window as a difference (§8.3).
class HopTrajectory::Storage {
public:
  Storage(SiteLattice lattice_in, HopAnalysisParams params_in, std::vector<int> species_in)
      : lattice(checked(std::move(lattice_in))), params(params_in), species(std::move(species_in)),
        n_species(count_species(species)), finder(lattice), positions(species.size()),
        state_index(species.size()), history(species.size()) {
    if (!(params.frame_interval_ps > 0) || !std::isfinite(params.frame_interval_ps))
      throw std::invalid_argument(fmt::format(
          "HopTrajectory: frame interval {} ps must be positive", params.frame_interval_ps));
  }

  SiteLattice lattice;
  HopAnalysisParams params;
  std::vector<int> species;
  int n_species;
  SiteFinder finder;
  std::int64_t frames = 0;
  bool finished = false;
  FrameColumns<double, 3> positions;          // x y z per ion
  FrameColumns<std::uint32_t, 1> state_index; // per ion: index into history[ion]
  std::vector<std::vector<IonState>> history; // per ion
  std::vector<Hop> hops;
  std::vector<std::int64_t> partner_before, partner_after; // per hop, from finish()

  int ions() const { return static_cast<int>(species.size()); }
  std::uint32_t hops_before(std::int64_t frame, int ion) const {
    return state_index.frame(frame)[ion];
  }
  const IonState &state(std::int64_t frame, int ion) const {
    return history[std::size_t(ion)][hops_before(frame, ion)];
  }
  void push(std::span<const Vec3> R);
  void link_concerted_hops();
};

void HopTrajectory::Storage::push(std::span<const Vec3> R) {
  if (finished)
    throw std::logic_error("HopTrajectory::push after finish()");
  if (R.size() != species.size())
    throw std::invalid_argument(
        fmt::format("HopTrajectory::push: {} positions for {} ions", R.size(), species.size()));
  for (const Vec3 &r : R) // before anything is stored: a refused frame leaves no trace
    finder.check_position(r);
  double *position = positions.append_frame();
  std::uint32_t *index = state_index.append_frame();
  for (int i = 0; i < ions(); ++i) {
    const Vec3 &r = R[std::size_t(i)];
    auto &h = history[std::size_t(i)];
    Microstate ms;
    if (!finder.find_within_radius(r, ms)) // hysteresis (§8.2): outside every sphere → keep
      ms = h.empty() ? finder.nearest(r) : h.back().microstate;
    if (h.empty()) {
      h.push_back(IonState{ms, lattice.site_class[std::size_t(ms.site)], -1});
    } else if (!(ms == h.back().microstate)) {
      if (h.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::overflow_error("HopTrajectory::push: too many hops of one ion");
      hops.push_back(Hop{i, frames, h.back().microstate, ms});
      h.push_back(IonState{ms, lattice.site_class[std::size_t(ms.site)],
                           static_cast<std::int64_t>(hops.size()) - 1});
    }
    position[3 * i] = r.x();
    position[3 * i + 1] = r.y();
    position[3 * i + 2] = r.z();
    index[i] = static_cast<std::uint32_t>(h.size() - 1);
  }
  ++frames;
}

// §8.3 links, by a time-sorted sweep over hops (in frame order): for each pair of hops of
// different ions at most τ_c apart, linked if their departure sites are within r_c (minimum
// image) or one arrives where the other departed. Each hop keeps its nearest partner frame at
// or before and at or after its own: a window holding the hop holds some partner iff it holds
// one of these two.
void HopTrajectory::Storage::link_concerted_hops() {
  partner_before.assign(hops.size(), kNoPartnerBefore);
  partner_after.assign(hops.size(), kNoPartnerAfter);
  const double tau = params.concerted_time_ps, r_c = params.concerted_radius_A;
  if (!(tau > 0))
    return;
  const auto max_lag = static_cast<std::int64_t>(std::floor(tau / params.frame_interval_ps + 1e-9));
  const CellGeometry &g = finder.geometry();
  auto departures_close = [&](const Hop &a, const Hop &b) {
    if (!(r_c > 0))
      return false;
    const Vec3 delta =
        lattice.fractional[std::size_t(a.from.site)] - lattice.fractional[std::size_t(b.from.site)];
    return nearest_image(g, delta).second <= r_c * r_c;
  };
  for (std::size_t ia = 0; ia < hops.size(); ++ia) {
    const Hop &a = hops[ia];
    for (std::size_t ib = ia + 1; ib < hops.size() && hops[ib].frame - a.frame <= max_lag; ++ib) {
      const Hop &b = hops[ib];
      if (a.ion == b.ion)
        continue;
      if (a.to.site == b.from.site || b.to.site == a.from.site || departures_close(a, b)) {
        partner_after[ia] = std::min(partner_after[ia], b.frame);
        partner_before[ib] = std::max(partner_before[ib], a.frame);
      }
    }
  }
}

HopTrajectory::HopTrajectory(SiteLattice lattice, HopAnalysisParams params,
                             std::vector<int> species_of_ion)
    : s_(std::make_shared<Storage>(std::move(lattice), params, std::move(species_of_ion))) {}

void HopTrajectory::push(std::span<const Vec3> R_A) {
  s_->push(R_A);
}

void HopTrajectory::finish() {
  if (s_->finished)
    return;
  s_->link_concerted_hops();
  s_->finished = true;
}

std::int64_t HopTrajectory::frames() const {
  return s_->frames;
}
int HopTrajectory::ions() const {
  return s_->ions();
}
int HopTrajectory::n_species() const {
  return s_->n_species;
}
const SiteLattice &HopTrajectory::lattice() const {
  return s_->lattice;
}
const HopAnalysisParams &HopTrajectory::params() const {
  return s_->params;
}
const std::vector<int> &HopTrajectory::species_of_ion() const {
  return s_->species;
}
const std::vector<Hop> &HopTrajectory::hops() const {
  return s_->hops;
}
const HopTrajectory::Storage &HopTrajectory::storage() const {
  return *s_;
}

namespace {
void check_frame_ion(const HopTrajectory::Storage &s, std::int64_t frame, int ion) {
  if (frame < 0 || frame >= s.frames || ion < 0 || ion >= s.ions())
    throw std::out_of_range(
        fmt::format("HopTrajectory: frame {} ion {} outside {} frames × {} ions", frame, ion,
                    s.frames, s.ions()));
}

HopMode mode_of_window(int graph_distance, bool hopped) {
  if (graph_distance >= 2)
    return HopMode::multi_cell;
  if (graph_distance == 1)
    return HopMode::single_hop;
  return hopped ? HopMode::hop_return : HopMode::rattle;
}
} // namespace

Vec3 HopTrajectory::position(std::int64_t frame, int ion) const {
  check_frame_ion(*s_, frame, ion);
  const double *p = s_->positions.frame(frame) + 3 * ion;
  return Vec3(p[0], p[1], p[2]);
}

Microstate HopTrajectory::microstate(std::int64_t frame, int ion) const {
  check_frame_ion(*s_, frame, ion);
  return s_->state(frame, ion).microstate;
}

// §8.3 priority. C: with links only between hops of different ions, the union–find closure of
// the links among the window's hops puts one of ion i's hops in a cluster with another hop iff
// that hop has a direct partner in the window, and that partner belongs to another ion; so C ⇔
// some hop of i in (o, o+w] has a linked partner hop in (o, o+w].
HopMode HopTrajectory::label(int ion, std::int64_t origin, std::int64_t window) const {
  const Storage &s = *s_;
  if (!s.finished)
    throw std::logic_error("HopTrajectory::label before finish()");
  if (window < 1)
    throw std::invalid_argument(fmt::format("HopTrajectory::label: window {} < 1", window));
  check_frame_ion(s, origin, ion);
  check_frame_ion(s, origin + window, ion);
  const std::uint32_t c0 = s.hops_before(origin, ion), c1 = s.hops_before(origin + window, ion);
  const auto &h = s.history[std::size_t(ion)];
  auto in_window = [&](std::int64_t f) { return f > origin && f <= origin + window; };
  for (std::uint32_t k = c0 + 1; k <= c1; ++k) {
    const auto hop = std::size_t(h[k].entered_by);
    if (in_window(s.partner_before[hop]) || in_window(s.partner_after[hop]))
      return HopMode::concerted;
  }
  const int g = graph_distance_capped(s.lattice, h[c0].microstate, h[c1].microstate);
  return mode_of_window(g, c1 > c0);
}

// ---- Window sums (§8.4) -------------------------------------------------------------------------

namespace {

// The origins of one block: o = (first + k)·stride, k < count.
struct BlockOrigins {
  std::int64_t first = 0, count = 0;
};

BlockOrigins block_origins(const HopTrajectory &t, const WindowPlan &plan, int block) {
  if (plan.window_frames < 1 || plan.origin_stride < 1 || plan.blocks < 1)
    throw std::invalid_argument(
        fmt::format("window_block_sums: window {} frames, stride {}, blocks {} must all be ≥ 1",
                    plan.window_frames, plan.origin_stride, plan.blocks));
  if (block < 0 || block >= plan.blocks)
    throw std::invalid_argument(
        fmt::format("window_block_sums: block {} outside [0, {})", block, plan.blocks));
  if (!t.storage().finished)
    throw std::logic_error("window_block_sums: call HopTrajectory::finish() first");
  const std::int64_t last = t.frames() - 1 - plan.window_frames; // o + w ≤ frames − 1
  const std::int64_t origins = last < 0 ? 0 : last / plan.origin_stride + 1;
  const std::int64_t base = origins / plan.blocks, extra = origins % plan.blocks;
  return {block * base + std::min<std::int64_t>(block, extra), base + (block < extra ? 1 : 0)};
}

BlockSums empty_sums(const HopTrajectory &t) {
  const std::size_t m = std::size_t(t.n_species()) * n_hop_modes;
  const std::size_t C = t.lattice().class_names.size();
  BlockSums s;
  s.DD.assign(m * m, 0.0);
  s.dd.assign(m, 0.0);
  s.count.assign(m, 0.0);
  s.transitions.assign(std::size_t(t.n_species()) * C * C, 0.0);
  return s;
}

// Σ_{a,b} D_a·D_b of one origin into DD (D: x y z per (species, mode)); the order of additions
// is fixed, and both paths share it.
void add_pair_products(const std::vector<double> &D, std::vector<double> &DD) {
  const std::size_t m = D.size() / 3;
  for (std::size_t a = 0; a < m; ++a)
    for (std::size_t b = a; b < m; ++b) {
      const double dot =
          D[3 * a] * D[3 * b] + D[3 * a + 1] * D[3 * b + 1] + D[3 * a + 2] * D[3 * b + 2];
      DD[a * m + b] += dot;
      if (b != a)
        DD[b * m + a] += dot;
    }
}

// One ion-window: d into D_{s,e}, |d|², the count and the class transition.
inline void add_ion_window(BlockSums &sums, double *D, std::size_t classes, int s, HopMode mode,
                           const double *d, int class0, int class1) {
  const std::size_t se = std::size_t(s) * n_hop_modes + std::size_t(mode);
  D[3 * se] += d[0];
  D[3 * se + 1] += d[1];
  D[3 * se + 2] += d[2];
  sums.dd[se] += d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  sums.count[se] += 1.0;
  sums.transitions[(std::size_t(s) * classes + std::size_t(class0)) * classes +
                   std::size_t(class1)] += 1.0;
}

// For one window length, the origins whose window makes ion i concerted, as sorted disjoint
// intervals per ion (from each C-linked hop at f with nearest partners p ≤ f ≤ q: o ∈ [f − w,
// p − 1] and o ∈ [q − w, f − 1]). Origins are then visited in increasing order with a cursor.
class ConcertedOrigins {
public:
  ConcertedOrigins(const HopTrajectory::Storage &s, std::int64_t w, std::int64_t o_first,
                   std::int64_t o_last);
  bool contains(int ion, std::int64_t o) {
    std::size_t &k = cursor_[std::size_t(ion)];
    const std::size_t end = begin_[std::size_t(ion) + 1];
    while (k < end && intervals_[k].hi < o)
      ++k;
    return k < end && intervals_[k].lo <= o;
  }

private:
  struct Interval {
    int ion;
    std::int64_t lo, hi;
  };
  std::vector<Interval> intervals_;
  std::vector<std::size_t> begin_, cursor_;
};

ConcertedOrigins::ConcertedOrigins(const HopTrajectory::Storage &s, std::int64_t w,
                                   std::int64_t o_first, std::int64_t o_last) {
  auto add = [&](int ion, std::int64_t lo, std::int64_t hi) {
    lo = std::max(lo, o_first);
    hi = std::min(hi, o_last);
    if (lo <= hi)
      intervals_.push_back({ion, lo, hi});
  };
  // Only hops in (o_first, o_last + w] can lie in a window of this block.
  const auto first = std::partition_point(s.hops.begin(), s.hops.end(),
                                          [&](const Hop &h) { return h.frame <= o_first; });
  for (auto it = first; it != s.hops.end() && it->frame <= o_last + w; ++it) {
    const std::size_t k = std::size_t(it - s.hops.begin());
    const std::int64_t f = it->frame;
    if (s.partner_before[k] != kNoPartnerBefore && f - s.partner_before[k] < w)
      add(it->ion, f - w, s.partner_before[k] - 1);
    if (s.partner_after[k] != kNoPartnerAfter && s.partner_after[k] - f < w)
      add(it->ion, s.partner_after[k] - w, f - 1);
  }
  std::sort(intervals_.begin(), intervals_.end(), [](const Interval &a, const Interval &b) {
    return a.ion != b.ion ? a.ion < b.ion : a.lo < b.lo;
  });
  std::vector<Interval> merged;
  for (const Interval &iv : intervals_) {
    if (!merged.empty() && merged.back().ion == iv.ion && iv.lo <= merged.back().hi + 1)
      merged.back().hi = std::max(merged.back().hi, iv.hi);
    else
      merged.push_back(iv);
  }
  intervals_ = std::move(merged);
  begin_.assign(std::size_t(s.ions()) + 1, 0);
  for (const Interval &iv : intervals_)
    ++begin_[std::size_t(iv.ion) + 1];
  for (std::size_t i = 1; i < begin_.size(); ++i)
    begin_[i] += begin_[i - 1];
  cursor_.assign(begin_.begin(), begin_.end() - 1);
}

} // namespace

// Production path: h from the stored hop counts, C from precomputed origin intervals, so each
// ion-window is O(1); sums are added in origin order, then ion order (deterministic).
BlockSums window_block_sums(const HopTrajectory &trajectory, const WindowPlan &plan, int block) {
  const BlockOrigins range = block_origins(trajectory, plan, block);
  BlockSums sums = empty_sums(trajectory);
  sums.origins = range.count;
  if (range.count == 0)
    return sums;
  const HopTrajectory::Storage &s = trajectory.storage();
  const std::int64_t w = plan.window_frames, stride = plan.origin_stride;
  const std::size_t ions = std::size_t(s.ions()), classes = s.lattice.class_names.size();
  ConcertedOrigins concerted(s, w, range.first * stride, (range.first + range.count - 1) * stride);
  std::vector<const IonState *> history(ions);
  for (std::size_t i = 0; i < ions; ++i)
    history[i] = s.history[i].data();
  std::vector<double> D(3 * std::size_t(s.n_species) * n_hop_modes);
  for (std::int64_t k = range.first; k < range.first + range.count; ++k) {
    const std::int64_t o = k * stride;
    std::fill(D.begin(), D.end(), 0.0);
    const double *r0 = s.positions.frame(o), *r1 = s.positions.frame(o + w);
    const std::uint32_t *c0 = s.state_index.frame(o), *c1 = s.state_index.frame(o + w);
    for (std::size_t i = 0; i < ions; ++i) {
      const IonState &a = history[i][c0[i]], &b = history[i][c1[i]];
      HopMode mode = HopMode::rattle;
      if (c0[i] != c1[i])
        mode = concerted.contains(int(i), o)
                   ? HopMode::concerted
                   : mode_of_window(graph_distance_capped(s.lattice, a.microstate, b.microstate),
                                    true);
      const double d[3] = {r1[3 * i] - r0[3 * i], r1[3 * i + 1] - r0[3 * i + 1],
                           r1[3 * i + 2] - r0[3 * i + 2]};
      add_ion_window(sums, D.data(), classes, s.species[i], mode, d, a.site_class, b.site_class);
    }
    add_pair_products(D, sums.DD);
  }
  return sums;
}

BlockSums window_block_sums_reference(const HopTrajectory &trajectory, const WindowPlan &plan,
                                      int block) {
  const BlockOrigins range = block_origins(trajectory, plan, block);
  BlockSums sums = empty_sums(trajectory);
  sums.origins = range.count;
  const SiteLattice &lattice = trajectory.lattice();
  const std::size_t classes = lattice.class_names.size();
  const std::int64_t w = plan.window_frames;
  std::vector<double> D(3 * std::size_t(trajectory.n_species()) * n_hop_modes);
  for (std::int64_t k = range.first; k < range.first + range.count; ++k) {
    const std::int64_t o = k * plan.origin_stride;
    std::fill(D.begin(), D.end(), 0.0);
    for (int i = 0; i < trajectory.ions(); ++i) {
      const HopMode mode = trajectory.label(i, o, w);
      const Vec3 r0 = trajectory.position(o, i), r1 = trajectory.position(o + w, i);
      const double d[3] = {r1.x() - r0.x(), r1.y() - r0.y(), r1.z() - r0.z()};
      const int a = lattice.site_class[std::size_t(trajectory.microstate(o, i).site)];
      const int b = lattice.site_class[std::size_t(trajectory.microstate(o + w, i).site)];
      add_ion_window(sums, D.data(), classes, trajectory.species_of_ion()[std::size_t(i)], mode, d,
                     a, b);
    }
    add_pair_products(D, sums.DD);
  }
  return sums;
}

// ---- Decomposition (§8.4–8.5) ---------------------------------------------------------------

namespace {

struct Scale {
  int S = 0, C = 0;
  std::vector<int> ions_of;
  double dt_ps = 0, volume_A3 = 0, kT_meV = 0;
};

void check_block_shape(const BlockSums &b, const Scale &c) {
  const std::size_t m = std::size_t(c.S) * n_hop_modes;
  if (b.DD.size() != m * m || b.dd.size() != m || b.count.size() != m ||
      b.transitions.size() != std::size_t(c.S) * std::size_t(c.C) * std::size_t(c.C) ||
      b.origins < 0)
    throw std::invalid_argument("decompose: block sums do not match the trajectory's species and "
                                "site classes");
}

BlockSums sum_in_order(std::span<const BlockSums> blocks) {
  BlockSums total = blocks.front();
  auto add = [](std::vector<double> &x, const std::vector<double> &y) {
    for (std::size_t k = 0; k < x.size(); ++k)
      x[k] += y[k];
  };
  for (std::size_t b = 1; b < blocks.size(); ++b) {
    total.origins += blocks[b].origins;
    add(total.DD, blocks[b].DD);
    add(total.dd, blocks[b].dd);
    add(total.count, blocks[b].count);
    add(total.transitions, blocks[b].transitions);
  }
  return total;
}

// L_pair, L_e, L_total and L_cross from ⟨D_se·D_s'e'⟩ (§8.4).
void onsager_terms(const BlockSums &sums, const Scale &c, ModeDecomposition &out) {
  const std::size_t S = std::size_t(c.S), m = S * n_hop_modes, E = n_hop_modes;
  const double to_L = 1.0 / (6 * c.volume_A3 * c.kT_meV * c.dt_ps * double(sums.origins));
  out.L_pair.resize(m * m);
  for (std::size_t k = 0; k < m * m; ++k)
    out.L_pair[k] = sums.DD[k] * to_L;
  out.L.assign(m, 0.0);
  out.L_total.assign(S, 0.0);
  out.L_cross.assign(S * S * E, 0.0);
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t t = 0; t < S; ++t)
      for (std::size_t e = 0; e < E; ++e) {
        double L = 0;
        for (std::size_t f = 0; f < E; ++f)
          L += out.L_pair[(s * E + e) * m + t * E + f];
        out.L_cross[(s * S + t) * E + e] = L;
        if (s == t)
          out.L[s * E + e] = L;
      }
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t e = 0; e < E; ++e)
      out.L_total[s] += out.L[s * E + e];
}

// Frequencies, rates, effectiveness, tracer terms and D_L (§8.4–8.5).
void mode_statistics(const BlockSums &sums, const Scale &c, ModeDecomposition &out) {
  const std::size_t S = std::size_t(c.S), m = S * n_hop_modes, E = n_hop_modes;
  const double origins = double(sums.origins);
  out.frequency.assign(m, 0.0);
  out.rate_per_ps.assign(m, 0.0);
  out.effectiveness.assign(m, 0.0);
  out.effectiveness_normalized.assign(m, 0.0);
  out.L_fraction.assign(m, 0.0);
  out.D_tracer.assign(m, 0.0);
  out.D_tracer_total.assign(S, 0.0);
  out.D_collective.assign(S, 0.0);
  for (std::size_t s = 0; s < S; ++s) {
    const double N = c.ions_of[s], L = out.L_total[s];
    for (std::size_t e = 0; e < E; ++e) {
      const std::size_t k = s * E + e;
      const double mean_count = sums.count[k] / origins;
      out.frequency[k] = mean_count / N;
      out.rate_per_ps[k] = out.frequency[k] / c.dt_ps;
      out.effectiveness[k] = mean_count > 0 ? out.L[k] / mean_count : 0.0;
      out.L_fraction[k] = L != 0 ? out.L[k] / L : 0.0;
      out.effectiveness_normalized[k] =
          L != 0 && out.frequency[k] > 0 ? out.L_fraction[k] / out.frequency[k] : 0.0;
      out.D_tracer[k] = sums.dd[k] / origins / (6 * N * c.dt_ps);
      out.D_tracer_total[s] += out.D_tracer[k];
    }
    out.D_collective[s] = L * c.volume_A3 * c.kT_meV / N;
  }
}

// P_ab: fraction of the ion-windows of s going from class a to b; π_a: fraction starting in a.
void macrostates(const BlockSums &sums, const Scale &c, ModeDecomposition &out) {
  const std::size_t S = std::size_t(c.S), C = std::size_t(c.C);
  out.transition_probability.assign(S * C * C, 0.0);
  out.population.assign(S * C, 0.0);
  for (std::size_t s = 0; s < S; ++s) {
    const double windows = double(sums.origins) * c.ions_of[s];
    for (std::size_t a = 0; a < C; ++a)
      for (std::size_t b = 0; b < C; ++b) {
        const double p = sums.transitions[(s * C + a) * C + b] / windows;
        out.transition_probability[(s * C + a) * C + b] = p;
        out.population[s * C + a] += p;
      }
  }
}

ModeDecomposition estimate(const BlockSums &sums, const Scale &c) {
  ModeDecomposition out;
  onsager_terms(sums, c, out);
  mode_statistics(sums, c, out);
  macrostates(sums, c, out);
  return out;
}

// Block-average error (§8.5): standard deviation of the block estimates (n − 1) / √n.
std::vector<double> block_error(const std::vector<ModeDecomposition> &blocks,
                                std::vector<double> ModeDecomposition::*field) {
  const double n = double(blocks.size());
  const std::size_t size = (blocks.front().*field).size();
  std::vector<double> sigma(size, 0.0);
  for (std::size_t k = 0; k < size; ++k) {
    double mean = 0, var = 0;
    for (const auto &b : blocks)
      mean += (b.*field)[k] / n;
    for (const auto &b : blocks)
      var += ((b.*field)[k] - mean) * ((b.*field)[k] - mean) / (n - 1);
    sigma[k] = std::sqrt(var / n);
  }
  return sigma;
}

} // namespace

ModeDecomposition decompose(std::span<const BlockSums> blocks, const HopTrajectory &trajectory,
                            const WindowPlan &plan, double volume_A3, double kT_meV) {
  if (!(volume_A3 > 0) || !(kT_meV > 0) || !std::isfinite(volume_A3) || !std::isfinite(kT_meV))
    throw std::invalid_argument(
        fmt::format("decompose: volume {} Å³ and kT {} meV must be positive", volume_A3, kT_meV));
  if (blocks.empty())
    throw std::invalid_argument("decompose: no blocks");
  Scale c;
  c.S = trajectory.n_species();
  c.C = static_cast<int>(trajectory.lattice().class_names.size());
  c.ions_of.assign(std::size_t(c.S), 0);
  for (const int s : trajectory.species_of_ion())
    ++c.ions_of[std::size_t(s)];
  c.dt_ps = double(plan.window_frames) * trajectory.params().frame_interval_ps;
  c.volume_A3 = volume_A3;
  c.kT_meV = kT_meV;
  for (const auto &b : blocks)
    check_block_shape(b, c);
  const BlockSums total = sum_in_order(blocks);
  std::vector<ModeDecomposition> per_block;
  for (const auto &b : blocks)
    if (b.origins > 0)
      per_block.push_back(estimate(b, c));
  if (per_block.size() < 2)
    throw std::invalid_argument(fmt::format(
        "decompose: window of {} frames has {} origins in {} block(s) with origins; block "
        "errors need ≥ 2",
        plan.window_frames, total.origins, per_block.size()));
  ModeDecomposition out = estimate(total, c);
  out.sigma_L = block_error(per_block, &ModeDecomposition::L);
  out.sigma_frequency = block_error(per_block, &ModeDecomposition::frequency);
  out.sigma_D_tracer = block_error(per_block, &ModeDecomposition::D_tracer);
  out.sigma_L_total = block_error(per_block, &ModeDecomposition::L_total);
  out.sigma_D_tracer_total = block_error(per_block, &ModeDecomposition::D_tracer_total);
  out.sigma_D_collective = block_error(per_block, &ModeDecomposition::D_collective);
  return out;
}

std::vector<std::int64_t> log_spaced_windows(double from_ps, double to_ps, int count,
                                             double frame_interval_ps, std::int64_t frames) {
  if (count < 1)
    throw std::invalid_argument(fmt::format("log_spaced_windows: count {} must be ≥ 1", count));
  if (!(from_ps > 0) || !std::isfinite(from_ps))
    throw std::invalid_argument(
        fmt::format("log_spaced_windows: from {} ps must be positive", from_ps));
  if (!(to_ps >= from_ps) || !std::isfinite(to_ps))
    throw std::invalid_argument(
        fmt::format("log_spaced_windows: to {} ps is below from {} ps", to_ps, from_ps));
  if (!(frame_interval_ps > 0))
    throw std::invalid_argument(fmt::format(
        "log_spaced_windows: frame interval {} ps must be positive", frame_interval_ps));
  std::vector<std::int64_t> out;
  for (int k = 0; k < count; ++k) {
    const double t =
        count == 1 ? from_ps : from_ps * std::pow(to_ps / from_ps, double(k) / (count - 1));
    const double n = std::max(1.0, std::round(t / frame_interval_ps));
    if (n < double(frames) && (out.empty() || std::int64_t(n) != out.back()))
      out.push_back(std::int64_t(n));
  }
  if (out.empty())
    throw std::invalid_argument(fmt::format(
        "log_spaced_windows: no window from {} ps to {} ps is shorter than the {} frames", from_ps,
        to_ps, frames));
  return out;
}

} // namespace ionbath::analysis
