// Walker2d-v4: a planar biped (Erez, Tassa & Todorov 2011; Gymnasium's Walker2d-v4), as specified in
// docs/reference/mujoco.md. Model written from the published body plan, in local coordinates: the
// hopper's torso (capsule 0.4, radius 0.05, at height 1.25) with two identical legs, each a thigh
// (0.45, r 0.05), a leg (0.5, r 0.04) and a foot (0.2 forward of the ankle, r 0.06); thigh and leg
// joints in [-150, 0] degrees, feet in [-45, 45]; armature 0.01, damping 0.1 (root joints 0);
// friction 0.7 0.1 0.1 by default, 0.9 for torso and legs, 0.9 (right) and 1.9 (left) for the feet as
// published; density 1000; 6 motors of gear 100; timestep 0.002 with RK4.
#include "mj_env.hpp"
#include "neuroevo/envs/mujoco.hpp"

namespace neuroevo {
namespace {

constexpr const char* kWalkerXml = R"(<mujoco model="walker2d">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.002" integrator="RK4"/>
  <default>
    <joint armature="0.01" damping="0.1" limited="true"/>
    <geom contype="1" conaffinity="0" condim="3" density="1000" friction="0.7 0.1 0.1" rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 0" size="40 40 40" conaffinity="1" condim="3"/>
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
            <geom name="foot_geom" type="capsule" fromto="0 0 0 0.2 0 0" size="0.06" friction="0.9"/>
          </body>
        </body>
      </body>
      <body name="thigh_left" pos="0 0 -0.2">
        <joint name="thigh_left_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
        <geom name="thigh_left_geom" type="capsule" fromto="0 0 0 0 0 -0.45" size="0.05" friction="0.9"/>
        <body name="leg_left" pos="0 0 -0.45">
          <joint name="leg_left_joint" type="hinge" axis="0 -1 0" range="-150 0"/>
          <geom name="leg_left_geom" type="capsule" fromto="0 0 0 0 0 -0.5" size="0.04" friction="0.9"/>
          <body name="foot_left" pos="0 0 -0.5">
            <joint name="foot_left_joint" type="hinge" axis="0 -1 0" range="-45 45"/>
            <geom name="foot_left_geom" type="capsule" fromto="0 0 0 0.2 0 0" size="0.06" friction="1.9"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="thigh_joint" gear="100"/>
    <motor joint="leg_joint" gear="100"/>
    <motor joint="foot_joint" gear="100"/>
    <motor joint="thigh_left_joint" gear="100"/>
    <motor joint="leg_left_joint" gear="100"/>
    <motor joint="foot_left_joint" gear="100"/>
  </actuator>
</mujoco>)";

class Walker2d final : public MjEnv {
 public:
  Walker2d() : MjEnv("Walker2d-v4", load_mjcf("Walker2d-v4", [] { return kWalkerXml; }), 4, 17) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    for (double& q : qpos) q += rng.uniform(-5e-3, 5e-3);
    for (double& v : qvel) v += rng.uniform(-5e-3, 5e-3);
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
    const size_t at = put(obs, 0, data_->qpos + 1, model_->nq - 1);
    put_clipped(obs, at, data_->qvel, model_->nv, 10.0);
  }
};

}  // namespace

std::unique_ptr<Env> make_walker2d() { return std::make_unique<Walker2d>(); }

}  // namespace neuroevo
