// Hopper-v4: a planar one-legged hopper (Erez, Tassa & Todorov 2011; Gymnasium's Hopper-v4), as
// specified in docs/reference/mujoco.md. Model written from the published body plan, in local
// coordinates: torso capsule 0.4 long (radius 0.05) at height 1.25, thigh 0.45 (0.05), leg 0.5 (0.04),
// foot 0.39 (0.06) reaching 0.13 behind and 0.26 in front of the ankle; thigh and leg joints limited
// to [-150, 0] degrees, foot to [-45, 45]; joint armature 1 and damping 1 (root joints 0); friction
// 0.9 (foot 2.0); contact solref 0.02 1, solimp 0.8 0.8 0.01, margin 0.001; 3 motors of gear 200;
// timestep 0.002 with RK4. rootz carries ref 1.25 so that qpos[1] is the torso's height.
#include <cmath>

#include "mj_env.hpp"
#include "neuroevo/envs/mujoco.hpp"

namespace neuroevo {
namespace {

constexpr const char* kHopperXml = R"(<mujoco model="hopper">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.002" integrator="RK4"/>
  <default>
    <joint armature="1" damping="1" limited="true"/>
    <geom contype="1" conaffinity="1" condim="1" margin="0.001" solimp="0.8 0.8 0.01" solref="0.02 1"
          rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 0" size="20 20 0.125" condim="3"/>
    <body name="torso" pos="0 0 1.25">
      <joint name="rootx" type="slide" axis="1 0 0" armature="0" damping="0" stiffness="0" limited="false"/>
      <joint name="rootz" type="slide" axis="0 0 1" ref="1.25" armature="0" damping="0" stiffness="0" limited="false"/>
      <joint name="rooty" type="hinge" axis="0 1 0" armature="0" damping="0" stiffness="0" limited="false"/>
      <geom name="torso_geom" type="capsule" fromto="0 0 0.2 0 0 -0.2" size="0.05" friction="0.9"/>
      <body name="thigh" pos="0 0 -0.2">
        <joint name="thigh_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh_geom" type="capsule" fromto="0 0 0 0 0 -0.45" size="0.05" friction="0.9"/>
        <body name="leg" pos="0 0 -0.45">
          <joint name="leg_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
          <geom name="leg_geom" type="capsule" fromto="0 0 0 0 0 -0.5" size="0.04" friction="0.9"/>
          <body name="foot" pos="0 0 -0.5">
            <joint name="foot_joint" type="hinge" axis="0 -1 0" range="-45 45"/>
            <geom name="foot_geom" type="capsule" fromto="-0.13 0 0 0.26 0 0" size="0.06" friction="2.0"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="thigh_joint" gear="200"/>
    <motor joint="leg_joint" gear="200"/>
    <motor joint="foot_joint" gear="200"/>
  </actuator>
</mujoco>)";

class Hopper final : public MjEnv {
 public:
  Hopper() : MjEnv("Hopper-v4", load_mjcf("Hopper-v4", [] { return kHopperXml; }), 4, 11) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    for (double& q : qpos) q += rng.uniform(-5e-3, 5e-3);
    for (double& v : qvel) v += rng.uniform(-5e-3, 5e-3);
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
    const size_t at = put(obs, 0, data_->qpos + 1, model_->nq - 1);
    put_clipped(obs, at, data_->qvel, model_->nv, 10.0);
  }
};

}  // namespace

std::unique_ptr<Env> make_hopper() { return std::make_unique<Hopper>(); }

}  // namespace neuroevo
