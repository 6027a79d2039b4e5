// The peak-rate kernels of measure.hpp: independent multiply-add chains on register-resident vectors.
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "measure.hpp"

// The wide kernels pass vectors only between always-inlined functions (no call boundary).
#pragma GCC diagnostic ignored "-Wpsabi"

namespace neuroevo::bench {

// Four floats per vector: the SIMD width the default (portable x86-64 / SSE2, or NEON) build uses.
// v = v * m + c on 12 independent vectors: a separate multiply and add per element (the build uses
// -ffp-contract=off, as the policy does), enough independent chains to cover the latency of both.
using V4 = float __attribute__((vector_size(16)));

[[gnu::noinline]] float muladd_kernel_v4(uint64_t iters, float seed) {
  const V4 m = {0.9999f, 0.9999f, 0.9999f, 0.9999f};
  const V4 c = {1e-4f, 1e-4f, 1e-4f, 1e-4f};
  V4 a0 = {seed, seed + 1, seed + 2, seed + 3}, a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5,
     a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11;
  for (uint64_t i = 0; i < iters; ++i) {
    a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c;
    a4 = a4 * m + c; a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c;
    a8 = a8 * m + c; a9 = a9 * m + c; a10 = a10 * m + c; a11 = a11 * m + c;
  }
  const V4 s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
  return s[0] + s[1] + s[2] + s[3];
}

// A read of n floats (n a multiple of 128) from start to end, `reps` times, summed into 8 independent
// vector accumulators: the rate at which a kernel can stream weights from wherever a buffer of that size
// lives (L1, L2, ...), at the vector width the policy kernels use.
template <class VT>
[[gnu::always_inline]] inline float stream_sum(const float* p, size_t n, uint64_t reps) {
  constexpr size_t W = sizeof(VT) / sizeof(float);
  VT acc[8] = {};
  for (uint64_t r = 0; r < reps; ++r) {
    for (size_t i = 0; i < n; i += 8 * W) {
#pragma GCC unroll 8
      for (size_t t = 0; t < 8; ++t) {
        VT v;
        std::memcpy(&v, p + i + t * W, sizeof v);
        acc[t] += v;
      }
    }
  }
  VT s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  return s[0];
}
[[gnu::noinline]] float stream_read_v4(const float* p, size_t n, uint64_t reps) { return stream_sum<V4>(p, n, reps); }
#if defined(__x86_64__)
// The same kernel with 8-wide fused multiply-adds: what this core's hardware could do with AVX2 + FMA,
// which the default build does not use (it must give identical results on every x86-64 machine).
[[gnu::noinline, gnu::target("avx2,fma")]] float muladd_kernel_avx2_fma(uint64_t iters, float seed) {
  const __m256 m = _mm256_set1_ps(0.9999f), c = _mm256_set1_ps(1e-4f);
  __m256 a[12];
  for (int k = 0; k < 12; ++k) a[k] = _mm256_set1_ps(seed + static_cast<float>(k));
  __m256 a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8],
         a9 = a[9], a10 = a[10], a11 = a[11];
  for (uint64_t i = 0; i < iters; ++i) {
    a0 = _mm256_fmadd_ps(a0, m, c); a1 = _mm256_fmadd_ps(a1, m, c); a2 = _mm256_fmadd_ps(a2, m, c);
    a3 = _mm256_fmadd_ps(a3, m, c); a4 = _mm256_fmadd_ps(a4, m, c); a5 = _mm256_fmadd_ps(a5, m, c);
    a6 = _mm256_fmadd_ps(a6, m, c); a7 = _mm256_fmadd_ps(a7, m, c); a8 = _mm256_fmadd_ps(a8, m, c);
    a9 = _mm256_fmadd_ps(a9, m, c); a10 = _mm256_fmadd_ps(a10, m, c); a11 = _mm256_fmadd_ps(a11, m, c);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  alignas(32) float out[8];
  _mm256_store_ps(out, s);
  return out[0] + out[7];
}
// The v4 kernel's separate multiply and add at the widest vector the policy kernels use (nn/dense.hpp:
// AVX2 8-wide, AVX-512F 16-wide): the arithmetic limit of the bit-identical (FMA-free) build on this CPU.
using V8 = float __attribute__((vector_size(32)));
using V16 = float __attribute__((vector_size(64)));
template <class VT>
[[gnu::always_inline]] inline float muladd_chains(uint64_t iters, float seed) {
  const VT m = VT{} + 0.9999f, c = VT{} + 1e-4f;
  VT a0 = VT{} + seed, a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5, a6 = a0 + 6, a7 = a0 + 7,
     a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11;
  for (uint64_t i = 0; i < iters; ++i) {
    a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c;
    a4 = a4 * m + c; a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c;
    a8 = a8 * m + c; a9 = a9 * m + c; a10 = a10 * m + c; a11 = a11 * m + c;
  }
  const VT s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
  return s[0] + s[1];
}
[[gnu::noinline, gnu::target("avx2")]] float muladd_kernel_avx2(uint64_t iters, float seed) {
  return muladd_chains<V8>(iters, seed);
}
[[gnu::noinline, gnu::target("avx512f")]] float muladd_kernel_avx512(uint64_t iters, float seed) {
  return muladd_chains<V16>(iters, seed);
}

[[gnu::noinline, gnu::target("avx2")]] float stream_read_avx2(const float* p, size_t n, uint64_t reps) {
  return stream_sum<V8>(p, n, reps);
}
[[gnu::noinline, gnu::target("avx512f")]] float stream_read_avx512(const float* p, size_t n, uint64_t reps) {
  return stream_sum<V16>(p, n, reps);
}

bool have_avx2_fma() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#endif

}  // namespace neuroevo::bench
