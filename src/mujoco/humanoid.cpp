// Humanoid-v4: a 3-D humanoid runner (Tassa, Erez & Todorov 2012; Gymnasium's Humanoid-v4), as specified in
// docs/reference/mujoco.md. Model (models/humanoid.xml) written from the published body plan: a free torso at
// height 1.4 (capsule, head sphere, upper waist), lower waist with abdomen z / y hinges, pelvis with abdomen
// x, two legs (hip x, z, y; knee; spherical foot) and two arms (two shoulder hinges, elbow); 17 hinges with
// their published ranges, stiffness, damping and armature; fixed hip-knee tendons; motor gears abdomen 100,
// hip x/z 100, hip y 300, knee 200, arms 25 and control range [-0.4, 0.4]; timestep 0.003 with RK4, PGS
// solver with 50 iterations (the solver of the gym / Gymnasium asset the v4 results were published with;
// later Gymnasium assets switched to Newton); condim 1 geoms, margin 0.001. Observation (376): qpos[2:],
// qvel, cinert, cvel, qfrc_actuator and cfrc_ext of every body (the world body included, as in v4). The
// reward's contact cost is zero in v4 (cfrc_ext is not computed by mj_step), so it is left out.
#include "mj_env.hpp"
#include "neuroevo_mjcf_models.hpp"

namespace neuroevo {
namespace {

class Humanoid final : public MjEnv {
 public:
  Humanoid() : MjEnv("Humanoid-v4", load_mjcf("Humanoid-v4", [] { return std::string(mjcf::humanoid); }), 5, 376) {
    for (int b = 0; b < model_->nbody; ++b) total_mass_ += model_->body_mass[b];
  }

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    add_v4_noise(rng, qpos, qvel, 1e-2, VelocityNoise::Uniform, 1e-2);
  }
  // x of the centre of mass: body masses times their centres (data.xipos), as v4's mass_center.
  double progress() const override {
    double s = 0.0;
    for (int b = 0; b < model_->nbody; ++b) s += model_->body_mass[b] * data_->xipos[3 * b];
    return s / total_mass_;
  }
  StepResult reward(std::span<const double> action, double velocity) const override {
    const double z = data_->qpos[2];
    return {5.0 + 1.25 * velocity - ctrl_cost(action, 0.1), !(z > 1.0 && z < 2.0), false};
  }
  void observe(std::span<float> obs) const override {
    const size_t nb = static_cast<size_t>(model_->nbody);
    size_t at = observe_qpos_qvel(obs, 2);
    at = put(obs, at, data_->cinert, 10 * nb);
    at = put(obs, at, data_->cvel, 6 * nb);
    at = put(obs, at, data_->qfrc_actuator, model_->nv);
    put(obs, at, data_->cfrc_ext, 6 * nb);
  }

  double total_mass_ = 0.0;
};

}  // namespace

std::unique_ptr<MjEnv> make_humanoid() { return std::make_unique<Humanoid>(); }

}  // namespace neuroevo
