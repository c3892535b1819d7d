#include "ionbath/dynamics/lattice_stencil.hpp"

#include "ionbath/core/aligned.hpp"
#include "ionbath/core/error.hpp"
#include "ionbath/dynamics/simd.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace ionbath::dynamics {

namespace {
int wrap(int i, int n) {
  const int m = i % n;
  return m < 0 ? m + n : m;
}

// One output component on sites [0, length) of Rows lines, `length` a multiple of the block of
// Registers SIMD vectors of type Pack (the sums stay in registers, one independent chain per
// vector and line): out[y · out_row + x] = Σ_e value_e · (base[y · row + near_e + x] +
// base[y · row + far_e + x]) over the pairs plus Σ_e value_e · base[y · row + near_e + x] over
// the single entries. Each sum is formed in the same order whatever Rows.
template <class Pack, int Registers, int Rows>
__attribute__((always_inline)) inline void
sweep_rows(int length, const double *base, std::int64_t row, int pairs, int count,
           const std::int64_t *near, const std::int64_t *far, const double *value, double *out,
           std::int64_t out_row) {
  constexpr int lanes = sizeof(Pack) / sizeof(double);
  constexpr int block = lanes * Registers;
  for (int x = 0; x < length; x += block) {
    Pack acc[Rows][Registers] = {};
    for (int e = 0; e < pairs; ++e) {
      const Pack v = Pack{} + value[e];
      const double *p = base + near[e] + x;
      const double *q = base + far[e] + x;
#pragma GCC unroll 16
      for (int k = 0; k < Rows * Registers; ++k) {
        Pack a, b;
        std::memcpy(&a, p + k / Registers * row + k % Registers * lanes, sizeof a);
        std::memcpy(&b, q + k / Registers * row + k % Registers * lanes, sizeof b);
        acc[k / Registers][k % Registers] += v * (a + b);
      }
    }
    for (int e = pairs; e < count; ++e) {
      const Pack v = Pack{} + value[e];
      const double *p = base + near[e] + x;
#pragma GCC unroll 16
      for (int k = 0; k < Rows * Registers; ++k) {
        Pack a;
        std::memcpy(&a, p + k / Registers * row + k % Registers * lanes, sizeof a);
        acc[k / Registers][k % Registers] += v * a;
      }
    }
#pragma GCC unroll 16
    for (int k = 0; k < Rows * Registers; ++k)
      std::memcpy(out + k / Registers * out_row + x + k % Registers * lanes,
                  &acc[k / Registers][k % Registers], sizeof(Pack));
  }
}

// `rows` (1 or 2) lines. Short blocks (few chains per line) sweep two lines at once, so twice as
// many independent sums hide the multiply–add latency.
template <class Pack, int Registers>
__attribute__((always_inline)) inline void
sweep_line(int length, int rows, const double *base, std::int64_t row, int pairs, int count,
           const std::int64_t *near, const std::int64_t *far, const double *value, double *out,
           std::int64_t out_row) {
  if constexpr (Registers <= 4)
    if (rows == 2) {
      sweep_rows<Pack, Registers, 2>(length, base, row, pairs, count, near, far, value, out,
                                     out_row);
      return;
    }
  for (int y = 0; y < rows; ++y)
    sweep_rows<Pack, Registers, 1>(length, base + y * row, row, pairs, count, near, far, value,
                                   out + y * out_row, out_row);
}

using simd::broadcast;
using simd::load;
using simd::Pack2;
using simd::Pack4;

using SweepFunction = void (*)(int, int, const double *, std::int64_t, int, int,
                               const std::int64_t *, const std::int64_t *, const double *, double *,
                               std::int64_t);

// Blocks of 4 · Vectors sites: SSE2 (two registers per four sites) and, chosen at run time when
// the CPU has them, AVX2 + FMA.
template <int Vectors>
void sweep_sse2(int length, int rows, const double *base, std::int64_t row, int pairs, int count,
                const std::int64_t *near, const std::int64_t *far, const double *value, double *out,
                std::int64_t out_row) {
  sweep_line<Pack2, 2 * Vectors>(length, rows, base, row, pairs, count, near, far, value, out,
                                 out_row);
}
#if defined(__GNUC__) && defined(__x86_64__)
template <int Vectors>
__attribute__((target("avx2,fma"))) void
sweep_avx2(int length, int rows, const double *base, std::int64_t row, int pairs, int count,
           const std::int64_t *near, const std::int64_t *far, const double *value, double *out,
           std::int64_t out_row) {
  sweep_line<Pack4, Vectors>(length, rows, base, row, pairs, count, near, far, value, out, out_row);
}
#endif

template <int... V> SweepFunction select_sweep(int vectors, std::integer_sequence<int, V...>) {
#if defined(__GNUC__) && defined(__x86_64__)
  if (simd::cpu_has_avx2_fma()) {
    constexpr std::array<SweepFunction, sizeof...(V)> avx2{sweep_avx2<V + 1>...};
    return avx2[vectors - 1];
  }
#endif
  constexpr std::array<SweepFunction, sizeof...(V)> sse2{sweep_sse2<V + 1>...};
  return sse2[vectors - 1];
}
constexpr int max_vectors = 8; // four-site vectors per block

// The simple-cubic bond set of the seed model (physics.md §1.1): Φ_0 = diagonal, Φ_{±e_a} along the
// axis only, Φ_d = −h̃ d dᵀ for the twelve d with two entries ±1, in lattice labels. Out of the
// values c0 = −Φ_0,aa, k = −Φ_{e_a},aa and h = −Φ_{(1,1,0)},xx (all scaled) the force on a site is
//   f_x = c0 x_0 + k (x_{+x} + x_{−x})
//       + h Σ_{planes xy, xz} [(x_{++} + x_{−−}) + (x_{+−} + x_{−+}) + (s_{++} + s_{−−}) − (s_{+−}
//       + s_{−+})]
// (s the other in-plane component), and cyclically; each pair sum is loaded once and serves both
// in-plane outputs. Four sites per iteration; the row layout keeps y/z-offset loads aligned.
template <class Pack>
__attribute__((always_inline)) inline void
cubic_sweep(int length, int rows, const double *base, std::int64_t component, std::int64_t row,
            std::int64_t below, std::int64_t above, const std::array<double, 3> &value,
            FieldView out, std::int64_t out_row) {
  constexpr int lanes = sizeof(Pack) / sizeof(double);
  const Pack c0 = broadcast<Pack>(value[0]), k = broadcast<Pack>(value[1]),
             h = broadcast<Pack>(value[2]);
  // `below`/`above`: offsets of the planes n3 − 1 and n3 + 1 (wrapped periodically, so the
  // kernel reads no ghost planes).
  // Nine moving pointers (component, plane offset −1/0/+1), each at row offset −1, so that rows
  // −1, 0, +1 are q, q + row, q + 2 row (one index register with scale 1 or 2) and x offsets are
  // constant displacements: few enough pointers to stay in registers.
  const double *x0 = base - row, *y0 = x0 + component, *z0 = y0 + component;
  const double *xm = x0 + below, *xp = x0 + above, *ym = y0 + below, *yp = y0 + above,
               *zm = z0 + below, *zp = z0 + above;
  double *fx = out[0], *fy = out[1], *fz = out[2];
  const std::int64_t r1 = row, r2 = 2 * row;
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < length; x += lanes) {
      // Nearest neighbours and the site itself.
      Pack f0 = c0 * load<Pack>(x0 + r1) + k * (load<Pack>(x0 + r1 + 1) + load<Pack>(x0 + r1 - 1));
      Pack f1 = c0 * load<Pack>(y0 + r1) + k * (load<Pack>(y0 + r2) + load<Pack>(y0));
      Pack f2 = c0 * load<Pack>(z0 + r1) + k * (load<Pack>(zp + r1) + load<Pack>(zm + r1));
      // xy plane: (±1, ±1, 0).
      {
        const Pack ap = load<Pack>(x0 + r2 + 1) + load<Pack>(x0 - 1);
        const Pack am = load<Pack>(x0 + 1) + load<Pack>(x0 + r2 - 1);
        const Pack bp = load<Pack>(y0 + r2 + 1) + load<Pack>(y0 - 1);
        const Pack bm = load<Pack>(y0 + 1) + load<Pack>(y0 + r2 - 1);
        f0 += h * ((ap + am) + (bp - bm));
        f1 += h * ((bp + bm) + (ap - am));
      }
      // xz plane: (±1, 0, ±1).
      {
        const Pack ap = load<Pack>(xp + r1 + 1) + load<Pack>(xm + r1 - 1);
        const Pack am = load<Pack>(xm + r1 + 1) + load<Pack>(xp + r1 - 1);
        const Pack bp = load<Pack>(zp + r1 + 1) + load<Pack>(zm + r1 - 1);
        const Pack bm = load<Pack>(zm + r1 + 1) + load<Pack>(zp + r1 - 1);
        f0 += h * ((ap + am) + (bp - bm));
        f2 += h * ((bp + bm) + (ap - am));
      }
      // yz plane: (0, ±1, ±1).
      {
        const Pack ap = load<Pack>(yp + r2) + load<Pack>(ym);
        const Pack am = load<Pack>(ym + r2) + load<Pack>(yp);
        const Pack bp = load<Pack>(zp + r2) + load<Pack>(zm);
        const Pack bm = load<Pack>(zm + r2) + load<Pack>(zp);
        f1 += h * ((ap + am) + (bp - bm));
        f2 += h * ((bp + bm) + (ap - am));
      }
      std::memcpy(fx, &f0, sizeof(Pack));
      std::memcpy(fy, &f1, sizeof(Pack));
      std::memcpy(fz, &f2, sizeof(Pack));
      for (const double **q : {&x0, &y0, &z0, &xm, &xp, &ym, &yp, &zm, &zp})
        *q += lanes;
      fx += lanes;
      fy += lanes;
      fz += lanes;
    }
    // The next row of the plane (consecutive lines of one plane are one padded row apart).
    for (const double **q : {&x0, &y0, &z0, &xm, &xp, &ym, &yp, &zm, &zp})
      *q += row - length;
    fx += out_row - length;
    fy += out_row - length;
    fz += out_row - length;
  }
}

