// MountainCarContinuous-v0: the mountain car with a continuous, energy-penalised throttle,
// reproducing Gymnasium's Continuous_MountainCarEnv as specified in docs/reference/classic_control.md.
// Unlike Gymnasium, which rounds its state to float32 after every step, the state stays in double as
// the spec asks.
#include <algorithm>
#include <array>
#include <cmath>

#include "classic_control_base.hpp"
#include "mountain_car_base.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/sincos.hpp"

namespace neuroevo {
namespace {

// Constants of the spec (Gymnasium MountainCarContinuous-v0); the bounds, speed limit and gravity are
// shared with MountainCar-v0 (mountain_car_base.hpp).
using mountain_car::kGravity, mountain_car::kMaxPosition, mountain_car::kMaxSpeed, mountain_car::kMinPosition;
constexpr double kGoalPosition = 0.45, kGoalVelocity = 0.0;
constexpr double kPower = 0.0015;
constexpr double kGoalBonus = 100.0;
constexpr double kActionCost = 0.1;

class MountainCarContinuous final : public ClassicControlEnv {
 public:
  MountainCarContinuous()
      : ClassicControlEnv("MountainCarContinuous-v0",
                          Space::box({kMinPosition, -kMaxSpeed}, {kMaxPosition, kMaxSpeed}),
                          Space::box({-1.0}, {1.0}), 999, 2) {}

  static constexpr size_t kState = 2, kObs = 2;

  // One step for a scalar or a vector of lanes (classic_control_base.hpp: SoaBatchEnv); s = position,
  // velocity; `action` is the throttle as given (finite).
  template <class T>
  [[gnu::always_inline]] static inline LaneStep<T> dynamics(std::array<T, kState>& s, T a) {
    T c, sn;
    lane_sincos(3.0 * s[0], sn, c);
    const T force = lane_clamp(a, -1.0, 1.0);
    mountain_car::move_car(s, s[1] + (force * kPower - kGravity * c));
    const T zero{};
    const LaneMask<T> goal = (s[0] >= kGoalPosition) & (s[1] >= kGoalVelocity);
    // The energy cost uses the action as given, not the clipped force (as Gymnasium does).
    const T bonus = goal ? zero + kGoalBonus : zero;
    return {bonus - kActionCost * (a * a), goal};
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

std::unique_ptr<Env> make_mountain_car_continuous() { return std::make_unique<MountainCarContinuous>(); }

std::unique_ptr<BatchEnv> make_mountain_car_continuous_batch(size_t lanes) {
  return std::make_unique<SoaBatchEnv<MountainCarContinuous>>(lanes, best_simd_isa());
}

}  // namespace neuroevo
