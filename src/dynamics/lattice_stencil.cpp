#include "ionbath/dynamics/lattice_stencil.hpp"

#include "ionbath/core/error.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <tuple>
#include <utility>

namespace ionbath::dynamics {

namespace {
int wrap(int i, int n) {
  const int m = i % n;
  return m < 0 ? m + n : m;
}

// One output component on sites [0, length) of a line, `length` a multiple of the block of
// Registers SIMD vectors of type Pack (the sums stay in registers, one independent chain per
// vector): out[x] = Σ_e value_e · (base[near_e + x] + base[far_e + x]) over the pairs plus
// Σ_e value_e · base[near_e + x] over the single entries.
template <class Pack, int Registers>
__attribute__((always_inline)) inline void
sweep_line(int length, const double *base, int pairs, int count, const std::int64_t *near,
           const std::int64_t *far, const double *value, double *out) {
  constexpr int lanes = sizeof(Pack) / sizeof(double);
  constexpr int block = lanes * Registers;
  for (int x = 0; x < length; x += block) {
    Pack acc[Registers] = {};
    for (int e = 0; e < pairs; ++e) {
      const Pack v = Pack{} + value[e];
      const double *p = base + near[e] + x;
      const double *q = base + far[e] + x;
#pragma GCC unroll 16
      for (int k = 0; k < Registers; ++k) {
        Pack a, b;
        std::memcpy(&a, p + k * lanes, sizeof a);
        std::memcpy(&b, q + k * lanes, sizeof b);
        acc[k] += v * (a + b);
      }
    }
    for (int e = pairs; e < count; ++e) {
      const Pack v = Pack{} + value[e];
      const double *p = base + near[e] + x;
#pragma GCC unroll 16
      for (int k = 0; k < Registers; ++k) {
        Pack a;
        std::memcpy(&a, p + k * lanes, sizeof a);
        acc[k] += v * a;
      }
    }
#pragma GCC unroll 16
    for (int k = 0; k < Registers; ++k)
      std::memcpy(out + x + k * lanes, &acc[k], sizeof(Pack));
  }
}

using Pack2 = double __attribute__((vector_size(16))); // SSE2
using Pack4 = double __attribute__((vector_size(32))); // AVX

using SweepFunction = void (*)(int, const double *, int, int, const std::int64_t *,
                               const std::int64_t *, const double *, double *);

// Blocks of 4 · Vectors sites: SSE2 (two registers per four sites) and, chosen at run time when
// the CPU has them, AVX2 + FMA.
template <int Vectors>
void sweep_sse2(int length, const double *base, int pairs, int count, const std::int64_t *near,
                const std::int64_t *far, const double *value, double *out) {
  sweep_line<Pack2, 2 * Vectors>(length, base, pairs, count, near, far, value, out);
}
#if defined(__GNUC__) && defined(__x86_64__)
template <int Vectors>
__attribute__((target("avx2,fma"))) void
sweep_avx2(int length, const double *base, int pairs, int count, const std::int64_t *near,
           const std::int64_t *far, const double *value, double *out) {
  sweep_line<Pack4, Vectors>(length, base, pairs, count, near, far, value, out);
}
#endif

template <int... V> SweepFunction select_sweep(int vectors, std::integer_sequence<int, V...>) {
#if defined(__GNUC__) && defined(__x86_64__)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    constexpr std::array<SweepFunction, sizeof...(V)> avx2{sweep_avx2<V + 1>...};
    return avx2[vectors - 1];
  }
#endif
  constexpr std::array<SweepFunction, sizeof...(V)> sse2{sweep_sse2<V + 1>...};
  return sse2[vectors - 1];
}
constexpr int max_vectors = 8; // four-site vectors per block

// One nonzero entry scale·(−Φ_d)_{ij}: output component i, source component j at n + d.
struct Entry {
  Cell offset;
  int i, j;
  double value;
};
} // namespace

