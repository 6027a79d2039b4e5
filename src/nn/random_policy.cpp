// The random policy: uniform over the action space, no parameters. Gives the baseline of any
// environment with `neuroevo eval --env ENV --policy random`.
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

class RandomPolicy final : public Policy {
 public:
  explicit RandomPolicy(Space action) : action_(std::move(action)) {}
  size_t num_params() const override { return 0; }
  void init_params(uint64_t, std::span<float>) const override {}
  void act(std::span<const float>, std::span<const float>, std::span<float> action,
           PolicyScratch& s) const override {
    if (action_.is_discrete()) {
      action[0] = static_cast<float>(s.rng.below(static_cast<uint64_t>(action_.n)));
      return;
    }
    for (size_t k = 0; k < action.size(); ++k)
      action[k] = static_cast<float>(s.rng.uniform(action_.low[k], action_.high[k]));
  }
  double flops_per_act() const override { return 0.0; }
  std::string describe() const override { return "random (uniform over the action space)"; }

 private:
  Space action_;
};

}  // namespace

std::unique_ptr<const Policy> make_random_policy(ConfigSection&, const Space&, const Space& action) {
  return std::make_unique<RandomPolicy>(action);
}

}  // namespace neuroevo
