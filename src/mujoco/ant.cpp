// Ant-v4: a four-legged walker (Schulman et al. 2016; Gymnasium's Ant-v4), as specified in
// docs/reference/mujoco.md. Model (models/ant.xml) written from the published body plan: a free-floating
// spherical torso (radius 0.25) at height 0.75 with four legs on the diagonals, each an upper segment (0.2,
// 0.2), a hip hinge about z in [-30, 30] degrees and an ankle hinge with its published 40-degree range and a
// lower segment (0.4, 0.4); capsules of radius 0.08, density 5, friction 1 0.5 0.5, margin 0.01; joint
// armature 1 and damping 1; 8 motors of gear 150; timestep 0.01 with RK4. The default observation excludes
// contact forces (27 values) and the reward has no contact cost, as in v4's defaults.
#include <cmath>

#include "mj_env.hpp"
#include "neuroevo_mjcf_models.hpp"

namespace neuroevo {
namespace {

class Ant final : public MjEnv {
 public:
  Ant() : MjEnv("Ant-v4", load_mjcf("Ant-v4", [] { return std::string(mjcf::ant); }), 5, 27), torso_(mj_name2id(model_.get(), mjOBJ_BODY, "torso")) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    // All 15 qpos entries, the root quaternion included.
    add_v4_noise(rng, qpos, qvel, 0.1, VelocityNoise::Normal, 0.1);
  }
  // v4 rewards the torso body's x position (data.xpos, from the kinematics of the last mj_step).
  double progress() const override { return data_->xpos[3 * torso_]; }
  bool healthy() const {
    for (int k = 0; k < model_->nq; ++k)
      if (!std::isfinite(data_->qpos[k])) return false;
    for (int k = 0; k < model_->nv; ++k)
      if (!std::isfinite(data_->qvel[k])) return false;
    const double z = data_->qpos[2];
    return z >= 0.2 && z <= 1.0;
  }
  StepResult reward(std::span<const double> action, double velocity) const override {
    return {1.0 + velocity - ctrl_cost(action, 0.5), !healthy(), false};
  }
  void observe(std::span<float> obs) const override {
    observe_qpos_qvel(obs, 2);
  }

  int torso_;
};

}  // namespace

std::unique_ptr<MjEnv> make_ant() { return std::make_unique<Ant>(); }

}  // namespace neuroevo
