#include "ionbath/bath/chebyshev_bath_field.hpp"

#include "ionbath/bath/bessel.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>
#include <stdexcept>

// The hot loops are compiled twice, for AVX2/FMA and for baseline x86-64, and the loader picks
// the one the CPU supports (the portable build stays portable).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define IONBATH_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define IONBATH_VECTOR_CLONES
#endif

namespace ionbath::bath {
namespace {

// Orders of one parity per tile of the Bessel-matrix products (4 × 3 accumulators).
constexpr int kTileRows = 4;
using Tile = Eigen::Matrix<double, kTileRows, 3>;

// Modes whose frequencies differ by less than this many units of roundoff of Ω_max share one
// J_k(Ω h): the induced error |ΔJ| ≤ h ΔΩ ≈ 1e-13 h per mode is far below the accuracy goal.
constexpr double kDegenerateUlps = 64.0;

// Smallest K such that the dropped tail per unit amplitude is below `tolerance` for r_H
// (2 Σ_{k>K} |J_k(x)|) and for ṙ_H in units of Ω_max ((2/x) Σ_{k>K} k² |J_k(x)|), x = Ω_max h.
// For k > x, J_k(x) grows with x, so x = Ω_max h bounds every mode.
int truncation_order(double x_max, double tolerance) {
  const auto probe = static_cast<std::size_t>(x_max + 60.0 + 12.0 * std::cbrt(x_max + 1.0));
  std::vector<double> j(probe + 1);
  bessel_j_orders(x_max, j);
  double tail_r = 0.0, tail_v = 0.0;
  for (std::size_t k = probe; k > 0; --k) {
    const double kd = static_cast<double>(k);
    tail_r += 2.0 * std::abs(j[k]);
    tail_v += 2.0 * kd * kd * std::abs(j[k]) / std::max(x_max, 1.0);
    if (std::max(tail_r, tail_v) > tolerance) {
      if (k + 20 > probe)
        throw std::logic_error("ChebyshevBathField: Bessel probe range too short");
      return static_cast<int>(k);
    }
  }
  return 0;
}

} // namespace

void sum_blocks_in_order(std::span<const double> local_block_partials, std::size_t width,
                         std::span<double> out) {
  if (out.size() != width || (width > 0 && local_block_partials.size() % width != 0))
    throw std::logic_error("sum_blocks_in_order: size mismatch");
  std::fill(out.begin(), out.end(), 0.0);
  if (width == 0 || local_block_partials.empty())
    return;
  std::copy_n(local_block_partials.begin(), width, out.begin());
  for (std::size_t b = 1; b < local_block_partials.size() / width; ++b)
    for (std::size_t w = 0; w < width; ++w)
      out[w] += local_block_partials[b * width + w];
}

ChebyshevBathField::ChebyshevBathField(const ThermalBath &bath, double dt_ps,
                                       const ChebyshevOptions &options, BlockReducer reducer)
    : BathField(dt_ps), block_steps_(options.block_steps), anchor_blocks_(options.anchor_blocks),
      half_width_ps_(0.5 * static_cast<double>(options.block_steps) * dt_ps),
      n_basis_(bath.n_basis()), reducer_(std::move(reducer)), bloch_(bath.modes().grid()) {
  const auto &modes = bath.modes();
  const std::int64_t block_modes = options.reduction_block_modes;
  if (block_steps_ < 1 || block_modes < 1 || anchor_blocks_ < 1 || !(dt_ps > 0.0) ||
      !(options.truncation_tolerance > 0.0))
    throw std::invalid_argument("ChebyshevBathField: block sizes, δt and tolerance must be > 0");
  const std::int64_t total = modes.total();
  const std::int64_t first = modes.first_mode(), last = first + modes.size();
  if ((first % block_modes != 0 && first != total) || (last % block_modes != 0 && last != total))
    throw std::invalid_argument(fmt::format(
        "ChebyshevBathField: mode slice [{}, {}) is not aligned to reduction blocks of {}", first,
        last, block_modes));
  const std::int64_t n_blocks = (total + block_modes - 1) / block_modes;
  const std::int64_t first_block = first / block_modes;
  const std::int64_t n_owned = (last - first + block_modes - 1) / block_modes;

  // Sort each owned block by frequency (ties by mode index) so degenerate modes are adjacent.
  std::vector<std::int64_t> order(static_cast<std::size_t>(modes.size()));
  std::iota(order.begin(), order.end(), 0);
  std::vector<double> block_max(static_cast<std::size_t>(n_owned * n_blocks), 0.0);
  for (std::int64_t ob = 0; ob < n_owned; ++ob) {
    const auto begin = order.begin() + ob * block_modes;
    const auto end = order.begin() + std::min(modes.size(), (ob + 1) * block_modes);
    std::stable_sort(begin, end, [&](std::int64_t a, std::int64_t b) {
      return modes.omega(a) < modes.omega(b);
    });
    block_max[static_cast<std::size_t>(ob * n_blocks + first_block + ob)] = modes.omega(*(end - 1));
  }
  // Global Ω_max through the reducer (one nonzero per block, so the sum is exact): K and the
  // grouping tolerance are then the same on every rank.
  std::vector<double> all_max(static_cast<std::size_t>(n_blocks));
  reducer_(block_max, all_max.size(), all_max);
  const double omega_max = *std::max_element(all_max.begin(), all_max.end());

  const double x_max = omega_max * half_width_ps_;
  order_ = truncation_order(x_max, options.truncation_tolerance);
  order_ = (order_ / (2 * kTileRows) + 1) * 2 * kTileRows - 1; // K + 1 = whole tiles
  tiles_per_parity_ = (order_ + 1) / (2 * kTileRows);

  const double block_ps = static_cast<double>(block_steps_) * dt_ps;
  const auto m = order.size();
  q_index_.resize(m);
  omega_.resize(m);
  const auto n_b = static_cast<std::size_t>(n_basis_);
  c_.resize(n_b * m);
  rotation_.resize(m);
  phasor_.resize(m);
  shifted_.resize(n_b * m);
  shifted_block_.assign(n_b, -1);
  group_.resize(m);
  for (std::size_t j = 0; j < m; ++j) {
    const auto local = static_cast<std::int64_t>(j);
    q_index_[j] = modes.q_index(local);
    omega_[j] = modes.omega(local);
    for (std::size_t b = 0; b < n_b; ++b) {
      const CVec3 &c = bath.coefficient(local, static_cast<int>(b));
      c_[b * m + j] = {c.x().real(), c.y().real(), c.z().real(),
                       c.x().imag(), c.y().imag(), c.z().imag()};
    }
    rotation_[j] = std::polar(1.0, -omega_[j] * block_ps);
  }

  // Frequency groups (ascending within a block) and the packed Jacobi–Anger matrices
  // ε_k sign_k J_k(Ω_g h), where Re[(-i)^k z] = sign_k Re z (k even), sign_k Im z (k odd),
  // sign_k = + for k mod 4 ∈ {0, 1}. Orders whose |J_k| (weighted like the truncation bound) is
  // below tolerance/(K+1) for a prefix of low-frequency groups skip that prefix.
  const double degenerate = kDegenerateUlps * std::numeric_limits<double>::epsilon() * omega_max;
  const double negligible = options.truncation_tolerance / static_cast<double>(row_length());
  std::vector<double> bessel_row(row_length());
  for (std::int64_t ob = 0; ob < n_owned; ++ob) {
    const auto begin = static_cast<std::size_t>(ob * block_modes);
    const auto end = std::min(m, static_cast<std::size_t>((ob + 1) * block_modes));
    OwnedBlock block{begin, end, {}, {}, bessel_.size()};
    std::vector<double> group_omega;
    for (std::size_t i = begin; i < end;) {
      const double rep = omega_[static_cast<std::size_t>(order[i])];
      std::size_t e = i;
      for (; e < end && omega_[static_cast<std::size_t>(order[e])] - rep <= degenerate; ++e)
        group_[static_cast<std::size_t>(order[e])] = static_cast<std::int32_t>(group_omega.size());
      group_omega.push_back(rep);
      i = e;
    }
    const std::size_t groups = group_omega.size();
    block.groups = groups;
    const auto tiles = static_cast<std::size_t>(2 * tiles_per_parity_);
    block.tile_first_group.assign(tiles, groups);
    bessel_.resize(bessel_.size() + tiles * groups * kTileRows);
    for (std::size_t g = 0; g < groups; ++g) {
      bessel_j_orders(group_omega[g] * half_width_ps_, bessel_row);
      for (int k = 0; k <= order_; ++k) {
        const int parity = k % 2, row = k / 2;
        const double eps = k == 0 ? 1.0 : 2.0;
        const double sign = (k % 4 < 2) ? 1.0 : -1.0;
        const auto tile = static_cast<std::size_t>(parity * tiles_per_parity_ + row / kTileRows);
        const double value = bessel_row[static_cast<std::size_t>(k)];
        bessel_[block.bessel_offset + (tile * groups + g) * kTileRows + row % kTileRows] =
            eps * sign * value;
        const double weight = 1.0 + double(k) * k / std::max(x_max, 1.0);
        if (std::abs(value) * weight >= negligible)
          block.tile_first_group[tile] = std::min(block.tile_first_group[tile], g);
      }
    }
    owned_.push_back(std::move(block));
  }

  // Chebyshev polynomials and derivatives at the quarter-step points τ_s = s/(2B) - 1.
  const std::int64_t points = 4 * block_steps_;
  cheb_value_.resize(static_cast<std::size_t>(points) * row_length());
  cheb_slope_.resize(cheb_value_.size());
  for (std::int64_t s = 0; s < points; ++s) {
    const double tau = static_cast<double>(s) / static_cast<double>(2 * block_steps_) - 1.0;
    double *t = &cheb_value_[static_cast<std::size_t>(s) * row_length()];
    double *dt = &cheb_slope_[static_cast<std::size_t>(s) * row_length()];
    double u_prev = 0.0, u = 1.0; // U_{k-2}, U_{k-1}
    t[0] = 1.0;
    dt[0] = 0.0;
    for (int k = 1; k <= order_; ++k) {
      t[k] = k == 1 ? tau : 2.0 * tau * t[k - 1] - t[k - 2];
      dt[k] = k * u / half_width_ps_; // T_k' = k U_{k-1}
      const double u_next = 2.0 * tau * u - u_prev;
      u_prev = u;
      u = u_next;
    }
  }
}

std::int64_t ChebyshevBathField::frequency_groups() const {
  std::size_t n = 0;
  for (const auto &b : owned_)
    n += b.groups;
  return static_cast<std::int64_t>(n);
}

void ChebyshevBathField::start_block(std::int64_t block) {
  // e^{-iΩ t_c}: exact at anchor blocks, multiplied by e^{-iΩ B δt} in between. The sequence of
  // operations leading to a block depends only on the block index.
  const std::int64_t anchor = block - block % anchor_blocks_;
  if (phasor_block_ < anchor || phasor_block_ > block) {
    const double t_c = time_ps(4 * block_steps_ * anchor + 2 * block_steps_);
    for (std::size_t i = 0; i < omega_.size(); ++i)
      phasor_[i] = std::polar(1.0, -omega_[i] * t_c);
    phasor_block_ = anchor;
  }
  for (; phasor_block_ < block; ++phasor_block_)
    for (std::size_t i = 0; i < omega_.size(); ++i)
      phasor_[i] *= rotation_[i];
  atoms_.clear();
  current_block_ = block;
}

// c_b e^{-iΩ t_c} of the current block, computed for basis atom b when the block first needs it
// (a large basis near the ion uses few of its atoms).
void ChebyshevBathField::shift_basis_atom(int basis) {
  const auto b = static_cast<std::size_t>(basis);
  if (shifted_block_[b] == current_block_)
    return;
  const std::size_t m = omega_.size();
  for (std::size_t i = 0; i < m; ++i) {
    const double pr = phasor_[i].real(), pi = phasor_[i].imag();
    const auto &c = c_[b * m + i];
    auto &d = shifted_[b * m + i];
    for (int a = 0; a < 3; ++a) {
      d[a] = c[a] * pr - c[3 + a] * pi;
      d[3 + a] = c[a] * pi + c[3 + a] * pr;
    }
  }
  shifted_block_[b] = current_block_;
}

IONBATH_VECTOR_CLONES void ChebyshevBathField::sum_groups(const BlochPhases::SiteIndex &site,
                                                          int basis, const OwnedBlock &block) {
  const std::array<double, 6> *shifted = &shifted_[static_cast<std::size_t>(basis) * omega_.size()];
  group_sum_even_.assign(3 * block.groups, 0.0);
  group_sum_odd_.assign(3 * block.groups, 0.0);
  std::complex<double> s;
  for (std::size_t i = block.mode_begin; i < block.mode_end; ++i) {
    if (i == block.mode_begin || q_index_[i] != q_index_[i - 1])
      s = bloch_(site, q_index_[i]); // e^{iq·n}, shared by the branches of one q
    const auto &d = shifted[i];
    double *re = &group_sum_even_[3 * static_cast<std::size_t>(group_[i])];
    double *im = &group_sum_odd_[3 * static_cast<std::size_t>(group_[i])];
    for (int a = 0; a < 3; ++a) { // z = c e^{-iΩ t_c} e^{iq·n}, summed in mode order
      re[a] += d[a] * s.real() - d[3 + a] * s.imag();
      im[a] += d[a] * s.imag() + d[3 + a] * s.real();
    }
  }
}

IONBATH_VECTOR_CLONES void ChebyshevBathField::add_atoms(std::span<const Atom> atoms) {
  const std::size_t per_atom = 3 * row_length();
  const std::size_t width = per_atom * atoms.size();
  partials_.assign(width * owned_.size(), 0.0);
  for (std::size_t a = 0; a < atoms.size(); ++a) {
    const auto site = bloch_.site_index(atoms[a].site);
    shift_basis_atom(atoms[a].basis);
    for (std::size_t ob = 0; ob < owned_.size(); ++ob) {
      const OwnedBlock &block = owned_[ob];
      sum_groups(site, atoms[a].basis, block);
      const std::size_t groups = block.groups;
      double *partial = &partials_[ob * width + a * per_atom];
      for (int parity = 0; parity < 2; ++parity) {
        const double *x = parity == 0 ? group_sum_even_.data() : group_sum_odd_.data();
        for (std::int64_t t = 0; t < tiles_per_parity_; ++t) {
          const auto tile = static_cast<std::size_t>(parity * tiles_per_parity_ + t);
          const double *j = &bessel_[block.bessel_offset + tile * groups * kTileRows];
          // a_k partial = Σ_g J'_k(g) X(g): each element accumulates over g in a fixed order.
          Tile acc = Tile::Zero();
          for (std::size_t g = block.tile_first_group[tile]; g < groups; ++g)
            acc.noalias() +=
                Eigen::Map<const Eigen::Matrix<double, kTileRows, 1>>(j + kTileRows * g) *
                Eigen::Map<const Eigen::RowVector3d>(x + 3 * g);
          for (int r = 0; r < kTileRows; ++r) {
            const auto k = static_cast<std::size_t>(2 * (kTileRows * t + r) + parity);
            for (int c = 0; c < 3; ++c)
              partial[3 * k + static_cast<std::size_t>(c)] = acc(r, c);
          }
        }
      }
    }
  }
  reduced_.resize(width);
  reducer_(partials_, width, reduced_);
  for (std::size_t a = 0; a < atoms.size(); ++a) {
    AtomSeries atom{atoms[a], {}, -1, {}};
    atom.coefficients.assign(reduced_.begin() + static_cast<std::ptrdiff_t>(a * per_atom),
                             reduced_.begin() + static_cast<std::ptrdiff_t>((a + 1) * per_atom));
    atoms_.push_back(std::move(atom));
  }
}

IONBATH_VECTOR_CLONES SiteMotion
ChebyshevBathField::series_value(const AtomSeries &atom, std::int64_t quarter_in_block) const {
  const std::size_t n = row_length(), row = static_cast<std::size_t>(quarter_in_block) * n;
  const double *t = &cheb_value_[row];
  const double *dt = &cheb_slope_[row];
  const double *a = atom.coefficients.data();
  // Σ_k a_k T_k(τ) and Σ_k a_k T_k'(τ)/h with separate partial sums for even and odd k: twelve
  // independent chains, and a summation order that depends on nothing but K.
  double r[2][3] = {}, v[2][3] = {};
  for (std::size_t k = 0; k < n; k += 2)
    for (std::size_t p = 0; p < 2; ++p)
      for (std::size_t c = 0; c < 3; ++c) {
        r[p][c] += a[3 * (k + p) + c] * t[k + p];
        v[p][c] += a[3 * (k + p) + c] * dt[k + p];
      }
  SiteMotion m;
  for (int c = 0; c < 3; ++c) {
    m.r(c) = r[0][c] + r[1][c];
    m.v(c) = v[0][c] + v[1][c];
  }
  return m;
}

void ChebyshevBathField::evaluate(std::span<const Cell> sites, std::int64_t quarter_step,
                                  std::span<SiteMotion> out) {
  evaluate_atoms(sites, {}, quarter_step, out);
}

void ChebyshevBathField::evaluate_atoms(std::span<const Cell> sites, std::span<const int> basis,
                                        std::int64_t quarter_step, std::span<SiteMotion> out) {
  check_request("ChebyshevBathField", sites.size(), basis, n_basis_, quarter_step, out.size());
  const std::int64_t points = 4 * block_steps_;
  const std::int64_t block = quarter_step / points;
  if (block != current_block_)
    start_block(block);
  const auto atom_of = [&](std::size_t i) {
    return Atom{bloch_.wrap(sites[i]), basis.empty() ? 0 : basis[i]};
  };
  const auto find = [&](const Atom &w) {
    return std::find_if(atoms_.begin(), atoms_.end(),
                        [&](const AtomSeries &s) { return s.atom == w; });
  };
  std::vector<Atom> &missing = missing_;
  missing.clear();
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const Atom w = atom_of(i);
    if (find(w) == atoms_.end() && std::find(missing.begin(), missing.end(), w) == missing.end())
      missing.push_back(w);
  }
  if (!missing.empty())
    add_atoms(missing);
  for (std::size_t i = 0; i < sites.size(); ++i) {
    AtomSeries &atom = *find(atom_of(i));
    if (atom.quarter_step != quarter_step) {
      atom.motion = series_value(atom, quarter_step - block * points);
      atom.quarter_step = quarter_step;
    }
    out[i] = atom.motion;
  }
}

} // namespace ionbath::bath
