// Walker2d-v4: a planar biped (Erez, Tassa & Todorov 2011; Gymnasium's Walker2d-v4), as specified in
// docs/reference/mujoco.md. Model (models/walker2d.xml) written from the published body plan, in local
// coordinates: the hopper's torso (capsule 0.4, radius 0.05, at height 1.25) with two identical legs, each a
// thigh (0.45, r 0.05), a leg (0.5, r 0.04) and a foot (0.2 forward of the ankle, r 0.06); thigh and leg
// joints in [-150, 0] degrees, feet in [-45, 45]; armature 0.01, damping 0.1 (root joints 0); friction 0.7
// 0.1 0.1 by default, 0.9 for torso and legs, 0.9 (right) and 1.9 (left) for the feet as published; density
// 1000; 6 motors of gear 100; timestep 0.002 with RK4.
#include "mj_env.hpp"
#include "neuroevo_mjcf_models.hpp"

namespace neuroevo {
namespace {

class Walker2d final : public MjEnv {
 public:
  Walker2d() : MjEnv("Walker2d-v4", load_mjcf("Walker2d-v4", [] { return std::string(mjcf::walker2d); }), 4, 17) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    add_v4_noise(rng, qpos, qvel, 5e-3, VelocityNoise::Uniform, 5e-3);
  }
  double progress() const override { return data_->qpos[0]; }
  bool healthy() const {
    const double z = data_->qpos[1], angle = data_->qpos[2];
    return z > 0.8 && z < 2.0 && angle > -1.0 && angle < 1.0;
  }
  StepResult reward(std::span<const double> action, double velocity) const override {
    return {1.0 + 1.0 * velocity - ctrl_cost(action, 1e-3), !healthy(), false};
  }
  void observe(std::span<float> obs) const override {
    observe_qpos_qvel(obs, 1, 10.0);
  }
};

}  // namespace

std::unique_ptr<MjEnv> make_walker2d() { return std::make_unique<Walker2d>(); }

}  // namespace neuroevo
