// The batched environments' registry: the classic-control environments (their lanes are the scalar
// environments' code, see classic_control_base.hpp; CartPole keeps its lanes as arrays stepped with SIMD
// vectors across lanes, cartpole.cpp); every other environment has none.
#include "neuroevo/envs/batch_env.hpp"

#include <stdexcept>

#include "neuroevo/envs/classic_control.hpp"

namespace neuroevo {

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
  return nullptr;
}

}  // namespace neuroevo
