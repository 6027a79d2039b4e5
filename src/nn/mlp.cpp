// Multi-layer perceptron policy.
//
// Parameter layout (one flat float32 vector), layer by layer from the input:
//   W_l as [in_l][out_l] (input-major: the weights leaving input i are contiguous), then b_l[out_l].
// Input-major weights let the forward pass accumulate y += x_i * W_l[i][:] over contiguous outputs,
// which vectorises without reassociating sums (results stay bit-identical across builds of one binary).
// Output head: discrete -> argmax (lowest index wins ties); continuous -> tanh squashed and scaled to
// the action bounds: a = low + (tanh(y) + 1) / 2 * (high - low).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
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
    std::copy(obs.begin(), obs.end(), s.a.begin());
    const float* w = params.data();
    const size_t layers = sizes_.size() - 1;
    for (size_t l = 0; l < layers; ++l) {
      const size_t in = sizes_[l], out = sizes_[l + 1];
      const float* __restrict x = s.a.data();
      float* __restrict y = s.b.data();
      const float* __restrict bias = w + in * out;
      std::copy(bias, bias + out, y);
      for (size_t i = 0; i < in; ++i) {
        const float xi = x[i];
        const float* __restrict row = w + i * out;
        for (size_t o = 0; o < out; ++o) y[o] += xi * row[o];
      }
      w += in * out + out;
      if (l + 1 < layers) {
        if (act_ == Activation::Tanh)
          for (size_t o = 0; o < out; ++o) y[o] = std::tanh(y[o]);
        else
          for (size_t o = 0; o < out; ++o) y[o] = std::max(y[o], 0.0f);
      }
      std::swap(s.a, s.b);
    }
    const float* y = s.a.data();
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
