// MountainCar-v0: an underpowered car must rock out of a valley to reach the flag (Moore 1990),
// reproducing Gymnasium's MountainCarEnv as specified in docs/reference/classic_control.md.
#include <algorithm>
#include <array>
#include <cmath>

#include "classic_control_base.hpp"
#include "mountain_car_base.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/sincos.hpp"

namespace neuroevo {
namespace {

// Constants of the spec (Gymnasium MountainCar-v0); the bounds, speed limit and gravity are shared with
// MountainCarContinuous-v0 (mountain_car_base.hpp).
using mountain_car::kGravity, mountain_car::kMaxPosition, mountain_car::kMaxSpeed, mountain_car::kMinPosition;
constexpr double kGoalPosition = 0.5, kGoalVelocity = 0.0;
constexpr double kForce = 0.001;

class MountainCar final : public ClassicControlEnv {
 public:
  MountainCar()
      : ClassicControlEnv("MountainCar-v0",
                          Space::box({kMinPosition, -kMaxSpeed}, {kMaxPosition, kMaxSpeed}),
                          Space::discrete(3), 200, 2) {}

  static constexpr size_t kState = 2, kObs = 2;

  // One step for a scalar or a vector of lanes (classic_control_base.hpp: SoaBatchEnv); s = position,
  // velocity; `action` is a validated index 0, 1 or 2 (accelerate left, not at all, right).
  template <class T>
  [[gnu::always_inline]] static inline LaneStep<T> dynamics(std::array<T, kState>& s, T action) {
    T c, sn;
    lane_sincos(3.0 * s[0], sn, c);
    const T push = action - 1.0;  // exactly -1, 0 or 1, as the integer the index gives
    mountain_car::move_car(s, s[1] + (push * kForce - kGravity * c));
    const T reward = T{} - 1.0;  // -1 on every step, the terminating one included
    return {reward, LaneMask<T>((s[0] >= kGoalPosition) & (s[1] >= kGoalVelocity))};
  }
  template <class T>
  [[gnu::always_inline]] static inline void observation(const std::array<T, kState>& s, std::array<T, kObs>& o) {
    o = s;
  }
  const std::array<double, kState>& state() const { return s_; }

 private:
  std::array<double, kState> s_{};  // position, velocity

 public:  // called directly (not through the vtable) by ClassicControlEnv::step_as
  void draw_initial_state(Stream& rng) override {
    s_[0] = rng.uniform(-0.6, -0.4);
    s_[1] = 0.0;  // not drawn: the spec starts the car at rest
  }

  void assign_state(std::span<const double> s) override {
    s_[0] = s[0];
    s_[1] = s[1];
  }

  StepResult advance(float action) override {
    const LaneStep<double> r = dynamics(s_, static_cast<double>(action));
    return {r.reward, r.terminated, false};
  }

  void observe(std::span<float> obs) const override {
    obs[0] = static_cast<float>(s_[0]);
    obs[1] = static_cast<float>(s_[1]);
  }
};

}  // namespace

std::unique_ptr<Env> make_mountain_car() { return std::make_unique<MountainCar>(); }

std::unique_ptr<BatchEnv> make_mountain_car_batch(size_t lanes) {
  return std::make_unique<SoaBatchEnv<MountainCar>>(lanes, best_simd_isa());
}

}  // namespace neuroevo
