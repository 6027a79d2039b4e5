// Factories of the classic-control environments, one per file under src/envs/. They reproduce the
// Gymnasium reference versions described in docs/reference/classic_control.md.
#pragma once
#include <memory>

#include "neuroevo/envs/batch_env.hpp"
#include "neuroevo/envs/env.hpp"

namespace neuroevo {

std::unique_ptr<Env> make_cartpole();                  // CartPole-v1
std::unique_ptr<Env> make_acrobot();                   // Acrobot-v1
std::unique_ptr<Env> make_mountain_car();              // MountainCar-v0
std::unique_ptr<Env> make_mountain_car_continuous();   // MountainCarContinuous-v0
std::unique_ptr<Env> make_pendulum();                  // Pendulum-v1

// Their batched versions (batch_env.hpp): `lanes` copies stepped together, each lane bit-identical to
// the scalar environment.
std::unique_ptr<BatchEnv> make_cartpole_batch(size_t lanes);
std::unique_ptr<BatchEnv> make_acrobot_batch(size_t lanes);
std::unique_ptr<BatchEnv> make_mountain_car_batch(size_t lanes);
std::unique_ptr<BatchEnv> make_mountain_car_continuous_batch(size_t lanes);
std::unique_ptr<BatchEnv> make_pendulum_batch(size_t lanes);

}  // namespace neuroevo
