// The table of MuJoCo environments (include/neuroevo/mujoco/envs.hpp) and the model lookup behind
// mujoco_model(): both resolve names here, among MuJoCo's own environments, without the general
// environment registry.
#include "neuroevo/mujoco/envs.hpp"

#include "locomotion.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/mujoco/model.hpp"

namespace neuroevo {

namespace {

struct MjEntry {
  const char* name;
  const char* description;
  std::unique_ptr<MjEnv> (*make)();
};

// Listing order and descriptions as `neuroevo list` shows them.
constexpr MjEntry kEntries[] = {
    {"Swimmer-v4", "Three-segment swimmer in a viscous fluid, 2 motors (MuJoCo)", [] { return make_locomotion(kSwimmerV4); }},
    {"Hopper-v4", "Planar one-legged hopper, 3 motors; ends when it falls (MuJoCo)", [] { return make_locomotion(kHopperV4); }},
    {"HalfCheetah-v4", "Planar cheetah runner, 6 motors (MuJoCo)", [] { return make_locomotion(kHalfCheetahV4); }},
    {"Walker2d-v4", "Planar biped walker, 6 motors; ends when it falls (MuJoCo)", [] { return make_locomotion(kWalker2dV4); }},
    {"Ant-v4", "Four-legged 3-D walker, 8 motors; ends when it flips or jumps (MuJoCo)", make_ant},
    {"Humanoid-v4", "3-D humanoid runner, 17 motors; ends when it falls (MuJoCo)", make_humanoid},
    {"ncap_swimmer", "NCAP task: 6-link swimmer rewarded for head speed >= 0.1; ncap_swimmer-N for N links (MuJoCo)",
     [] { return make_ncap_swimmer(6); }},
};

// A MuJoCo environment by name (listed or pattern); null when the name is not a MuJoCo environment.
std::unique_ptr<MjEnv> make_mj_env(const std::string& name) {
  for (const auto& e : kEntries)
    if (name == e.name) return e.make();
  return make_ncap_swimmer_by_name(name);
}

}  // namespace

const std::vector<EnvInfo>& mujoco_envs() {
  static const std::vector<EnvInfo> envs = [] {
    std::vector<EnvInfo> v;
    for (const auto& e : kEntries)
      v.push_back({e.name, e.description, [make = e.make] { return std::unique_ptr<Env>(make()); }});
    return v;
  }();
  return envs;
}

std::unique_ptr<Env> make_mujoco_env_by_pattern(const std::string& name) { return make_ncap_swimmer_by_name(name); }

MujocoModel mujoco_model(const std::string& env_name) {
  const std::unique_ptr<MjEnv> env = make_mj_env(env_name);
  if (env == nullptr) throw UsageError("environment '" + env_name + "' is not a MuJoCo environment");
  return env->model_info();
}

}  // namespace neuroevo