LatticeStencil::LatticeStencil(const crystal::Crystal &crystal, GridShape lattice, double scale)
    : n_(lattice) {
  for (int axis = 0; axis < 3; ++axis)
    if (n_[axis] < 1)
      throw InputError(fmt::format("lattice stencil: lattice extent {} along axis {} must be ≥ 1",
                                   n_[axis], axis + 1));
  // Blocks Φ_0 (offset 0) and Φ_d; (V r)_n = Σ_d Φ_d r_{n+d} (physics.md §1.1).
  std::vector<crystal::Bond> bonds = crystal.bonds();
  bonds.push_back({Cell::Zero(), crystal.onsite_block()});
  std::vector<Entry> entries;
  for (const auto &b : bonds) {
    for (int axis = 0; axis < 3; ++axis)
      halo_[axis] = std::max(halo_[axis], std::abs(b.offset[axis]));
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        if (b.phi(i, j) != 0.0)
          entries.push_back({b.offset, i, j, -scale * b.phi(i, j)});
  }
  // Lines are swept in equal blocks of at most max_vectors four-site vectors (as few blocks as
  // possible); the last line's sweep may read up to a block past the padded array.
  const int vectors = (n_[0] + 3) / 4;
  const int line_blocks = (vectors + max_vectors - 1) / max_vectors;
  const int block_vectors = (vectors + line_blocks - 1) / line_blocks;
  block_ = 4 * block_vectors;
  sweep_ = select_sweep(block_vectors, std::make_integer_sequence<int, max_vectors>{});
  // A padded row also has room for the overhang of a line written in place (line()).
  const int row = halo_[0] + std::max(n_[0] + halo_[0], line_buffer_length());
  stride_ = {1, row, std::int64_t(row) * (n_[1] + 2 * halo_[1])};
  padded_sites_ = stride_[2] * (n_[2] + 2 * halo_[2]) + block_;
  auto offset = [&](const Entry &e) {
    return e.j * padded_sites_ + e.offset.x() + stride_[1] * e.offset.y() +
           stride_[2] * e.offset.z();
  };

  // Pair the entries of d and −d with equal values (one multiply for both neighbours).
  for (int i = 0; i < 3; ++i) {
    std::vector<std::tuple<bool, std::int64_t, std::int64_t, double>> list; // single, near, far
    std::vector<bool> used(entries.size(), false);
    for (std::size_t a = 0; a < entries.size(); ++a) {
      const Entry &e = entries[a];
      if (used[a] || e.i != i)
        continue;
      used[a] = true;
      std::int64_t far = -1;
      bool paired = false;
      for (std::size_t b = a + 1; b < entries.size() && e.offset != Cell::Zero(); ++b) {
        const Entry &f = entries[b];
        if (!used[b] && f.i == i && f.j == e.j && f.offset == -e.offset && f.value == e.value) {
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
    Terms &t = terms_[i];
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
  const auto [n1, n2, n3] = n_;
  const auto [h1, h2, h3] = halo_;
  for (int c = 0; c < 3; ++c) {
    double *f = field + c * padded_sites_;
    // Ghost sites of every lattice line, then ghost lines (whole padded rows) of every lattice
    // plane, then ghost planes (whole padded planes).
    if (h1 > 0)
      for (int z = 0; z < n3; ++z)
        for (int y = 0; y < n2; ++y) {
          double *row = f + padded_index(0, y, z);
          for (int g = 1; g <= h1; ++g) {
            row[-g] = row[wrap(-g, n1)];
            row[n1 - 1 + g] = row[wrap(n1 - 1 + g, n1)];
          }
        }
    for (int z = 0; z < n3; ++z)
      for (int g = 1; g <= h2; ++g)
        for (const int y : {-g, n2 - 1 + g})
          std::copy_n(f + padded_index(-h1, wrap(y, n2), z), stride_[1],
                      f + padded_index(-h1, y, z));
    for (int g = 1; g <= h3; ++g)
      for (const int z : {-g, n3 - 1 + g})
        std::copy_n(f + padded_index(-h1, -h2, wrap(z, n3)), stride_[2],
                    f + padded_index(-h1, -h2, z));
  }
}

void LatticeStencil::line(int line, const double *r, FieldView out) const {
  const double *base = r + line_start(line);
  for (int i = 0; i < 3; ++i) {
    const Terms &t = terms_[i];
    sweep_(line_buffer_length(), base, t.pairs, static_cast<int>(t.value.size()), t.near.data(),
           t.far.data(), t.value.data(), out[i]);
  }
}

void LatticeStencil::apply(ConstFieldView r, FieldView out, int threads) const {
  const int n1 = n_[0];
  const int count = lines();
  thread_local std::vector<double> padded;
  padded.resize(static_cast<std::size_t>(3 * padded_sites_));
  for (int c = 0; c < 3; ++c)
    for (int l = 0; l < count; ++l)
      std::copy_n(r[c] + std::int64_t(l) * n1, n1,
                  padded.data() + c * padded_sites_ + line_start(l));
  fill_halo(padded.data());
  const double *source = padded.data();
  const int buffer = line_buffer_length();
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (threads > 1)
#else
  (void)threads;
#endif
  {
    std::vector<double> scratch(static_cast<std::size_t>(3 * buffer));
    const FieldView g{scratch.data(), scratch.data() + buffer, scratch.data() + 2 * buffer};
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int l = 0; l < count; ++l) {
      line(l, source, g);
      for (int c = 0; c < 3; ++c)
        std::copy_n(g[c], n1, out[c] + std::int64_t(l) * n1);
    }
  }
}

} // namespace ionbath::dynamics
