#pragma once
// The line kernels of the full-lattice RK5 passes (private to src/dynamics): the fused per-line
// arithmetic of one pass, SIMD (SSE2, or AVX2 + FMA where the CPU has it) with scalar tails.
// Knows nothing of the stencil or the schedule: it combines arrays of a line with weights.
#include <array>
#include <cstdint>

namespace ionbath::dynamics::passes {

// The line work of one pass for one Cartesian component, fused so that every source is read once
// per site: with ṙ, the K stage accelerations g_k of the pass's sources and the weights of
// PassWeights,
//   positions   P_q = r + w_q0 ṙ + Σ_k w_q,k+1 g_k            (q < Positions)
//   update      r' = r + u_0 ṙ + Σ_k u_k+1 g_k,  ṙ' = ṙ + Σ_k d_k g_k   (in place)
//   next stage  P_1 = r' + n ṙ'                                (the next step's second stage)
// Each term is one multiply–add, added in the order written.
constexpr int kMaxSources = 4;
struct PassWeights {
  std::array<std::array<double, kMaxSources + 1>, 2> position{};
  std::array<double, kMaxSources + 1> dr{};
  std::array<double, kMaxSources> dv{};
  double next = 0;
};
// Component x of one line of every array; component c of array a is at c · stride of a (the
// full fields share one stride, the window's fields have theirs, the accelerations of the sources
// may be line buffers). Rows of the fields are field_row apart (the padded plane layout).
struct PassLine {
  const double *v = nullptr;
  double *r = nullptr; // read, and written in place by an update
  double *rdot = nullptr;
  std::array<const double *, kMaxSources> g{};
  std::array<double *, 2> position{};
  double *next = nullptr;
  std::int64_t field_stride = 0;    // v, r, ṙ, next
  std::int64_t position_stride = 0; // positions
  std::array<std::int64_t, kMaxSources> g_stride{};
  // `rows` consecutive lines: line y of each array at y · (its row stride).
  int rows = 1;
  int components = 3; // 3 n_b: component α of basis atom b is array 3b + α
  std::int64_t field_row = 0;
  std::array<std::int64_t, kMaxSources> g_row{};
};

// Runs a kernel on `n` sites per line.
using PassFunction = void (*)(int n, const PassLine &, const PassWeights &);

// The kernels of the RK5's three passes (index = pass) and, index 3, the next-stage positions
// alone (a fresh P_1 after the state was set), for this CPU.
const std::array<PassFunction, 4> &rk5_pass_kernels();

// Weights of the three passes for step δt (sources: pass 0 A_0, A_1; pass 1 A_0 … A_3; pass 2
// A_4, A_5), from the second-order form of the RK5 (physics.md §0.4, SecondOrderRk5).
std::array<PassWeights, 3> rk5_pass_weights(double dt);

} // namespace ionbath::dynamics::passes