void cubic_sse2(int length, int rows, const double *base, std::int64_t component, std::int64_t row,
                std::int64_t below, std::int64_t above, const std::array<double, 3> &value,
                FieldView out, std::int64_t out_row) {
  cubic_sweep<Pack2>(length, rows, base, component, row, below, above, value, out, out_row);
}
#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx2,fma"))) void cubic_avx2(int length, int rows, const double *base,
                                                    std::int64_t component, std::int64_t row,
                                                    std::int64_t below, std::int64_t above,
                                                    const std::array<double, 3> &value,
                                                    FieldView out, std::int64_t out_row) {
  cubic_sweep<Pack4>(length, rows, base, component, row, below, above, value, out, out_row);
}
#endif

// c0, k, h (unscaled: −Φ entries) when the blocks are exactly the simple-cubic bond set (summed
// per offset; absent blocks are zero), else nothing.
std::optional<std::array<double, 3>> cubic_bond_values(const std::vector<crystal::Bond> &bonds) {
  std::map<std::array<int, 3>, Mat3> blocks;
  for (const auto &b : bonds) {
    if ((b.offset.array().abs() > 1).any())
      return std::nullopt;
    auto [it, fresh] = blocks.try_emplace({b.offset.x(), b.offset.y(), b.offset.z()}, b.phi);
    if (!fresh)
      it->second += b.phi;
  }
  auto block = [&](int x, int y, int z) -> Mat3 {
    const auto it = blocks.find({x, y, z});
    return it == blocks.end() ? Mat3::Zero() : it->second;
  };
  const double c0 = -block(0, 0, 0)(0, 0), k = -block(1, 0, 0)(0, 0), h = -block(1, 1, 0)(0, 0);
  for (int x = -1; x <= 1; ++x)
    for (int y = -1; y <= 1; ++y)
      for (int z = -1; z <= 1; ++z) {
        const Vec3 d(x, y, z);
        const int order = std::abs(x) + std::abs(y) + std::abs(z);
        Mat3 expected = Mat3::Zero();
        if (order == 0)
          expected = -c0 * Mat3::Identity();
        else if (order == 1)
          expected = -k * d * d.transpose();
        else if (order == 2)
          expected = -h * d * d.transpose();
        if (block(x, y, z) != expected)
          return std::nullopt;
      }
  return std::array<double, 3>{c0, k, h};
}

