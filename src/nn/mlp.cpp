// Multi-layer perceptron policy.
//
// Parameter layout (one flat float32 vector), layer by layer from the input:
//   W_l as [in_l][out_l] (input-major: the weights leaving input i are contiguous), then b_l[out_l].
// Input-major weights let the forward pass accumulate y += x_i * W_l[i][:] over contiguous outputs,
// which vectorises without reassociating sums (results stay bit-identical across builds of one binary).
// Every output is computed as ((b + x_0 w_0) + x_1 w_1) + ... in input order, whatever the blocking.
// Hidden activations: tanh (a clamped rational approximation in float arithmetic, see tanh_approx) or relu.
// The layer kernels (nn/dense.hpp) come in 4-, 8- and 16-wide versions with the same bits; the widest the
// CPU supports runs.
// Output head: discrete -> argmax (lowest index wins ties); continuous -> tanh squashed and scaled to
// the action bounds: a = low + (tanh(y) + 1) / 2 * (high - low).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <string>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/lane_mask.hpp"
#include "neuroevo/nn/dense.hpp"
#include "neuroevo/nn/kernels.hpp"
#include "neuroevo/nn/policies.hpp"

// The lane kernels pass vectors by value only between always-inlined functions (no call boundary).
#pragma GCC diagnostic ignored "-Wpsabi"

namespace neuroevo {

namespace {

enum class Activation { Tanh, Relu };

// ----- the linear policy over lockstep lanes (MlpPolicy::act_lanes) ---------------------------------

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NEUROEVO_MLP_WIDE 1
#endif

constexpr size_t kMaxLinearOutputs = 8;  // wider linear heads run lane by lane
constexpr size_t kMinDeepLanes = 4;      // networks with hidden layers: lanes-as-vector from 4 lanes

// K lanes of an in -> n linear layer with the lanes as the vector dimension: x[i * K + lane] the inputs,
// w[p * K + lane] the parameters (weights input-major, then the biases, as in act()), y[o * K + lane]
// the outputs or, when `argmax`, y[lane] the index of the first largest output (write_action's choice).
struct LinearLanes {
  const float* x;
  const float* w;
  float* y;
  size_t k, in, n;
  bool argmax;
};

template <class T>
[[gnu::always_inline]] inline T load_lanes(const float* p) {
  if constexpr (sizeof(T) == sizeof(float)) {
    return *p;
  } else {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
}
template <class T>
[[gnu::always_inline]] inline void store_lanes(float* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

// Lanes [l, l + width of T) (T: float, one lane, or a vector of lanes): act()'s sums, in its order.
template <class T, size_t N>
[[gnu::always_inline]] inline void linear_block(const LinearLanes& j, size_t l) {
  const size_t k = j.k;
  const float* w = j.w + l;
  T y[N];
  for (size_t o = 0; o < N; ++o) y[o] = load_lanes<T>(w + (j.in * N + o) * k);
  for (size_t i = 0; i < j.in; ++i) {
    const T xi = load_lanes<T>(j.x + i * k + l);
    for (size_t o = 0; o < N; ++o) y[o] += xi * load_lanes<T>(w + (i * N + o) * k);
  }
  if (j.argmax) {
    // std::max_element: the first of the largest (a later output wins only if strictly larger).
    T best = y[0], index = T{} + 0.0f;
    for (size_t o = 1; o < N; ++o) {
      const auto larger = best < y[o];
      best = larger ? y[o] : best;
      index = larger ? T{} + static_cast<float>(o) : index;
    }
    store_lanes(j.y + l, index);
  } else {
    for (size_t o = 0; o < N; ++o) store_lanes(j.y + o * k + l, y[o]);
  }
}

template <class VT, size_t N>
[[gnu::always_inline]] inline void linear_lanes_n(const LinearLanes& j) {
  constexpr size_t W = sizeof(VT) / sizeof(float);
  size_t l = 0;
  for (; l + W <= j.k; l += W) linear_block<VT, N>(j, l);
  for (; l < j.k; ++l) linear_block<float, N>(j, l);
}

template <class VT>
[[gnu::always_inline]] inline void linear_lanes_t(const LinearLanes& j) {
  switch (j.n) {
    case 1: return linear_lanes_n<VT, 1>(j);
    case 2: return linear_lanes_n<VT, 2>(j);
    case 3: return linear_lanes_n<VT, 3>(j);
    case 4: return linear_lanes_n<VT, 4>(j);
    case 5: return linear_lanes_n<VT, 5>(j);
    case 6: return linear_lanes_n<VT, 6>(j);
    case 7: return linear_lanes_n<VT, 7>(j);
    default: return linear_lanes_n<VT, 8>(j);
  }
}

void linear_lanes_portable(const LinearLanes& j) { linear_lanes_t<V4>(j); }
#ifdef NEUROEVO_MLP_WIDE
using V8f = float __attribute__((vector_size(32)));
using V16f = float __attribute__((vector_size(64)));
__attribute__((target("avx2"))) void linear_lanes_avx2(const LinearLanes& j) { linear_lanes_t<V8f>(j); }
__attribute__((target("avx512f"))) void linear_lanes_avx512(const LinearLanes& j) { linear_lanes_t<V16f>(j); }
#endif


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
      dense_layer(isa_, x, in, w, out, y, l + 1 < layers, act_ == Activation::Relu);
      w += in * out + out;
      x = y;
    }
    write_action(action_, x, action);
  }

