// Delayed recall (docs/memory.md): the simplest long-horizon memory task. A cue c in {0, ..., K-1} is drawn
// from the episode seed and shown as a one-hot vector at t = 0 only; the observation is zero afterwards
// until t = T, when a recall flag (the last observation value) turns on. The action at t = T scores
// reward 1 if it equals c, 0 otherwise, and ends the episode; earlier actions are not scored. A policy
// without memory succeeds with probability 1/K; return = success. "delayed_recall" is T = 100, K = 4;
// "delayed_recall-T" and "delayed_recall-T-K" set T (1..100000) and K (2..64).
#include <charconv>
#include <string>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/memory_tasks.hpp"

namespace neuroevo {

namespace {

class DelayedRecall final : public Env {
 public:
  DelayedRecall(int delay, int cues)
      : delay_(delay), cues_(cues),
        obs_(Space::box(std::vector<double>(static_cast<size_t>(cues) + 1, 0.0), std::vector<double>(static_cast<size_t>(cues) + 1, 1.0))),
        act_(Space::discrete(cues)) {}

  const Space& observation_space() const override { return obs_; }
  const Space& action_space() const override { return act_; }
  int max_episode_steps() const override { return delay_ + 1; }
  size_t state_dim() const override { return 2; }

  void reset(uint64_t seed, std::span<float> obs) override {
    Stream rng(seed);
    cue_ = static_cast<int>(rng.below(static_cast<uint64_t>(cues_)));
    t_ = 0;
    observe(obs);
  }

  void set_state(std::span<const double> s, std::span<float> obs) override {
    if (s.size() != 2) throw UsageError("delayed_recall state is [cue, t], got " + std::to_string(s.size()) + " values");
    if (!(s[0] >= 0 && s[0] < cues_) || s[0] != static_cast<int>(s[0]))
      throw UsageError("delayed_recall state: cue must be an integer in [0, " + std::to_string(cues_ - 1) + "]");
    if (!(s[1] >= 0 && s[1] <= delay_) || s[1] != static_cast<int>(s[1]))
      throw UsageError("delayed_recall state: t must be an integer in [0, " + std::to_string(delay_) + "]");
    cue_ = static_cast<int>(s[0]);
    t_ = static_cast<int>(s[1]);
    observe(obs);
  }

  StepResult step(std::span<const float> action, std::span<float> obs) override {
    const int a = discrete_action("delayed_recall", act_, action);
    StepResult r;
    if (t_ >= delay_) {  // the recall step: score the answer and end
      r.reward = a == cue_ ? 1.0 : 0.0;
      r.terminated = true;
      observe(obs);
      return r;
    }
    ++t_;
    observe(obs);
    return r;
  }

 private:
  void observe(std::span<float> obs) const {
    std::fill(obs.begin(), obs.end(), 0.0f);
    if (t_ == 0) obs[static_cast<size_t>(cue_)] = 1.0f;
    if (t_ == delay_) obs[static_cast<size_t>(cues_)] = 1.0f;
  }

  int delay_, cues_;
  Space obs_, act_;
  int cue_ = 0, t_ = 0;
};

int parse_size(const std::string& name, const std::string& part, int lo, int hi) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
  if (ec != std::errc() || ptr != part.data() + part.size() || v < lo || v > hi)
    throw UsageError("environment '" + name + "': '" + part + "' must be an integer in [" + std::to_string(lo) + ", " +
                     std::to_string(hi) + "]");
  return v;
}

}  // namespace

std::unique_ptr<Env> make_delayed_recall(int delay, int cues) { return std::make_unique<DelayedRecall>(delay, cues); }

std::unique_ptr<Env> make_memory_task_by_name(const std::string& name) {
  const std::string dr = "delayed_recall-", tm = "tmaze-";
  if (name.rfind(dr, 0) == 0) {
    const std::string rest = name.substr(dr.size());
    const auto dash = rest.find('-');
    if (dash == std::string::npos) return make_delayed_recall(parse_size(name, rest, 1, 100000), 4);
    return make_delayed_recall(parse_size(name, rest.substr(0, dash), 1, 100000), parse_size(name, rest.substr(dash + 1), 2, 64));
  }
  if (name.rfind(tm, 0) == 0) return make_tmaze(parse_size(name, name.substr(tm.size()), 1, 100000));
  return nullptr;
}

}  // namespace neuroevo
