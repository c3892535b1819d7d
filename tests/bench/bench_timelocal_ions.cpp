// Time-local trajectories of several mobile ions (physics.md §11.3) against the single-ion step,
// in one run: the seed 002 model (U0 = 4000 meV, λ = ½ Å, M = 0.7) in the Chebyshev bath of the
// 20³ paper lattice at ħΩ_T = 50 meV, δt = 0.005 ps, 8 corners per ion, W(0) blocks |L|∞ ≤ 2
// (the least several ions need: lists sharing atoms; bench_timelocal's single-ion trajectory uses
// 1), joint relaxation and drag on.
// BM_TimeLocal_8ions: 8 ions at distinct cell centres (two adjacent pairs sharing 4 atoms, one
// pair two cells apart, the others far apart), screened Coulomb ion–ion term in the 60 Å box;
// the bath is evaluated on the union of the lists (≤ 64 atoms) at 5 stage times per step.
// Counters: steps/s, µs per ion-step, and (8 ions) the cost per ion relative to the one-ion step
// measured just before. Issue target: ≥ 8 000 steps/s per core for 8 ions.
//   ./build/tests/bench/bench_timelocal_ions --benchmark_counters_tabular=true
#include "ionbath/bath/chebyshev_bath_field.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

using namespace ionbath;

namespace {
constexpr double kDt = 0.005;

const crystal::Crystal &paper_crystal() {
  static const crystal::Crystal c = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
  return c;
}
const bath::ThermalBath &paper_bath() {
  static const crystal::ModeSet modes(paper_crystal(), {20, 20, 20});
  static const bath::ThermalBath b(modes, {.kT_meV = 50.0, .seed = 1});
  return b;
}
const crystal::StaticResponseTable &static_response() {
  static const crystal::StaticResponseTable w0 =
      crystal::static_response_fft(paper_crystal(), 64, 2);
  return w0;
}
const Mat3 &drag() {
  static const Mat3 d = crystal::drag_matrix(paper_crystal(), 1e-8);
  return d;
}

// Cell centres A (n + ½(1, 1, 1)): (0,0,0)–(1,0,0) and (5,5,5)–(5,6,5) adjacent, (10,0,0)–
// (12,0,0) two apart, the others far from everything.
const std::vector<Cell> kCells{Cell(0, 0, 0),  Cell(1, 0, 0),  Cell(5, 5, 5),  Cell(5, 6, 5),
                               Cell(10, 0, 0), Cell(12, 0, 0), Cell(0, 10, 4), Cell(14, 14, 14)};

double one_ion_seconds_per_step = 0; // set by BM_TimeLocal_1ion

void run(benchmark::State &state, int n_ions) {
  bath::ChebyshevBathField field(paper_bath(), kDt);
  const dynamics::Yukawa yukawa(4000.0, 0.5);
  const std::vector<dynamics::TimeLocalIon> ions(static_cast<std::size_t>(n_ions),
                                                 {&yukawa, Vec3::Constant(1.0 / 0.7), 1.0});
  const auto ion_ion =
      n_ions > 1 ? dynamics::IonIonInteraction::screened_coulomb(
                       {.relative_permittivity = 10.0, .screening_length_A = 2.0, .cutoff_A = 8.0},
                       dynamics::PeriodicSupercell(paper_crystal().lattice_vectors(), {20, 20, 20}))
                 : dynamics::IonIonInteraction::none();
  dynamics::TimeLocalIntegrator integrator(paper_crystal(), static_response(), drag(), ions,
                                           ion_ion, field, {});
  for (int i = 0; i < n_ions; ++i)
    integrator.set_state(
        i,
        paper_crystal().lattice_vectors() *
            (kCells[static_cast<std::size_t>(i)].cast<double>() + Vec3::Constant(0.5)),
        Vec3::Zero());
  std::size_t largest_union = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) {
    integrator.step();
    largest_union = std::max(largest_union, integrator.sites().size());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  benchmark::DoNotOptimize(integrator.position_A());
  const double per_step = seconds / static_cast<double>(state.iterations());
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["us_per_ion_step"] = 1e6 * per_step / n_ions;
  state.counters["union_atoms"] = static_cast<double>(largest_union);
  if (n_ions == 1)
    one_ion_seconds_per_step = per_step;
  else if (one_ion_seconds_per_step > 0)
    state.counters["per_ion_vs_1ion"] = per_step / n_ions / one_ion_seconds_per_step;
}

void BM_TimeLocal_1ion(benchmark::State &state) {
  run(state, 1);
}
BENCHMARK(BM_TimeLocal_1ion)->Unit(benchmark::kMicrosecond)->MinTime(5.0);

void BM_TimeLocal_8ions(benchmark::State &state) {
  run(state, 8);
}
BENCHMARK(BM_TimeLocal_8ions)->Unit(benchmark::kMicrosecond)->MinTime(5.0);

} // namespace

BENCHMARK_MAIN();
