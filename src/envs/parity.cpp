// XOR and n-bit parity as an environment (include/neuroevo/envs/neat_tasks.hpp). The fitness is the one
// of Stanley & Miikkulainen 2002, section 4.2: (4 - sum of |error| over the four patterns)^2 for XOR,
// squared "to give proportionally more fitness the closer a network is to a solution".
#include <cmath>
#include <string>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/number_text.hpp"
#include "neuroevo/envs/neat_tasks.hpp"

namespace neuroevo {

namespace {

class Parity final : public Env {
 public:
  explicit Parity(int bits)
      : name_(bits == 2 ? "xor" : "parity-" + std::to_string(bits)), bits_(bits), patterns_(1 << bits),
        obs_(Space::box(std::vector<double>(static_cast<size_t>(bits), 0.0), std::vector<double>(static_cast<size_t>(bits), 1.0))),
        act_(Space::box({0.0}, {1.0})), outputs_(static_cast<size_t>(patterns_), 0.0) {}

  const Space& observation_space() const override { return obs_; }
  const Space& action_space() const override { return act_; }
  int max_episode_steps() const override { return patterns_; }
  size_t state_dim() const override { return 2; }

  void reset(uint64_t, std::span<float> obs) override {
    t_ = 0;
    error_ = 0.0;
    std::fill(outputs_.begin(), outputs_.end(), 0.0);
    observe(obs);
  }

  void set_state(std::span<const double> s, std::span<float> obs) override {
    if (s.size() != 2) throw UsageError(name_ + " state is [step, error so far], got " + std::to_string(s.size()) + " values");
    if (!(s[0] >= 0 && s[0] < patterns_) || s[0] != std::floor(s[0]))
      throw UsageError(name_ + " state: step must be an integer in [0, " + std::to_string(patterns_ - 1) + "]");
    if (!(s[1] >= 0 && s[1] <= patterns_)) throw UsageError(name_ + " state: error must be in [0, " + std::to_string(patterns_) + "]");
    t_ = static_cast<int>(s[0]);
    error_ = s[1];
    observe(obs);
  }

  StepResult step(std::span<const float> action, std::span<float> obs) override {
    if (action.size() != 1)
      throw UsageError(name_ + ": action has " + std::to_string(action.size()) + " values, expected 1");
    if (t_ >= patterns_) throw UsageError(name_ + ": step after the episode ended (reset first)");
    const double y = action[0];
    error_ += std::abs(target(t_) - y);
    outputs_[static_cast<size_t>(t_)] = y;
    ++t_;
    StepResult r;
    if (t_ == patterns_) {
      r.terminated = true;
      const double score = patterns_ - error_;
      r.reward = score * score;
    }
    observe(obs);
    return r;
  }

  std::vector<double> behaviour() const override { return outputs_; }

 private:
  double target(int p) const { return static_cast<double>(__builtin_popcount(static_cast<unsigned>(p)) & 1); }
  void observe(std::span<float> obs) const {
    const int p = t_ < patterns_ ? t_ : patterns_ - 1;
    for (int k = 0; k < bits_; ++k) obs[static_cast<size_t>(k)] = static_cast<float>((p >> (bits_ - 1 - k)) & 1);
  }

  std::string name_;
  int bits_, patterns_;
  Space obs_, act_;
  int t_ = 0;
  double error_ = 0.0;
  std::vector<double> outputs_;
};

}  // namespace

std::unique_ptr<Env> make_parity(int bits) { return std::make_unique<Parity>(bits); }

std::unique_ptr<Env> make_parity_by_name(const std::string& name) {
  const std::string prefix = "parity-";
  if (name.rfind(prefix, 0) != 0) return nullptr;
  const auto n = parse_integer(name.substr(prefix.size()), 2, 10);
  if (!n) throw UsageError("environment '" + name + "': expected parity-N with N an integer in [2, 10]");
  return make_parity(static_cast<int>(*n));
}

}  // namespace neuroevo
