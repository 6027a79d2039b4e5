// Dense-layer kernels of the MLP policy in 4-, 8- and 16-wide versions (see nn/dense.hpp for why they
// give the same bits). The wide versions are the same template compiled for AVX2 or AVX-512F through
// target attributes; the portable build itself stays SSE2.
#include "neuroevo/nn/dense.hpp"

#include <cstring>
#include <stdexcept>

#include "neuroevo/core/simd_isa.hpp"
#include "neuroevo/nn/kernels.hpp"

// The 8- and 16-wide helpers below pass vectors by value between always-inlined functions: they never
// cross a call boundary, so GCC's note that such values change the calling convention without AVX does
// not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace neuroevo {

namespace {

using V8 = float __attribute__((vector_size(32)));
using V16 = float __attribute__((vector_size(64)));

// Lane-wise a > b ? a : b and a < b ? a : b (b when either is NaN), as pick_max/pick_min of kernels.hpp.
template <class VT>
[[gnu::always_inline]] inline VT vmax(VT a, VT b) {
  if constexpr (sizeof(VT) == 16) return pick_max(a, b);
  else return a > b ? a : b;
}
template <class VT>
[[gnu::always_inline]] inline VT vmin(VT a, VT b) {
  if constexpr (sizeof(VT) == 16) return pick_min(a, b);
  else return a < b ? a : b;
}

// tanh_approx of kernels.hpp, the same operations in the same order, for any vector width.
template <class VT>
[[gnu::always_inline]] inline VT vtanh(VT x) {
  if constexpr (sizeof(VT) == 16) {
    return tanh_approx(x);
  } else {
    constexpr float kClamp = 9.0f;
    constexpr float a0 = 9.999999411e-01f, a1 = 1.291923313e-01f, a2 = 2.920766949e-03f, a3 = 9.267468153e-06f,
                    a4 = -1.278058005e-08f, a5 = 1.825558471e-11f;
    constexpr float b1 = 4.625251698e-01f, b2 = 2.376318941e-02f, b3 = 2.281009125e-04f;
    const VT hi = VT{} + kClamp, lo = VT{} - kClamp, one = VT{} + 1.0f, minus_one = VT{} - 1.0f;
    x = vmax(lo, x);
    x = vmin(hi, x);
    const VT t = x * x;
    const VT p = ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t + a0;
    const VT q = ((b3 * t + b2) * t + b1) * t + 1.0f;
    VT y = (x * p) / q;
    y = vmin(one, y);
    return vmax(minus_one, y);
  }
}

template <class VT>
[[gnu::always_inline]] inline VT vload(const float* p) {
  VT v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class VT>
[[gnu::always_inline]] inline void vstore(float* p, VT v) {
  std::memcpy(p, &v, sizeof v);
}
template <class VT>
[[gnu::always_inline]] inline VT activate(VT v, bool relu) {
  return relu ? vmax(VT{}, v) : vtanh(v);  // relu: v < 0 ? 0 : v, as std::max(v, 0.0f), NaN and -0 included
}
[[gnu::always_inline]] inline float activate1(float v, bool relu) { return relu ? pick_max(0.0f, v) : tanh_approx(v); }

// W * NV outputs (W = the vector width) kept in registers while the inputs stream by.
template <class VT, size_t NV>
[[gnu::always_inline]] inline void dense_block(const float* __restrict x, size_t in, const float* __restrict w,
                                               size_t stride, const float* __restrict bias, float* __restrict y,
                                               bool hidden, bool relu) {
  constexpr size_t W = sizeof(VT) / sizeof(float);
  VT acc[NV];
  for (size_t k = 0; k < NV; ++k) acc[k] = vload<VT>(bias + W * k);
  for (size_t i = 0; i < in; ++i) {
    const VT xi = VT{} + x[i];
    const float* __restrict row = w + i * stride;
    for (size_t k = 0; k < NV; ++k) acc[k] += xi * vload<VT>(row + W * k);
  }
  for (size_t k = 0; k < NV; ++k) vstore(y + W * k, hidden ? activate(acc[k], relu) : acc[k]);
}

// The last 1-3 outputs, one scalar sum each (interleaved, so their additions overlap).
template <size_t N>
[[gnu::always_inline]] inline void dense_tail(const float* __restrict x, size_t in, const float* __restrict w,
                                              size_t stride, const float* __restrict bias, float* __restrict y,
                                              bool hidden, bool relu) {
  float acc[N];
  for (size_t k = 0; k < N; ++k) acc[k] = bias[k];
  for (size_t i = 0; i < in; ++i) {
    const float xi = x[i];
    const float* __restrict row = w + i * stride;
    for (size_t k = 0; k < N; ++k) acc[k] += xi * row[k];
  }
  for (size_t k = 0; k < N; ++k) y[k] = hidden ? activate1(acc[k], relu) : acc[k];
}

// Blocks of 8 vectors of outputs (enough independent sums to keep the multiplier and adder busy), then
// 1-7 vectors, then (for the wide versions) one 4-wide vector, then the last 1-3 outputs.
template <class VT>
[[gnu::always_inline]] inline void dense_layer_t(const float* x, size_t in, const float* w, size_t out, float* y,
                                                 bool hidden, bool relu) {
  constexpr size_t W = sizeof(VT) / sizeof(float);
  const float* bias = w + in * out;
  size_t o = 0;
  for (; o + 8 * W <= out; o += 8 * W) dense_block<VT, 8>(x, in, w + o, out, bias + o, y + o, hidden, relu);
  const float* wo = w + o;
  switch ((out - o) / W) {
    case 7: dense_block<VT, 7>(x, in, wo, out, bias + o, y + o, hidden, relu); break;
    case 6: dense_block<VT, 6>(x, in, wo, out, bias + o, y + o, hidden, relu); break;
    case 5: dense_block<VT, 5>(x, in, wo, out, bias + o, y + o, hidden, relu); break;
    case 4: dense_block<VT, 4>(x, in, wo, out, bias + o, y + o, hidden, relu); break;
    case 3: dense_block<VT, 3>(x, in, wo, out, bias + o, y + o, hidden, relu); break;
    case 2: dense_block<VT, 2>(x, in, wo, out, bias + o, y + o, hidden, relu); break;
    case 1: dense_block<VT, 1>(x, in, wo, out, bias + o, y + o, hidden, relu); break;
    default: break;
  }
  o += (out - o) / W * W;
  if constexpr (W > 4) {
    // At most W - 1 outputs left: 4-wide vectors of them, then the scalar tail.
    using V4x = float __attribute__((vector_size(16)));
    switch ((out - o) / 4) {
      case 3: dense_block<V4x, 3>(x, in, w + o, out, bias + o, y + o, hidden, relu); break;
      case 2: dense_block<V4x, 2>(x, in, w + o, out, bias + o, y + o, hidden, relu); break;
      case 1: dense_block<V4x, 1>(x, in, w + o, out, bias + o, y + o, hidden, relu); break;
      default: break;
    }
    o += (out - o) / 4 * 4;
  }
  switch (out - o) {
    case 3: dense_tail<3>(x, in, w + o, out, bias + o, y + o, hidden, relu); break;
    case 2: dense_tail<2>(x, in, w + o, out, bias + o, y + o, hidden, relu); break;
    case 1: dense_tail<1>(x, in, w + o, out, bias + o, y + o, hidden, relu); break;
    default: break;
  }
}

// ----- one layer over K lanes with the lanes as the vector dimension (dense_lanes) -----------------
//
// Every lane has its own weights, so a step of K lanes is a batched matrix-vector product: no weight is
// used twice. The register block is a tile of NO outputs x one vector of lanes: per input, one load of
// the lanes' inputs feeds NO multiplies, and each weight vector (the same weight of W lanes, packed
// lane-minor) feeds exactly one multiply. The NO sums are independent chains, enough to cover the add
// latency on both add pipes. Each lane's sum is act()'s: bias first, then the inputs in order.

template <class VT>
[[gnu::always_inline]] inline VT lane_load(const float* p) {
  if constexpr (sizeof(VT) == sizeof(float)) {
    return *p;
  } else {
    return vload<VT>(p);
  }
}
template <class VT>
[[gnu::always_inline]] inline void lane_store(float* p, VT v) {
  std::memcpy(p, &v, sizeof v);
}
template <class VT>
[[gnu::always_inline]] inline VT lane_activate(VT v, bool relu) {
  if constexpr (sizeof(VT) == sizeof(float)) {
    return activate1(v, relu);
  } else {
    return activate(v, relu);
  }
}

struct LanesJob {
  const float* x;  // x[i * k + lane]
  size_t in;
  const float* w;  // w[p * k + lane], p as in dense_layer: W input-major, then the biases
  size_t out, k;
  float* y;  // y[o * k + lane]
  bool hidden, relu;
};

// Outputs [o, o + NO) of lanes [l, l + width of VT).
template <class VT, size_t NO>
[[gnu::always_inline]] inline void lanes_tile(const LanesJob& j, size_t o, size_t l) {
  const size_t k = j.k;
  const float* __restrict bias = j.w + (j.in * j.out + o) * k + l;
  VT acc[NO];
  for (size_t t = 0; t < NO; ++t) acc[t] = lane_load<VT>(bias + t * k);
  const float* __restrict row = j.w + o * k + l;
  const size_t row_stride = j.out * k;
  for (size_t i = 0; i < j.in; ++i, row += row_stride) {
    const VT xi = lane_load<VT>(j.x + i * k + l);
    for (size_t t = 0; t < NO; ++t) acc[t] += xi * lane_load<VT>(row + t * k);
  }
  for (size_t t = 0; t < NO; ++t) lane_store(j.y + (o + t) * k + l, j.hidden ? lane_activate(acc[t], j.relu) : acc[t]);
}

template <class VT>
[[gnu::always_inline]] inline void lanes_block(const LanesJob& j, size_t l) {
  constexpr size_t kTile = 8;
  size_t o = 0;
  for (; o + kTile <= j.out; o += kTile) lanes_tile<VT, kTile>(j, o, l);
  switch (j.out - o) {
    case 7: lanes_tile<VT, 7>(j, o, l); break;
    case 6: lanes_tile<VT, 6>(j, o, l); break;
    case 5: lanes_tile<VT, 5>(j, o, l); break;
    case 4: lanes_tile<VT, 4>(j, o, l); break;
    case 3: lanes_tile<VT, 3>(j, o, l); break;
    case 2: lanes_tile<VT, 2>(j, o, l); break;
    case 1: lanes_tile<VT, 1>(j, o, l); break;
    default: break;
  }
}

// Vectors of W lanes, then (wide versions) 8 and 4 lanes, then lane by lane.
template <class VT>
[[gnu::always_inline]] inline void dense_lanes_t(const LanesJob& j) {
  constexpr size_t W = sizeof(VT) / sizeof(float);
  size_t l = 0;
  for (; l + W <= j.k; l += W) lanes_block<VT>(j, l);
  if constexpr (W > 8) {
    if (l + 8 <= j.k) {
      lanes_block<V8>(j, l);
      l += 8;
    }
  }
  if constexpr (W > 4) {
    if (l + 4 <= j.k) {
      lanes_block<V4>(j, l);
      l += 4;
    }
  }
  for (; l < j.k; ++l) lanes_block<float>(j, l);
}

void dense_lanes_portable(const LanesJob& j) { dense_lanes_t<V4>(j); }

void dense_portable(const float* x, size_t in, const float* w, size_t out, float* y, bool hidden, bool relu) {
  dense_layer_t<V4>(x, in, w, out, y, hidden, relu);
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NEUROEVO_DENSE_WIDE 1
__attribute__((target("avx2"))) void dense_avx2(const float* x, size_t in, const float* w, size_t out, float* y,
                                                bool hidden, bool relu) {
  dense_layer_t<V8>(x, in, w, out, y, hidden, relu);
}
__attribute__((target("avx512f"))) void dense_avx512(const float* x, size_t in, const float* w, size_t out, float* y,
                                                     bool hidden, bool relu) {
  dense_layer_t<V16>(x, in, w, out, y, hidden, relu);
}
__attribute__((target("avx2"))) void dense_lanes_avx2(const LanesJob& j) { dense_lanes_t<V8>(j); }
__attribute__((target("avx512f"))) void dense_lanes_avx512(const LanesJob& j) { dense_lanes_t<V16>(j); }
#endif

}  // namespace

std::vector<DenseIsa> available_dense_isas() {
  std::vector<DenseIsa> v{DenseIsa::Portable};
#ifdef NEUROEVO_DENSE_WIDE
  if (__builtin_cpu_supports("avx2")) v.push_back(DenseIsa::Avx2);
  if (__builtin_cpu_supports("avx512f")) v.push_back(DenseIsa::Avx512);
#endif
  return v;
}

DenseIsa best_dense_isa() {
  // The widest version, or the one NEUROEVO_ISA names (core/simd_isa.hpp); the enums list the same sets.
  switch (best_simd_isa()) {
    case SimdIsa::Avx2: return DenseIsa::Avx2;
    case SimdIsa::Avx512: return DenseIsa::Avx512;
    default: return DenseIsa::Portable;
  }
}

const char* dense_isa_name(DenseIsa isa) {
  switch (isa) {
    case DenseIsa::Avx2: return "avx2";
    case DenseIsa::Avx512: return "avx512";
    default: return "portable";
  }
}

void dense_layer(DenseIsa isa, const float* x, size_t in, const float* w, size_t out, float* y, bool hidden, bool relu) {
  switch (isa) {
#ifdef NEUROEVO_DENSE_WIDE
    case DenseIsa::Avx2:
      if (__builtin_cpu_supports("avx2")) return dense_avx2(x, in, w, out, y, hidden, relu);
      break;
    case DenseIsa::Avx512:
      if (__builtin_cpu_supports("avx512f")) return dense_avx512(x, in, w, out, y, hidden, relu);
      break;
#endif
    case DenseIsa::Portable: return dense_portable(x, in, w, out, y, hidden, relu);
    default: break;
  }
  throw std::invalid_argument(std::string("dense_layer: this CPU cannot run the ") + dense_isa_name(isa) + " version");
}

void dense_lanes(DenseIsa isa, const float* x, size_t in, const float* w, size_t out, size_t k, float* y, bool hidden,
                 bool relu) {
  const LanesJob j{x, in, w, out, k, y, hidden, relu};
  switch (isa) {
#ifdef NEUROEVO_DENSE_WIDE
    case DenseIsa::Avx2:
      if (__builtin_cpu_supports("avx2")) return dense_lanes_avx2(j);
      break;
    case DenseIsa::Avx512:
      if (__builtin_cpu_supports("avx512f")) return dense_lanes_avx512(j);
      break;
#endif
    case DenseIsa::Portable: return dense_lanes_portable(j);
    default: break;
  }
  throw std::invalid_argument(std::string("dense_lanes: this CPU cannot run the ") + dense_isa_name(isa) + " version");
}

}  // namespace neuroevo
