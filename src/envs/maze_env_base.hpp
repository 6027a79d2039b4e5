// Shared frame of the two hard-maze environments (internal to src/envs/): the robot simulation, the
// 400-step trial, the reward, set_state and the behaviour descriptor. Each variant supplies only its
// observation.
//
// Reward: the spec's fitness is 300 - (final distance to the goal). It is paid as a telescoping sum,
// r_t = (300 - d_t) - (300 - d_{t-1}) with the first step paying 300 - d_1, so that the episode return is
// 300 - (distance when the episode stops) however the episode is cut (task.max_steps included), up to
// floating-point rounding of the sum (~1e-13).
#pragma once
#include <algorithm>
#include <cmath>
#include <string>

#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/hard_maze.hpp"

namespace neuroevo::maze {

class MazeEnvBase : public Env {
 public:
  const Space& observation_space() const final { return obs_space_; }
  const Space& action_space() const final { return action_space_; }
  int max_episode_steps() const final { return kTrialSteps; }
  // x, y, heading (degrees), speed, angular velocity (degrees per step).
  size_t state_dim() const final { return 5; }

  void reset(uint64_t /*seed*/, std::span<float> obs) final {  // the maze has a fixed start
    check_size("observation buffer", obs.size(), obs_space_.dim());
    sim_.reset();
    begin_episode(obs);
  }

  void set_state(std::span<const double> s, std::span<float> obs) final {
    check_size("state", s.size(), state_dim());
    check_size("observation buffer", obs.size(), obs_space_.dim());
    for (size_t i = 0; i < s.size(); ++i)
      if (!std::isfinite(s[i]))
        throw UsageError(name_ + ": state component " + std::to_string(i) + " is not a finite number");
    if (std::abs(s[3]) > kMaxSpeed || std::abs(s[4]) > kMaxSpeed)
      throw UsageError(name_ + ": speed and angular velocity must be within +-3");
    double heading = std::fmod(s[2], 360.0);
    if (heading < 0.0) heading += 360.0;
    if (heading >= 360.0) heading = 0.0;
    sim_.set(Robot{{s[0], s[1]}, heading, s[3], s[4]});
    begin_episode(obs);
  }

  StepResult step(std::span<const float> action, std::span<float> obs) final {
    check_size("action", action.size(), 2);
    check_size("observation buffer", obs.size(), obs_space_.dim());
    if (!std::isfinite(action[0]) || !std::isfinite(action[1]))
      throw UsageError(name_ + ": action is not a finite number");
    // Outputs outside [0, 1] are clipped: the original network's sigmoid outputs never leave it.
    const double o1 = std::clamp(static_cast<double>(action[0]), 0.0, 1.0);
    const double o2 = std::clamp(static_cast<double>(action[1]), 0.0, 1.0);
    sim_.step(o1, o2);
    const double score = kFitnessOffset - sim_.goal_distance();
    StepResult r;
    r.reward = score - paid_;
    paid_ = score;
    r.truncated = ++steps_ >= kTrialSteps;
    observe(obs, false);
    return r;
  }

  std::vector<double> behaviour() const final { return {sim_.robot().pos.x, sim_.robot().pos.y}; }

  const MazeSim& sim() const { return sim_; }

 protected:
  MazeEnvBase(std::string name, Space obs)
      : name_(std::move(name)), obs_space_(std::move(obs)), action_space_(Space::box({0.0, 0.0}, {1.0, 1.0})),
        sim_(hard_maze_map()) {}

  // Writes the observation of the current state; `first` marks the first observation of an episode.
  virtual void observe(std::span<float> obs, bool first) = 0;

 private:
  void begin_episode(std::span<float> obs) {
    steps_ = 0;
    paid_ = 0.0;
    observe(obs, true);
  }

  void check_size(const char* what, size_t got, size_t want) const {
    if (got != want)
      throw UsageError(name_ + ": " + what + " has " + std::to_string(got) + " values, expected " +
                       std::to_string(want));
  }

  std::string name_;
  Space obs_space_, action_space_;
  MazeSim sim_;
  int steps_ = 0;
  double paid_ = 0.0;  // reward paid so far this episode = 300 - distance at the previous step
};

}  // namespace neuroevo::maze
