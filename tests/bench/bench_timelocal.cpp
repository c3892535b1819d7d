// Thermal-bath evaluation cost as the time-local integrator sees it (physics.md §3.3): the 20³
// paper lattice (23997 modes), kT = 25 meV, δt = 0.005 ps, the 8 corner atoms of the ion's cell at
// the 5 distinct RK5 stage times of every step, and a hop to a neighbouring cell every 300 steps.
// Reports steps/s for the direct mode sum (phasor recurrence) and the Chebyshev block field, and
// for a whole thermal trajectory chunk (Chebyshev bath + TimeLocalIntegrator, the paper model at
// kT = 50 meV, the ion hopping between cells), all in one run:
//   ./build/tests/bench/bench_timelocal --benchmark_counters_tabular=true
#include "ionbath/bath/chebyshev_bath_field.hpp"
#include "ionbath/bath/reference_bath_field.hpp"
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/dynamics/time_local_integrator.hpp"

#include <benchmark/benchmark.h>

#include <array>
#include <memory>

using namespace ionbath;
using namespace ionbath::bath;

namespace {
constexpr double kDt = 0.005;
constexpr std::int64_t kHopEvery = 300;

const crystal::Crystal &paper_crystal() {
  static const crystal::Crystal c = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
  return c;
}
const crystal::ModeSet &paper_modes() {
  static const crystal::ModeSet m(paper_crystal(), {20, 20, 20});
  return m;
}
const ThermalBath &paper_bath() {
  static const ThermalBath b(paper_modes(), {.kT_meV = 25.0, .seed = 1});
  return b;
}

// One RK5 step's worth of bath queries per iteration.
void run_steps(benchmark::State &state, BathField &field) {
  static const std::array<Cell, 6> hops = {Cell(1, 0, 0),  Cell(0, 1, 0),  Cell(0, 0, 1),
                                           Cell(-1, 0, 0), Cell(0, -1, 0), Cell(0, 0, -1)};
  Cell cell(0, 0, 0);
  std::array<Cell, 8> sites;
  std::array<SiteMotion, 8> out;
  double sink = 0;
  std::int64_t step = 0;
  for (auto _ : state) {
    if (step % kHopEvery == kHopEvery - 1)
      cell += hops[static_cast<std::size_t>(step / kHopEvery) % hops.size()];
    for (int o = 0; o < 8; ++o)
      sites[static_cast<std::size_t>(o)] = cell + Cell(o & 1, (o >> 1) & 1, (o >> 2) & 1);
    for (std::int64_t q = 4 * step; q <= 4 * step + 4; ++q) {
      field.evaluate(sites, q, out);
      sink += out[0].r.x();
    }
    ++step;
  }
  benchmark::DoNotOptimize(sink);
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_DirectSum(benchmark::State &state) {
  ReferenceBathField field(paper_bath(), kDt, ReferenceBathField::TimePhases::recurrence);
  run_steps(state, field);
}
BENCHMARK(BM_DirectSum)->Unit(benchmark::kMicrosecond)->MinTime(3.0);

void BM_Chebyshev(benchmark::State &state) {
  ChebyshevOptions options;
  options.block_steps = state.range(0);
  ChebyshevBathField field(paper_bath(), kDt, options);
  state.counters["K"] = field.order();
  state.counters["groups"] = static_cast<double>(field.frequency_groups());
  run_steps(state, field);
}
BENCHMARK(BM_Chebyshev)
    ->Arg(100)
    ->Arg(200)
    ->Arg(400)
    ->Arg(800)
    ->Arg(1600)
    ->Unit(benchmark::kMicrosecond)
    ->MinTime(3.0);

// A trajectory chunk: per iteration one RK5 step of seed 002 Eqs. 18–20 with the production bath.
void BM_TimeLocalTrajectory(benchmark::State &state) {
  static const crystal::StaticResponseTable w0 =
      crystal::static_response_fft(paper_crystal(), 64, 1);
  static const Mat3 drag = crystal::drag_matrix(paper_crystal(), 1e-8);
  static const ThermalBath bath(paper_modes(), {.kT_meV = 50.0, .seed = 1});
  ChebyshevBathField field(bath, kDt);
  const dynamics::Yukawa yukawa(4000.0, 0.5);
  dynamics::TimeLocalIntegrator integrator(paper_crystal(), w0, drag, yukawa, field,
                                           Vec3::Constant(1.0 / 0.7), {});
  integrator.set_state(Vec3::Constant(1.5), Vec3::Zero());
  for (auto _ : state)
    integrator.step();
  benchmark::DoNotOptimize(integrator.position_A());
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TimeLocalTrajectory)->Unit(benchmark::kMicrosecond)->MinTime(5.0);

} // namespace

BENCHMARK_MAIN();
