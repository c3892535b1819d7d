// Mechanism decomposition (physics.md §8.2–8.4): 100 ions hopping (Poisson, 6Γδt = 0.01 per
// frame) with thermal vibration (σ = 0.2 Å) on the cube centres of a 10×10×10 supercell
// (a = 3 Å), 20 000 frames. Window sums of one 100-frame window, production vs reference path
// (items = ion-window updates), and the assignment push() (items = ion-frames).
// The scan (BM_Scan24Windows): 100 ions × 10⁶ frames (2.8 GB held), 24 log-spaced windows
// from one frame to a tenth of the run, every origin, 10 blocks; one of 2 ranks pushes every frame
// and sums 5 of the 10 blocks of every window (what `ionbath decompose` does per rank).
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

using WindowSums = BlockSums (*)(const HopTrajectory &, const WindowPlan &, int);

void window_sums(benchmark::State &state, WindowSums sums_of) {
  const HopTrajectory &t = trajectory();
  std::int64_t origins = 0;
  for (auto _ : state) {
    const BlockSums s = sums_of(t, kPlan, 0);
    origins = s.origins;
    benchmark::DoNotOptimize(s.DD.data());
  }
  state.SetItemsProcessed(state.iterations() * origins * kIons);
}
void BM_WindowSumsProduction(benchmark::State &state) {
  window_sums(state, window_block_sums);
}
void BM_WindowSumsReference(benchmark::State &state) {
  window_sums(state, window_block_sums_reference);
}
BENCHMARK(BM_WindowSumsProduction)->Unit(benchmark::kMillisecond);
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

// One rank's share of the 2-rank scan, timed once: push 10⁶ frames, then 5 of 10 blocks
// of 24 windows (items = ion-window updates of this rank).
void BM_Scan24Windows(benchmark::State &state) {
  constexpr std::int64_t frames = 1000000;
  for (auto _ : state) {
    HopTrajectory h(lattice(), params(), std::vector<int>(kIons, 0));
    const auto &R = ::frames();
    for (std::int64_t f = 0; f < frames; ++f) // the 20 000 stored frames, shifted per repeat
      h.push(R[std::size_t(f % kFrames)]);
    h.finish();
    std::int64_t updates = 0;
    for (const auto w : log_spaced_windows(kDt, 0.1 * frames * kDt, 24, kDt, frames)) {
      const WindowPlan plan{w, 1, 10};
      for (int b = 0; b < 5; ++b) {
        const auto sums = window_block_sums(h, plan, b);
        updates += sums.origins * kIons;
        benchmark::DoNotOptimize(sums.DD.data());
      }
    }
    state.SetItemsProcessed(updates);
  }
}
BENCHMARK(BM_Scan24Windows)->Unit(benchmark::kSecond)->Iterations(1);

BENCHMARK_MAIN();
