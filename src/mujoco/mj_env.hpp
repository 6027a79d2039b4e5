// Shared frame of the MuJoCo environments (internal to src/mujoco/).
//
// The model (mjModel) is loaded once per environment type from MJCF text held in the env's source file
// and shared read-only by every instance and thread; each instance owns its mjData. The base class does
// what all MuJoCo tasks have in common: input checks, seeded resets (qpos0 plus the env's noise),
// set_state (qpos then qvel), frame skipping, the 1000-step time limit, and detecting physics failures
// (MuJoCo's warning counters, non-finite state) which end the episode with a penalty instead of a crash.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/mujoco/model.hpp"

namespace neuroevo {

// Compiles MJCF text (through a MuJoCo virtual file system, so no files are read) once per `key` and
// returns the shared model. Thread-safe. A model that fails to compile is a bug: throws std::logic_error.
std::shared_ptr<const mjModel> load_mjcf(const std::string& key, const std::function<std::string()>& xml);

// Reward of the step on which the simulation failed (and the episode ends): below the return of any
// stable 1000-step episode of a sensible policy, so unstable candidates rank low without dominating.
inline constexpr double kUnstablePenalty = -1000.0;

class MjEnv : public Env {
 public:
  const Space& observation_space() const final { return obs_space_; }
  const Space& action_space() const final { return action_space_; }
  int max_episode_steps() const final { return limit_; }
  size_t state_dim() const final { return static_cast<size_t>(model_->nq + model_->nv); }

  void reset(uint64_t seed, std::span<float> obs) final;
  void set_state(std::span<const double> state, std::span<float> obs) final;
  StepResult step(std::span<const float> action, std::span<float> obs) final;

  MujocoModel model_info() const { return {model_, frame_skip_}; }

  // The velocity part of the reset noise of most v4 tasks (add_v4_noise).
  enum class VelocityNoise { Uniform, Normal };
  const mjData& data() const { return *data_; }

 protected:
  MjEnv(std::string name, std::shared_ptr<const mjModel> model, int frame_skip, size_t obs_dim);

  // Initial state: qpos/qvel hold qpos0 and zeros; add the env's reset noise drawn from `rng`.
  virtual void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const = 0;
  // The coordinate whose velocity is rewarded (root x, torso x or centre-of-mass x), read from data().
  virtual double progress() const = 0;
  // Reward and termination of a stable step; `velocity` = (progress after - before) / dt.
  virtual StepResult reward(std::span<const double> action, double velocity) const = 0;
  virtual void observe(std::span<float> obs) const = 0;

  double ctrl_cost(std::span<const double> action, double weight) const;
  // The reset noise of most v4 tasks, qpos first: every qpos entry plus uniform(-pos_scale, pos_scale),
  // then every qvel entry plus uniform(-vel_scale, vel_scale) or vel_scale * N(0, 1).
  static void add_v4_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel, double pos_scale,
                           VelocityNoise kind, double vel_scale);
  // The observation of most v4 tasks: qpos without its first `skip` entries (the root coordinates the
  // task excludes), then qvel, clipped to +-vel_clip when vel_clip > 0. Returns the next position.
  size_t observe_qpos_qvel(std::span<float> obs, int skip, double vel_clip = 0.0) const;
  double dt() const { return model_->opt.timestep * frame_skip_; }

  std::string name_;
  std::shared_ptr<const mjModel> model_;
  MjDataPtr data_;

 private:
  void check_size(const char* what, size_t got, size_t want) const;
  int warnings() const;
  bool state_finite() const;

  int frame_skip_;
  int limit_ = 1000;  // every task of the spec is truncated at 1000 steps
  Space obs_space_, action_space_;
  std::vector<double> action_;  // the action as doubles (costs use the unclipped action, like Gymnasium)
  int steps_ = 0;
};

// The environments of src/mujoco/, one per file; src/mujoco/registry.cpp lists them. Swimmer, Hopper,
// HalfCheetah and Walker2d are one formula with per-task constants (locomotion.hpp).
std::unique_ptr<MjEnv> make_ant();           // Ant-v4
std::unique_ptr<MjEnv> make_humanoid();      // Humanoid-v4
// The NCAP swimmer task with `links` segments (links - 1 actuated joints); throws UsageError unless
// 2 <= links <= 20.
std::unique_ptr<MjEnv> make_ncap_swimmer(int links);
// Parses "ncap_swimmer-N"; returns null when `name` is not of that form. Throws UsageError for a bad N.
std::unique_ptr<MjEnv> make_ncap_swimmer_by_name(const std::string& name);

// Writes values to obs[at...] as floats and returns the next position.
size_t put(std::span<float> obs, size_t at, const double* values, size_t n);
// The same with every value clipped to [-limit, limit].
size_t put_clipped(std::span<float> obs, size_t at, const double* values, size_t n, double limit);

}  // namespace neuroevo