  // Lockstep. A policy without hidden layers (the "linear" policies) runs with the lanes as the SIMD
  // dimension: each lane's weights are gathered once per episode into columns (packed[p * K + lane] for
  // parameter p), and every output is summed in act()'s order ((b + x_0 w_0) + x_1 w_1) + ..., lane by
  // lane, so each lane has act()'s bits. Networks with hidden layers run every layer through dense_lanes
  // (deep_lanes) on the same packed columns from 4 lanes on; with fewer, act() lane by lane (the default).
  void act_lanes(std::span<const std::span<const float>> params, std::span<const float> obs, std::span<float> actions,
                 PolicyLanes& lanes, std::span<const uint8_t> active) const override {
    const size_t k = params.size();
    if (lanes.scratch.size() != k || lanes.fresh.size() != k || active.size() != k || k == 0 ||
        obs.size() != k * sizes_.front() || actions.size() != k * action_dim())
      throw std::invalid_argument("MlpPolicy::act_lanes: buffers do not match " + std::to_string(k) + " lanes");
    const bool linear = sizes_.size() == 2 && sizes_.back() <= kMaxLinearOutputs;
    // Fewer than 4 lanes fill no vector: act() lane by lane (its kernel vectorises over the outputs).
    if (!linear && (sizes_.size() == 2 || k < kMinDeepLanes)) return Policy::act_lanes(params, obs, actions, lanes, active);
    if (lanes.any_fresh) {
      lanes.packed.resize(num_params_ * k);
      for_each_flagged_lane(lanes.fresh.data(), k, [&](size_t lane) {
        const float* w = params[lane].data();
        if (linear) {
          for (size_t p = 0; p < num_params_; ++p) lanes.packed[p * k + lane] = w[p];
        } else {
          pack_deep_lane(w, k, lane, lanes.packed.data());
        }
        lanes.fresh[lane] = 0;
      });
      lanes.any_fresh = false;
    }
    if (!linear) return deep_lanes(obs, actions, lanes, active);
    const bool discrete = action_.is_discrete();
    if (!discrete) lanes.out.resize(sizes_.back() * k);
    float* y = discrete ? actions.data() : lanes.out.data();
    const LinearLanes job{obs.data(), lanes.packed.data(), y, k, sizes_.front(), sizes_.back(), discrete};
    switch (isa_) {
#ifdef NEUROEVO_MLP_WIDE
      case DenseIsa::Avx512: linear_lanes_avx512(job); break;
      case DenseIsa::Avx2: linear_lanes_avx2(job); break;
#endif
      default: linear_lanes_portable(job); break;
    }
    if (!discrete) {
      // The continuous head (write_action: tanh in double) lane by lane, from the outputs' columns.
      const size_t n = sizes_.back();
      lanes.rows.resize(n);
      for (size_t lane = 0; lane < k; ++lane) {
        if (!active[lane]) continue;
        for (size_t o = 0; o < n; ++o) lanes.rows[o] = y[o * k + lane];
        float a[kMaxLinearOutputs];
        write_action(action_, lanes.rows.data(), std::span<float>(a, n));
        for (size_t o = 0; o < n; ++o) actions[o * k + lane] = a[o];
      }
    }
  }

