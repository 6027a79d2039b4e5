// Ant-v4: a four-legged walker (Schulman et al. 2016; Gymnasium's Ant-v4), as specified in
// docs/reference/mujoco.md. Model written from the published body plan: a free-floating spherical torso
// (radius 0.25) at height 0.75 with four legs on the diagonals, each an upper segment (0.2, 0.2), a hip
// hinge about z in [-30, 30] degrees and an ankle hinge with its published 40-degree range and a lower
// segment (0.4, 0.4); capsules of radius 0.08, density 5, friction 1 0.5 0.5, margin 0.01; joint
// armature 1 and damping 1; 8 motors of gear 150; timestep 0.01 with RK4. The default observation
// excludes contact forces (27 values) and the reward has no contact cost, as in v4's defaults.
#include <cmath>

#include "mj_env.hpp"
#include "neuroevo/envs/mujoco.hpp"

namespace neuroevo {
namespace {

constexpr const char* kAntXml = R"(<mujoco model="ant">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.01" integrator="RK4"/>
  <default>
    <joint armature="1" damping="1" limited="true"/>
    <geom contype="1" conaffinity="0" condim="3" density="5.0" friction="1 0.5 0.5" margin="0.01"
          rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 0" size="40 40 40" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 0.75">
      <joint name="root" type="free" armature="0" damping="0" limited="false" margin="0.01"/>
      <geom name="torso_geom" type="sphere" pos="0 0 0" size="0.25"/>
      <body name="front_left_leg" pos="0 0 0">
        <geom name="aux_1_geom" type="capsule" fromto="0 0 0 0.2 0.2 0" size="0.08"/>
        <body name="aux_1" pos="0.2 0.2 0">
          <joint name="hip_1" type="hinge" axis="0 0 1" range="-30 30"/>
          <geom name="left_leg_geom" type="capsule" fromto="0 0 0 0.2 0.2 0" size="0.08"/>
          <body pos="0.2 0.2 0">
            <joint name="ankle_1" type="hinge" axis="-1 1 0" range="30 70"/>
            <geom name="left_ankle_geom" type="capsule" fromto="0 0 0 0.4 0.4 0" size="0.08"/>
          </body>
        </body>
      </body>
      <body name="front_right_leg" pos="0 0 0">
        <geom name="aux_2_geom" type="capsule" fromto="0 0 0 -0.2 0.2 0" size="0.08"/>
        <body name="aux_2" pos="-0.2 0.2 0">
          <joint name="hip_2" type="hinge" axis="0 0 1" range="-30 30"/>
          <geom name="right_leg_geom" type="capsule" fromto="0 0 0 -0.2 0.2 0" size="0.08"/>
          <body pos="-0.2 0.2 0">
            <joint name="ankle_2" type="hinge" axis="1 1 0" range="-70 -30"/>
            <geom name="right_ankle_geom" type="capsule" fromto="0 0 0 -0.4 0.4 0" size="0.08"/>
          </body>
        </body>
      </body>
      <body name="back_leg" pos="0 0 0">
        <geom name="aux_3_geom" type="capsule" fromto="0 0 0 -0.2 -0.2 0" size="0.08"/>
        <body name="aux_3" pos="-0.2 -0.2 0">
          <joint name="hip_3" type="hinge" axis="0 0 1" range="-30 30"/>
          <geom name="back_leg_geom" type="capsule" fromto="0 0 0 -0.2 -0.2 0" size="0.08"/>
          <body pos="-0.2 -0.2 0">
            <joint name="ankle_3" type="hinge" axis="-1 1 0" range="-70 -30"/>
            <geom name="third_ankle_geom" type="capsule" fromto="0 0 0 -0.4 -0.4 0" size="0.08"/>
          </body>
        </body>
      </body>
      <body name="right_back_leg" pos="0 0 0">
        <geom name="aux_4_geom" type="capsule" fromto="0 0 0 0.2 -0.2 0" size="0.08"/>
        <body name="aux_4" pos="0.2 -0.2 0">
          <joint name="hip_4" type="hinge" axis="0 0 1" range="-30 30"/>
          <geom name="rightback_leg_geom" type="capsule" fromto="0 0 0 0.2 -0.2 0" size="0.08"/>
          <body pos="0.2 -0.2 0">
            <joint name="ankle_4" type="hinge" axis="1 1 0" range="30 70"/>
            <geom name="fourth_ankle_geom" type="capsule" fromto="0 0 0 0.4 -0.4 0" size="0.08"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="hip_4" gear="150"/>
    <motor joint="ankle_4" gear="150"/>
    <motor joint="hip_1" gear="150"/>
    <motor joint="ankle_1" gear="150"/>
    <motor joint="hip_2" gear="150"/>
    <motor joint="ankle_2" gear="150"/>
    <motor joint="hip_3" gear="150"/>
    <motor joint="ankle_3" gear="150"/>
  </actuator>
</mujoco>)";

class Ant final : public MjEnv {
 public:
  Ant() : MjEnv("Ant-v4", load_mjcf("Ant-v4", [] { return kAntXml; }), 5, 27), torso_(mj_name2id(model_.get(), mjOBJ_BODY, "torso")) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    for (double& q : qpos) q += rng.uniform(-0.1, 0.1);  // all 15 entries, the root quaternion included
    for (double& v : qvel) v += 0.1 * rng.normal();
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
    const size_t at = put(obs, 0, data_->qpos + 2, model_->nq - 2);
    put(obs, at, data_->qvel, model_->nv);
  }

  int torso_;
};

}  // namespace

std::unique_ptr<Env> make_ant() { return std::make_unique<Ant>(); }

}  // namespace neuroevo