// The blocks Φ_{bb'}(L) and the self terms Φ_bb(0) (physics.md §1.1, §12.1) as bonds.
std::vector<crystal::Bond> stencil_blocks(const crystal::Crystal &crystal) {
  std::vector<crystal::Bond> bonds = crystal.bonds();
  for (int b = 0; b < crystal.n_basis(); ++b)
    bonds.push_back({Cell::Zero(), crystal.onsite_block(b), b, b});
  return bonds;
}

} // namespace

LatticeStencil::LatticeStencil(const crystal::Crystal &crystal, GridShape lattice, double scale,
                               StencilKernel kernel)
    : LatticeStencil(crystal, lattice,
                     std::vector<double>(static_cast<std::size_t>(crystal.n_basis()), scale),
                     kernel) {}

LatticeStencil::LatticeStencil(const crystal::Crystal &crystal, GridShape lattice,
                               const std::vector<double> &atom_scale, StencilKernel kernel)
    : n_(lattice), n_basis_(crystal.n_basis()) {
  for (int axis = 0; axis < 3; ++axis)
    if (n_[axis] < 1)
      throw InputError(fmt::format("lattice stencil: lattice extent {} along axis {} must be ≥ 1",
                                   n_[axis], axis + 1));
  if (static_cast<int>(atom_scale.size()) != n_basis_)
    throw std::invalid_argument(fmt::format("lattice stencil: {} atom scales for {} basis atoms",
                                            atom_scale.size(), n_basis_));
  // (V r)_{n,b} = Σ_{L,b'} Φ_{bb'}(L) r_{n+L,b'} (physics.md §1.1, §12.1).
  const std::vector<crystal::Bond> bonds = stencil_blocks(crystal);
  for (const auto &b : bonds)
    for (int axis = 0; axis < 3; ++axis)
      halo_[axis] = std::max(halo_[axis], std::abs(b.offset[axis]));
  // Lines are swept in equal blocks of at most max_vectors four-site vectors (as few blocks as
  // possible); the last line's sweep may read up to a block past the padded array.
  const int vectors = (n_[0] + 3) / 4;
  const int line_blocks = (vectors + max_vectors - 1) / max_vectors;
  const int block_vectors = (vectors + line_blocks - 1) / line_blocks;
  block_ = 4 * block_vectors;
  sweep_ = select_sweep(block_vectors, std::make_integer_sequence<int, max_vectors>{});
  // Site 0 of every row sits on a four-double boundary (lead ≥ halo ghosts before it) and rows
  // are a whole number of four-double vectors, so in a cache-aligned field every load at a
  // neighbour offset without an x component is aligned. A padded row also has room for the
  // overhang of a line written in place (line()).
  lead_ = (halo_[0] + 3) / 4 * 4;
  const int row = (lead_ + std::max(n_[0] + halo_[0], line_buffer_length()) + 3) / 4 * 4;
  stride_ = {1, row, std::int64_t(row) * (n_[1] + 2 * halo_[1])};
  padded_sites_ = stride_[2] * (n_[2] + 2 * halo_[2]) + block_;
  const auto cubic = n_basis_ == 1 ? cubic_bond_values(bonds) : std::nullopt;
  if (cubic && kernel == StencilKernel::automatic) {
    for (int v = 0; v < 3; ++v)
      cubic_values_[v] = atom_scale[0] * (*cubic)[v];
#if defined(__GNUC__) && defined(__x86_64__)
    cubic_sweep_ = simd::cpu_has_avx2_fma() ? cubic_avx2 : cubic_sse2;
#else
    cubic_sweep_ = cubic_sse2;
#endif
  }
  std::vector<Entry> entries;
  for (const auto &b : bonds)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        if (b.phi(i, j) != 0.0)
          entries.push_back({b.offset, 3 * b.from + i, 3 * b.to + j,
                             -atom_scale[static_cast<std::size_t>(b.from)] * b.phi(i, j)});
  set_terms(entries);
}

