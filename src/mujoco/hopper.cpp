// Hopper-v4: a planar one-legged hopper (Erez, Tassa & Todorov 2011; Gymnasium's Hopper-v4), as specified in
// docs/reference/mujoco.md. Model (models/hopper.xml) written from the published body plan, in local
// coordinates: torso capsule 0.4 long (radius 0.05) at height 1.25, thigh 0.45 (0.05), leg 0.5 (0.04), foot
// 0.39 (0.06) reaching 0.13 behind and 0.26 in front of the ankle; thigh and leg joints limited to [-150, 0]
// degrees, foot to [-45, 45]; joint armature 1 and damping 1 (root joints 0); friction 0.9 (foot 2.0);
// contact solref 0.02 1, solimp 0.8 0.8 0.01, margin 0.001; 3 motors of gear 200; timestep 0.002 with RK4.
// rootz carries ref 1.25 so that qpos[1] is the torso's height.
#include <cmath>

#include "mj_env.hpp"
#include "neuroevo_mjcf_models.hpp"

namespace neuroevo {
namespace {

class Hopper final : public MjEnv {
 public:
  Hopper() : MjEnv("Hopper-v4", load_mjcf("Hopper-v4", [] { return std::string(mjcf::hopper); }), 4, 11) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    add_v4_noise(rng, qpos, qvel, 5e-3, VelocityNoise::Uniform, 5e-3);
  }
  double progress() const override { return data_->qpos[0]; }
  // Healthy iff every entry of concat(qpos, qvel)[2:] lies in (-100, 100), z > 0.7 and |angle| < 0.2.
  bool healthy() const {
    for (int k = 2; k < model_->nq; ++k)
      if (!(std::abs(data_->qpos[k]) < 100.0)) return false;
    for (int k = 0; k < model_->nv; ++k)
      if (!(std::abs(data_->qvel[k]) < 100.0)) return false;
    const double z = data_->qpos[1], angle = data_->qpos[2];
    return z > 0.7 && angle > -0.2 && angle < 0.2;
  }
  StepResult reward(std::span<const double> action, double velocity) const override {
    // v4 pays the healthy reward on every step, the terminating one included.
    return {1.0 + 1.0 * velocity - ctrl_cost(action, 1e-3), !healthy(), false};
  }
  void observe(std::span<float> obs) const override {
    observe_qpos_qvel(obs, 1, 10.0);
  }
};

}  // namespace

std::unique_ptr<MjEnv> make_hopper() { return std::make_unique<Hopper>(); }

}  // namespace neuroevo
