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
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/kernels.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

enum class Activation { Tanh, Relu };

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
    write_action(action_, x, action);
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
