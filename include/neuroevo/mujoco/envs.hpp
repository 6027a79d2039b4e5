// The MuJoCo locomotion environments (built when CMake finds MuJoCo; NEUROEVO_WITH_MUJOCO is then
// defined): the Gymnasium "-v4" tasks described in docs/reference/mujoco.md with MJCF models that
// neuroevo ships (src/mujoco/models/), plus the N-link NCAP swimmer task. One env per file under
// src/mujoco/.
//
// src/mujoco/ implements the Env interface and publishes its environments as a table; the environment
// registry (src/envs/registry.cpp) lists that table. Nothing in src/mujoco/ calls the registry, so the
// dependency points one way (docs/design.md, "Layers").
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/envs/env.hpp"

namespace neuroevo {

// The MuJoCo environments in listing order: Swimmer-v4, Hopper-v4, HalfCheetah-v4, Walker2d-v4, Ant-v4,
// Humanoid-v4 and ncap_swimmer (6 links).
const std::vector<EnvInfo>& mujoco_envs();

// Environments named by a pattern rather than listed: "ncap_swimmer-N" is the NCAP swimmer with N links
// (2 <= N <= 20). Returns null when `name` is not of such a form; throws UsageError for a bad N.
std::unique_ptr<Env> make_mujoco_env_by_pattern(const std::string& name);

}  // namespace neuroevo
