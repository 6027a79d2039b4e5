// The batched environments' registry: the classic-control environments (their lanes are arrays stepped
// with SIMD vectors across lanes, classic_control_base.hpp and cartpole.cpp) and the MinAtar games (a
// scalar game per lane, minatar_batch.cpp); every other environment has none.
#include "neuroevo/envs/batch_env.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/minatar.hpp"

namespace neuroevo {
namespace {
// MinAtar's registered names: "minatar/<game>" and "minatar/<game>-minimal" (envs/registry.cpp).
constexpr std::string_view kMinAtar = "minatar/", kMinimal = "-minimal";
}  // namespace

void BatchEnv::check_batch(size_t actions, size_t active, size_t obs, size_t reward, size_t flags, size_t lanes,
                           size_t obs_dim) {
  if (actions != lanes || active != lanes || reward != lanes || flags != lanes || obs != lanes * obs_dim)
    throw std::invalid_argument("batched environment step: buffers do not match " + std::to_string(lanes) +
                                " lanes of " + std::to_string(obs_dim) + " observations and 1 action");
}

std::unique_ptr<BatchEnv> make_batch_env(const std::string& name, size_t lanes) {
  if (lanes == 0) return nullptr;
  if (name == "CartPole-v1") return make_cartpole_batch(lanes);
  if (name == "Acrobot-v1") return make_acrobot_batch(lanes);
  if (name == "MountainCar-v0") return make_mountain_car_batch(lanes);
  if (name == "MountainCarContinuous-v0") return make_mountain_car_continuous_batch(lanes);
  if (name == "Pendulum-v1") return make_pendulum_batch(lanes);
  if (name.starts_with(kMinAtar)) {
    std::string game = name.substr(kMinAtar.size());
    MinAtarOptions o;
    if (game.ends_with(kMinimal)) {
      game.resize(game.size() - kMinimal.size());
      o.minimal_actions = true;
    }
    const auto& games = minatar_games();
    if (std::find(games.begin(), games.end(), game) != games.end()) return make_minatar_batch(game, o, lanes);
  }
  return nullptr;
}

bool lockstep_by_default(const std::string& name) { return !name.starts_with(kMinAtar); }

}  // namespace neuroevo
