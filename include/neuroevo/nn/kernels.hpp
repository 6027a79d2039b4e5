// Float kernels shared by the dense policies (mlp, hebbian): a four-wide vector type, NaN-propagating
// min/max, a portable tanh whose value does not depend on libm, and the action head that maps a network's
// output layer to an action.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <span>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "neuroevo/core/space.hpp"

namespace neuroevo {

// Four floats: the SIMD width of the portable build (SSE2 on x86-64, NEON on arm64). GCC/Clang vector
// extensions keep the accumulators in registers; each lane does exactly the scalar operations.
using V4 = float __attribute__((vector_size(16)));

inline V4 load4(const float* p) {
  V4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, V4 v) { std::memcpy(p, &v, sizeof v); }

// pick_max(a, b) = a > b ? a : b and pick_min(a, b) = a < b ? a : b, lane by lane: b whenever either is
// NaN. These are exactly x86's maxps/minps, one instruction each, where a generic vector select costs
// four with SSE2.
inline float pick_max(float a, float b) { return a > b ? a : b; }
inline float pick_min(float a, float b) { return a < b ? a : b; }
#if defined(__SSE2__)
inline V4 pick_max(V4 a, V4 b) { return reinterpret_cast<V4>(_mm_max_ps(reinterpret_cast<__m128>(a), reinterpret_cast<__m128>(b))); }
inline V4 pick_min(V4 a, V4 b) { return reinterpret_cast<V4>(_mm_min_ps(reinterpret_cast<__m128>(a), reinterpret_cast<__m128>(b))); }
#else
inline V4 pick_max(V4 a, V4 b) { return a > b ? a : b; }
inline V4 pick_min(V4 a, V4 b) { return a < b ? a : b; }
#endif

// tanh(x) ~ x P(x^2) / Q(x^2) on [-9, 9], the argument clamped to that range (1 - tanh(9) = 3e-8).
// P has degree 5 and Q degree 3; coefficients from a minimax fit of the relative error
// (bench/python/fit_tanh.py, fit error 6e-8). Evaluated in float32 the absolute error is below 1e-6
// and the result never leaves [-1, 1]. Only +, *, / and comparisons: correctly rounded IEEE operations,
// so the value is the same on every machine of an architecture, for any thread count and for the
// vector (T = V4) and scalar (T = float) forms alike, unlike a libm call. Selects rather than branches,
// so it vectorises. NaN stays NaN.
template <class T>
inline T tanh_approx(T x) {
  constexpr float kClamp = 9.0f;
  constexpr float a0 = 9.999999411e-01f, a1 = 1.291923313e-01f, a2 = 2.920766949e-03f, a3 = 9.267468153e-06f,
                  a4 = -1.278058005e-08f, a5 = 1.825558471e-11f;
  constexpr float b1 = 4.625251698e-01f, b2 = 2.376318941e-02f, b3 = 2.281009125e-04f;
  const T hi = T{} + kClamp, lo = T{} - kClamp, one = T{} + 1.0f, minus_one = T{} - 1.0f;
  x = pick_max(lo, x);  // x < lo ? lo : x
  x = pick_min(hi, x);  // x > hi ? hi : x
  const T t = x * x;
  const T p = ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t + a0;
  const T q = ((b3 * t + b2) * t + b1) * t + 1.0f;
  T y = (x * p) / q;
  y = pick_min(one, y);
  return pick_max(minus_one, y);
}

// Output head: discrete -> argmax of y[0..n) (lowest index wins ties); continuous -> tanh squashed and
// scaled to the action bounds: a = low + (tanh(y) + 1) / 2 * (high - low).
inline void write_action(const Space& action_space, const float* y, std::span<float> action) {
  if (action_space.is_discrete()) {
    const auto n = static_cast<size_t>(action_space.n);
    action[0] = static_cast<float>(std::max_element(y, y + n) - y);
    return;
  }
  for (size_t k = 0; k < action.size(); ++k) {
    const double lo = action_space.low[k], hi = action_space.high[k];
    action[k] = static_cast<float>(lo + (std::tanh(static_cast<double>(y[k])) + 1.0) * 0.5 * (hi - lo));
  }
}

}  // namespace neuroevo
