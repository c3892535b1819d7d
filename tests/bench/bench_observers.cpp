// Per-sample cost of the trajectory observers (issue 10) against the inline observation they
// replaced (segment MSD push, positions kept in a vector, cell check), at the seed 002 geometry.
//   build/tests/bench/bench_observers --benchmark_repetitions=3
#include "ionbath/app/observers.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <unistd.h>

using namespace ionbath;
using namespace ionbath::app;

namespace {
constexpr std::int64_t kSamples = 600001; // 600 000 steps and sample 0

analysis::SegmentMsdParams seed002_msd() {
  analysis::SegmentMsdParams p;
  p.segments = 250;
  p.samples_per_segment = int(kSamples / 250);
  return p;
}

Vec3 position(std::int64_t k) {
  return Vec3(1.5 + 1e-4 * double(k), 1.5 - 2e-4 * double(k), 1.5 + 3e-5 * double(k));
}

// Observers of a sweep trajectory: hop counter, segment MSD, position log (scratch file).
void BM_Observers(benchmark::State &state) {
  const std::string path = "/tmp/ionbath_bench_positions_" + std::to_string(::getpid());
  const Mat3 A = 3.0 * Mat3::Identity();
  for (auto _ : state) {
    const Vec3 R0 = position(0), V = Vec3::Zero();
    HopCounter hops(A, std::span(&R0, 1), nullptr);
    SegmentMsdObserver msd(seed002_msd(), {0}, {1.0}, nullptr);
    PositionLog log(path, 1, nullptr);
    TrajectoryObserver *all[] = {&hops, &msd, &log};
    for (std::int64_t k = 0; k < kSamples; ++k) {
      const Vec3 R = position(k);
      const ParticleSample sample{k, {&R, 1}, {&V, 1}};
      for (auto *o : all)
        o->observe(sample);
    }
    benchmark::DoNotOptimize(hops.hops());
    log.remove();
  }
  state.SetItemsProcessed(state.iterations() * kSamples);
}
BENCHMARK(BM_Observers)->Unit(benchmark::kMillisecond);

// The inline observation of 9325713: push, keep every position in memory, cell check.
void BM_InlineObservation(benchmark::State &state) {
  const Mat3 inverse = (3.0 * Mat3::Identity()).inverse();
  for (auto _ : state) {
    analysis::SegmentMsd msd(seed002_msd());
    std::vector<double> positions;
    positions.reserve(std::size_t(3 * kSamples));
    Cell cell = (inverse * position(0)).array().ceil().cast<int>();
    std::int64_t hops = 0;
    for (std::int64_t k = 0; k < kSamples; ++k) {
      const Vec3 R = position(k);
      const Cell now = (inverse * R).array().ceil().cast<int>();
      if (now != cell) {
        ++hops;
        cell = now;
      }
      msd.push(R);
      positions.insert(positions.end(), {R.x(), R.y(), R.z()});
    }
    benchmark::DoNotOptimize(hops);
    benchmark::DoNotOptimize(positions.data());
  }
  state.SetItemsProcessed(state.iterations() * kSamples);
}
BENCHMARK(BM_InlineObservation)->Unit(benchmark::kMillisecond);
} // namespace
BENCHMARK_MAIN();