void LatticeStencil::set_terms(const std::vector<Entry> &entries) {
  auto offset = [&](const Entry &e) {
    return e.j * padded_sites_ + e.offset.x() + stride_[1] * e.offset.y() +
           stride_[2] * e.offset.z();
  };
  // Pair entries of equal value (one multiply for two neighbours): on one-atom crystals those
  // of d and −d; with a basis the neighbours of one value sit at unrelated (L, b'), so any two
  // entries of equal value pair.
  auto partners = [&](const Entry &e, const Entry &f) {
    return f.i == e.i && f.value == e.value &&
           (n_basis_ > 1 || (e.offset != Cell::Zero() && f.j == e.j && f.offset == -e.offset));
  };
  terms_.assign(static_cast<std::size_t>(components()), Terms{});
  for (int i = 0; i < components(); ++i) {
    std::vector<std::tuple<bool, std::int64_t, std::int64_t, double>> list; // single, near, far
    std::vector<bool> used(entries.size(), false);
    for (std::size_t a = 0; a < entries.size(); ++a) {
      const Entry &e = entries[a];
      if (used[a] || e.i != i)
        continue;
      used[a] = true;
      std::int64_t far = -1;
      bool paired = false;
      for (std::size_t b = a + 1; b < entries.size(); ++b) {
        const Entry &f = entries[b];
        if (!used[b] && partners(e, f)) {
          used[b] = true;
          far = offset(f);
          paired = true;
          break;
        }
      }
      list.emplace_back(!paired, offset(e), far, e.value);
    }
    // Pairs first, then by source address (locality).
    std::sort(list.begin(), list.end());
    Terms &t = terms_[static_cast<std::size_t>(i)];
    for (const auto &[single, near, far, value] : list) {
      t.pairs += !single;
      t.near.push_back(near);
      if (!single)
        t.far.push_back(far);
      t.value.push_back(value);
    }
  }
}

