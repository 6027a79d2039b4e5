// MountainCar-v0: an underpowered car must rock out of a valley to reach the flag (Moore 1990),
// reproducing Gymnasium's MountainCarEnv as specified in docs/reference/classic_control.md.
#include <algorithm>
#include <cmath>

#include "classic_control_base.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/sincos.hpp"

namespace neuroevo {
namespace {

// Constants of the spec (Gymnasium MountainCar-v0).
constexpr double kMinPosition = -1.2, kMaxPosition = 0.6;
constexpr double kMaxSpeed = 0.07;
constexpr double kGoalPosition = 0.5, kGoalVelocity = 0.0;
constexpr double kForce = 0.001;
constexpr double kGravity = 0.0025;

class MountainCar final : public ClassicControlEnv {
 public:
  MountainCar()
      : ClassicControlEnv("MountainCar-v0",
                          Space::box({kMinPosition, -kMaxSpeed}, {kMaxPosition, kMaxSpeed}),
                          Space::discrete(3), 200, 2) {}

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
    const int push = static_cast<int>(action) - 1;  // actions 0, 1, 2 accelerate left, not at all, right
    velocity_ += push * kForce - kGravity * det_cos(3 * position_);
    velocity_ = std::clamp(velocity_, -kMaxSpeed, kMaxSpeed);
    position_ = std::clamp(position_ + velocity_, kMinPosition, kMaxPosition);
    // The left wall is inelastic: hitting it stops the car.
    if (position_ == kMinPosition && velocity_ < 0) velocity_ = 0.0;
    const bool goal = position_ >= kGoalPosition && velocity_ >= kGoalVelocity;
    return {-1.0, goal, false};  // -1 on every step, the terminating one included
  }

  void observe(std::span<float> obs) const override {
    obs[0] = static_cast<float>(position_);
    obs[1] = static_cast<float>(velocity_);
  }
};

}  // namespace

std::unique_ptr<Env> make_mountain_car() { return std::make_unique<MountainCar>(); }

std::unique_ptr<BatchEnv> make_mountain_car_batch(size_t lanes) {
  return std::make_unique<ClassicBatchEnv<MountainCar>>(lanes);
}

}  // namespace neuroevo
