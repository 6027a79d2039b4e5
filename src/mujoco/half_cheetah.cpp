// HalfCheetah-v4: a planar cheetah-like runner (Wawrzynski 2009; Gymnasium's HalfCheetah-v4), as
// specified in docs/reference/mujoco.md. Model written from the published body plan: torso capsule from
// x = -0.5 to 0.5 (radius 0.046) with a head capsule, back thigh / shin / foot and front thigh / shin /
// foot hinges about y with their published ranges, stiffness and damping; total mass 14; friction
// 0.4 0.1 0.1; joint armature 0.1; motor gears 120, 90, 60 (back) and 120, 60, 30 (front);
// timestep 0.01 with MuJoCo's default (Euler) integrator.
#include "mj_env.hpp"
#include "neuroevo/envs/mujoco.hpp"

namespace neuroevo {
namespace {

constexpr const char* kHalfCheetahXml = R"(<mujoco model="cheetah">
  <compiler angle="radian" inertiafromgeom="true" settotalmass="14"/>
  <option timestep="0.01" gravity="0 0 -9.81"/>
  <size nstack="300000"/>
  <default>
    <joint armature="0.1" damping="0.01" limited="true" solimplimit="0 0.8 0.03" solreflimit="0.02 1" stiffness="8"/>
    <geom contype="1" conaffinity="0" condim="3" friction="0.4 0.1 0.1" solimp="0.0 0.8 0.01" solref="0.02 1"
          rgba="0.8 0.6 0.4 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" pos="0 0 0" size="40 40 40" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 0.7">
      <joint name="rootx" type="slide" axis="1 0 0" armature="0" damping="0" stiffness="0" limited="false"/>
      <joint name="rootz" type="slide" axis="0 0 1" armature="0" damping="0" stiffness="0" limited="false"/>
      <joint name="rooty" type="hinge" axis="0 1 0" armature="0" damping="0" stiffness="0" limited="false"/>
      <geom name="torso" type="capsule" fromto="-0.5 0 0 0.5 0 0" size="0.046"/>
      <geom name="head" type="capsule" pos="0.6 0 0.1" axisangle="0 1 0 0.87" size="0.046 0.15"/>
      <body name="bthigh" pos="-0.5 0 0">
        <joint name="bthigh" type="hinge" axis="0 1 0" range="-0.52 1.05" stiffness="240" damping="6"/>
        <geom name="bthigh" type="capsule" pos="0.1 0 -0.13" axisangle="0 1 0 -3.8" size="0.046 0.145"/>
        <body name="bshin" pos="0.16 0 -0.25">
          <joint name="bshin" type="hinge" axis="0 1 0" range="-0.785 0.785" stiffness="180" damping="4.5"/>
          <geom name="bshin" type="capsule" pos="-0.14 0 -0.07" axisangle="0 1 0 -2.03" size="0.046 0.15"/>
          <body name="bfoot" pos="-0.28 0 -0.14">
            <joint name="bfoot" type="hinge" axis="0 1 0" range="-0.4 0.785" stiffness="120" damping="3"/>
            <geom name="bfoot" type="capsule" pos="0.03 0 -0.097" axisangle="0 1 0 -0.27" size="0.046 0.094"/>
          </body>
        </body>
      </body>
      <body name="fthigh" pos="0.5 0 0">
        <joint name="fthigh" type="hinge" axis="0 1 0" range="-1 0.7" stiffness="180" damping="4.5"/>
        <geom name="fthigh" type="capsule" pos="-0.07 0 -0.12" axisangle="0 1 0 0.52" size="0.046 0.133"/>
        <body name="fshin" pos="-0.14 0 -0.24">
          <joint name="fshin" type="hinge" axis="0 1 0" range="-1.2 0.87" stiffness="120" damping="3"/>
          <geom name="fshin" type="capsule" pos="0.065 0 -0.09" axisangle="0 1 0 -0.6" size="0.046 0.106"/>
          <body name="ffoot" pos="0.13 0 -0.18">
            <joint name="ffoot" type="hinge" axis="0 1 0" range="-0.5 0.5" stiffness="60" damping="1.5"/>
            <geom name="ffoot" type="capsule" pos="0.045 0 -0.07" axisangle="0 1 0 -0.6" size="0.046 0.07"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor joint="bthigh" gear="120"/>
    <motor joint="bshin" gear="90"/>
    <motor joint="bfoot" gear="60"/>
    <motor joint="fthigh" gear="120"/>
    <motor joint="fshin" gear="60"/>
    <motor joint="ffoot" gear="30"/>
  </actuator>
</mujoco>)";

class HalfCheetah final : public MjEnv {
 public:
  HalfCheetah() : MjEnv("HalfCheetah-v4", load_mjcf("HalfCheetah-v4", [] { return kHalfCheetahXml; }), 5, 17) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    for (double& q : qpos) q += rng.uniform(-0.1, 0.1);
    for (double& v : qvel) v += 0.1 * rng.normal();
  }
  double progress() const override { return data_->qpos[0]; }
  StepResult reward(std::span<const double> action, double velocity) const override {
    return {1.0 * velocity - ctrl_cost(action, 0.1), false, false};  // never terminates
  }
  void observe(std::span<float> obs) const override {
    const size_t at = put(obs, 0, data_->qpos + 1, model_->nq - 1);
    put(obs, at, data_->qvel, model_->nv);
  }
};

}  // namespace

std::unique_ptr<Env> make_half_cheetah() { return std::make_unique<HalfCheetah>(); }

}  // namespace neuroevo
