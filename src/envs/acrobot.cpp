// Acrobot-v1: a two-link pendulum actuated at the elbow that must swing its tip above a line
// (Sutton 1996; dynamics of Sutton & Barto's book), reproducing Gymnasium's AcrobotEnv as specified in
// docs/reference/classic_control.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "classic_control_base.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/sincos.hpp"

namespace neuroevo {
namespace {

using std::numbers::pi;
using State = std::array<double, 4>;  // theta1, theta2, dtheta1, dtheta2

// Constants of the spec (Gymnasium Acrobot-v1, "book" dynamics, no torque noise).
constexpr double kDt = 0.2;
constexpr double kL1 = 1.0;                 // length of link 1 (link 2 only enters through its centre)
constexpr double kM1 = 1.0, kM2 = 1.0;      // link masses
constexpr double kLc1 = 0.5, kLc2 = 0.5;    // positions of the centres of mass
constexpr double kI1 = 1.0, kI2 = 1.0;      // link moments of inertia
constexpr double kG = 9.8;
constexpr double kMaxVel1 = 4 * pi, kMaxVel2 = 9 * pi;
constexpr std::array<double, 3> kTorques = {-1.0, 0.0, 1.0};

// Time derivative of the state under a constant elbow torque `a` (the spec's formulas, in its order).
State derivative(const State& y, double a) {
  const double t1 = y[0], t2 = y[1], dt1 = y[2], dt2 = y[3];
  const double d1 = kM1 * kLc1 * kLc1 + kM2 * (kL1 * kL1 + kLc2 * kLc2 + 2 * kL1 * kLc2 * det_cos(t2)) + kI1 + kI2;
  const double d2 = kM2 * (kLc2 * kLc2 + kL1 * kLc2 * det_cos(t2)) + kI2;
  const double phi2 = kM2 * kLc2 * kG * det_cos(t1 + t2 - pi / 2);
  const double phi1 = -kM2 * kL1 * kLc2 * (dt2 * dt2) * det_sin(t2) -
                      2 * kM2 * kL1 * kLc2 * dt2 * dt1 * det_sin(t2) +
                      (kM1 * kLc1 + kM2 * kL1) * kG * det_cos(t1 - pi / 2) + phi2;
  const double ddt2 = (a + d2 / d1 * phi1 - kM2 * kL1 * kLc2 * (dt1 * dt1) * det_sin(t2) - phi2) /
                      (kM2 * kLc2 * kLc2 + kI2 - d2 * d2 / d1);
  const double ddt1 = -(d2 * ddt2 + phi1) / d1;
  return {dt1, dt2, ddt1, ddt2};
}

// Into [-pi, pi) by whole turns: a loop like Gymnasium's wrap, so the rounding matches. Only a huge
// angle given to set_state needs more than a few turns; it is reduced first so the loop stays short
// (the state is finite: set_state checks).
double wrap(double x) {
  if (std::abs(x) > 64 * pi) x = std::remainder(x, 2 * pi);
  while (x >= pi) x -= 2 * pi;
  while (x < -pi) x += 2 * pi;
  return x;
}

class Acrobot final : public ClassicControlEnv {
 public:
  Acrobot()
      : ClassicControlEnv("Acrobot-v1",
                          Space::box({-1, -1, -1, -1, -kMaxVel1, -kMaxVel2}, {1, 1, 1, 1, kMaxVel1, kMaxVel2}),
                          Space::discrete(3), 500, 4) {}

 private:
  State s_{};

 public:  // called directly (not through the vtable) by the batched lanes, see classic_control_base.hpp
  void draw_initial_state(Stream& rng) override {
    for (double& v : s_) v = rng.uniform(-0.1, 0.1);
  }

  void assign_state(std::span<const double> s) override {
    for (size_t i = 0; i < s_.size(); ++i) s_[i] = s[i];
  }

  StepResult advance(float action) override {
    const double a = kTorques[static_cast<size_t>(action)];
    // One classical RK4 step over [0, dt] with the torque held constant.
    const State k1 = derivative(s_, a);
    State y;
    for (size_t i = 0; i < 4; ++i) y[i] = s_[i] + kDt / 2 * k1[i];
    const State k2 = derivative(y, a);
    for (size_t i = 0; i < 4; ++i) y[i] = s_[i] + kDt / 2 * k2[i];
    const State k3 = derivative(y, a);
    for (size_t i = 0; i < 4; ++i) y[i] = s_[i] + kDt * k3[i];
    const State k4 = derivative(y, a);
    for (size_t i = 0; i < 4; ++i) s_[i] += kDt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    s_[0] = wrap(s_[0]);
    s_[1] = wrap(s_[1]);
    s_[2] = std::clamp(s_[2], -kMaxVel1, kMaxVel1);
    s_[3] = std::clamp(s_[3], -kMaxVel2, kMaxVel2);
    // Goal: the tip is more than one link length above the pivot.
    const bool up = -det_cos(s_[0]) - det_cos(s_[0] + s_[1]) > 1.0;
    return {up ? 0.0 : -1.0, up, false};
  }

  void observe(std::span<float> obs) const override {
    obs[0] = static_cast<float>(det_cos(s_[0]));
    obs[1] = static_cast<float>(det_sin(s_[0]));
    obs[2] = static_cast<float>(det_cos(s_[1]));
    obs[3] = static_cast<float>(det_sin(s_[1]));
    obs[4] = static_cast<float>(s_[2]);
    obs[5] = static_cast<float>(s_[3]);
  }
};

}  // namespace

std::unique_ptr<Env> make_acrobot() { return std::make_unique<Acrobot>(); }

std::unique_ptr<BatchEnv> make_acrobot_batch(size_t lanes) {
  return std::make_unique<ClassicBatchEnv<Acrobot>>(lanes);
}

}  // namespace neuroevo
