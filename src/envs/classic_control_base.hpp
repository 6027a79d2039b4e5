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
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/batch_env.hpp"
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
    return step_as(*this, action[0], obs);
  }

  // One step of a concrete environment E (final, deriving from this class) with its dynamics called
  // directly, not through the vtable: the batched environment (ClassicBatchEnv below) steps its lanes
  // with exactly the code step() runs, so the two give the same bits.
  template <class E>
  static StepResult step_as(E& env, float a, std::span<float> obs) {
    env.check_action(a);
    constexpr bool direct = !std::is_same_v<E, ClassicControlEnv>;  // the base (step()) goes through the vtable
    StepResult r;
    if constexpr (direct) r = env.E::advance(a); else r = env.advance(a);
    r.truncated = ++env.steps_ >= env.limit_;
    if constexpr (direct) env.E::observe(obs); else env.observe(obs);
    return r;
  }

 protected:
  void check_action(float a) const {
    if (action_space_.is_discrete()) {
      if (!(a >= 0.0f && a < static_cast<float>(action_space_.n) && a == std::floor(a)))
        throw UsageError(name_ + ": action " + number(a) + " is not a valid action index (expected an integer " +
                         "from 0 to " + std::to_string(action_space_.n - 1) + ")");
    } else if (!std::isfinite(a)) {
      throw UsageError(name_ + ": action is not a finite number");
    }
  }

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

// K lanes of a classic-control environment E stepped together. Each lane is a whole E (its state, step
// counter and time limit); step() calls E's dynamics directly through ClassicControlEnv::step_as, the
// code E::step() runs, so every lane gives the scalar environment's bits. The observation of a lane is
// written to a row and scattered into its column of the structure-of-arrays buffer.
template <class E>
class ClassicBatchEnv final : public BatchEnv {
 public:
  explicit ClassicBatchEnv(size_t lanes) : envs_(lanes), row_(envs_.front().observation_space().dim()) {}
  size_t lanes() const override { return envs_.size(); }
  const Space& observation_space() const override { return envs_.front().observation_space(); }
  const Space& action_space() const override { return envs_.front().action_space(); }
  int max_episode_steps() const override { return envs_.front().max_episode_steps(); }
  void reset(size_t lane, uint64_t seed, std::span<float> obs) override {
    const size_t k = envs_.size();
    if (lane >= k || obs.size() != k * row_.size()) throw std::invalid_argument("batched reset: bad lane or buffer");
    envs_[lane].reset(seed, row_);
    for (size_t d = 0; d < row_.size(); ++d) obs[d * k + lane] = row_[d];
  }
  void step(std::span<const float> actions, std::span<const uint8_t> active, std::span<float> obs,
            std::span<double> reward, std::span<uint8_t> flags) override {
    const size_t k = envs_.size(), od = row_.size();
    check_batch(actions.size(), active.size(), obs.size(), reward.size(), flags.size(), k, od);
    for (size_t lane = 0; lane < k; ++lane) {
      reward[lane] = 0.0;
      flags[lane] = 0;
      if (!active[lane]) continue;
      const StepResult r = ClassicControlEnv::step_as(envs_[lane], actions[lane], row_);
      for (size_t d = 0; d < od; ++d) obs[d * k + lane] = row_[d];
      reward[lane] = r.reward;
      flags[lane] = static_cast<uint8_t>((r.terminated ? kLaneTerminated : 0) | (r.truncated ? kLaneTruncated : 0) |
                                         (r.unstable ? kLaneUnstable : 0));
    }
  }

 private:
  std::vector<E> envs_;
  std::vector<float> row_;
};

}  // namespace neuroevo
