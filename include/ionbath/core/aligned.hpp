#pragma once
// Storage aligned to a cache line, for arrays swept with full-width SIMD loads.
#include <cstddef>
#include <new>
#include <vector>

namespace ionbath {

inline constexpr std::size_t kCacheLine = 64; // bytes

template <class T> struct CacheAlignedAllocator {
  using value_type = T;
  CacheAlignedAllocator() = default;
  template <class U> CacheAlignedAllocator(const CacheAlignedAllocator<U> &) noexcept {}
  T *allocate(std::size_t n) {
    return static_cast<T *>(::operator new (n * sizeof(T), std::align_val_t{kCacheLine}));
  }
  void deallocate(T *p, std::size_t) noexcept {
    ::operator delete (p, std::align_val_t{kCacheLine});
  }
  template <class U> bool operator==(const CacheAlignedAllocator<U> &) const noexcept {
    return true;
  }
};

template <class T> using AlignedVector = std::vector<T, CacheAlignedAllocator<T>>;

} // namespace ionbath
