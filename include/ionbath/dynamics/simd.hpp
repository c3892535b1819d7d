#pragma once
// Small SIMD vocabulary of the full-lattice kernels (GCC vector extensions): SSE2 and AVX packs of
// doubles, unaligned load/store, broadcast, and the run-time test that selects the AVX2 + FMA
// builds of a kernel. V = double gives the scalar form of the same code (line tails).
#include <cstring>
#include <type_traits>

namespace ionbath::dynamics::simd {

using Pack2 = double __attribute__((vector_size(16))); // SSE2
using Pack4 = double __attribute__((vector_size(32))); // AVX

template <class V> __attribute__((always_inline)) inline V load(const double *p) {
  V x;
  std::memcpy(&x, p, sizeof x);
  return x;
}
template <class V> __attribute__((always_inline)) inline void store(double *p, const V &x) {
  std::memcpy(p, &x, sizeof x);
}
template <class V> __attribute__((always_inline)) inline V broadcast(double x) {
  if constexpr (std::is_same_v<V, double>) {
    return x;
  } else {
    return V{} + x; // (a −0.0 weight becomes +0.0: same products)
  }
}

// True when this CPU runs the target("avx2,fma") versions of the kernels.
inline bool cpu_has_avx2_fma() {
#if defined(__GNUC__) && defined(__x86_64__)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

} // namespace ionbath::dynamics::simd
