// The Gymnasium v4 planar locomotion formula for the tasks of locomotion.hpp.
#include "locomotion.hpp"

#include <cmath>
#include <string>

namespace neuroevo {
namespace {

class Locomotion final : public MjEnv {
 public:
  explicit Locomotion(const LocomotionSpec& spec)
      : MjEnv(std::string(spec.name), load_mjcf(std::string(spec.name), [&spec] { return std::string(spec.mjcf); }),
              spec.frame_skip, spec.obs_dim),
        spec_(spec) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    add_v4_noise(rng, qpos, qvel, spec_.pos_noise, spec_.vel_noise_kind, spec_.vel_noise);
  }
  double progress() const override { return data_->qpos[0]; }
  // The base has checked that the state is finite before it asks for the reward.
  bool healthy(const HealthRule& h) const {
    if (h.state_bound > 0.0) {
      for (int k = 2; k < model_->nq; ++k)
        if (!(std::abs(data_->qpos[k]) < h.state_bound)) return false;
      for (int k = 0; k < model_->nv; ++k)
        if (!(std::abs(data_->qvel[k]) < h.state_bound)) return false;
    }
    const double z = data_->qpos[1], angle = data_->qpos[2];
    return z > h.z_low && z < h.z_high && angle > h.angle_low && angle < h.angle_high;
  }
  StepResult reward(std::span<const double> action, double velocity) const override {
    const double cost = ctrl_cost(action, spec_.ctrl_cost_weight);
    if (!spec_.health) return {velocity - cost, false, false};
    return {spec_.health->reward + velocity - cost, !healthy(*spec_.health), false};
  }
  void observe(std::span<float> obs) const override { observe_qpos_qvel(obs, spec_.obs_skip, spec_.vel_clip); }

  const LocomotionSpec& spec_;  // one of the static task constants
};

}  // namespace

std::unique_ptr<MjEnv> make_locomotion(const LocomotionSpec& spec) { return std::make_unique<Locomotion>(spec); }

}  // namespace neuroevo
