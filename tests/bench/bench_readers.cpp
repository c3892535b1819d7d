// Trajectory readers: LAMMPS text dump throughput (target ≥ 100 MB/s). A synthetic dump of
// ~100 MB (20 000 atoms, `id type x y z ix iy iz`, random walk wrapped into a 60 Å box) is
// written to /tmp once per precision, then read in chunks of 16 frames.
//   build/tests/bench/bench_readers
#include "ionbath/io/trajectory_reader.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

using namespace ionbath;

namespace {
constexpr int kAtoms = 20000;
constexpr double kBox = 60.0;

// Frames until the file holds ~100 MB; `precise`: %.15g as with dump_modify format, else %g.
std::string synthetic_dump(bool precise) {
  const std::string path =
      fmt::format("/tmp/ionbath_bench_readers_{}.dump", precise ? "precise" : "default");
  if (std::filesystem::exists(path))
    return path;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> step(0.0, 0.05);
  std::uniform_real_distribution<double> start(0.0, kBox);
  std::vector<double> r(kAtoms * 3);
  for (auto &x : r)
    x = start(rng);
  std::FILE *out = std::fopen((path + ".tmp").c_str(), "w");
  fmt::memory_buffer buf;
  for (long bytes = 0, frame = 0; bytes < 100'000'000; ++frame) {
    buf.clear();
    fmt::format_to(std::back_inserter(buf),
                   "ITEM: TIMESTEP\n{}\nITEM: NUMBER OF ATOMS\n{}\nITEM: BOX BOUNDS pp pp pp\n"
                   "0 {}\n0 {}\n0 {}\nITEM: ATOMS id type x y z ix iy iz\n",
                   frame * 100, kAtoms, kBox, kBox, kBox);
    for (int i = 0; i < kAtoms; ++i) {
      double w[3];
      long n[3];
      for (int k = 0; k < 3; ++k) {
        r[i * 3 + k] += step(rng);
        n[k] = long(std::floor(r[i * 3 + k] / kBox));
        w[k] = r[i * 3 + k] - double(n[k]) * kBox;
      }
      if (precise)
        fmt::format_to(std::back_inserter(buf), "{} {} {:.15g} {:.15g} {:.15g} {} {} {}\n", i + 1,
                       1 + i % 3, w[0], w[1], w[2], n[0], n[1], n[2]);
      else
        fmt::format_to(std::back_inserter(buf), "{} {} {:g} {:g} {:g} {} {} {}\n", i + 1, 1 + i % 3,
                       w[0], w[1], w[2], n[0], n[1], n[2]);
    }
    std::fwrite(buf.data(), 1, buf.size(), out);
    bytes += long(buf.size());
  }
  std::fclose(out);
  std::filesystem::rename(path + ".tmp", path);
  return path;
}

void read_dump(benchmark::State &state, bool precise) {
  const std::string path = synthetic_dump(precise);
  const auto bytes = std::int64_t(std::filesystem::file_size(path));
  for (auto _ : state) {
    auto reader = io::open_trajectory(path, {.timestep_ps = 0.001});
    std::int64_t frames = 0;
    for (auto c = reader.read_chunk(16); c.frames > 0; c = reader.read_chunk(16)) {
      benchmark::DoNotOptimize(c.positions.data());
      frames += c.frames;
    }
    state.counters["frames"] = double(frames);
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["MB"] = double(bytes) / 1e6;
}

void BM_LammpsDump_default_format(benchmark::State &state) {
  read_dump(state, false);
}
void BM_LammpsDump_precise_format(benchmark::State &state) {
  read_dump(state, true);
}
BENCHMARK(BM_LammpsDump_default_format)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_LammpsDump_precise_format)->Unit(benchmark::kMillisecond)->MinTime(2.0);
} // namespace

BENCHMARK_MAIN();
