// Analysis kernels at the seed 002 run geometry (physics.md §5.1): K = 600 000 samples.
//   build/tests/bench/bench_analysis --benchmark_min_time=0.5
#include "ionbath/analysis/fft_msd.hpp"
#include "ionbath/analysis/segment_msd.hpp"

#include <benchmark/benchmark.h>

#include <random>

using namespace ionbath;
using namespace ionbath::analysis;

namespace {
constexpr std::size_t kSamples = 600000;

const std::vector<Vec3> &random_walk() {
  static const std::vector<Vec3> R = [] {
    std::mt19937_64 rng(1);
    std::normal_distribution<double> step(0.0, 0.1);
    std::vector<Vec3> out(kSamples);
    Vec3 r = Vec3::Zero();
    for (auto &x : out) {
      x = r;
      r += Vec3(step(rng), step(rng), step(rng));
    }
    return out;
  }();
  return R;
}

// Plans reused across calls (the sweep driver's use), positions as Vec3.
void BM_FftMsd_600k(benchmark::State &state) {
  const auto &R = random_walk();
  FftMsd fft(R.size());
  for (auto _ : state)
    benchmark::DoNotOptimize(fft.compute(R, 0.005).msd_A2.data());
  state.SetItemsProcessed(state.iterations() * std::int64_t(R.size()));
}
BENCHMARK(BM_FftMsd_600k)->Unit(benchmark::kMillisecond);

// Plans reused, positions as three component columns.
void BM_FftMsd_600k_columns(benchmark::State &state) {
  const auto &R = random_walk();
  std::vector<double> x(R.size()), y(R.size()), z(R.size());
  for (std::size_t k = 0; k < R.size(); ++k) {
    x[k] = R[k].x();
    y[k] = R[k].y();
    z[k] = R[k].z();
  }
  FftMsd fft(R.size());
  for (auto _ : state)
    benchmark::DoNotOptimize(fft.compute(x, y, z, 0.005).msd_A2.data());
  state.SetItemsProcessed(state.iterations() * std::int64_t(R.size()));
}
BENCHMARK(BM_FftMsd_600k_columns)->Unit(benchmark::kMillisecond);

// One-shot: planning (FFTW_ESTIMATE) included.
void BM_FftMsd_600k_with_planning(benchmark::State &state) {
  const auto &R = random_walk();
  for (auto _ : state)
    benchmark::DoNotOptimize(all_origin_msd(R, 0.005).msd_A2.data());
  state.SetItemsProcessed(state.iterations() * std::int64_t(R.size()));
}
BENCHMARK(BM_FftMsd_600k_with_planning)->Unit(benchmark::kMillisecond);

// Streaming segment accumulator, 250 × 2400 (4.8 MB of curves), one push per sample.
void BM_SegmentMsdPush(benchmark::State &state) {
  const auto &R = random_walk();
  for (auto _ : state) {
    SegmentMsd msd(SegmentMsdParams{});
    for (const auto &r : R)
      msd.push(r);
    benchmark::DoNotOptimize(msd.completed_segments());
  }
  state.SetItemsProcessed(state.iterations() * std::int64_t(R.size()));
}
BENCHMARK(BM_SegmentMsdPush)->Unit(benchmark::kMillisecond);
} // namespace

BENCHMARK_MAIN();
