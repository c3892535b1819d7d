// Lattice-dynamics kernels (physics.md §1): static response table, mode set, drag matrix,
// thermal covariance. Run: build/tests/bench/bench_phonons
#include "ionbath/crystal/drag_matrix.hpp"
#include "ionbath/crystal/mode_set.hpp"
#include "ionbath/crystal/recoil_kernel.hpp"
#include "ionbath/crystal/static_response.hpp"
#include "ionbath/crystal/thermal_covariance.hpp"

#include <benchmark/benchmark.h>

using namespace ionbath;
using namespace ionbath::crystal;

namespace {
const Crystal kPaper = Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);

void BM_StaticResponseTable(benchmark::State &state) { // |L|∞ ≤ 7, Richardson over 4 grids
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(static_response_fft(kPaper, n, 7));
}
BENCHMARK(BM_StaticResponseTable)->Arg(64)->Arg(128)->Arg(160)->Unit(benchmark::kMillisecond);

void BM_ModeSet20(benchmark::State &state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(ModeSet(kPaper, {20, 20, 20}));
}
BENCHMARK(BM_ModeSet20)->Unit(benchmark::kMillisecond);

void BM_DragMatrixCubature(benchmark::State &state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(drag_matrix(kPaper, 1e-9));
}
BENCHMARK(BM_DragMatrixCubature)->Unit(benchmark::kMillisecond);

void BM_DragMatrixGaussLegendre(benchmark::State &state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(drag_matrix_gauss_legendre(kPaper, 100, 200));
}
BENCHMARK(BM_DragMatrixGaussLegendre)->Unit(benchmark::kMillisecond);

void BM_ContinuumCovariance(benchmark::State &state) { // displacement + velocity, L = 0
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(thermal_covariance(kPaper, 25.0, n, 0));
}
BENCHMARK(BM_ContinuumCovariance)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);

void BM_ModeCovariance20(benchmark::State &state) {
  const ModeSet modes(kPaper, {20, 20, 20});
  for (auto _ : state)
    benchmark::DoNotOptimize(mode_covariance(modes, 25.0));
}
BENCHMARK(BM_ModeCovariance20)->Unit(benchmark::kMillisecond);

void BM_RecoilKernel200Times(
    benchmark::State &state) { // Fig. 1c: W_0,xx(t), 200 times in [0, 2] ps
  std::vector<double> t(200);
  for (int i = 0; i < 200; ++i)
    t[i] = 0.01 * i;
  for (auto _ : state)
    benchmark::DoNotOptimize(recoil_kernel(kPaper, Cell::Zero(), t, 64));
}
BENCHMARK(BM_RecoilKernel200Times)->Unit(benchmark::kMillisecond);
} // namespace

BENCHMARK_MAIN();
