// Cost of one numerical Fig. 3 single pass of seed 003 (physics.md §7.4: α = 40, ω_fast = 10,
// n_chain = 10, σ0 = 5.5α, τ = 2.2α/σ̇0, d = 60, here Φ0 = 0.5, λ = 1) with each engine at
// σ̇0 = 10 (5280 steps) and 40 (1320 steps): the memory engine (impulse scatter, O(n²)) with its
// Γ table built once outside the timing, the direct padded chain (O(n (n_chain + 2P)), P grows
// with the run), and the Γ table itself (adaptive quadrature, one entry per step and mass).
// Run: build/tests/bench/bench_chain_engines --benchmark_counters_tabular=true
// (ns_per_step and ns_per_entry are printed with an "s" suffix by Google Benchmark; the number is
// in ns.)
#include "ionbath/dissipation/chain_engines.hpp"

#include <benchmark/benchmark.h>
#include <map>

using namespace ionbath::dissipation;

namespace {

ChainModel fig3_model() {
  ChainModel m;
  m.Phi0 = 0.5;
  m.lambda = 1.0;
  return m;
}

constexpr int kStepsPerPeriod = 60;

const MemoryKernelTable &table_for(double speed) {
  static std::map<double, MemoryKernelTable> tables;
  auto [it, fresh] = tables.try_emplace(speed);
  if (fresh)
    it->second =
        memory_engine_table(fig3_model(), single_pass_run(fig3_model(), speed, kStepsPerPeriod));
  return it->second;
}

void per_step(benchmark::State &state, double steps) {
  state.counters["steps"] = steps;
  state.counters["ns_per_step"] = benchmark::Counter(
      steps * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Fig3Pass(benchmark::State &state) { // args: engine (0 memory, 1 direct), σ̇0
  const auto engine = state.range(0) == 0 ? ChainEngine::memory : ChainEngine::direct;
  const double speed = static_cast<double>(state.range(1));
  const MemoryKernelTable *gamma = engine == ChainEngine::memory ? &table_for(speed) : nullptr;
  ChainPassLoss pass;
  for (auto _ : state) {
    pass = chain_single_pass(fig3_model(), speed, kStepsPerPeriod, engine, gamma);
    benchmark::DoNotOptimize(pass);
  }
  const ChainRun run = single_pass_run(fig3_model(), speed, kStepsPerPeriod);
  per_step(state, run.duration / chain_time_step(fig3_model(), kStepsPerPeriod));
  state.counters["loss"] = pass.loss;
  if (engine == ChainEngine::direct)
    state.counters["padding"] = direct_chain_padding(fig3_model(), run.duration);
  state.SetLabel(engine == ChainEngine::memory ? "memory" : "direct");
}
BENCHMARK(BM_Fig3Pass)->ArgsProduct({{0, 1}, {10, 40}})->Unit(benchmark::kMillisecond);

void BM_MemoryKernelTable(benchmark::State &state) { // arg: σ̇0
  const double speed = static_cast<double>(state.range(0));
  const ChainRun run = single_pass_run(fig3_model(), speed, kStepsPerPeriod);
  MemoryKernelTable table;
  for (auto _ : state) {
    table = memory_engine_table(fig3_model(), run);
    benchmark::DoNotOptimize(table.values.data());
  }
  const double entries = double(table.values.size());
  state.counters["entries"] = entries;
  state.counters["ns_per_entry"] = benchmark::Counter(
      entries * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_MemoryKernelTable)->Arg(10)->Arg(40)->Iterations(1)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
