// Access to the shared MuJoCo models behind the MuJoCo environments, for benchmarks and tests that
// compare an environment against raw mj_step calls on the same model. Needs MuJoCo's headers.
#pragma once
#include <mujoco/mujoco.h>

#include <memory>
#include <string>

namespace neuroevo {

struct MujocoModel {
  std::shared_ptr<const mjModel> model;  // shared read-only by every env instance of this type
  int frame_skip = 1;                    // mj_step calls per environment step
};

// The model of a MuJoCo environment by registry name ("Hopper-v4", "ncap_swimmer-8", ...).
// Throws UsageError for a name that is not a MuJoCo environment.
MujocoModel mujoco_model(const std::string& env_name);

// mjData with its deleter: one per environment instance.
struct MjDataDeleter {
  void operator()(mjData* d) const { mj_deleteData(d); }
};
using MjDataPtr = std::unique_ptr<mjData, MjDataDeleter>;

}  // namespace neuroevo
