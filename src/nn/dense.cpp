// Dense-layer kernels of the MLP policy in 4-, 8- and 16-wide versions (see nn/dense.hpp for why they
// give the same bits). The wide versions are the same template compiled for AVX2 or AVX-512F through
// target attributes; the portable build itself stays SSE2.
#include "neuroevo/nn/dense.hpp"

#include <algorithm>
#include <cstring>
#include <string>
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

// ----- one layer over a group of lanes with the lanes as the vector dimension (dense_lanes) ---------
//
// Every lane has its own weights, so a step of K lanes is a batched matrix-vector product: no weight is
// used twice, and the weights of all lanes (18 KB per lane for a 4-64-64-2 network) are streamed from
// L2 at every step. The register block is a tile of kDenseLanesTile outputs x one vector of the group's
// lanes: per input, one load of the lanes' inputs feeds the tile's multiplies, and each weight vector
// (one weight of every lane of the group) feeds one multiply. The tile's sums are independent chains,
// enough to cover the add latency on both add pipes. The weights are packed in exactly the order the
// tiles read them (dense_lanes_param_index), so the kernel streams memory sequentially. Each lane's sum
// is act()'s: bias first, then the inputs in order.

struct LanesJob {
  const float* x;  // x[i * xk + lane]
  size_t xk, in;
  const float* w;  // the group's packed layer (dense_lanes_param_index)
  size_t out;
  float* y;  // y[o * xk + lane]
  bool hidden, relu;
};

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

// Outputs [o, o + NO) of the group; w points at the tile's packed biases, followed by its weights.
template <class VT, size_t NO>
[[gnu::always_inline]] inline void lanes_tile(const LanesJob& j, const float* __restrict w, size_t o) {
  constexpr size_t W = sizeof(VT) / sizeof(float);
  VT acc[NO];
  for (size_t t = 0; t < NO; ++t) acc[t] = lane_load<VT>(w + t * W);
  w += NO * W;
  for (size_t i = 0; i < j.in; ++i, w += NO * W) {
    const VT xi = lane_load<VT>(j.x + i * j.xk);
    for (size_t t = 0; t < NO; ++t) acc[t] += xi * lane_load<VT>(w + t * W);
  }
  for (size_t t = 0; t < NO; ++t)
    lane_store(j.y + (o + t) * j.xk, j.hidden ? lane_activate(acc[t], j.relu) : acc[t]);
}

// The last, narrower tile of a layer: calls f.template operator()<n>() for its n = 1 .. kDenseLanesTile - 1
// outputs (a compile-time count, so the tile's sums stay in registers); nothing for n = 0.
template <class F>
[[gnu::always_inline]] inline void tile_tail(size_t n, F&& f) {
  static_assert(kDenseLanesTile == 8);
  switch (n) {
    case 7: return f.template operator()<7>();
    case 6: return f.template operator()<6>();
    case 5: return f.template operator()<5>();
    case 4: return f.template operator()<4>();
    case 3: return f.template operator()<3>();
    case 2: return f.template operator()<2>();
    case 1: return f.template operator()<1>();
    default: return;
  }
}

template <class VT>
[[gnu::always_inline]] inline void dense_lanes_t(const LanesJob& j) {
  constexpr size_t W = sizeof(VT) / sizeof(float), kTile = kDenseLanesTile;
  const float* w = j.w;
  size_t o = 0;
  for (; o + kTile <= j.out; o += kTile, w += (j.in + 1) * kTile * W) lanes_tile<VT, kTile>(j, w, o);
  tile_tail(j.out - o, [&]<size_t NO>() { lanes_tile<VT, NO>(j, w, o); });
}

// A group of H lanes on vectors of 2H floats (VT = two VH): outputs t and t + 1 side by side in one
// vector, which the packed layout already holds contiguously (a tile's outputs are the fastest index
// after the lanes). Per input, one load puts the lanes' inputs in both halves. Half the loads and
// arithmetic instructions of VH vectors for the same sums; an odd last output takes a VH vector.
template <class VT, class VH, size_t NO>
[[gnu::always_inline]] inline void lanes_tile_pairs(const LanesJob& j, const float* __restrict w, size_t o) {
  constexpr size_t H = sizeof(VH) / sizeof(float), NP = NO / 2;
  constexpr bool odd = NO % 2 == 1;
  VT acc[NP > 0 ? NP : 1];
  VH last{};
#pragma GCC unroll 8
  for (size_t p = 0; p < NP; ++p) acc[p] = vload<VT>(w + p * 2 * H);
  if constexpr (odd) last = vload<VH>(w + (NO - 1) * H);
  w += NO * H;
  for (size_t i = 0; i < j.in; ++i, w += NO * H) {
    const VH xh = vload<VH>(j.x + i * j.xk);
    VT xi;
    if constexpr (H == 8) {
      xi = __builtin_shufflevector(xh, xh, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
    } else {
      xi = __builtin_shufflevector(xh, xh, 0, 1, 2, 3, 0, 1, 2, 3);
    }
#pragma GCC unroll 8
    for (size_t p = 0; p < NP; ++p) acc[p] += xi * vload<VT>(w + p * 2 * H);
    if constexpr (odd) last += xh * vload<VH>(w + (NO - 1) * H);
  }
#pragma GCC unroll 8
  for (size_t p = 0; p < NP; ++p) {
    const VT v = j.hidden ? activate(acc[p], j.relu) : acc[p];
    if constexpr (H == 8) {
      vstore(j.y + (o + 2 * p) * j.xk, __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7));
      vstore(j.y + (o + 2 * p + 1) * j.xk, __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15));
    } else {
      vstore(j.y + (o + 2 * p) * j.xk, __builtin_shufflevector(v, v, 0, 1, 2, 3));
      vstore(j.y + (o + 2 * p + 1) * j.xk, __builtin_shufflevector(v, v, 4, 5, 6, 7));
    }
  }
  if constexpr (odd) vstore(j.y + (o + NO - 1) * j.xk, j.hidden ? activate(last, j.relu) : last);
}

