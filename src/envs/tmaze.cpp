// The T-maze with a cue (Bakker 2002, "Reinforcement learning with long short-term memory", NIPS 14):
// a corridor of cells x = 0..L ending in a T-junction at x = L. The cue (up or down, drawn from the episode
// seed) is visible only at x = 0. Observations are Bakker's 3-bit codes: start cell (0,1,1) for up or
// (1,1,0) for down, corridor (1,0,1), junction (0,1,0). Actions: 0 north, 1 east, 2 south, 3 west.
// Moving east/west walks the corridor; north/south at the junction ends the episode with +4 if it matches
// the cue and -0.1 otherwise (Bakker's rewards); any move into a wall (north/south in the corridor, west at
// x = 0, east at the junction) costs -0.1 and leaves the agent in place. The episode is cut at
// 4 (L + 1) steps (our choice; the optimal path takes L + 1). A memoryless policy averages at most
// 0.5 * 4 + 0.5 * (-0.1) = 1.95; the maximum is 4. "tmaze" is L = 10; "tmaze-L" sets L.
#include <string>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/memory_tasks.hpp"

namespace neuroevo {

namespace {

class TMaze final : public Env {
 public:
  explicit TMaze(int length)
      : length_(length), obs_(Space::box({0, 0, 0}, {1, 1, 1})), act_(Space::discrete(4)) {}

  const Space& observation_space() const override { return obs_; }
  const Space& action_space() const override { return act_; }
  int max_episode_steps() const override { return 4 * (length_ + 1); }
  size_t state_dim() const override { return 2; }

  void reset(uint64_t seed, std::span<float> obs) override {
    Stream rng(seed);
    up_ = rng.below(2) == 0;
    x_ = 0;
    observe(obs);
  }

  void set_state(std::span<const double> s, std::span<float> obs) override {
    if (s.size() != 2) throw UsageError("tmaze state is [cue (1 up, 0 down), x], got " + std::to_string(s.size()) + " values");
    if (s[0] != 0.0 && s[0] != 1.0) throw UsageError("tmaze state: cue must be 1 (up) or 0 (down)");
    if (!(s[1] >= 0 && s[1] <= length_) || s[1] != static_cast<int>(s[1]))
      throw UsageError("tmaze state: x must be an integer in [0, " + std::to_string(length_) + "]");
    up_ = s[0] == 1.0;
    x_ = static_cast<int>(s[1]);
    observe(obs);
  }

  StepResult step(std::span<const float> action, std::span<float> obs) override {
    const int a = discrete_action("tmaze", act_, action);
    StepResult r;
    if (x_ == length_ && (a == 0 || a == 2)) {
      r.reward = ((a == 0) == up_) ? 4.0 : -0.1;
      r.terminated = true;
    } else if (a == 1 && x_ < length_) {
      ++x_;
    } else if (a == 3 && x_ > 0) {
      --x_;
    } else {
      r.reward = -0.1;  // a wall
    }
    observe(obs);
    return r;
  }

 private:
  void observe(std::span<float> o) const {
    if (x_ == 0) {
      o[0] = up_ ? 0.0f : 1.0f, o[1] = 1.0f, o[2] = up_ ? 1.0f : 0.0f;
    } else if (x_ < length_) {
      o[0] = 1.0f, o[1] = 0.0f, o[2] = 1.0f;
    } else {
      o[0] = 0.0f, o[1] = 1.0f, o[2] = 0.0f;
    }
  }

  int length_;
  Space obs_, act_;
  bool up_ = true;
  int x_ = 0;
};

}  // namespace

std::unique_ptr<Env> make_tmaze(int length) { return std::make_unique<TMaze>(length); }

}  // namespace neuroevo
