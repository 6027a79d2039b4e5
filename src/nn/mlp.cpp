// Multi-layer perceptron policy.
//
// Parameter layout (one flat float32 vector), layer by layer from the input:
//   W_l as [in_l][out_l] (input-major: the weights leaving input i are contiguous), then b_l[out_l].
// Input-major weights let the forward pass accumulate y += x_i * W_l[i][:] over contiguous outputs,
// which vectorises without reassociating sums (results stay bit-identical across builds of one binary).
// Every output is computed as ((b + x_0 w_0) + x_1 w_1) + ... in input order, whatever the blocking.
// Hidden activations: tanh (a clamped rational approximation in float arithmetic, see tanh_approx) or relu.
// Output head: discrete -> argmax (lowest index wins ties); continuous -> tanh squashed and scaled to
// the action bounds: a = low + (tanh(y) + 1) / 2 * (high - low).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

enum class Activation { Tanh, Relu };

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

template <class T>
inline T activate(T v, Activation act) {
  if (act == Activation::Tanh) return tanh_approx(v);
  return pick_max(T{}, v);  // relu: v < 0 ? 0 : v, the same as std::max(v, 0.0f), NaN and -0 included
}

// 4 * NV outputs of a dense layer kept in registers while the inputs stream by:
// y[k] = act(bias[k] + x_0 w[0][k] + x_1 w[1][k] + ...), summed in input order. `stride` is the
// layer's output count (the distance between consecutive inputs' weight rows).
template <size_t NV>
inline void dense_block(const float* __restrict x, size_t in, const float* __restrict w, size_t stride,
                        const float* __restrict bias, float* __restrict y, bool hidden, Activation act) {
  V4 acc[NV];
  for (size_t k = 0; k < NV; ++k) acc[k] = load4(bias + 4 * k);
  for (size_t i = 0; i < in; ++i) {
    const V4 xi = {x[i], x[i], x[i], x[i]};
    const float* __restrict row = w + i * stride;
    for (size_t k = 0; k < NV; ++k) acc[k] += xi * load4(row + 4 * k);
  }
  for (size_t k = 0; k < NV; ++k) store4(y + 4 * k, hidden ? activate(acc[k], act) : acc[k]);
}

// The last 1-3 outputs, one scalar sum each (interleaved, so their additions overlap).
template <size_t N>
inline void dense_tail(const float* __restrict x, size_t in, const float* __restrict w, size_t stride,
                       const float* __restrict bias, float* __restrict y, bool hidden, Activation act) {
  float acc[N];
  for (size_t k = 0; k < N; ++k) acc[k] = bias[k];
  for (size_t i = 0; i < in; ++i) {
    const float xi = x[i];
    const float* __restrict row = w + i * stride;
    for (size_t k = 0; k < N; ++k) acc[k] += xi * row[k];
  }
  for (size_t k = 0; k < N; ++k) y[k] = hidden ? activate(acc[k], act) : acc[k];
}

// One layer: blocks of 32 outputs (8 four-wide accumulators: enough independent sums to keep both
// the multiplier and the adder busy), then the remaining multiple of 4 as one block of 1-7
// accumulators, then the last 1-3 outputs.
void dense_layer(const float* x, size_t in, const float* w, size_t out, float* y, bool hidden, Activation act) {
  const float* bias = w + in * out;
  size_t o = 0;
  for (; o + 32 <= out; o += 32) dense_block<8>(x, in, w + o, out, bias + o, y + o, hidden, act);
  const float* wo = w + o;
  switch ((out - o) / 4) {
    case 7: dense_block<7>(x, in, wo, out, bias + o, y + o, hidden, act); break;
    case 6: dense_block<6>(x, in, wo, out, bias + o, y + o, hidden, act); break;
    case 5: dense_block<5>(x, in, wo, out, bias + o, y + o, hidden, act); break;
    case 4: dense_block<4>(x, in, wo, out, bias + o, y + o, hidden, act); break;
    case 3: dense_block<3>(x, in, wo, out, bias + o, y + o, hidden, act); break;
    case 2: dense_block<2>(x, in, wo, out, bias + o, y + o, hidden, act); break;
    case 1: dense_block<1>(x, in, wo, out, bias + o, y + o, hidden, act); break;
    default: break;
  }
  o += (out - o) / 4 * 4;
  switch (out - o) {
    case 3: dense_tail<3>(x, in, w + o, out, bias + o, y + o, hidden, act); break;
    case 2: dense_tail<2>(x, in, w + o, out, bias + o, y + o, hidden, act); break;
    case 1: dense_tail<1>(x, in, w + o, out, bias + o, y + o, hidden, act); break;
    default: break;
  }
}

