// CartPole-v1: a pole hinged on a cart that is pushed left or right (Barto, Sutton & Anderson 1983),
// reproducing Gymnasium's CartPoleEnv as specified in docs/reference/classic_control.md.
#include <cmath>
#include <limits>
#include <numbers>

#include "classic_control_base.hpp"
#include "neuroevo/envs/classic_control.hpp"

namespace neuroevo {
namespace {

// Constants of the spec (Gymnasium CartPole-v1).
constexpr double kGravity = 9.8;
constexpr double kMassCart = 1.0;
constexpr double kMassPole = 0.1;
constexpr double kHalfLength = 0.5;
constexpr double kForce = 10.0;
constexpr double kTau = 0.02;
constexpr double kTotalMass = kMassPole + kMassCart;          // 1.1
constexpr double kPoleMassLength = kMassPole * kHalfLength;   // 0.05
constexpr double kXThreshold = 2.4;
constexpr double kThetaThreshold = 12 * 2 * std::numbers::pi / 360;  // 12 degrees
constexpr double kInf = std::numeric_limits<double>::infinity();

class CartPole final : public ClassicControlEnv {
 public:
  CartPole()
      : ClassicControlEnv("CartPole-v1",
                          // Gymnasium's bounds: twice the termination thresholds, velocities unbounded.
                          Space::box({-2 * kXThreshold, -kInf, -2 * kThetaThreshold, -kInf},
                                     {2 * kXThreshold, kInf, 2 * kThetaThreshold, kInf}),
                          Space::discrete(2), 500, 4) {}

 private:
  double x_ = 0, x_dot_ = 0, theta_ = 0, theta_dot_ = 0;

 public:  // called directly (not through the vtable) by the batched lanes, see classic_control_base.hpp
  void draw_initial_state(Stream& rng) override {
    x_ = rng.uniform(-0.05, 0.05);
    x_dot_ = rng.uniform(-0.05, 0.05);
    theta_ = rng.uniform(-0.05, 0.05);
    theta_dot_ = rng.uniform(-0.05, 0.05);
  }

  void assign_state(std::span<const double> s) override {
    x_ = s[0];
    x_dot_ = s[1];
    theta_ = s[2];
    theta_dot_ = s[3];
  }

  StepResult advance(float action) override {
    const double force = action == 1.0f ? kForce : -kForce;
    const double c = std::cos(theta_), s = std::sin(theta_);
    const double temp = (force + kPoleMassLength * (theta_dot_ * theta_dot_) * s) / kTotalMass;
    const double theta_acc =
        (kGravity * s - c * temp) / (kHalfLength * (4.0 / 3.0 - kMassPole * (c * c) / kTotalMass));
    const double x_acc = temp - kPoleMassLength * theta_acc * c / kTotalMass;
    // Explicit Euler: positions advance with the old velocities.
    x_ += kTau * x_dot_;
    x_dot_ += kTau * x_acc;
    theta_ += kTau * theta_dot_;
    theta_dot_ += kTau * theta_acc;
    const bool fell = std::abs(x_) > kXThreshold || std::abs(theta_) > kThetaThreshold;
    return {1.0, fell, false};  // reward 1 on every step, the terminating one included
  }

  void observe(std::span<float> obs) const override {
    obs[0] = static_cast<float>(x_);
    obs[1] = static_cast<float>(x_dot_);
    obs[2] = static_cast<float>(theta_);
    obs[3] = static_cast<float>(theta_dot_);
  }
};

}  // namespace

std::unique_ptr<Env> make_cartpole() { return std::make_unique<CartPole>(); }

std::unique_ptr<BatchEnv> make_cartpole_batch(size_t lanes) {
  return std::make_unique<ClassicBatchEnv<CartPole>>(lanes);
}

}  // namespace neuroevo
