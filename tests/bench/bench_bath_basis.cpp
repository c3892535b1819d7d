// Chebyshev bath-field cost per atom for a crystal with a basis (physics.md §12.3): the 20³ paper
// lattice (23997 modes, kT = 25 meV, δt = 0.005 ps) described with 1 atom per cell, as a 2-atom
// supercell (2×1×1 on a 10×20×20 grid) and as an 8-atom one (2×2×2 on 10³): the same modes and the
// same physical atoms, the 8 corners of the ion's cell at the 5 RK5 stage times of every step and a
// hop every 300 steps, as in bench_timelocal. Issue 9 asks for the per-atom cost of the 2-atom
// basis within 20 % of the 1-atom cost; compare the s_per_atom counters in one run:
//   ./build/tests/bench/bench_bath_basis --benchmark_counters_tabular=true
#include "ionbath/bath/chebyshev_bath_field.hpp"
#include "ionbath/crystal/builders.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <map>
#include <memory>

using namespace ionbath;
using namespace ionbath::bath;

namespace {
constexpr double kDt = 0.005;
constexpr std::int64_t kHopEvery = 300;
constexpr int kGrid = 20;

struct Description {
  GridShape multiplier;
  std::unique_ptr<crystal::Crystal> crystal;
  std::unique_ptr<crystal::ModeSet> modes;
  std::unique_ptr<ThermalBath> bath;
};

const Description &described(const GridShape &m) {
  static std::map<GridShape, Description> cache;
  auto [it, fresh] = cache.try_emplace(m);
  if (fresh) {
    const auto paper = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
    Description &d = it->second;
    d.multiplier = m;
    d.crystal = std::make_unique<crystal::Crystal>(crystal::supercell(paper, m));
    d.modes = std::make_unique<crystal::ModeSet>(
        *d.crystal, GridShape{kGrid / m[0], kGrid / m[1], kGrid / m[2]});
    d.bath = std::make_unique<ThermalBath>(*d.modes, ThermalBathParams{.kT_meV = 25.0, .seed = 1});
  }
  return it->second;
}

// Atom (n, b) of the supercell description holding primitive cell p (builders.hpp: sub-cell
// index outermost, b = (m3 M2 + m2) M1 + m1).
void locate(const GridShape &m, const Cell &p, Cell &n, int &b) {
  Cell sub;
  for (int c = 0; c < 3; ++c) {
    n[c] = (p[c] >= 0 ? p[c] : p[c] - m[c] + 1) / m[c];
    sub[c] = p[c] - n[c] * m[c];
  }
  b = (sub.z() * m[1] + sub.y()) * m[0] + sub.x();
}

void BM_ChebyshevPerAtom(benchmark::State &state, GridShape multiplier) {
  static const std::array<Cell, 6> hops = {Cell(1, 0, 0),  Cell(0, 1, 0),  Cell(0, 0, 1),
                                           Cell(-1, 0, 0), Cell(0, -1, 0), Cell(0, 0, -1)};
  const Description &d = described(multiplier);
  ChebyshevBathField field(*d.bath, kDt);
  Cell cell(0, 0, 0);
  std::array<Cell, 8> cells;
  std::array<int, 8> basis;
  std::array<SiteMotion, 8> out;
  double sink = 0;
  std::int64_t step = 0;
  for (auto _ : state) {
    if (step % kHopEvery == kHopEvery - 1)
      cell += hops[static_cast<std::size_t>(step / kHopEvery) % hops.size()];
    for (int o = 0; o < 8; ++o)
      locate(multiplier, cell + Cell(o & 1, (o >> 1) & 1, (o >> 2) & 1),
             cells[static_cast<std::size_t>(o)], basis[static_cast<std::size_t>(o)]);
    for (std::int64_t q = 4 * step; q <= 4 * step + 4; ++q) {
      field.evaluate_atoms(cells, basis, q, out);
      sink += out[0].r.x();
    }
    ++step;
  }
  benchmark::DoNotOptimize(sink);
  state.counters["n_basis"] = d.crystal->n_basis();
  state.counters["modes"] = static_cast<double>(d.modes->size());
  state.counters["K"] = field.order();
  state.counters["groups"] = static_cast<double>(field.frequency_groups());
  // Seconds per atom and step (8 atoms, 5 stage times).
  state.counters["s_per_atom"] =
      benchmark::Counter(8.0 * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK_CAPTURE(BM_ChebyshevPerAtom, one_atom, GridShape{1, 1, 1})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(3.0);
BENCHMARK_CAPTURE(BM_ChebyshevPerAtom, two_atom_supercell, GridShape{2, 1, 1})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(3.0);
BENCHMARK_CAPTURE(BM_ChebyshevPerAtom, eight_atom_supercell, GridShape{2, 2, 2})
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(3.0);

} // namespace

BENCHMARK_MAIN();
