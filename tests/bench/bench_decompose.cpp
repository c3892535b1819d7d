// Mechanism decomposition (physics.md §8.2–8.4): 100 ions hopping (Poisson, 6Γδt = 0.01 per
// frame) with thermal vibration (σ = 0.2 Å) on the cube centres of a 10×10×10 supercell
// (a = 3 Å), 20 000 frames. Window sums of one 100-frame window, production vs reference path
// (items = ion-window updates), and the assignment push() (items = ion-frames).
//   build/tests/bench/bench_decompose --benchmark_min_time=1
#include "ionbath/analysis/hop_decomposition.hpp"

#include <benchmark/benchmark.h>

#include <random>

using namespace ionbath;
using namespace ionbath::analysis;

namespace {
constexpr int kIons = 100, kFrames = 20000, kCells = 10;
constexpr double kA = 3.0, kDt = 0.01;
constexpr std::int64_t kWindow = 100;

const SiteLattice &lattice() {
  static const SiteLattice l = cubic_site_lattice(kA, {kCells, kCells, kCells});
  return l;
}

// [frame][ion] unwrapped positions, Å.
const std::vector<std::vector<Vec3>> &frames() {
  static const std::vector<std::vector<Vec3>> R = [] {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::normal_distribution<double> vibration(0.0, 0.2);
    std::vector<Vec3> site(kIons);
    for (auto &c : site)
      c = Vec3(std::floor(u(rng) * kCells), std::floor(u(rng) * kCells),
               std::floor(u(rng) * kCells));
    std::vector<std::vector<Vec3>> out(kFrames, std::vector<Vec3>(kIons));
    for (int f = 0; f < kFrames; ++f)
      for (int i = 0; i < kIons; ++i) {
        out[f][i] = kA * (site[i] + Vec3::Constant(0.5)) +
                    Vec3(vibration(rng), vibration(rng), vibration(rng));
        if (u(rng) < 0.01)
          site[i][int(u(rng) * 3)] += u(rng) < 0.5 ? -1 : 1;
      }
    return out;
  }();
  return R;
}

HopAnalysisParams params() {
  return HopAnalysisParams{kDt, 2 * kDt, 3.5};
}

const HopTrajectory &trajectory() {
  static const HopTrajectory t = [] {
    HopTrajectory h(lattice(), params(), std::vector<int>(kIons, 0));
    for (const auto &R : frames())
      h.push(R);
    h.finish();
    return h;
  }();
  return t;
}

const WindowPlan kPlan{kWindow, 1, 1};

void BM_WindowSumsProduction(benchmark::State &state) {
  const HopTrajectory &t = trajectory();
  std::int64_t origins = 0;
  for (auto _ : state) {
    const BlockSums s = window_block_sums(t, kPlan, 0);
    origins = s.origins;
    benchmark::DoNotOptimize(s.DD.data());
  }
  state.SetItemsProcessed(state.iterations() * origins * kIons);
}
BENCHMARK(BM_WindowSumsProduction)->Unit(benchmark::kMillisecond);

void BM_WindowSumsReference(benchmark::State &state) {
  const HopTrajectory &t = trajectory();
  std::int64_t origins = 0;
  for (auto _ : state) {
    const BlockSums s = window_block_sums_reference(t, kPlan, 0);
    origins = s.origins;
    benchmark::DoNotOptimize(s.DD.data());
  }
  state.SetItemsProcessed(state.iterations() * origins * kIons);
}
BENCHMARK(BM_WindowSumsReference)->Unit(benchmark::kMillisecond);

// Assignment with hysteresis (bucket-grid site search) and storage, per ion-frame.
void BM_Push(benchmark::State &state) {
  const auto &R = frames();
  for (auto _ : state) {
    HopTrajectory h(lattice(), params(), std::vector<int>(kIons, 0));
    for (const auto &frame : R)
      h.push(frame);
    benchmark::DoNotOptimize(h.hops().data());
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(kFrames) * kIons);
}
BENCHMARK(BM_Push)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