template <class VT, class VH>
[[gnu::always_inline]] inline void dense_lanes_pairs_t(const LanesJob& j) {
  constexpr size_t H = sizeof(VH) / sizeof(float), kTile = kDenseLanesTile;
  const float* w = j.w;
  size_t o = 0;
  for (; o + kTile <= j.out; o += kTile, w += (j.in + 1) * kTile * H) lanes_tile_pairs<VT, VH, kTile>(j, w, o);
  tile_tail(j.out - o, [&]<size_t NO>() { lanes_tile_pairs<VT, VH, NO>(j, w, o); });
}

// A group of `width` lanes (dense_lanes_group) at the ISA's widest vector, or narrower.
template <class VT>
[[gnu::always_inline]] inline void dense_lanes_group_t(const LanesJob& j, size_t width) {
  switch (width) {
    case 1: return dense_lanes_t<float>(j);
    case 4:
      if constexpr (sizeof(VT) >= sizeof(V8)) return dense_lanes_pairs_t<V8, V4>(j);
      return dense_lanes_t<V4>(j);
    case 8:
      if constexpr (sizeof(VT) >= sizeof(V16)) return dense_lanes_pairs_t<V16, V8>(j);
      if constexpr (sizeof(VT) >= sizeof(V8)) return dense_lanes_t<V8>(j);
      break;
    case 16:
      if constexpr (sizeof(VT) >= sizeof(V16)) return dense_lanes_t<V16>(j);
      break;
    default: break;
  }
  throw std::invalid_argument("dense_lanes: no group of " + std::to_string(width) + " lanes in this version");
}

void dense_lanes_portable(const LanesJob& j, size_t width) { dense_lanes_group_t<V4>(j, width); }

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
__attribute__((target("avx2"))) void dense_lanes_avx2(const LanesJob& j, size_t width) {
  dense_lanes_group_t<V8>(j, width);
}
__attribute__((target("avx512f"))) void dense_lanes_avx512(const LanesJob& j, size_t width) {
  dense_lanes_group_t<V16>(j, width);
}
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

size_t dense_lanes_group(DenseIsa isa, size_t lanes) {
  const size_t widest = isa == DenseIsa::Avx512 ? 16 : isa == DenseIsa::Avx2 ? 8 : 4;
  for (size_t w = widest; w >= 4; w /= 2)
    if (lanes >= w) return w;
  return 1;
}

size_t dense_lanes_param_index(size_t in, size_t out, size_t width, size_t p) {
  // Tiles of kDenseLanesTile outputs (the last one narrower); within a tile of nt outputs: nt biases,
  // then for each input the nt weights leaving it; each value is `width` lanes wide.
  const bool bias = p >= in * out;
  const size_t i = bias ? 0 : p / out, o = bias ? p - in * out : p % out;
  const size_t tile = o / kDenseLanesTile * kDenseLanesTile, nt = std::min(kDenseLanesTile, out - tile);
  const size_t slot = tile * (in + 1) + (bias ? 0 : (i + 1) * nt) + (o - tile);
  return slot * width;
}

void dense_lanes(DenseIsa isa, const float* x, size_t xk, size_t in, const float* w, size_t out, size_t width, float* y,
                 bool hidden, bool relu) {
  const LanesJob j{x, xk, in, w, out, y, hidden, relu};
  switch (isa) {
#ifdef NEUROEVO_DENSE_WIDE
    case DenseIsa::Avx2:
      if (__builtin_cpu_supports("avx2")) return dense_lanes_avx2(j, width);
      break;
    case DenseIsa::Avx512:
      if (__builtin_cpu_supports("avx512f")) return dense_lanes_avx512(j, width);
      break;
#endif
    case DenseIsa::Portable: return dense_lanes_portable(j, width);
    default: break;
  }
  throw std::invalid_argument(std::string("dense_lanes: this CPU cannot run the ") + dense_isa_name(isa) + " version");
}

}  // namespace neuroevo
