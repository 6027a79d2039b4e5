// What MountainCar-v0 and MountainCarContinuous-v0 share (internal to src/envs/): the track's bounds, the
// speed limit, gravity and the end of a step's motion (docs/reference/classic_control.md, Gymnasium's
// MountainCarEnv.step and Continuous_MountainCarEnv.step, which repeat the same lines).
#pragma once
#include <array>

#include "classic_control_base.hpp"

namespace neuroevo::mountain_car {

// Constants of the spec (Gymnasium, identical in both environments).
constexpr double kMinPosition = -1.2, kMaxPosition = 0.6;
constexpr double kMaxSpeed = 0.07;
constexpr double kGravity = 0.0025;

// The end of a step for a scalar or a vector of lanes (SoaBatchEnv): `v` is the velocity after the
// push and gravity, not yet clamped; s = position, velocity is overwritten with the clamped velocity,
// the clamped position and the inelastic left wall (hitting it with a leftward velocity stops the car).
template <class T>
[[gnu::always_inline]] inline void move_car(std::array<T, 2>& s, T v) {
  v = lane_clamp(v, -kMaxSpeed, kMaxSpeed);
  const T p = lane_clamp(s[0] + v, kMinPosition, kMaxPosition);
  const T zero{};
  v = ((p == kMinPosition) & (v < 0.0)) ? zero : v;
  s[0] = p;
  s[1] = v;
}

}  // namespace neuroevo::mountain_car
