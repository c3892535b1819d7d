// Cost of the framework force −V r per atom on a basis (physics.md §1.1, §12.1): the seed 002
// simple cubic lattice (a = 3 Å, m = 3.5, k1 = 520, k2 = 170) of n³ atoms as the 1-atom crystal
// with the generic kernel, as its 2-atom supercells 2×1×1 (half as many cells per line) and 1×1×2
// (half as many planes) and, for reference, with the simple-cubic kernel; same atoms, side by
// side. Each plane's lines are swept in one call into
// line buffers (the RK5 pattern), from a padded field with filled ghosts.
// Run: build/tests/bench/bench_stencil_basis --benchmark_counters_tabular=true
// (ns_per_atom is printed with an "s" suffix by Google Benchmark; the number is in ns.)
#include "ionbath/core/aligned.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/dynamics/lattice_stencil.hpp"

#include <benchmark/benchmark.h>

#include <random>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
const crystal::Crystal kCubic = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);

// two_atom_x: the 2×1×1 supercell (lines of n/2 cells); two_atom_z: 1×1×2 (lines of n cells).
enum class Description { one_atom_generic, two_atom_x, two_atom_z, one_atom_cubic_kernel };

void stencil_per_atom(benchmark::State &state, Description d) {
  const int n = static_cast<int>(state.range(0));
  static const crystal::Crystal along_x = crystal::supercell(kCubic, {2, 1, 1});
  static const crystal::Crystal along_z = crystal::supercell(kCubic, {1, 1, 2});
  const bool x = d == Description::two_atom_x, z = d == Description::two_atom_z;
  const GridShape cells{x ? n / 2 : n, n, z ? n / 2 : n};
  const LatticeStencil V(x   ? along_x
                         : z ? along_z
                             : kCubic,
                         cells, 1 / 3.5,
                         d == Description::one_atom_cubic_kernel ? StencilKernel::automatic
                                                                 : StencilKernel::generic);
  std::mt19937_64 rng(1);
  std::normal_distribution<double> g(0.0, 0.1);
  AlignedVector<double> r(static_cast<std::size_t>(V.components() * V.padded_sites()));
  for (auto &x : r)
    x = g(rng);
  V.fill_halo(r.data());
  const std::int64_t buffer = V.line_buffer_length(), plane = std::int64_t(n) * buffer;
  std::vector<double> out(static_cast<std::size_t>(V.components() * plane));
  const FieldView o{out.data(), out.data() + plane, out.data() + 2 * plane};
  for (auto _ : state) {
    for (int plane_z = 0; plane_z < cells[2]; ++plane_z)
      V.lines(plane_z * n, n, r.data(), o, buffer, 3 * plane);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  const double atoms = static_cast<double>(V.sites() * V.n_basis());
  state.counters["atoms"] = atoms;
  state.counters["ns_per_atom"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * atoms * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["entries_per_atom"] = static_cast<double>(V.entries_per_site()) / V.n_basis();
}

} // namespace

// Registered size by size, the three descriptions next to each other.
int main(int argc, char **argv) {
  for (const int n : {16, 20, 32, 48, 64})
    for (const auto &[name, d] :
         {std::pair{"one_atom_generic", Description::one_atom_generic},
          std::pair{"two_atom_2x1x1", Description::two_atom_x},
          std::pair{"two_atom_1x1x2", Description::two_atom_z},
          std::pair{"one_atom_cubic_kernel", Description::one_atom_cubic_kernel}})
      benchmark::RegisterBenchmark(name, stencil_per_atom, d)
          ->Arg(n)
          ->Unit(benchmark::kMicrosecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
