// Seed 001 Eq. 13 on its 3D lattice (physics.md §6.3, §10 row 41): one Gaussian atom at the
// origin, Φ0 = 0.01 ħΩ, λ = 1, s = 0, path along z; zone_loss at rtol 1e-6 (the symmetry-reduced
// midpoint ladder, or the cubature where the ladder does not converge) and the plain midpoint grid
// n³, at the speeds of Figs. 4–5 (σ̇ = 1, 2: the integrand peaks at Γ; 10–80: smooth). Counters:
// integrand evaluations, the accepted grid (0: cubature) and the relative error of Δ/(σ̇Φ0²)
// against zone_loss at rtol 1e-10 (which reproduces the row 41 references to their digits).
// Run: build/tests/bench/bench_zone_loss --benchmark_counters_tabular=true
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/dissipation/zone_loss.hpp"

#include <array>
#include <benchmark/benchmark.h>
#include <cmath>
#include <iterator>

using namespace ionbath;
using namespace ionbath::dissipation;

namespace {

constexpr double kEnergy = 4.0 * units::pi * units::pi; // 1 ħΩ in seed-001 internal energy units
constexpr double kPhi0 = 0.01;                          // ħΩ
const double kSpeeds[] = {1, 2, 10, 20, 40, 80};

struct Seed001Pass {
  crystal::Crystal cubic = crystal::seed001_cubic(15.0, 5.0);
  GaussianPathTransform gaussian{kEnergy * kPhi0, 1.0};
  StraightPath path{Vec3::Zero(), Vec3::UnitZ()};
  std::vector<AtomOnPath> atoms = atoms_on_path(cubic, {FrameworkAtom{}}, path);
};
const Seed001Pass &pass() {
  static const Seed001Pass p;
  return p;
}

// The converged loss at speed index i (cubature at rtol 1e-10, computed once).
double reference(int i) {
  static std::array<double, std::size(kSpeeds)> values{};
  const Seed001Pass &p = pass();
  if (values[std::size_t(i)] == 0)
    values[std::size_t(i)] =
        zone_loss(p.cubic, p.gaussian, p.atoms, p.path.direction, kSpeeds[i], 1e-10).loss;
  return values[std::size_t(i)];
}

void report(benchmark::State &state, const ZoneLoss &z, int i) {
  state.counters["evaluations"] = static_cast<double>(z.evaluations);
  state.counters["rel_error"] = std::abs(z.loss / reference(i) - 1);
  state.counters["constant"] = z.loss / kEnergy / (kSpeeds[i] * kPhi0 * kPhi0); // Δ/(σ̇Φ0²)
}

void BM_ZoneLoss(benchmark::State &state) { // arg: speed index
  const int i = static_cast<int>(state.range(0));
  const Seed001Pass &p = pass();
  ZoneLoss z;
  for (auto _ : state) {
    z = zone_loss(p.cubic, p.gaussian, p.atoms, p.path.direction, kSpeeds[i], 1e-6);
    benchmark::DoNotOptimize(z);
  }
  report(state, z, i);
  state.counters["grid"] = z.midpoint_grid;
  state.SetLabel("speed " + std::to_string(static_cast<int>(kSpeeds[i])));
}
BENCHMARK(BM_ZoneLoss)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

void BM_ZoneLossMidpoint(benchmark::State &state) { // args: speed index, grid n
  const int i = static_cast<int>(state.range(0)), n = static_cast<int>(state.range(1));
  const Seed001Pass &p = pass();
  ZoneLoss z;
  for (auto _ : state) {
    z = zone_loss_midpoint(p.cubic, p.gaussian, p.atoms, p.path.direction, kSpeeds[i], n);
    benchmark::DoNotOptimize(z);
  }
  report(state, z, i);
  state.SetLabel("speed " + std::to_string(static_cast<int>(kSpeeds[i])));
}
BENCHMARK(BM_ZoneLossMidpoint)
    ->ArgsProduct({{0, 1, 2, 3, 4, 5}, {4, 6, 8, 12, 16, 24, 32, 48, 64, 128}})
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
