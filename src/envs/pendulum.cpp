// Pendulum-v1: swing a torque-limited pendulum up and hold it upright, reproducing Gymnasium's
// PendulumEnv as specified in docs/reference/classic_control.md.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "classic_control_base.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/sincos.hpp"

namespace neuroevo {
namespace {

using std::numbers::pi;

// Constants of the spec (Gymnasium Pendulum-v1).
constexpr double kG = 10.0, kM = 1.0, kL = 1.0, kDt = 0.05;
constexpr double kMaxSpeed = 8.0, kMaxTorque = 2.0;

// Into [-pi, pi): ((x + pi) mod 2 pi) - pi with a floored modulo, as Python's/NumPy's `%`.
double angle_normalize(double x) {
  double r = std::fmod(x + pi, 2 * pi);
  if (r < 0) r += 2 * pi;
  return r - pi;
}

class Pendulum final : public ClassicControlEnv {
 public:
  Pendulum()
      : ClassicControlEnv("Pendulum-v1", Space::box({-1.0, -1.0, -kMaxSpeed}, {1.0, 1.0, kMaxSpeed}),
                          Space::box({-kMaxTorque}, {kMaxTorque}), 200, 2) {}

 private:
  double theta_ = 0, theta_dot_ = 0;  // theta = 0 is upright; theta itself is never wrapped

 public:  // called directly (not through the vtable) by the batched lanes, see classic_control_base.hpp
  void draw_initial_state(Stream& rng) override {
    theta_ = rng.uniform(-pi, pi);
    theta_dot_ = rng.uniform(-1.0, 1.0);
  }

  void assign_state(std::span<const double> s) override {
    theta_ = s[0];
    theta_dot_ = s[1];
  }

  StepResult advance(float action) override {
    const double u = std::clamp(static_cast<double>(action), -kMaxTorque, kMaxTorque);
    // The cost is that of the state before the update, with the angle measured from upright.
    const double angle = angle_normalize(theta_);
    const double cost = angle * angle + 0.1 * (theta_dot_ * theta_dot_) + 0.001 * (u * u);
    // Semi-implicit Euler: the new velocity moves the angle.
    theta_dot_ += (3 * kG / (2 * kL) * det_sin(theta_) + 3 / (kM * kL * kL) * u) * kDt;
    theta_dot_ = std::clamp(theta_dot_, -kMaxSpeed, kMaxSpeed);
    theta_ += theta_dot_ * kDt;
    return {-cost, false, false};  // never terminates; only the time limit ends an episode
  }

  void observe(std::span<float> obs) const override {
    obs[0] = static_cast<float>(det_cos(theta_));
    obs[1] = static_cast<float>(det_sin(theta_));
    obs[2] = static_cast<float>(theta_dot_);
  }
};

}  // namespace

std::unique_ptr<Env> make_pendulum() { return std::make_unique<Pendulum>(); }

std::unique_ptr<BatchEnv> make_pendulum_batch(size_t lanes) {
  return std::make_unique<ClassicBatchEnv<Pendulum>>(lanes);
}

}  // namespace neuroevo
