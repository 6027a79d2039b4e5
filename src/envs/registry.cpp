// The environment registry: names used in configs and on the command line, mapped to factories.
// Adding an environment is one new file under src/envs/ plus one line here.
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/hard_maze.hpp"

namespace neuroevo {

const std::vector<EnvInfo>& env_registry() {
  static const std::vector<EnvInfo> registry = {
      {"CartPole-v1", "Balance a pole on a cart by pushing it left or right (classic control)", make_cartpole},
      {"Acrobot-v1", "Swing a two-link arm's tip above a line with an elbow torque (classic control)", make_acrobot},
      {"MountainCar-v0", "Rock an underpowered car up to the flag with 3 discrete pushes", make_mountain_car},
      {"MountainCarContinuous-v0", "Mountain car, continuous energy-penalised throttle", make_mountain_car_continuous},
      {"Pendulum-v1", "Swing a torque-limited pendulum up and hold it upright (classic control)", make_pendulum},
      {"hard_maze", "Deceptive maze (Lehman & Stanley): reach the goal past a trap; rangefinder and radar inputs",
       make_hard_maze},
      {"hard_maze_image", "The hard maze seen as 84x84x4 stacked top-down frames (Deep GA image hard maze)",
       make_hard_maze_image},
  };
  return registry;
}

std::unique_ptr<Env> make_env(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& info : env_registry()) {
    if (info.name == name) return info.make();
    names.push_back(info.name);
  }
  throw UsageError(unknown_name_message("environment", name, names));
}

}  // namespace neuroevo
