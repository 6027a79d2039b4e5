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
#include <sstream>
#include <stdexcept>
#include <string>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/dense.hpp"
#include "neuroevo/nn/kernels.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

enum class Activation { Tanh, Relu };

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

  // Lockstep: act() lane by lane without the virtual call; a policy without hidden layers (the linear
  // policy of CartPole's figures) sums its few outputs in registers, in act()'s order per output
  // ((b + x_0 w_0) + x_1 w_1) + ..., so each lane has act()'s bits.
  void act_lanes(std::span<const std::span<const float>> params, std::span<const float> obs, std::span<float> actions,
                 std::span<PolicyScratch> scratch, std::span<const uint8_t> active) const override {
    const size_t k = params.size();
    if (scratch.size() != k || active.size() != k || k == 0 || obs.size() != k * sizes_.front() ||
        actions.size() % k != 0)
      throw std::invalid_argument("MlpPolicy::act_lanes: buffers do not match " + std::to_string(k) + " lanes");
    if (sizes_.size() == 2) {
      switch (sizes_.back()) {
        case 1: return linear_lanes<1>(params, obs, actions, active);
        case 2: return linear_lanes<2>(params, obs, actions, active);
        case 3: return linear_lanes<3>(params, obs, actions, active);
        case 4: return linear_lanes<4>(params, obs, actions, active);
        default: break;
      }
    }
    const size_t in = sizes_.front(), ad = actions.size() / k;
    for (size_t lane = 0; lane < k; ++lane)
      if (active[lane])
        MlpPolicy::act(params[lane], obs.subspan(lane * in, in), actions.subspan(lane * ad, ad), scratch[lane]);
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
  template <size_t N>
  void linear_lanes(std::span<const std::span<const float>> params, std::span<const float> obs,
                    std::span<float> actions, std::span<const uint8_t> active) const {
    const size_t k = params.size(), in = sizes_.front(), ad = actions.size() / k;
    const bool discrete = action_.is_discrete();
    const float* x = obs.data();
    float* a = actions.data();
    for (size_t lane = 0; lane < k; ++lane, x += in, a += ad) {
      if (!active[lane]) continue;
      const float* __restrict w = params[lane].data();
      float y[N];
      for (size_t o = 0; o < N; ++o) y[o] = w[in * N + o];
      for (size_t i = 0; i < in; ++i) {
        const float xi = x[i];
        for (size_t o = 0; o < N; ++o) y[o] += xi * w[i * N + o];
      }
      if (discrete) {
        size_t best = 0;  // std::max_element's choice (write_action): the first of the largest
        for (size_t o = 1; o < N; ++o)
          if (y[best] < y[o]) best = o;
        a[0] = static_cast<float>(best);
      } else {
        write_action(action_, y, std::span<float>(a, ad));
      }
    }
  }

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
