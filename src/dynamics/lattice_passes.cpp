#include "lattice_passes.hpp"

#include "ionbath/dynamics/rk5.hpp"
#include "ionbath/dynamics/simd.hpp"

namespace ionbath::dynamics::passes {

namespace {
using simd::broadcast;
using simd::load;
using simd::Pack2;
using simd::Pack4;
using simd::store;

template <class V, int K, int Positions, bool Update, bool Next>
__attribute__((always_inline)) inline void pass_sites(int x, const PassLine &line,
                                                      const PassWeights &w) {
  const V r = load<V>(line.r + x), v = load<V>(line.v + x);
  V g[K > 0 ? K : 1];
  for (int k = 0; k < K; ++k)
    g[k] = load<V>(line.g[k] + x);
  for (int q = 0; q < Positions; ++q) {
    V p = r + broadcast<V>(w.position[q][0]) * v;
    for (int k = 0; k < K; ++k)
      p += broadcast<V>(w.position[q][k + 1]) * g[k];
    store(line.position[q] + x, p);
  }
  V rn = r, vn = v;
  if constexpr (Update) {
    rn += broadcast<V>(w.dr[0]) * v;
    for (int k = 0; k < K; ++k)
      rn += broadcast<V>(w.dr[k + 1]) * g[k];
    for (int k = 0; k < K; ++k)
      vn += broadcast<V>(w.dv[k]) * g[k];
    store(line.r + x, rn);
    store(line.rdot + x, vn);
  }
  if constexpr (Next)
    store(line.next + x, rn + broadcast<V>(w.next) * vn);
}

template <class Pack, int K, int Positions, bool Update, bool Next>
__attribute__((always_inline)) inline void pass_line(int n, const PassLine &all,
                                                     const PassWeights &weights) {
  constexpr int lanes = sizeof(Pack) / sizeof(double);
  const PassWeights w = weights; // a local copy: the stores cannot alias it
  for (int y = 0; y < all.rows; ++y)
    for (int c = 0; c < all.components; ++c) {
      PassLine line = all;
      const std::int64_t f = c * all.field_stride + y * all.field_row;
      line.v += f;
      line.r += f;
      line.rdot = line.rdot ? line.rdot + f : nullptr;
      for (int k = 0; k < K; ++k)
        line.g[k] += c * all.g_stride[k] + y * all.g_row[k];
      for (int q = 0; q < Positions; ++q)
        line.position[q] += c * all.position_stride + y * all.field_row;
      line.next = line.next ? line.next + f : nullptr;
      int x = 0;
      for (; x + lanes <= n; x += lanes)
        pass_sites<Pack, K, Positions, Update, Next>(x, line, w);
      for (; x < n; ++x)
        pass_sites<double, K, Positions, Update, Next>(x, line, w);
    }
}

template <int K, int Positions, bool Update, bool Next>
void pass_sse2(int n, const PassLine &line, const PassWeights &w) {
  pass_line<Pack2, K, Positions, Update, Next>(n, line, w);
}
#if defined(__GNUC__) && defined(__x86_64__)
template <int K, int Positions, bool Update, bool Next>
__attribute__((target("avx2,fma"))) void pass_avx2(int n, const PassLine &line,
                                                   const PassWeights &w) {
  pass_line<Pack4, K, Positions, Update, Next>(n, line, w);
}
#endif
template <int K, int Positions, bool Update, bool Next> PassFunction select_pass() {
#if defined(__GNUC__) && defined(__x86_64__)
  if (simd::cpu_has_avx2_fma())
    return pass_avx2<K, Positions, Update, Next>;
#endif
  return pass_sse2<K, Positions, Update, Next>;
}

} // namespace

const std::array<PassFunction, 4> &rk5_pass_kernels() {
  static const std::array<PassFunction, 4> kernels{
      select_pass<2, 2, false, false>(), select_pass<4, 2, true, false>(),
      select_pass<2, 0, true, true>(), select_pass<0, 0, false, true>()};
  return kernels;
}

std::array<PassWeights, 3> rk5_pass_weights(double dt) {
  using T = ButcherRk5;
  constexpr SecondOrderRk5 rk2{};
  const double h = dt;
  std::array<PassWeights, 3> weights;
  for (int pass = 0; pass < 3; ++pass) {
    const int first_source = pass == 2 ? 4 : 0;
    const int sources = pass == 1 ? 4 : 2;
    PassWeights &w = weights[pass];
    for (int q = 0; q < 2 && pass < 2; ++q) {
      const int j = 2 * pass + 2 + q;
      w.position[q][0] = h * T::c[j];
      for (int k = 0; k < sources; ++k)
        w.position[q][k + 1] = h * h * rk2.abar[j][first_source + k];
    }
    w.dr[0] = pass == 1 ? h : 0.0;
    for (int k = 0; k < sources && pass > 0; ++k) {
      w.dr[k + 1] = h * h * rk2.bbar[first_source + k];
      w.dv[k] = h * T::b[first_source + k];
    }
    w.next = h * T::c[1];
  }
  return weights;
}

} // namespace ionbath::dynamics::passes
