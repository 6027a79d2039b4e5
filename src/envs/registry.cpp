// The environment registry: names used in configs and on the command line, mapped to factories.
// Adding an environment is one new file under src/envs/ plus one line here.
#include <cmath>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/minatar.hpp"
#ifdef NEUROEVO_WITH_MUJOCO
#include "neuroevo/mujoco/envs.hpp"
#endif
#include "neuroevo/envs/hard_maze.hpp"
#include "neuroevo/envs/memory_tasks.hpp"
#include "neuroevo/envs/neat_tasks.hpp"

namespace neuroevo {

const std::vector<EnvInfo>& env_registry() {
  static const std::vector<EnvInfo> registry = [] {
    std::vector<EnvInfo> r = {
      {"CartPole-v1", "Balance a pole on a cart by pushing it left or right (classic control)", make_cartpole},
      {"Acrobot-v1", "Swing a two-link arm's tip above a line with an elbow torque (classic control)", make_acrobot},
      {"MountainCar-v0", "Rock an underpowered car up to the flag with 3 discrete pushes", make_mountain_car},
      {"MountainCarContinuous-v0", "Mountain car, continuous energy-penalised throttle", make_mountain_car_continuous},
      {"Pendulum-v1", "Swing a torque-limited pendulum up and hold it upright (classic control)", make_pendulum},
      {"minatar/asterix", "MinAtar Asterix: collect gold, dodge enemies crossing 8 lanes (10x10x4, 6 actions)", [] { return make_minatar("asterix"); }},
      {"minatar/breakout", "MinAtar Breakout: bounce the ball into 3 rows of bricks (10x10x4, 6 actions)", [] { return make_minatar("breakout"); }},
      {"minatar/freeway", "MinAtar Freeway: a chicken crosses 8 lanes of traffic, 2500 frames (10x10x7, 6 actions)", [] { return make_minatar("freeway"); }},
      {"minatar/seaquest", "MinAtar Seaquest: shoot enemies, rescue divers, surface for oxygen (10x10x10, 6 actions)", [] { return make_minatar("seaquest"); }},
      {"minatar/space_invaders", "MinAtar Space Invaders: shoot waves of aliens (10x10x6, 6 actions)", [] { return make_minatar("space_invaders"); }},
      {"minatar/asterix-minimal", "minatar/asterix with its minimal action set (noop, left, up, right, down)", [] { return make_minatar("asterix", {.minimal_actions = true}); }},
      {"minatar/breakout-minimal", "minatar/breakout with its minimal action set (noop, left, right)", [] { return make_minatar("breakout", {.minimal_actions = true}); }},
      {"minatar/freeway-minimal", "minatar/freeway with its minimal action set (noop, up, down)", [] { return make_minatar("freeway", {.minimal_actions = true}); }},
      {"minatar/seaquest-minimal", "minatar/seaquest with its minimal action set (all six actions)", [] { return make_minatar("seaquest", {.minimal_actions = true}); }},
      {"minatar/space_invaders-minimal", "minatar/space_invaders with its minimal action set (noop, left, right, fire)", [] { return make_minatar("space_invaders", {.minimal_actions = true}); }},
    };
#ifdef NEUROEVO_WITH_MUJOCO
    // The MuJoCo environments publish their own table (include/neuroevo/mujoco/envs.hpp).
    const auto& mujoco = mujoco_envs();
    r.insert(r.end(), mujoco.begin(), mujoco.end());
#endif
    r.insert(r.end(), {
      {"hard_maze", "Deceptive maze (Lehman & Stanley): reach the goal past a trap; rangefinder and radar inputs",
       make_hard_maze},
      {"hard_maze_image", "The hard maze seen as 84x84x4 stacked top-down frames (Deep GA image hard maze)",
       make_hard_maze_image},
      {"delayed_recall", "Memory: a cue at t=0, reward 1 for naming it at t=100 (4 cues); delayed_recall-T[-K] for other sizes", [] { return make_delayed_recall(100, 4); }},
      {"xor", "XOR as an episode of 4 patterns, NEAT's fitness (4 - sum|error|)^2 at the end; parity-N for N bits", [] { return make_parity(2); }},
      {"double_pole", "Two poles on a cart (Wieland 1991, NEAT paper 4.3), velocities observed, 100,000 steps", [] { return make_double_pole(true); }},
      {"double_pole_nv", "Double pole without velocities, Gruau et al.'s damping fitness over 1,000 steps", [] { return make_double_pole(false); }},
      {"tmaze", "Memory: T-maze (Bakker 2002), cue only at the start, turn to its side at the junction; tmaze-L for length L", [] { return make_tmaze(10); }},
    });
    return r;
  }();
  return registry;
}

std::unique_ptr<Env> make_env(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& info : env_registry()) {
    if (info.name == name) return info.make();
    names.push_back(info.name);
  }
#ifdef NEUROEVO_WITH_MUJOCO
  if (auto env = make_mujoco_env_by_pattern(name)) return env;  // ncap_swimmer-N: an N-link swimmer
#endif
  if (auto env = make_memory_task_by_name(name)) return env;  // delayed_recall-T[-K], tmaze-L
  if (auto env = make_parity_by_name(name)) return env;        // parity-N
  throw UsageError(unknown_name_message("environment", name, names));
}

int discrete_action(const std::string& env, const Space& space, std::span<const float> action) {
  if (action.size() != 1)
    throw UsageError(env + ": action has " + std::to_string(action.size()) + " values, expected 1");
  const float a = action[0];
  if (!(a >= 0.0f && a < static_cast<float>(space.n) && a == std::floor(a)))
    throw UsageError(env + ": action " + std::to_string(a) + " is not a valid action index (expected an integer from 0 to " +
                     std::to_string(space.n - 1) + ")");
  return static_cast<int>(a);
}

}  // namespace neuroevo