  // Hidden layers over the lanes. The K lanes form groups of dense_lanes_group lanes; a group's
  // parameters are packed together (from lane l0 of the group on: packed[l0 * P ...]) in the order
  // dense_lanes reads them, layer after layer.
  void pack_deep_lane(const float* w, size_t k, size_t lane, float* packed) const {
    size_t l0 = 0, width = dense_lanes_group(isa_, k);
    while (lane >= l0 + width) {
      l0 += width;
      width = dense_lanes_group(isa_, k - l0);
    }
    float* g = packed + l0 * num_params_ + (lane - l0);
    switch (width) {
      case 16: return pack_lane_t<16>(w, g);
      case 8: return pack_lane_t<8>(w, g);
      case 4: return pack_lane_t<4>(w, g);
      default: return pack_lane_t<1>(w, g);
    }
  }
  // One lane's parameters into its group's columns (stride W), tile by tile in dense_lanes' read order
  // (dense_lanes_param_index): the tile's biases, then for each input the weights of the tile's outputs.
  template <size_t W>
  void pack_lane_t(const float* w, float* g) const {
    for (size_t l = 0; l + 1 < sizes_.size(); ++l) {
      const size_t in = sizes_[l], out = sizes_[l + 1];
      const float* bias = w + in * out;
      for (size_t tile = 0; tile < out; tile += kDenseLanesTile) {
        const size_t nt = std::min(kDenseLanesTile, out - tile);
        float* d = g + tile * (in + 1) * W;
        if (nt == kDenseLanesTile) {
          for (size_t t = 0; t < kDenseLanesTile; ++t) d[t * W] = bias[tile + t];
          for (size_t i = 0; i < in; ++i) {
            float* di = d + (i + 1) * kDenseLanesTile * W;
            const float* src = w + i * out + tile;
            for (size_t t = 0; t < kDenseLanesTile; ++t) di[t * W] = src[t];
          }
        } else {
          for (size_t t = 0; t < nt; ++t) d[t * W] = bias[tile + t];
          for (size_t i = 0; i < in; ++i)
            for (size_t t = 0; t < nt; ++t) d[((i + 1) * nt + t) * W] = w[i * out + tile + t];
        }
      }
      w += in * out + out;
      g += (in * out + out) * W;
    }
  }

  // Every layer through dense_lanes (each lane summed in act()'s order), group by group, ping-ponging
  // between `rows` and `out`; then the head lane by lane (write_action, as act()).
  void deep_lanes(std::span<const float> obs, std::span<float> actions, PolicyLanes& lanes,
                  std::span<const uint8_t> active) const {
    const size_t k = active.size(), layers = sizes_.size() - 1;
    lanes.rows.resize(widest_ * k);
    lanes.out.resize(widest_ * k);
    const float* last = nullptr;
    for (size_t l0 = 0; l0 < k;) {
      const size_t width = dense_lanes_group(isa_, k - l0);
      const float* x = obs.data() + l0;
      float* const buffers[2] = {lanes.rows.data() + l0, lanes.out.data() + l0};
      const float* w = lanes.packed.data() + l0 * num_params_;
      for (size_t l = 0; l < layers; ++l) {
        const size_t in = sizes_[l], out = sizes_[l + 1];
        float* y = buffers[l & 1];
        dense_lanes(isa_, x, k, in, w, out, width, y, l + 1 < layers, act_ == Activation::Relu);
        w += (in * out + out) * width;
        x = y;
      }
      last = x - l0;
      l0 += width;
    }
    const size_t n = sizes_.back(), dim = action_dim();
    for (size_t lane = 0; lane < k; ++lane) {
      if (!active[lane]) continue;
      PolicyScratch& s = lanes.scratch[lane];
      if (s.a.size() < n + dim) s.a.resize(n + dim);
      float* row = s.a.data();
      for (size_t o = 0; o < n; ++o) row[o] = last[o * k + lane];
      write_action(action_, row, std::span<float>(row + n, dim));
      for (size_t d = 0; d < dim; ++d) actions[d * k + lane] = row[n + d];
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
  size_t action_dim() const { return action_.is_discrete() ? 1 : action_.dim(); }

  std::vector<size_t> sizes_;
  Activation act_;
  Space action_;
  size_t num_params_ = 0;
  size_t widest_ = 0;
  DenseIsa isa_ = best_dense_isa();  // the widest kernel version the CPU runs: the same bits as the others
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
