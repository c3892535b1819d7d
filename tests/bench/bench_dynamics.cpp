// Cost of the time-local dynamics alone (physics.md §3.3): RK5 steps per second of the
// TimeLocalIntegrator with r_H ≡ 0 (StaticFramework), so the bath's cost can be added separately.
// Seed 002 diffusion parameters: U0 = 4000 meV Å, λ = 0.5 Å, M = 0.7, δt = 5e-3 ps, 𝓛 = ℓ I.
#include "ionbath/dynamics/time_local_integrator.hpp"

#include <benchmark/benchmark.h>

using namespace ionbath;
using namespace ionbath::dynamics;

namespace {
// W(0) blocks on-site and nearest neighbours of physics.md §1.6 (values 1e-4 Å²/meV); the timing
// does not depend on the values, only on the 8×8 coupling.
crystal::StaticResponseTable static_response(int range) {
  crystal::StaticResponseTable table;
  table.range = range;
  const int w = 2 * range + 1;
  table.blocks.assign(static_cast<std::size_t>(w) * w * w, Mat3::Zero());
  for (int z = -range; z <= range; ++z)
    for (int y = -range; y <= range; ++y)
      for (int x = -range; x <= range; ++x) {
        const Cell L(x, y, z);
        const double r = L.cast<double>().norm();
        table.blocks[crystal::StaticResponseTable::index(L, range)] =
            (r == 0 ? 9.48247e-4 : 3e-4 / r) * Mat3::Identity();
      }
  return table;
}

void time_local_steps(benchmark::State &state, int extent, TimeLocalOptions options) {
  const auto crystal = crystal::Crystal::simple_cubic(3.0, 3.5, 520.0, 170.0);
  const auto W = static_response(2 * extent - 1);
  const Yukawa U(4000.0, 0.5);
  bath::StaticFramework frame(5e-3);
  TimeLocalIntegrator ion(crystal, W, 3.29077e-5 * Mat3::Identity(), U, frame,
                          Vec3::Constant(1 / 0.7), InteractionList::corners(extent), options);
  // A thermal-speed start (≈ 25 meV kinetic energy) that oscillates inside the cell.
  ion.set_state(Vec3(1.5, 1.5, 1.5), Vec3(4.0, -3.0, 5.0));
  for (auto _ : state) {
    ion.step();
    benchmark::DoNotOptimize(ion.position_A());
  }
  state.counters["steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
} // namespace

BENCHMARK_CAPTURE(time_local_steps, corners8, 1, TimeLocalOptions{});
BENCHMARK_CAPTURE(time_local_steps, corners8_no_drag_no_relaxation, 1,
                  TimeLocalOptions{.drag = false, .relaxation = false});
BENCHMARK_CAPTURE(time_local_steps, extent2_64_atoms, 2, TimeLocalOptions{});

BENCHMARK_MAIN();
