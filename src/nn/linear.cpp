// Linear policy, as in Augmented Random Search (Mania, Guy & Recht 2018): a = W x (+ b), W of shape
// [action][observation], zero-initialised (ARS starts from M = 0), continuous actions clipped to the
// action bounds unless policy.clip_actions = false. The standard small policy of the random-search and
// ES literature on MuJoCo tasks; combine it with policy.obs_norm = true for ARS V2-style observation
// normalisation.
//
// Parameter layout: W row by row (the weights of action k are contiguous), then b[action] if bias.
// Each output is summed in observation order: bit-identical for any thread count.
//
// clip_actions = false passes W x unclipped, as the ARS authors' LinearPolicy does (modestyachts/ARS
// code/policies.py: act returns the product): a MuJoCo task then clamps the control to the actuators'
// ctrlrange, while its control cost, as in Gym/Gymnasium, is computed on the action as given, so
// actions beyond the bounds are penalised instead of saturating for free.
#include <algorithm>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

class LinearPolicy final : public Policy {
 public:
  LinearPolicy(size_t in, bool bias, bool clip, Space action)
      : in_(in), bias_(bias), clip_(clip), action_(std::move(action)) {}

  size_t num_params() const override { return action_.dim() * in_ + (bias_ ? action_.dim() : 0); }

  void init_params(uint64_t, std::span<float> params) const override { std::fill(params.begin(), params.end(), 0.0f); }

  void act(std::span<const float> p, std::span<const float> obs, std::span<float> action, PolicyScratch&) const override {
    const size_t out = action_.dim();
    for (size_t k = 0; k < out; ++k) {
      const float* w = p.data() + k * in_;
      float y = bias_ ? p[out * in_ + k] : 0.0f;
      for (size_t i = 0; i < in_; ++i) y += w[i] * obs[i];
      action[k] = clip_ ? static_cast<float>(std::clamp<double>(y, action_.low[k], action_.high[k])) : y;  // NaN stays NaN
    }
  }

  double flops_per_act() const override { return 2.0 * static_cast<double>(in_ * action_.dim()); }

  std::string describe() const override {
    std::ostringstream os;
    os << "linear " << in_ << "-" << action_.dim() << (bias_ ? " with bias" : "") << (clip_ ? "" : ", unclipped") << " (" << num_params() << " params)";
    return os.str();
  }

 private:
  size_t in_;
  bool bias_;
  bool clip_;
  Space action_;
};

}  // namespace

std::unique_ptr<const Policy> make_linear_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  const bool bias = cfg.get_bool("bias", false);
  // Read only when given, so the default is not written into the policy table (and champion files) of
  // configs that do not set it: their champion.bin stays byte-identical.
  const bool clip = cfg.has("clip_actions") ? cfg.get_bool("clip_actions", true) : true;
  if (obs.is_discrete()) throw UsageError("policy 'linear' needs a vector observation space");
  if (action.is_discrete()) throw UsageError("policy 'linear' needs continuous actions (a Box action space)");
  return std::make_unique<LinearPolicy>(obs.dim(), bias, clip, action);
}

}  // namespace neuroevo