int LatticeStencil::entries_per_site() const {
  int count = 0;
  for (const auto &t : terms_)
    count += static_cast<int>(t.value.size()) + t.pairs;
  return count;
}

void LatticeStencil::fill_halo(double *field) const {
  for (int z = 0; z < n_[2]; ++z)
    fill_plane_halo(field, z);
}

void LatticeStencil::fill_plane_halo(double *field, int z) const {
  fill_plane_ghosts(field + plane_offset(z), padded_sites_);
  // Periodic images of the plane among the ghost planes (whole padded planes). The simple-cubic
  // kernel wraps its plane offsets itself and reads no ghost planes.
  const int n3 = n_[2], h3 = halo_[2];
  for (int c = 0; c < components() && !cubic_sweep_; ++c) {
    double *f = field + c * padded_sites_;
    for (int image = z - n3 * ((z + h3) / n3); image < n3 + h3; image += n3)
      if (image != z && image >= -h3)
        std::copy_n(f + plane_offset(z), stride_[2], f + plane_offset(image));
  }
}

void LatticeStencil::fill_plane_ghosts(double *plane, std::int64_t component_stride) const {
  const auto [n1, n2, n3] = n_;
  const auto [h1, h2, h3] = halo_;
  for (int b = 0; b < n_basis_; ++b)
    for (int c = 0; c < 3; ++c) {
      double *f = plane + (3 * b + c) * component_stride;
      // Ghost sites of the plane's lines, then its ghost lines (whole padded rows).
      if (h1 == 1 && n1 > 1)
        for (int y = 0; y < n2; ++y) {
          double *row = f + in_plane_index(0, y);
          row[-1] = row[n1 - 1];
          row[n1] = row[0];
        }
      else if (h1 > 0)
        for (int y = 0; y < n2; ++y) {
          double *row = f + in_plane_index(0, y);
          for (int g = 1; g <= h1; ++g) {
            row[-g] = row[wrap(-g, n1)];
            row[n1 - 1 + g] = row[wrap(n1 - 1 + g, n1)];
          }
        }
      for (int g = 1; g <= h2; ++g)
        for (const int y : {-g, n2 - 1 + g})
          std::copy_n(f + in_plane_index(-lead_, wrap(y, n2)), stride_[1],
                      f + in_plane_index(-lead_, y));
    }
}

void LatticeStencil::line(int line, const double *r, FieldView out, std::int64_t out_atom) const {
  lines(line, 1, r, out, 0, out_atom);
}

void LatticeStencil::lines(int first, int count, const double *r, FieldView out,
                           std::int64_t out_row, std::int64_t out_atom) const {
  const int z = first / n_[1], n3 = n_[2];
  plane_lines(first % n_[1], count, r + plane_offset((z + n3 - 1) % n3), r + plane_offset(z),
              r + plane_offset((z + 1) % n3), padded_sites_, out, out_row, out_atom);
}

