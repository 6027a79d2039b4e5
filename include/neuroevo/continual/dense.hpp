// Small dense kernels for the continual learners (homeostatic MLP, HLOP networks): row-major matrices
// of floats, dot products with four independent four-wide accumulators summed in a fixed order, so a
// value never depends on threads or scheduling (each learner runs on one thread; runs go in parallel).
#pragma once
#include <cstddef>
#include <cstring>
#include <vector>

#include "neuroevo/core/rng.hpp"

namespace neuroevo::continual {

using F4 = float __attribute__((vector_size(16)));

inline F4 ld4(const float* p) {
  F4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// sum_i a[i] b[i], the same value for the same inputs on every call.
inline float dot(const float* a, const float* b, size_t n) {
  F4 s0{}, s1{}, s2{}, s3{};
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 += ld4(a + i) * ld4(b + i);
    s1 += ld4(a + i + 4) * ld4(b + i + 4);
    s2 += ld4(a + i + 8) * ld4(b + i + 8);
    s3 += ld4(a + i + 12) * ld4(b + i + 12);
  }
  const F4 s = (s0 + s1) + (s2 + s3);
  float r = (s[0] + s[1]) + (s[2] + s[3]);
  for (; i < n; ++i) r += a[i] * b[i];
  return r;
}

// y += alpha x
inline void axpy(float alpha, const float* x, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// out[r] = W[r, :] . x + b[r] for a rows x cols matrix (b may be null).
inline void matvec(const float* w, const float* b, const float* x, size_t rows, size_t cols, float* out) {
  for (size_t r = 0; r < rows; ++r) out[r] = dot(w + r * cols, x, cols) + (b ? b[r] : 0.0f);
}

// out[c] = sum_r W[r, c] v[r] (the transpose product), accumulated row by row in index order.
inline void matvec_t(const float* w, const float* v, size_t rows, size_t cols, float* out) {
  std::memset(out, 0, cols * sizeof(float));
  for (size_t r = 0; r < rows; ++r) axpy(v[r], w + r * cols, out, cols);
}

// Normal(0, std) entries from a counter-based stream.
inline void fill_normal(std::vector<float>& v, double std, Stream& rng) {
  for (auto& x : v) x = static_cast<float>(std * rng.normal());
}

}  // namespace neuroevo::continual
