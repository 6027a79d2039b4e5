// Factories of the classic-control environments, one per file under src/envs/. They reproduce the
// Gymnasium reference versions described in docs/reference/classic_control.md.
#pragma once
#include <memory>

#include "neuroevo/envs/env.hpp"

namespace neuroevo {

std::unique_ptr<Env> make_cartpole();                  // CartPole-v1
std::unique_ptr<Env> make_acrobot();                   // Acrobot-v1
std::unique_ptr<Env> make_mountain_car();              // MountainCar-v0
std::unique_ptr<Env> make_mountain_car_continuous();   // MountainCarContinuous-v0
std::unique_ptr<Env> make_pendulum();                  // Pendulum-v1

}  // namespace neuroevo
