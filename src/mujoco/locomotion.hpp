// The planar locomotion tasks of Gymnasium's MuJoCo v4 suite (Swimmer, Hopper, HalfCheetah, Walker2d) as
// one environment with per-task constants (internal to src/mujoco/). They share one formula
// (docs/reference/mujoco.md; Gymnasium's {swimmer,hopper,half_cheetah,walker2d}_v4.py):
//   reward     = healthy_reward (tasks with a health rule; paid on every step, the terminating one
//                included) + forward velocity of qpos[0] - ctrl_cost_weight * |action|^2;
//   terminated = the task has a health rule and the state is not healthy;
//   reset      = qpos0 + uniform(+-pos_noise), qvel + uniform(+-vel_noise) or vel_noise * N(0, 1);
//   observation = qpos[obs_skip:], then qvel (clipped to +-vel_clip when vel_clip > 0).
// Each task's file (swimmer.cpp, hopper.cpp, ...) holds its constants with their sources; Ant and
// Humanoid, whose rewards and observations differ, are classes of their own.
#pragma once
#include <limits>
#include <memory>
#include <optional>
#include <string_view>

#include "mj_env.hpp"

namespace neuroevo {

// Healthy iff z_low < qpos[1] < z_high, angle_low < qpos[2] < angle_high and, when state_bound > 0,
// every entry of concat(qpos, qvel)[2:] lies in (-state_bound, state_bound).
struct HealthRule {
  double reward;  // healthy_reward
  double z_low, z_high, angle_low, angle_high;
  double state_bound;
};

struct LocomotionSpec {
  std::string_view name, mjcf;  // the Gymnasium id and the model's MJCF text
  int frame_skip;
  size_t obs_dim;
  double pos_noise;
  MjEnv::VelocityNoise vel_noise_kind;
  double vel_noise;
  double ctrl_cost_weight;
  std::optional<HealthRule> health;  // none: no healthy reward and no termination
  int obs_skip;
  double vel_clip;
};

std::unique_ptr<MjEnv> make_locomotion(const LocomotionSpec& spec);

inline constexpr double kNoBound = std::numeric_limits<double>::infinity();

// The tasks' constants, one per file.
extern const LocomotionSpec kSwimmerV4, kHopperV4, kHalfCheetahV4, kWalker2dV4;

}  // namespace neuroevo
