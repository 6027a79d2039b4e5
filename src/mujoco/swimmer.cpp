// Swimmer-v4: a three-segment swimmer in a viscous fluid (Coulom 2002; Gymnasium's Swimmer-v4), as
// specified in docs/reference/mujoco.md. Model written from the published body plan: three capsules of
// length 1 and radius 0.1 (density 1000) joined by two hinges limited to +-100 degrees, root = two
// slides and a free hinge, two motors of gear 150; timestep 0.01 with RK4; fluid density 4000 and
// viscosity 0.1; joint armature 0.1; no contacts (contype/conaffinity 0).
#include "mj_env.hpp"
#include "neuroevo/envs/mujoco.hpp"

namespace neuroevo {
namespace {

constexpr const char* kSwimmerXml = R"(<mujoco model="swimmer">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4" density="4000" viscosity="0.1"/>
  <default>
    <geom contype="0" conaffinity="0" condim="1" rgba="0.8 0.6 0.4 1"/>
    <joint armature="0.1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 -0.1" size="40 40 0.1" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 0">
      <joint name="slider1" type="slide" axis="1 0 0"/>
      <joint name="slider2" type="slide" axis="0 1 0"/>
      <joint name="free_body_rot" type="hinge" axis="0 0 1"/>
      <geom type="capsule" fromto="1.5 0 0 0.5 0 0" size="0.1" density="1000"/>
      <body name="mid" pos="0.5 0 0">
        <joint name="motor1_rot" type="hinge" axis="0 0 1" limited="true" range="-100 100"/>
        <geom type="capsule" fromto="0 0 0 -1 0 0" size="0.1" density="1000"/>
        <body name="back" pos="-1 0 0">
          <joint name="motor2_rot" type="hinge" axis="0 0 1" limited="true" range="-100 100"/>
          <geom type="capsule" fromto="0 0 0 -1 0 0" size="0.1" density="1000"/>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="motor1_rot" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
    <motor joint="motor2_rot" gear="150" ctrllimited="true" ctrlrange="-1 1"/>
  </actuator>
</mujoco>)";

class Swimmer final : public MjEnv {
 public:
  Swimmer() : MjEnv("Swimmer-v4", load_mjcf("Swimmer-v4", [] { return kSwimmerXml; }), 4, 8) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    for (double& q : qpos) q += rng.uniform(-0.1, 0.1);
    for (double& v : qvel) v += rng.uniform(-0.1, 0.1);
  }
  double progress() const override { return data_->qpos[0]; }  // v4: x of the root slide
  StepResult reward(std::span<const double> action, double velocity) const override {
    return {1.0 * velocity - ctrl_cost(action, 1e-4), false, false};
  }
  void observe(std::span<float> obs) const override {
    const size_t at = put(obs, 0, data_->qpos + 2, model_->nq - 2);
    put(obs, at, data_->qvel, model_->nv);
  }
};

}  // namespace

std::unique_ptr<Env> make_swimmer() { return std::make_unique<Swimmer>(); }

}  // namespace neuroevo
