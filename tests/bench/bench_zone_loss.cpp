// Seed 001 Eq. 13 on its 3D lattice (physics.md §6.3, §10 row 41): one Gaussian atom at the
// origin, Φ0 = 0.01 ħΩ, λ = 1, s = 0, path along z; adaptive cubature at rtol 1e-6 and the midpoint
// grid at 32³ and 64³. Counters: integrand evaluations and the relative error of Δ/(σ̇Φ0²)
// against the row 41 reference. Run: build/tests/bench/bench_zone_loss
#include "ionbath/core/units.hpp"
#include "ionbath/crystal/builders.hpp"
#include "ionbath/dissipation/zone_loss.hpp"

#include <benchmark/benchmark.h>
#include <cmath>

using namespace ionbath;
using namespace ionbath::dissipation;

namespace {

constexpr double kEnergy = 4.0 * units::pi * units::pi; // 1 ħΩ in seed-001 internal energy units
constexpr double kPhi0 = 0.01;                          // ħΩ
const double kSpeeds[] = {10, 20, 40, 80};
const double kReference[] = {9.0567e-4, 1.40348e-3, 6.10035e-4, 5.17158e-5}; // Δ/(σ̇Φ0²)

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

void report(benchmark::State &state, const ZoneLoss &z, int i) {
  const double constant = z.loss / kEnergy / (kSpeeds[i] * kPhi0 * kPhi0); // Δ_ħΩ / (σ̇Φ0²)
  state.counters["evaluations"] = static_cast<double>(z.evaluations);
  state.counters["rel_error"] = std::abs(constant / kReference[i] - 1);
}

void BM_ZoneLossCubature(benchmark::State &state) { // arg: speed index
  const int i = static_cast<int>(state.range(0));
  const Seed001Pass &p = pass();
  ZoneLoss z;
  for (auto _ : state) {
    z = zone_loss(p.cubic, p.gaussian, p.atoms, p.path.direction, kSpeeds[i], 1e-6);
    benchmark::DoNotOptimize(z);
  }
  report(state, z, i);
  state.SetLabel("speed " + std::to_string(static_cast<int>(kSpeeds[i])));
}
BENCHMARK(BM_ZoneLossCubature)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

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
    ->ArgsProduct({{0, 1, 2, 3}, {32, 64}})
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
