// The MuJoCo models (src/mujoco/models/*.xml) against Gymnasium's v4 models. The expected values below
// were taken from Gymnasium's MJCF files gymnasium/envs/mujoco/assets/{swimmer,hopper,half_cheetah,
// walker2d,ant,humanoid}.xml at Farama-Foundation/Gymnasium commit 3f0476a8cc224dcce2167cc4b6971ae0f04d5cfc
// (the files the *_v4.py environments load), compiled by MuJoCo 2.2.2 (Debian's libmujoco-dev), so that
// masses derived from geometry and density (inertiafromgeom) and angles given in degrees appear as
// MuJoCo computes them (kg, radians). Joint and body names are Gymnasium's; actuators are compared in
// file order because several Gymnasium files leave them unnamed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "neuroevo/envs/env.hpp"

#ifdef NEUROEVO_WITH_MUJOCO
#include "neuroevo/mujoco/model.hpp"
#endif

namespace neuroevo {
namespace {

#ifdef NEUROEVO_WITH_MUJOCO

struct GymBody {
  const char* name;
  double mass;
};
struct GymJoint {
  const char* name;
  int limited;
  double lo, hi;
};
struct GymActuator {
  const char* name;
  double gear, lo, hi;
};
struct GymModel {
  const char* env;
  const char* file;
  double timestep;
  std::vector<GymBody> bodies;
  std::vector<GymJoint> joints;
  std::vector<GymActuator> actuators;
};

const GymModel kSwimmer = {
    "Swimmer-v4", "swimmer.xml", 0.01,
    // bodies (name, mass in kg)
    {{"world", 0}, {"torso", 35.604716740684324}, {"mid", 35.604716740684324}, {"back", 35.604716740684324}},
    // joints (name, limited, range)
    {{"slider1", 0, 0, 0}, {"slider2", 0, 0, 0}, {"free_body_rot", 0, 0, 0}, {"motor1_rot", 1,
     -1.7453292519943295, 1.7453292519943295}, {"motor2_rot", 1, -1.7453292519943295, 1.7453292519943295}},
    // actuators in file order (name if Gymnasium gives one, gear, ctrlrange)
    {{"", 150, -1, 1}, {"", 150, -1, 1}}};

const GymModel kHopper = {
    "Hopper-v4", "hopper.xml", 0.002,
    // bodies (name, mass in kg)
    {{"world", 0}, {"torso", 3.6651914291880923}, {"thigh", 4.0578905108868177}, {"leg", 2.7813566959781637},
     {"foot", 5.3155747698739306}},
    // joints (name, limited, range)
    {{"rootx", 0, 0, 0}, {"rootz", 0, 0, 0}, {"rooty", 0, 0, 0}, {"thigh_joint", 1, -2.6179938779914944, 0},
     {"leg_joint", 1, -2.6179938779914944, 0}, {"foot_joint", 1, -0.78539816339744828, 0.78539816339744828}},
    // actuators in file order (name if Gymnasium gives one, gear, ctrlrange)
    {{"", 200, -1, 1}, {"", 200, -1, 1}, {"", 200, -1, 1}}};

const GymModel kHalfCheetah = {
    "HalfCheetah-v4", "half_cheetah.xml", 0.01,
    // bodies (name, mass in kg)
    {{"world", 0}, {"torso", 6.2502092050209201}, {"bthigh", 1.5435146443514645}, {"bshin", 1.5874476987447697},
     {"bfoot", 1.0953974895397491}, {"fthigh", 1.4380753138075317}, {"fshin", 1.2008368200836821}, {"ffoot",
     0.8845188284518829}},
    // joints (name, limited, range)
    {{"rootx", 0, 0, 0}, {"rootz", 0, 0, 0}, {"rooty", 0, 0, 0}, {"bthigh", 1, -0.52000000000000002, 1.05},
     {"bshin", 1, -0.78500000000000003, 0.78500000000000003}, {"bfoot", 1, -0.40000000000000002,
     0.78500000000000003}, {"fthigh", 1, -1, 0.69999999999999996}, {"fshin", 1, -1.2, 0.87}, {"ffoot", 1, -0.5,
     0.5}},
    // actuators in file order (name if Gymnasium gives one, gear, ctrlrange)
    {{"bthigh", 120, -1, 1}, {"bshin", 90, -1, 1}, {"bfoot", 60, -1, 1}, {"fthigh", 120, -1, 1}, {"fshin", 60,
     -1, 1}, {"ffoot", 30, -1, 1}}};

const GymModel kWalker2d = {
    "Walker2d-v4", "walker2d.xml", 0.002,
    // bodies (name, mass in kg)
    {{"world", 0}, {"torso", 3.6651914291880923}, {"thigh", 4.0578905108868177}, {"leg", 2.7813566959781637},
     {"foot", 3.1667253948185117}, {"thigh_left", 4.0578905108868177}, {"leg_left", 2.7813566959781637},
     {"foot_left", 3.1667253948185117}},
    // joints (name, limited, range)
    {{"rootx", 0, 0, 0}, {"rootz", 0, 0, 0}, {"rooty", 0, 0, 0}, {"thigh_joint", 1, -2.6179938779914944, 0},
     {"leg_joint", 1, -2.6179938779914944, 0}, {"foot_joint", 1, -0.78539816339744828, 0.78539816339744828},
     {"thigh_left_joint", 1, -2.6179938779914944, 0}, {"leg_left_joint", 1, -2.6179938779914944, 0},
     {"foot_left_joint", 1, -0.78539816339744828, 0.78539816339744828}},
    // actuators in file order (name if Gymnasium gives one, gear, ctrlrange)
    {{"", 100, -1, 1}, {"", 100, -1, 1}, {"", 100, -1, 1}, {"", 100, -1, 1}, {"", 100, -1, 1}, {"", 100, -1, 1}}};

const GymModel kAnt = {
    "Ant-v4", "ant.xml", 0.01,
    // bodies (name, mass in kg)
    {{"world", 0}, {"torso", 0.32724923474893675}, {"front_left_leg", 0.039157753728466707}, {"aux_1",
     0.039157753728466707}, {"", 0.067592204532680264}, {"front_right_leg", 0.039157753728466707}, {"aux_2",
     0.039157753728466707}, {"", 0.067592204532680264}, {"back_leg", 0.039157753728466707}, {"aux_3",
     0.039157753728466707}, {"", 0.067592204532680264}, {"right_back_leg", 0.039157753728466707}, {"aux_4",
     0.039157753728466707}, {"", 0.067592204532680264}},
    // joints (name, limited, range)
    {{"root", 0, 0, 0}, {"hip_1", 1, -0.52359877559829882, 0.52359877559829882}, {"ankle_1", 1,
     0.52359877559829882, 1.2217304763960306}, {"hip_2", 1, -0.52359877559829882, 0.52359877559829882},
     {"ankle_2", 1, -1.2217304763960306, -0.52359877559829882}, {"hip_3", 1, -0.52359877559829882,
     0.52359877559829882}, {"ankle_3", 1, -1.2217304763960306, -0.52359877559829882}, {"hip_4", 1,
     -0.52359877559829882, 0.52359877559829882}, {"ankle_4", 1, 0.52359877559829882, 1.2217304763960306}},
    // actuators in file order (name if Gymnasium gives one, gear, ctrlrange)
    {{"", 150, -1, 1}, {"", 150, -1, 1}, {"", 150, -1, 1}, {"", 150, -1, 1}, {"", 150, -1, 1}, {"", 150, -1, 1},
     {"", 150, -1, 1}, {"", 150, -1, 1}}};

const GymModel kHumanoid = {
    "Humanoid-v4", "humanoid.xml", 0.0030000000000000001,
    // bodies (name, mass in kg)
    {{"world", 0}, {"torso", 8.9074623704782621}, {"lwaist", 2.2619467105846511}, {"pelvis", 6.6161941284601031},
     {"right_thigh", 4.7517509288062421}, {"right_shin", 2.7556961671836424}, {"right_foot", 1.7671458676442586},
     {"left_thigh", 4.7517509288062421}, {"left_shin", 2.7556961671836424}, {"left_foot", 1.7671458676442586},
     {"right_upper_arm", 1.6610804848382084}, {"right_lower_arm", 1.2295401928310803}, {"left_upper_arm",
     1.6610804848382084}, {"left_lower_arm", 1.2295401928310803}},
    // joints (name, limited, range)
    {{"root", 0, 0, 0}, {"abdomen_z", 1, -0.78539816339744828, 0.78539816339744828}, {"abdomen_y", 1,
     -1.3089969389957472, 0.52359877559829882}, {"abdomen_x", 1, -0.6108652381980153, 0.6108652381980153},
     {"right_hip_x", 1, -0.43633231299858238, 0.087266462599716474}, {"right_hip_z", 1, -1.0471975511965976,
     0.6108652381980153}, {"right_hip_y", 1, -1.9198621771937625, 0.3490658503988659}, {"right_knee", 1,
     -2.7925268031909272, -0.034906585039886591}, {"left_hip_x", 1, -0.43633231299858238, 0.087266462599716474},
     {"left_hip_z", 1, -1.0471975511965976, 0.6108652381980153}, {"left_hip_y", 1, -1.9198621771937625,
     0.3490658503988659}, {"left_knee", 1, -2.7925268031909272, -0.034906585039886591}, {"right_shoulder1", 1,
     -1.4835298641951802, 1.0471975511965976}, {"right_shoulder2", 1, -1.4835298641951802, 1.0471975511965976},
     {"right_elbow", 1, -1.5707963267948966, 0.87266462599716477}, {"left_shoulder1", 1, -1.0471975511965976,
     1.4835298641951802}, {"left_shoulder2", 1, -1.0471975511965976, 1.4835298641951802}, {"left_elbow", 1,
     -1.5707963267948966, 0.87266462599716477}},
    // actuators in file order (name if Gymnasium gives one, gear, ctrlrange)
    {{"abdomen_y", 100, -0.40000000000000002, 0.40000000000000002}, {"abdomen_z", 100, -0.40000000000000002,
     0.40000000000000002}, {"abdomen_x", 100, -0.40000000000000002, 0.40000000000000002}, {"right_hip_x", 100,
     -0.40000000000000002, 0.40000000000000002}, {"right_hip_z", 100, -0.40000000000000002, 0.40000000000000002},
     {"right_hip_y", 300, -0.40000000000000002, 0.40000000000000002}, {"right_knee", 200, -0.40000000000000002,
     0.40000000000000002}, {"left_hip_x", 100, -0.40000000000000002, 0.40000000000000002}, {"left_hip_z", 100,
     -0.40000000000000002, 0.40000000000000002}, {"left_hip_y", 300, -0.40000000000000002, 0.40000000000000002},
     {"left_knee", 200, -0.40000000000000002, 0.40000000000000002}, {"right_shoulder1", 25, -0.40000000000000002,
     0.40000000000000002}, {"right_shoulder2", 25, -0.40000000000000002, 0.40000000000000002}, {"right_elbow",
     25, -0.40000000000000002, 0.40000000000000002}, {"left_shoulder1", 25, -0.40000000000000002,
     0.40000000000000002}, {"left_shoulder2", 25, -0.40000000000000002, 0.40000000000000002}, {"left_elbow", 25,
     -0.40000000000000002, 0.40000000000000002}}};

// Relative agreement: the masses are sums of geometric volumes times density, where a different
// summation order moves the last bits (the hopper torso differs by 4 ulp).
void expect_close(double got, double want, const std::string& what) {
  EXPECT_NEAR(got, want, 1e-12 * std::max(1.0, std::fabs(want))) << what;
}

void check_model(const GymModel& g) {
  SCOPED_TRACE(std::string(g.env) + " vs Gymnasium " + g.file);
  const MujocoModel mm = mujoco_model(g.env);
  const mjModel* m = mm.model.get();
  EXPECT_EQ(m->opt.timestep, g.timestep);
  ASSERT_EQ(m->nbody, static_cast<int>(g.bodies.size()));
  // Bodies in file order (the ant's feet are unnamed in both files).
  for (int id = 0; id < m->nbody; ++id) {
    const GymBody& b = g.bodies[static_cast<size_t>(id)];
    const char* name = mj_id2name(m, mjOBJ_BODY, id);
    EXPECT_EQ(std::string(name ? name : ""), b.name) << "body " << id;
    expect_close(m->body_mass[id], b.mass, "mass of body " + std::to_string(id) + " " + b.name);
  }
  ASSERT_EQ(m->njnt, static_cast<int>(g.joints.size()));
  for (const auto& j : g.joints) {
    const int id = mj_name2id(m, mjOBJ_JOINT, j.name);
    ASSERT_GE(id, 0) << "joint " << j.name << " missing";
    EXPECT_EQ(m->jnt_limited[id], j.limited) << "joint " << j.name;
    if (j.limited) {
      expect_close(m->jnt_range[2 * id], j.lo, std::string("range of ") + j.name);
      expect_close(m->jnt_range[2 * id + 1], j.hi, std::string("range of ") + j.name);
    }
  }
  ASSERT_EQ(m->nu, static_cast<int>(g.actuators.size()));
  for (int a = 0; a < m->nu; ++a) {
    const auto& want = g.actuators[static_cast<size_t>(a)];
    const std::string what = "actuator " + std::to_string(a) + " " + want.name;
    EXPECT_EQ(m->actuator_gear[6 * a], want.gear) << what;
    EXPECT_EQ(m->actuator_ctrllimited[a], 1) << what;
    EXPECT_EQ(m->actuator_ctrlrange[2 * a], want.lo) << what;
    EXPECT_EQ(m->actuator_ctrlrange[2 * a + 1], want.hi) << what;
  }
}

TEST(MujocoGymnasiumModels, SwimmerMatchesGymnasiumV4) { check_model(kSwimmer); }
TEST(MujocoGymnasiumModels, HopperMatchesGymnasiumV4) { check_model(kHopper); }
TEST(MujocoGymnasiumModels, HalfCheetahMatchesGymnasiumV4) { check_model(kHalfCheetah); }
TEST(MujocoGymnasiumModels, Walker2dMatchesGymnasiumV4) { check_model(kWalker2d); }
TEST(MujocoGymnasiumModels, AntMatchesGymnasiumV4) { check_model(kAnt); }
TEST(MujocoGymnasiumModels, HumanoidMatchesGymnasiumV4) { check_model(kHumanoid); }

#elif defined(NEUROEVO_REQUIRE_ALL_DEPS)
TEST(MujocoGymnasiumModels, MujocoIsBuilt) { FAIL() << "NEUROEVO_REQUIRE_ALL_DEPS=ON but MuJoCo is not built"; }
#endif  // NEUROEVO_WITH_MUJOCO

}  // namespace
}  // namespace neuroevo
