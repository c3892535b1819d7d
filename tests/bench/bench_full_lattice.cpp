// Cost of the full equations of motion (physics.md §4): lattice atom-steps per second on one core
// for RK5 and velocity Verlet, and the bare stencil −V r (site updates per second). Seed 002
// lattice (a = 3 Å, m = 3.5, k1 = 520, k2 = 170), Yukawa U0 = 4000 meV Å, λ = 0.5 Å, the moving
// 8-corner list, thermal-amplitude random displacements; the ion starts at a cell centre.
// Run: build/tests/bench/bench_full_lattice --benchmark_counters_tabular=true
// (ns_per_atom_step is printed with an "s" suffix by Google Benchmark; the number is in ns.
// field_MB: memory of the lattice fields the integrator holds.)
#include "ionbath/dynamics/full_lattice_integrator.hpp"
#include "ionbath/dynamics/ion_ion.hpp"

#include <benchmark/benchmark.h>

#include "bench_support.hpp"

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
using bench::random_field;
const crystal::Crystal kCubic = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);

void full_steps(benchmark::State &state, FullScheme scheme) {
  const int n = static_cast<int>(state.range(0));
  const GridShape g{n, n, n};
  const Yukawa U(4000.0, 0.5);
  FullLatticeIntegrator full(kCubic, g, U, Vec3::Constant(1 / 0.7), InteractionList::corners(),
                             5e-3, {.scheme = scheme});
  full.set_lattice_state(random_field(3 * grid_points(g), 0.1),
                         random_field(3 * grid_points(g), 2.0));
  // At the centre of a cell in the middle of the lattice (a = 3 Å).
  const double centre = 3.0 * (n / 2 + 0.5);
  full.set_ion_state(Vec3(centre, centre, centre), Vec3(3.0, -2.0, 1.0));
  for (auto _ : state) {
    full.step();
    benchmark::DoNotOptimize(full.ion_position_A());
  }
  const double atom_steps = static_cast<double>(state.iterations()) * grid_points(g);
  state.counters["atom_steps_per_s"] = benchmark::Counter(atom_steps, benchmark::Counter::kIsRate);
  state.counters["ns_per_atom_step"] = benchmark::Counter(
      atom_steps * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["field_MB"] = static_cast<double>(full.field_bytes()) * 1e-6;
}

// Several ions (physics.md §11.2): N ions at the centres of cells scattered over the 20³ lattice
// (cell (7i, 3 + 11i, 5 + 13i) mod 20: every ion on its own planes of every axis, as in a
// thermal run), screened Coulomb (ε_r 10, λ 3 Å, r_c 12 Å); the target is ≤ 1.2× the one-ion
// step.
void full_steps_ions(benchmark::State &state) {
  const int n_ions = static_cast<int>(state.range(0));
  const GridShape g{20, 20, 20};
  const Yukawa U(4000.0, 0.5);
  const FullLatticeIon ion{&U, Vec3::Constant(1 / 0.7), 1.0};
  const IonIonInteraction ion_ion = IonIonInteraction::screened_coulomb(
      {10.0, 3.0, 12.0}, PeriodicSupercell(kCubic.lattice_vectors(), g));
  FullLatticeIntegrator full(kCubic, g, std::vector(std::size_t(n_ions), ion), ion_ion,
                             InteractionList::corners(), 5e-3, {.scheme = FullScheme::rk5});
  full.set_lattice_state(random_field(3 * grid_points(g), 0.1),
                         random_field(3 * grid_points(g), 2.0));
  for (int i = 0; i < n_ions; ++i)
    full.set_ion_state(
        i, 3.0 * Vec3((7 * i) % 20 + 0.5, (3 + 11 * i) % 20 + 0.5, (5 + 13 * i) % 20 + 0.5),
        Vec3(3.0, -2.0, 1.0));
  double reused = 0;
  for (auto _ : state) {
    full.step();
    reused += full.rk5_window_reused_slots();
    benchmark::DoNotOptimize(full.ion_position_A());
  }
  state.counters["ions"] = n_ions;
  // Fraction of the steps whose RK5 stage window stayed in the ring of plane slots.
  state.counters["ring_steps"] = reused / static_cast<double>(state.iterations());
  state.counters["field_MB"] = static_cast<double>(full.field_bytes()) * 1e-6;
}
BENCHMARK(full_steps_ions)->Arg(1)->Arg(8)->Arg(16)->Unit(benchmark::kMillisecond);

void stencil(benchmark::State &state) {
  const int n = static_cast<int>(state.range(0));
  const GridShape g{n, n, n};
  const LatticeStencil V(kCubic, g, 1 / 3.5);
  const std::int64_t N = grid_points(g);
  auto r = random_field(3 * N, 0.1);
  std::vector<double> out(r.size());
  for (auto _ : state) {
    V.apply({r.data(), r.data() + N, r.data() + 2 * N},
            {out.data(), out.data() + N, out.data() + 2 * N});
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["site_updates_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * N, benchmark::Counter::kIsRate);
}
} // namespace

BENCHMARK_CAPTURE(full_steps, rk5, FullScheme::rk5)
    ->Arg(20)
    ->Arg(30)
    ->Arg(40)
    ->Arg(50)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(full_steps, verlet, FullScheme::velocity_verlet)
    ->Arg(20)
    ->Arg(50)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(stencil)->Arg(8)->Arg(20)->Arg(50)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
namespace {
void stencil_lines(benchmark::State &state) {
  const int n = static_cast<int>(state.range(0));
  const GridShape g{n, n, n};
  const LatticeStencil V(kCubic, g, 1 / 3.5);
  const auto values = random_field(3 * V.padded_sites(), 0.1);
  const AlignedVector<double> r(values.begin(), values.end());
  const int buffer = V.line_buffer_length();
  std::vector<double> out(3 * buffer);
  const FieldView o{out.data(), out.data() + buffer, out.data() + 2 * buffer};
  for (auto _ : state) {
    for (int l = 0; l < V.lines(); ++l) {
      V.line(l, r.data(), o);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.counters["site_updates_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * V.sites(), benchmark::Counter::kIsRate);
}
} // namespace
BENCHMARK(stencil_lines)->Arg(8)->Arg(20)->Arg(50)->Unit(benchmark::kMicrosecond);