void LatticeStencil::plane_lines(int first_row, int count, const double *below,
                                 const double *center, const double *above,
                                 std::int64_t component_stride, FieldView out, std::int64_t out_row,
                                 std::int64_t out_atom) const {
  const double *base = center + in_plane_index(0, first_row);
  if (cubic_sweep_) {
    cubic_sweep_(line_buffer_length(), count, base, component_stride, stride_[1], below - center,
                 above - center, cubic_values_, out, out_row);
    return;
  }
  if (component_stride != padded_sites_)
    throw std::logic_error("LatticeStencil: the generic kernel reads padded fields only");
  // Two lines per sweep (one when a single one is left); every component of them before the next.
  for (int l = 0; l < count; l += 2)
    for (int i = 0; i < components(); ++i) {
      const Terms &t = terms_[static_cast<std::size_t>(i)];
      sweep_(line_buffer_length(), std::min(2, count - l), base + l * stride_[1], stride_[1],
             t.pairs, static_cast<int>(t.value.size()), t.near.data(), t.far.data(), t.value.data(),
             out[i % 3] + (i / 3) * out_atom + l * out_row, out_row);
    }
}

void LatticeStencil::apply(ConstFieldView r, FieldView out, int threads) const {
  if (n_basis_ != 1)
    throw std::logic_error("LatticeStencil::apply: one-atom crystals only (use apply_dof)");
  const int n1 = n_[0];
  const int count = lines();
  thread_local AlignedVector<double> padded;
  padded.resize(static_cast<std::size_t>(3 * padded_sites_));
  for (int c = 0; c < 3; ++c)
    for (int l = 0; l < count; ++l)
      std::copy_n(r[c] + std::int64_t(l) * n1, n1,
                  padded.data() + c * padded_sites_ + line_start(l));
  fill_halo(padded.data());
  sweep_padded(padded.data(), threads, [&](int l, const double *scratch, int buffer) {
    for (int c = 0; c < 3; ++c)
      std::copy_n(scratch + c * buffer, n1, out[c] + std::int64_t(l) * n1);
  });
}

void LatticeStencil::apply_dof(std::span<const double> r, std::span<double> out,
                               int threads) const {
  const int n1 = n_[0], nb = n_basis_, count = lines();
  const std::int64_t values = 3 * nb * sites();
  if (static_cast<std::int64_t>(r.size()) != values ||
      static_cast<std::int64_t>(out.size()) != values)
    throw std::invalid_argument(fmt::format("LatticeStencil::apply_dof: needs {} values", values));
  // DOF 3 (n_b lin(n) + b) + c ↔ padded component 3b + c at the cell's slot.
  auto dof = [&](int l, int x, int k) { return 3 * (nb * (std::int64_t(l) * n1 + x)) + k; };
  thread_local AlignedVector<double> padded;
  padded.resize(static_cast<std::size_t>(components() * padded_sites_));
  for (int l = 0; l < count; ++l)
    for (int x = 0; x < n1; ++x)
      for (int k = 0; k < components(); ++k)
        padded[k * padded_sites_ + line_start(l) + x] = r[dof(l, x, k)];
  fill_halo(padded.data());
  sweep_padded(padded.data(), threads, [&](int l, const double *scratch, int buffer) {
    for (int x = 0; x < n1; ++x)
      for (int k = 0; k < components(); ++k)
        out[dof(l, x, k)] = scratch[k * buffer + x];
  });
}

// −V r of every line of a padded field with filled ghosts into per-thread scratch (components()
// arrays of line_buffer_length() doubles), handed to store(line, scratch, buffer).
void LatticeStencil::sweep_padded(const double *source, int threads, const LineStore &store) const {
  const int buffer = line_buffer_length(), count = lines();
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (threads > 1)
#else
  (void)threads;
#endif
  {
    std::vector<double> scratch(static_cast<std::size_t>(components() * buffer));
    const FieldView g{scratch.data(), scratch.data() + buffer, scratch.data() + 2 * buffer};
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int l = 0; l < count; ++l) {
      line(l, source, g, 3 * buffer);
      store(l, scratch.data(), buffer);
    }
  }
}

} // namespace ionbath::dynamics
