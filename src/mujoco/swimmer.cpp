// Swimmer-v4: a three-segment swimmer in a viscous fluid (Coulom 2002; Gymnasium's Swimmer-v4), as specified
// in docs/reference/mujoco.md. Model (models/swimmer.xml) written from the published body plan: three
// capsules of length 1 and radius 0.1 (density 1000) joined by two hinges limited to +-100 degrees, root =
// two slides and a free hinge, two motors of gear 150; timestep 0.01 with RK4; fluid density 4000 and
// viscosity 0.1; joint armature 0.1; no contacts (contype/conaffinity 0).
#include "mj_env.hpp"
#include "neuroevo_mjcf_models.hpp"

namespace neuroevo {
namespace {

class Swimmer final : public MjEnv {
 public:
  Swimmer() : MjEnv("Swimmer-v4", load_mjcf("Swimmer-v4", [] { return std::string(mjcf::swimmer); }), 4, 8) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    add_v4_noise(rng, qpos, qvel, 0.1, VelocityNoise::Uniform, 0.1);
  }
  double progress() const override { return data_->qpos[0]; }  // v4: x of the root slide
  StepResult reward(std::span<const double> action, double velocity) const override {
    return {1.0 * velocity - ctrl_cost(action, 1e-4), false, false};
  }
  void observe(std::span<float> obs) const override {
    observe_qpos_qvel(obs, 2);
  }
};

}  // namespace

std::unique_ptr<MjEnv> make_swimmer() { return std::make_unique<Swimmer>(); }

}  // namespace neuroevo
