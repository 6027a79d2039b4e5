// Humanoid-v4: a 3-D humanoid runner (Tassa, Erez & Todorov 2012; Gymnasium's Humanoid-v4), as
// specified in docs/reference/mujoco.md. Model written from the published body plan: a free torso at
// height 1.4 (capsule, head sphere, upper waist), lower waist with abdomen z / y hinges, pelvis with
// abdomen x, two legs (hip x, z, y; knee; spherical foot) and two arms (two shoulder hinges, elbow);
// 17 hinges with their published ranges, stiffness, damping and armature; fixed hip-knee tendons;
// motor gears abdomen 100, hip x/z 100, hip y 300, knee 200, arms 25 and control range [-0.4, 0.4];
// timestep 0.003 with RK4, PGS solver with 50 iterations (the solver of the gym / Gymnasium asset the
// v4 results were published with; later Gymnasium assets switched to Newton); condim 1 geoms, margin 0.001.
// Observation (376): qpos[2:], qvel, cinert, cvel, qfrc_actuator and cfrc_ext of every body (the
// world body included, as in v4). The reward's contact cost is zero in v4 (cfrc_ext is not computed
// by mj_step), so it is left out.
#include "mj_env.hpp"
#include "neuroevo/envs/mujoco.hpp"

namespace neuroevo {
namespace {

constexpr const char* kHumanoidXml = R"(<mujoco model="humanoid">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.003" integrator="RK4" solver="PGS" iterations="50"/>
  <default>
    <joint armature="1" damping="1" limited="true"/>
    <geom contype="1" conaffinity="1" condim="1" margin="0.001" rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-0.4 0.4"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 0" size="20 20 0.125" condim="3" friction="1 0.1 0.1"/>
    <body name="torso" pos="0 0 1.4">
      <joint name="root" type="free" armature="0" damping="0" stiffness="0" limited="false"/>
      <geom name="torso1" type="capsule" fromto="0 -0.07 0 0 0.07 0" size="0.07"/>
      <geom name="head" type="sphere" pos="0 0 0.19" size="0.09"/>
      <geom name="uwaist" type="capsule" fromto="-0.01 -0.06 -0.12 -0.01 0.06 -0.12" size="0.06"/>
      <body name="lwaist" pos="-0.01 0 -0.26" quat="1.000 0 -0.002 0">
        <geom name="lwaist" type="capsule" fromto="0 -0.06 0 0 0.06 0" size="0.06"/>
        <joint name="abdomen_z" type="hinge" pos="0 0 0.065" axis="0 0 1" range="-45 45" armature="0.02" damping="5" stiffness="20"/>
        <joint name="abdomen_y" type="hinge" pos="0 0 0.065" axis="0 1 0" range="-75 30" armature="0.02" damping="5" stiffness="10"/>
        <body name="pelvis" pos="0 0 -0.165" quat="1.000 0 -0.002 0">
          <joint name="abdomen_x" type="hinge" pos="0 0 0.1" axis="1 0 0" range="-35 35" armature="0.02" damping="5" stiffness="10"/>
          <geom name="butt" type="capsule" fromto="-0.02 -0.07 0 -0.02 0.07 0" size="0.09"/>
          <body name="right_thigh" pos="0 -0.1 -0.04">
            <joint name="right_hip_x" type="hinge" axis="1 0 0" range="-25 5" armature="0.01" damping="5" stiffness="10"/>
            <joint name="right_hip_z" type="hinge" axis="0 0 1" range="-60 35" armature="0.01" damping="5" stiffness="10"/>
            <joint name="right_hip_y" type="hinge" axis="0 1 0" range="-110 20" armature="0.008" damping="5" stiffness="20"/>
            <geom name="right_thigh1" type="capsule" fromto="0 0 0 0 0.01 -0.34" size="0.06"/>
            <body name="right_shin" pos="0 0.01 -0.403">
              <joint name="right_knee" type="hinge" pos="0 0 0.02" axis="0 -1 0" range="-160 -2" armature="0.006"/>
              <geom name="right_shin1" type="capsule" fromto="0 0 0 0 0 -0.3" size="0.049"/>
              <body name="right_foot" pos="0 0 -0.45">
                <geom name="right_foot" type="sphere" pos="0 0 0.1" size="0.075"/>
              </body>
            </body>
          </body>
          <body name="left_thigh" pos="0 0.1 -0.04">
            <joint name="left_hip_x" type="hinge" axis="-1 0 0" range="-25 5" armature="0.01" damping="5" stiffness="10"/>
            <joint name="left_hip_z" type="hinge" axis="0 0 -1" range="-60 35" armature="0.01" damping="5" stiffness="10"/>
            <joint name="left_hip_y" type="hinge" axis="0 1 0" range="-110 20" armature="0.01" damping="5" stiffness="20"/>
            <geom name="left_thigh1" type="capsule" fromto="0 0 0 0 -0.01 -0.34" size="0.06"/>
            <body name="left_shin" pos="0 -0.01 -0.403">
              <joint name="left_knee" type="hinge" pos="0 0 0.02" axis="0 -1 0" range="-160 -2" armature="0.006" stiffness="1"/>
              <geom name="left_shin1" type="capsule" fromto="0 0 0 0 0 -0.3" size="0.049"/>
              <body name="left_foot" pos="0 0 -0.45">
                <geom name="left_foot" type="sphere" pos="0 0 0.1" size="0.075"/>
              </body>
            </body>
          </body>
        </body>
      </body>
      <body name="right_upper_arm" pos="0 -0.17 0.06">
        <joint name="right_shoulder1" type="hinge" axis="2 1 1" range="-85 60" armature="0.0068" stiffness="1"/>
        <joint name="right_shoulder2" type="hinge" axis="0 -1 1" range="-85 60" armature="0.0051" stiffness="1"/>
        <geom name="right_uarm1" type="capsule" fromto="0 0 0 0.16 -0.16 -0.16" size="0.04 0.16"/>
        <body name="right_lower_arm" pos="0.18 -0.18 -0.18">
          <joint name="right_elbow" type="hinge" axis="0 -1 1" range="-90 50" armature="0.0028" stiffness="0"/>
          <geom name="right_larm" type="capsule" fromto="0.01 0.01 0.01 0.17 0.17 0.17" size="0.031"/>
          <geom name="right_hand" type="sphere" pos="0.18 0.18 0.18" size="0.04"/>
        </body>
      </body>
      <body name="left_upper_arm" pos="0 0.17 0.06">
        <joint name="left_shoulder1" type="hinge" axis="2 -1 1" range="-60 85" armature="0.0068" stiffness="1"/>
        <joint name="left_shoulder2" type="hinge" axis="0 1 1" range="-60 85" armature="0.0051" stiffness="1"/>
        <geom name="left_uarm1" type="capsule" fromto="0 0 0 0.16 0.16 -0.16" size="0.04 0.16"/>
        <body name="left_lower_arm" pos="0.18 0.18 -0.18">
          <joint name="left_elbow" type="hinge" axis="0 -1 -1" range="-90 50" armature="0.0028" stiffness="0"/>
          <geom name="left_larm" type="capsule" fromto="0.01 -0.01 0.01 0.17 -0.17 0.17" size="0.031"/>
          <geom name="left_hand" type="sphere" pos="0.18 -0.18 0.18" size="0.04"/>
        </body>
      </body>
    </body>
  </worldbody>
  <tendon>
    <fixed name="left_hipknee">
      <joint joint="left_hip_y" coef="-1"/>
      <joint joint="left_knee" coef="1"/>
    </fixed>
    <fixed name="right_hipknee">
      <joint joint="right_hip_y" coef="-1"/>
      <joint joint="right_knee" coef="1"/>
    </fixed>
  </tendon>
  <actuator>
    <motor joint="abdomen_y" gear="100"/>
    <motor joint="abdomen_z" gear="100"/>
    <motor joint="abdomen_x" gear="100"/>
    <motor joint="right_hip_x" gear="100"/>
    <motor joint="right_hip_z" gear="100"/>
    <motor joint="right_hip_y" gear="300"/>
    <motor joint="right_knee" gear="200"/>
    <motor joint="left_hip_x" gear="100"/>
    <motor joint="left_hip_z" gear="100"/>
    <motor joint="left_hip_y" gear="300"/>
    <motor joint="left_knee" gear="200"/>
    <motor joint="right_shoulder1" gear="25"/>
    <motor joint="right_shoulder2" gear="25"/>
    <motor joint="right_elbow" gear="25"/>
    <motor joint="left_shoulder1" gear="25"/>
    <motor joint="left_shoulder2" gear="25"/>
    <motor joint="left_elbow" gear="25"/>
  </actuator>
</mujoco>)";

class Humanoid final : public MjEnv {
 public:
  Humanoid() : MjEnv("Humanoid-v4", load_mjcf("Humanoid-v4", [] { return kHumanoidXml; }), 5, 376) {
    for (int b = 0; b < model_->nbody; ++b) total_mass_ += model_->body_mass[b];
  }

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    for (double& q : qpos) q += rng.uniform(-1e-2, 1e-2);
    for (double& v : qvel) v += rng.uniform(-1e-2, 1e-2);
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
    size_t at = put(obs, 0, data_->qpos + 2, model_->nq - 2);
    at = put(obs, at, data_->qvel, model_->nv);
    at = put(obs, at, data_->cinert, 10 * nb);
    at = put(obs, at, data_->cvel, 6 * nb);
    at = put(obs, at, data_->qfrc_actuator, model_->nv);
    put(obs, at, data_->cfrc_ext, 6 * nb);
  }

  double total_mass_ = 0.0;
};

}  // namespace

std::unique_ptr<Env> make_humanoid() { return std::make_unique<Humanoid>(); }

}  // namespace neuroevo
