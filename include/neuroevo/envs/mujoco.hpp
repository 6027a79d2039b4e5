// MuJoCo locomotion environments (built when CMake finds MuJoCo; NEUROEVO_WITH_MUJOCO is then defined).
// They reproduce the Gymnasium "-v4" tasks described in docs/reference/mujoco.md with MJCF models that
// neuroevo ships (src/mujoco/), plus the N-link NCAP swimmer task. One env per file under src/mujoco/.
#pragma once
#include <memory>
#include <string>

#include "neuroevo/envs/env.hpp"

namespace neuroevo {

std::unique_ptr<Env> make_swimmer();       // Swimmer-v4
std::unique_ptr<Env> make_hopper();        // Hopper-v4
std::unique_ptr<Env> make_half_cheetah();  // HalfCheetah-v4
std::unique_ptr<Env> make_walker2d();      // Walker2d-v4
std::unique_ptr<Env> make_ant();           // Ant-v4
std::unique_ptr<Env> make_humanoid();      // Humanoid-v4
// The NCAP swimmer task with `links` segments (links - 1 actuated joints); the registry's
// "ncap_swimmer" has 6 links and "ncap_swimmer-N" has N (2 <= N <= 20).
std::unique_ptr<Env> make_ncap_swimmer(int links);
// Parses "ncap_swimmer-N"; returns null when `name` is not of that form. Throws UsageError for a bad N.
std::unique_ptr<Env> make_ncap_swimmer_by_name(const std::string& name);

}  // namespace neuroevo