class MlpPolicy final : public Policy {
 public:
  MlpPolicy(std::vector<size_t> sizes, Activation act, Space action)
      : sizes_(std::move(sizes)), act_(act), action_(std::move(action)) {
    for (size_t l = 0; l + 1 < sizes_.size(); ++l) num_params_ += sizes_[l] * sizes_[l + 1] + sizes_[l + 1];
    widest_ = *std::max_element(sizes_.begin(), sizes_.end());
  }

  size_t num_params() const override { return num_params_; }

  // W ~ N(0, 1/in) (LeCun-style scaling keeps pre-activations O(1) for any width), biases 0.
  void init_params(uint64_t seed, std::span<float> params) const override {
    Stream rng(seed);
    size_t p = 0;
    for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
      const size_t in = sizes_[l], out = sizes_[l + 1];
      const double scale = 1.0 / std::sqrt(static_cast<double>(in));
      for (size_t k = 0; k < in * out; ++k) params[p++] = static_cast<float>(rng.normal() * scale);
      for (size_t k = 0; k < out; ++k) params[p++] = 0.0f;
    }
  }

  void act(std::span<const float> params, std::span<const float> obs, std::span<float> action,
           PolicyScratch& s) const override {
    if (s.a.size() < widest_) {
      s.a.resize(widest_);
      s.b.resize(widest_);
    }
    // The first layer reads the observation in place; later layers ping-pong between the scratch buffers.
    const float* x = obs.data();
    float* const buffers[2] = {s.a.data(), s.b.data()};
    const float* w = params.data();
    const size_t layers = sizes_.size() - 1;
    for (size_t l = 0; l < layers; ++l) {
      const size_t in = sizes_[l], out = sizes_[l + 1];
      float* y = buffers[l & 1];
      dense_layer(x, in, w, out, y, l + 1 < layers, act_);
      w += in * out + out;
      x = y;
    }
    const float* y = x;
    if (action_.is_discrete()) {
      const size_t n = sizes_.back();
      action[0] = static_cast<float>(std::max_element(y, y + n) - y);
    } else {
      for (size_t k = 0; k < action.size(); ++k) {
        const double lo = action_.low[k], hi = action_.high[k];
        action[k] = static_cast<float>(lo + (std::tanh(static_cast<double>(y[k])) + 1.0) * 0.5 * (hi - lo));
      }
    }
  }

  double flops_per_act() const override {
    double f = 0.0;
    for (size_t l = 0; l + 1 < sizes_.size(); ++l) f += 2.0 * sizes_[l] * sizes_[l + 1] + sizes_[l + 1];
    return f;
  }

  std::string describe() const override {
    std::ostringstream os;
    os << "mlp ";
    for (size_t l = 0; l < sizes_.size(); ++l) os << (l ? "-" : "") << sizes_[l];
    os << " (" << (act_ == Activation::Tanh ? "tanh" : "relu") << ", " << num_params_ << " params)";
    return os.str();
  }

 private:
  std::vector<size_t> sizes_;
  Activation act_;
  Space action_;
  size_t num_params_ = 0;
  size_t widest_ = 0;
};

}  // namespace

std::unique_ptr<const Policy> make_mlp_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  const auto hidden = cfg.get_int_list("hidden", {64, 64}, 1, 1 << 20);
  const std::string act = cfg.get_string("activation", "tanh", {"tanh", "relu"});
  if (obs.is_discrete()) throw UsageError("policy 'mlp' needs a vector observation space");
  std::vector<size_t> sizes{obs.dim()};
  for (int64_t h : hidden) sizes.push_back(static_cast<size_t>(h));
  sizes.push_back(action.is_discrete() ? static_cast<size_t>(action.n) : action.dim());
  return std::make_unique<MlpPolicy>(std::move(sizes), act == "tanh" ? Activation::Tanh : Activation::Relu, action);
}

}  // namespace neuroevo
