// The NCAP swimmer task (Bhattasali, Zador & Engel 2022, "Neural circuit architectural priors for
// embodied control"): an N-link planar swimmer, rewarded per step by a linear tolerance of the head's
// forward speed (0 at or below 0, 1 at or above 0.1), 1000 steps per episode, so returns lie in
// [0, 1000]; see docs/reference/mujoco.md, "NCAP swimmer".
//
// The body is generated from the DeepMind Control Suite swimmer's published plan (Tassa et al. 2018):
// a head and N - 1 segments 0.1 apart along +y (the head swims towards -y), each with a box of
// 0.002 x 0.1 x 0.02 and mass 0.01 carrying its inertia; hinge joints about z at the rear of each link,
// limited to +-360/N degrees (soft limits solref 0.05 1, solimp 0 0.8 0.1), armature 1e-6; the head
// is free in the plane (two slides and a hinge); motors of gear 5e-4 and control range [-1, 1];
// timestep 0.002, fluid density 3000 (drag from MuJoCo's inertia-box fluid model), contacts disabled;
// control timestep 0.03 (frame skip 15).
//
// Reset: the head's heading uniform in [-pi, pi) and every joint angle uniform within its limits,
// velocities zero (the Control Suite's randomisation). Observation (4N - 1 values): the N - 1 joint
// angles (head to tail; the `ncap` policy reads these), then per link (head first) the local linear
// velocity x, y and angular velocity z from velocimeter and gyro sensors at the link's origin. The
// reward reads the head velocimeter, whose -y component is the forward speed.
#include <cmath>
#include <numbers>
#include <sstream>

#include "mj_env.hpp"
#include "neuroevo/core/error.hpp"

namespace neuroevo {
namespace {

constexpr int kFrameSkip = 15;  // 0.03 s control timestep / 0.002 s physics timestep
constexpr double kDesiredSpeed = 0.1;

std::string swimmer_xml(int links) {
  const double limit = 360.0 / links;
  std::ostringstream x;
  x << R"(<mujoco model="ncap_swimmer">
  <compiler angle="degree" inertiafromgeom="true"/>
  <option timestep="0.002" density="3000"><flag contact="disable"/></option>
  <default>
    <joint type="hinge" pos="0 -0.05 0" axis="0 0 1" limited="true" solreflimit="0.05 1" solimplimit="0 0.8 0.1" armature="1e-6"/>
    <geom type="box" size="0.001 0.05 0.01" mass="0.01"/>
    <motor gear="5e-4" ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <body name="head" pos="0 0 0.05">
      <joint name="rootx" type="slide" axis="1 0 0" limited="false" armature="0"/>
      <joint name="rooty" type="slide" axis="0 1 0" limited="false" armature="0"/>
      <joint name="rootz" type="hinge" axis="0 0 1" limited="false" armature="0"/>
      <geom name="head"/>
      <site name="head"/>
)";
  for (int j = 0; j < links - 1; ++j) {
    x << "<body name=\"segment_" << j << "\" pos=\"0 0.1 0\"><geom/><site name=\"site_" << j << "\"/>"
      << "<joint name=\"joint_" << j << "\" range=\"" << -limit << ' ' << limit << "\"/>\n";
  }
  for (int j = 0; j < links - 1; ++j) x << "</body>";
  x << "\n    </body>\n  </worldbody>\n  <actuator>\n";
  for (int j = 0; j < links - 1; ++j) x << "    <motor joint=\"joint_" << j << "\"/>\n";
  x << "  </actuator>\n  <sensor>\n    <velocimeter site=\"head\"/>\n    <gyro site=\"head\"/>\n";
  for (int j = 0; j < links - 1; ++j)
    x << "    <velocimeter site=\"site_" << j << "\"/>\n    <gyro site=\"site_" << j << "\"/>\n";
  x << "  </sensor>\n</mujoco>\n";
  return x.str();
}

class NcapSwimmer final : public MjEnv {
 public:
  explicit NcapSwimmer(int links)
      : MjEnv(links == 6 ? "ncap_swimmer" : "ncap_swimmer-" + std::to_string(links),
              load_mjcf("ncap_swimmer-" + std::to_string(links), [links] { return swimmer_xml(links); }), kFrameSkip,
              static_cast<size_t>(4 * links - 1)),
        links_(links) {}

 private:
  void add_reset_noise(Stream& rng, std::span<double> qpos, std::span<double> qvel) const override {
    qpos[2] = rng.uniform(-std::numbers::pi, std::numbers::pi);
    const double limit = 2 * std::numbers::pi / links_;
    for (size_t k = 3; k < qpos.size(); ++k) qpos[k] = rng.uniform(-limit, limit);
    for (double& v : qvel) v = 0.0;
  }
  double progress() const override { return 0.0; }  // the reward reads the head's velocimeter instead
  StepResult reward(std::span<const double>, double) const override {
    const double forward = -data_->sensordata[1];
    return {std::clamp(forward / kDesiredSpeed, 0.0, 1.0), false, false};
  }
  void observe(std::span<float> obs) const override {
    size_t at = put(obs, 0, data_->qpos + 3, model_->nq - 3);
    for (int b = 0; b < links_; ++b) {
      const double* s = data_->sensordata + 6 * b;  // velocimeter (3) then gyro (3) of link b
      obs[at++] = static_cast<float>(s[0]);
      obs[at++] = static_cast<float>(s[1]);
      obs[at++] = static_cast<float>(s[5]);
    }
  }

  int links_;
};

}  // namespace

std::unique_ptr<MjEnv> make_ncap_swimmer(int links) {
  if (links < 2 || links > 20)
    throw UsageError("ncap_swimmer: " + std::to_string(links) + " links requested, expected 2 to 20");
  return std::make_unique<NcapSwimmer>(links);
}

std::unique_ptr<MjEnv> make_ncap_swimmer_by_name(const std::string& name) {
  const std::string prefix = "ncap_swimmer-";
  if (name.rfind(prefix, 0) != 0) return nullptr;
  const std::string n = name.substr(prefix.size());
  if (n.empty() || n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos)
    throw UsageError("environment '" + name + "': expected ncap_swimmer-N with N the number of links (2 to 20)");
  return make_ncap_swimmer(std::stoi(n));
}

}  // namespace neuroevo
