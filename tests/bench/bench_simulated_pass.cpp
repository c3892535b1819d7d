// Cost of seed 001's simulated single pass (physics.md §6.5) against the thermal full-lattice step
// of seed 002, side by side in one run: lattice atom-steps per second of a pass on 50³ at the
// Fig. 4 settings (seed 001 lattice k1 = 15, k2 = 5, single Gaussian atom, Φ0 = 0.01, λ = 1,
// δτ = 10⁻³, particle on its path) and of the seed 002 lattice with the moving 8-corner list and
// thermal-amplitude displacements (bench_full_lattice's set-up).
// Run: build/tests/bench/bench_simulated_pass --benchmark_counters_tabular=true
// (ns_per_atom_step is printed with an "s" suffix by Google Benchmark; the number is in ns.)
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/dissipation/simulated_pass.hpp"
#include "ionbath/dynamics/full_lattice_integrator.hpp"

#include <benchmark/benchmark.h>

#include "bench_support.hpp"

using namespace ionbath;

namespace {
using bench::random_field;
void counters(benchmark::State &state, double atom_steps) {
  state.counters["atom_steps_per_s"] = benchmark::Counter(atom_steps, benchmark::Counter::kIsRate);
  state.counters["ns_per_atom_step"] = benchmark::Counter(
      atom_steps * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// One whole pass per iteration (σ̇ = state.range(1), 14λ/σ̇/δτ steps).
void simulated_pass(benchmark::State &state) {
  const int n = static_cast<int>(state.range(0));
  const double speed = static_cast<double>(state.range(1));
  const auto cubic = crystal::seed001_cubic(15.0, 5.0);
  const double energy = 4.0 * units::pi * units::pi; // ħΩ in internal units
  const dynamics::Gaussian gaussian(0.01 * energy, 1.0);
  const auto layout = dissipation::pass_layout(cubic, dissipation::PassGeometry::single, 0.0, 1.0);
  dissipation::SimulatedPassSettings s;
  s.lattice = {n, n, n};
  double atom_steps = 0;
  for (auto _ : state) {
    const auto pass = dissipation::simulate_pass(cubic, gaussian, layout, speed, s);
    benchmark::DoNotOptimize(pass.loss);
    atom_steps += double(pass.steps) * n * n * n;
    state.counters["steps_per_pass"] = double(pass.steps);
  }
  counters(state, atom_steps);
}

void thermal_full_step(benchmark::State &state) {
  const int n = static_cast<int>(state.range(0));
  const GridShape g{n, n, n};
  const auto cubic = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
  const dynamics::Yukawa U(4000.0, 0.5);
  dynamics::FullLatticeIntegrator full(cubic, g, U, Vec3::Constant(1 / 0.7),
                                       dynamics::InteractionList::corners(), 5e-3);
  full.set_lattice_state(random_field(3 * grid_points(g), 0.1),
                         random_field(3 * grid_points(g), 2.0));
  const double centre = 3.0 * (n / 2 + 0.5);
  full.set_ion_state(Vec3(centre, centre, centre), Vec3(3.0, -2.0, 1.0));
  for (auto _ : state) {
    full.step();
    benchmark::DoNotOptimize(full.ion_position_A());
  }
  counters(state, static_cast<double>(state.iterations()) * grid_points(g));
}
} // namespace

BENCHMARK(simulated_pass)->Args({50, 40})->Args({50, 10})->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(thermal_full_step)->Arg(50)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
