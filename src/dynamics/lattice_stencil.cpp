#include "ionbath/dynamics/lattice_stencil.hpp"

#include "ionbath/core/error.hpp"

#include <algorithm>
#include <tuple>
#include <fmt/format.h>

namespace ionbath::dynamics {

namespace {
int wrap(int i, int n) {
  const int m = i % n;
  return m < 0 ? m + n : m;
}
constexpr int block = 8; // sites per register block of the interior sweep
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
          entries_[i].push_back({shift, b.offset.x(), j, -scale * b.phi(i, j)});
  }
  // Entries of one output component ordered by source line, then source component (locality).
  for (auto &e : entries_)
    std::sort(e.begin(), e.end(), [](const Entry &a, const Entry &b) {
      return std::tie(a.shift, a.component, a.dx) < std::tie(b.shift, b.component, b.dx);
    });
  for (const auto &e : entries_)
    if (e.size() > max_entries)
      throw InputError(fmt::format("lattice stencil: {} force-constant entries per component "
                                   "exceed the supported {}",
                                   e.size(), max_entries));
}

int LatticeStencil::entries_per_site() const {
  return static_cast<int>(entries_[0].size() + entries_[1].size() + entries_[2].size());
}

void LatticeStencil::line(int line, ConstFieldView r, FieldView out) const {
  const int n1 = n_[0];
  const int y = line % n_[1];
  const int z = line / n_[1];
  std::array<std::int64_t, 27> base_storage{};
  std::vector<std::int64_t> base_heap;
  std::int64_t *base = base_storage.data();
  if (shifts_.size() > base_storage.size()) {
    base_heap.resize(shifts_.size());
    base = base_heap.data();
  }
  for (std::size_t s = 0; s < shifts_.size(); ++s)
    base[s] = std::int64_t(n1) *
              (wrap(y + shifts_[s][0], n_[1]) + std::int64_t(n_[1]) * wrap(z + shifts_[s][1], n_[2]));

  // Interior sites [reach, N1 − reach) see no wrap along n1: register blocks of `block` sites.
  const int interior_begin = std::min(reach_x_, n1);
  const int interior_end = std::max(interior_begin, n1 - reach_x_);
  std::array<const double *, max_entries> source;
  std::array<double, max_entries> value;
  for (int i = 0; i < 3; ++i) {
    const auto &entries = entries_[i];
    const int count = static_cast<int>(entries.size());
    for (int e = 0; e < count; ++e) {
      source[e] = r[entries[e].component] + base[entries[e].shift];
      value[e] = entries[e].value;
    }
    double *o = out[i];
    int x = interior_begin;
    for (; x + block <= interior_end; x += block) {
      double acc[block] = {};
      for (int e = 0; e < count; ++e) {
        const double v = value[e];
        const double *p = source[e] + (x + entries[e].dx);
        for (int k = 0; k < block; ++k)
          acc[k] += v * p[k];
      }
      for (int k = 0; k < block; ++k)
        o[x + k] = acc[k];
    }
    // Remainder of the interior and the two wrapped ends.
    auto site = [&](int xs) {
      double acc = 0;
      for (int e = 0; e < count; ++e)
        acc += value[e] * source[e][wrap(xs + entries[e].dx, n1)];
      o[xs] = acc;
    };
    for (; x < interior_end; ++x)
      site(x);
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
#pragma omp parallel for schedule(static) num_threads(threads) if (threads != 1)
#else
  (void)threads;
#endif
  for (int l = 0; l < count; ++l) {
    const std::int64_t offset = std::int64_t(l) * n1;
    line(l, r, {out[0] + offset, out[1] + offset, out[2] + offset});
  }
}

} // namespace ionbath::dynamics
