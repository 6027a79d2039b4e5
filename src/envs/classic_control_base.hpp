// Shared frame of the classic-control environments (internal to src/envs/).
//
// The base class owns what all five have in common: the spaces, input validation, the seeded reset
// stream and the step counter of the time limit (Gymnasium's TimeLimit wrapper: truncated once the
// counter, started at 0 by reset or set_state, reaches the limit). Each environment file then only
// supplies its initial-state distribution, its dynamics and its observation.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <utility>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"

namespace neuroevo {

class ClassicControlEnv : public Env {
 public:
  const Space& observation_space() const final { return obs_space_; }
  const Space& action_space() const final { return action_space_; }
  int max_episode_steps() const final { return limit_; }
  size_t state_dim() const final { return state_dim_; }

  void reset(uint64_t seed, std::span<float> obs) final {
    check_size("observation buffer", obs.size(), obs_space_.dim());
    Stream rng(seed);  // the caller already derived the seed; components are drawn in state order
    draw_initial_state(rng);
    steps_ = 0;
    observe(obs);
  }

  void set_state(std::span<const double> state, std::span<float> obs) final {
    check_size("state", state.size(), state_dim_);
    check_size("observation buffer", obs.size(), obs_space_.dim());
    for (size_t i = 0; i < state.size(); ++i)
      if (!std::isfinite(state[i]))
        throw UsageError(name_ + ": state component " + std::to_string(i) + " is not a finite number");
    assign_state(state);
    steps_ = 0;
    observe(obs);
  }

  StepResult step(std::span<const float> action, std::span<float> obs) final {
    check_size("action", action.size(), 1);  // a discrete index or a single continuous value
    check_size("observation buffer", obs.size(), obs_space_.dim());
    const float a = action[0];
    if (action_space_.is_discrete()) {
      if (!(a >= 0.0f && a < static_cast<float>(action_space_.n) && a == std::floor(a)))
        throw UsageError(name_ + ": action " + number(a) + " is not a valid action index (expected an integer " +
                         "from 0 to " + std::to_string(action_space_.n - 1) + ")");
    } else if (!std::isfinite(a)) {
      throw UsageError(name_ + ": action is not a finite number");
    }
    StepResult r = advance(a);
    r.truncated = ++steps_ >= limit_;
    observe(obs);
    return r;
  }

 protected:
  ClassicControlEnv(std::string name, Space obs, Space action, int limit, size_t state_dim)
      : name_(std::move(name)),
        obs_space_(std::move(obs)),
        action_space_(std::move(action)),
        limit_(limit),
        state_dim_(state_dim) {}

  virtual void draw_initial_state(Stream& rng) = 0;
  virtual void assign_state(std::span<const double> state) = 0;  // size and finiteness already checked
  // One step of the dynamics. `action` is validated: an integer index in [0, n) for discrete spaces.
  // Sets reward and terminated; the base sets truncated.
  virtual StepResult advance(float action) = 0;
  virtual void observe(std::span<float> obs) const = 0;  // obs has the observation dimension

 private:
  void check_size(const char* what, size_t got, size_t want) const {
    if (got != want)
      throw UsageError(name_ + ": " + what + " has " + std::to_string(got) + " values, expected " +
                       std::to_string(want));
  }

  static std::string number(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
    return buf;
  }

  std::string name_;
  Space obs_space_;
  Space action_space_;
  int limit_;
  size_t state_dim_;
  int steps_ = 0;
};

}  // namespace neuroevo
