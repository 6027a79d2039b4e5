// MountainCarContinuous-v0: the mountain car with a continuous, energy-penalised throttle,
// reproducing Gymnasium's Continuous_MountainCarEnv as specified in docs/reference/classic_control.md.
// Unlike Gymnasium, which rounds its state to float32 after every step, the state stays in double as
// the spec asks.
#include <algorithm>
#include <cmath>

#include "classic_control_base.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/sincos.hpp"

namespace neuroevo {
namespace {

// Constants of the spec (Gymnasium MountainCarContinuous-v0).
constexpr double kMinPosition = -1.2, kMaxPosition = 0.6;
constexpr double kMaxSpeed = 0.07;
constexpr double kGoalPosition = 0.45, kGoalVelocity = 0.0;
constexpr double kPower = 0.0015;
constexpr double kGravity = 0.0025;
constexpr double kGoalBonus = 100.0;
constexpr double kActionCost = 0.1;

class MountainCarContinuous final : public ClassicControlEnv {
 public:
  MountainCarContinuous()
      : ClassicControlEnv("MountainCarContinuous-v0",
                          Space::box({kMinPosition, -kMaxSpeed}, {kMaxPosition, kMaxSpeed}),
                          Space::box({-1.0}, {1.0}), 999, 2) {}

 private:
  double position_ = 0, velocity_ = 0;

 public:  // called directly (not through the vtable) by the batched lanes, see classic_control_base.hpp
  void draw_initial_state(Stream& rng) override {
    position_ = rng.uniform(-0.6, -0.4);
    velocity_ = 0.0;  // not drawn: the spec starts the car at rest
  }

  void assign_state(std::span<const double> s) override {
    position_ = s[0];
    velocity_ = s[1];
  }

  StepResult advance(float action) override {
    const double a = action;
    const double force = std::clamp(a, -1.0, 1.0);
    velocity_ += force * kPower - kGravity * det_cos(3 * position_);
    velocity_ = std::clamp(velocity_, -kMaxSpeed, kMaxSpeed);
    position_ = std::clamp(position_ + velocity_, kMinPosition, kMaxPosition);
    if (position_ == kMinPosition && velocity_ < 0) velocity_ = 0.0;  // inelastic left wall
    const bool goal = position_ >= kGoalPosition && velocity_ >= kGoalVelocity;
    // The energy cost uses the action as given, not the clipped force (as Gymnasium does).
    return {(goal ? kGoalBonus : 0.0) - kActionCost * (a * a), goal, false};
  }

  void observe(std::span<float> obs) const override {
    obs[0] = static_cast<float>(position_);
    obs[1] = static_cast<float>(velocity_);
  }
};

}  // namespace

std::unique_ptr<Env> make_mountain_car_continuous() { return std::make_unique<MountainCarContinuous>(); }

std::unique_ptr<BatchEnv> make_mountain_car_continuous_batch(size_t lanes) {
  return std::make_unique<ClassicBatchEnv<MountainCarContinuous>>(lanes);
}

}  // namespace neuroevo
