// HalfCheetah-v4: a planar cheetah-like runner (Wawrzynski 2009; Gymnasium's HalfCheetah-v4), as specified in
// docs/reference/mujoco.md. Model (models/half_cheetah.xml) written from the published body plan: torso
// capsule from x = -0.5 to 0.5 (radius 0.046) with a head capsule, back thigh / shin / foot and front thigh /
// shin / foot hinges about y with their published ranges, stiffness and damping; total mass 14; friction 0.4
// 0.1 0.1; joint armature 0.1; motor gears 120, 90, 60 (back) and 120, 60, 30 (front); timestep 0.01 with
// MuJoCo's default (Euler) integrator.
#include "mj_env.hpp"
#include "neuroevo_mjcf_models.hpp"

namespace neuroevo {
namespace {

class HalfCheetah final : public MjEnv {
 public:
  HalfCheetah() : MjEnv("HalfCheetah-v4", load_mjcf("HalfCheetah-v4", [] { return std::string(mjcf::half_cheetah); }), 5, 17) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    add_v4_noise(rng, qpos, qvel, 0.1, VelocityNoise::Normal, 0.1);
  }
  double progress() const override { return data_->qpos[0]; }
  StepResult reward(std::span<const double> action, double velocity) const override {
    return {1.0 * velocity - ctrl_cost(action, 0.1), false, false};  // never terminates
  }
  void observe(std::span<float> obs) const override {
    observe_qpos_qvel(obs, 1);
  }
};

}  // namespace

std::unique_ptr<MjEnv> make_half_cheetah() { return std::make_unique<HalfCheetah>(); }

}  // namespace neuroevo
