#include "ionbath/dynamics/lattice_stencil.hpp"

#include "ionbath/core/error.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <tuple>

namespace ionbath::dynamics {

namespace {
int wrap(int i, int n) {
  const int m = i % n;
  return m < 0 ? m + n : m;
}

// One output component on the interior sites [begin, end) of a line: out[x] = Σ_e value_e ·
// (near_e[x] + far_e[x]) over paired entries plus Σ_e value_e · near_e[x] over single ones, the
// sources already offset by the entry's ±dx. A block of Registers SIMD vectors of type Pack keeps
// the sums in registers. Returns the first site not done (the rest is shorter than a block).
template <class Pack, int Registers>
__attribute__((always_inline)) inline int
sweep_blocks(int begin, int end, int pairs, int singles, const double *const *near,
             const double *const *far, const double *pair_value, const double *const *single_source,
             const double *single_value, double *out) {
  constexpr int lanes = sizeof(Pack) / sizeof(double);
  constexpr int block = lanes * Registers;
  int x = begin;
  for (; x + block <= end; x += block) {
    Pack acc[Registers] = {};
    for (int e = 0; e < pairs; ++e) {
      const Pack v = Pack{} + pair_value[e];
      const double *p = near[e] + x;
      const double *q = far[e] + x;
      for (int k = 0; k < Registers; ++k) {
        Pack a, b;
        std::memcpy(&a, p + k * lanes, sizeof a);
        std::memcpy(&b, q + k * lanes, sizeof b);
        acc[k] += v * (a + b);
      }
    }
    for (int e = 0; e < singles; ++e) {
      const Pack v = Pack{} + single_value[e];
      const double *p = single_source[e] + x;
      for (int k = 0; k < Registers; ++k) {
        Pack a;
        std::memcpy(&a, p + k * lanes, sizeof a);
        acc[k] += v * a;
      }
    }
    for (int k = 0; k < Registers; ++k)
      std::memcpy(out + x + k * lanes, &acc[k], sizeof(Pack));
  }
  return x;
}
using Pack2 = double __attribute__((vector_size(16))); // SSE2
using Pack4 = double __attribute__((vector_size(32))); // AVX

using SweepFunction = int (*)(int, int, int, int, const double *const *, const double *const *,
                              const double *, const double *const *, const double *, double *);

#if defined(__GNUC__) && defined(__x86_64__)
// The same sweep for AVX2 + FMA (4 doubles per register), chosen at run time when the CPU has them.
__attribute__((target("avx2,fma"))) int
sweep_avx2(int begin, int end, int pairs, int singles, const double *const *near,
           const double *const *far, const double *pair_value, const double *const *single_source,
           const double *single_value, double *out) {
  return sweep_blocks<Pack4, 4>(begin, end, pairs, singles, near, far, pair_value, single_source,
                                single_value, out);
}
SweepFunction select_sweep() {
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return sweep_avx2;
  return sweep_blocks<Pack2, 4>;
}
#else
SweepFunction select_sweep() {
  return sweep_blocks<Pack2, 4>;
}
#endif
const SweepFunction sweep_interior = select_sweep();
} // namespace

LatticeStencil::LatticeStencil(const crystal::Crystal &crystal, GridShape lattice, double scale)
    : n_(lattice) {
  for (int axis = 0; axis < 3; ++axis)
    if (n_[axis] < 1)
      throw InputError(fmt::format("lattice stencil: lattice extent {} along axis {} must be ≥ 1",
                                   n_[axis], axis + 1));
  // Blocks Φ_0 (offset 0) and Φ_d; (V r)_n = Σ_d Φ_d r_{n+d} (physics.md §1.1).
  std::vector<crystal::Bond> blocks = crystal.bonds();
  blocks.push_back({Cell::Zero(), crystal.onsite_block()});
  std::array<std::vector<Entry>, 3> all;
  for (const auto &b : blocks) {
    const std::array<int, 2> s{b.offset.y(), b.offset.z()};
    auto it = std::find(shifts_.begin(), shifts_.end(), s);
    const int shift = static_cast<int>(it - shifts_.begin());
    if (it == shifts_.end())
      shifts_.push_back(s);
    reach_x_ = std::max(reach_x_, std::abs(b.offset.x()));
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        if (b.phi(i, j) != 0.0)
          all[i].push_back({shift, b.offset.x(), j, -scale * b.phi(i, j)});
  }
  if (reach_x_ > max_reach_x)
    throw InputError(fmt::format("lattice stencil: bonds reach {} cells along n1, at most {} "
                                 "supported",
                                 reach_x_, max_reach_x));
  // Pair the entries of d and −d with equal values (one multiply for both neighbours).
  for (int i = 0; i < 3; ++i) {
    std::vector<bool> used(all[i].size(), false);
    for (std::size_t a = 0; a < all[i].size(); ++a) {
      if (used[a])
        continue;
      used[a] = true;
      Entry e = all[i][a];
      const auto &s = shifts_[e.shift];
      const bool onsite = e.dx == 0 && s[0] == 0 && s[1] == 0;
      for (std::size_t b = a + 1; b < all[i].size() && !onsite; ++b) {
        const Entry &f = all[i][b];
        const auto &t = shifts_[f.shift];
        if (!used[b] && f.dx == -e.dx && t[0] == -s[0] && t[1] == -s[1] &&
            f.component == e.component && f.value == e.value) {
          used[b] = true;
          e.partner_shift = f.shift;
          break;
        }
      }
      entries_[i].push_back(e);
    }
    // Paired entries first, then by source line and component (locality).
    std::sort(entries_[i].begin(), entries_[i].end(), [](const Entry &x, const Entry &y) {
      return std::tuple(x.partner_shift < 0, x.shift, x.component, x.dx) <
             std::tuple(y.partner_shift < 0, y.shift, y.component, y.dx);
    });
    if (entries_[i].size() > max_entries)
      throw InputError(fmt::format("lattice stencil: {} force-constant entries per component "
                                   "exceed the supported {}",
                                   entries_[i].size(), max_entries));
  }
}

int LatticeStencil::entries_per_site() const {
  int count = 0;
  for (const auto &list : entries_)
    for (const auto &e : list)
      count += e.partner_shift < 0 ? 1 : 2;
  return count;
}

void LatticeStencil::line(int line, ConstFieldView r, FieldView out) const {
  const int n1 = n_[0];
  const int y = line % n_[1];
  const int z = line / n_[1];
  std::array<std::int64_t, 27> base_storage;
  std::vector<std::int64_t> base_heap;
  std::int64_t *base = base_storage.data();
  if (shifts_.size() > base_storage.size()) {
    base_heap.resize(shifts_.size());
    base = base_heap.data();
  }
  for (std::size_t s = 0; s < shifts_.size(); ++s)
    base[s] = std::int64_t(n1) * (wrap(y + shifts_[s][0], n_[1]) +
                                  std::int64_t(n_[1]) * wrap(z + shifts_[s][1], n_[2]));

  // Interior sites [reach, N1 − reach) see no wrap along n1.
  const int interior_begin = std::min(reach_x_, n1);
  const int interior_end = std::max(interior_begin, n1 - reach_x_);
  std::array<const double *, max_entries> near, far;
  std::array<double, max_entries> value;
  for (int i = 0; i < 3; ++i) {
    const auto &entries = entries_[i];
    const int count = static_cast<int>(entries.size());
    int pairs = 0;
    for (int e = 0; e < count; ++e) {
      const Entry &en = entries[e];
      const double *column = r[en.component];
      near[e] = column + base[en.shift] + en.dx;
      far[e] = en.partner_shift < 0 ? nullptr : column + base[en.partner_shift] - en.dx;
      value[e] = en.value;
      pairs += en.partner_shift >= 0;
    }
    double *o = out[i];
    const int x =
        sweep_interior(interior_begin, interior_end, pairs, count - pairs, near.data(), far.data(),
                       value.data(), near.data() + pairs, value.data() + pairs, o);
    // Remainder of the interior and the two wrapped ends (neighbour columns wrapped once).
    auto site = [&](int xs) {
      std::array<int, 2 * max_reach_x + 1> column;
      for (int dx = -reach_x_; dx <= reach_x_; ++dx)
        column[dx + reach_x_] = wrap(xs + dx, n1) - xs;
      double acc = 0;
      for (int e = 0; e < count; ++e) {
        const int dx = entries[e].dx;
        double sum = near[e][xs - dx + column[dx + reach_x_]];
        if (e < pairs)
          sum += far[e][xs + dx + column[-dx + reach_x_]];
        acc += value[e] * sum;
      }
      o[xs] = acc;
    };
    for (int xs = x; xs < interior_end; ++xs)
      site(xs);
    for (int xs = 0; xs < interior_begin; ++xs)
      site(xs);
    for (int xs = interior_end; xs < n1; ++xs)
      site(xs);
  }
}

void LatticeStencil::apply(ConstFieldView r, FieldView out, int threads) const {
  const int n1 = n_[0];
  const int count = lines();
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
#else
  (void)threads;
#endif
  for (int l = 0; l < count; ++l) {
    const std::int64_t offset = std::int64_t(l) * n1;
    line(l, r, {out[0] + offset, out[1] + offset, out[2] + offset});
  }
}

} // namespace ionbath::dynamics
