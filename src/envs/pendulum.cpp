// Pendulum-v1: swing a torque-limited pendulum up and hold it upright, reproducing Gymnasium's
// PendulumEnv as specified in docs/reference/classic_control.md.
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

  static constexpr size_t kState = 2, kObs = 3;

  // One step for a scalar or a vector of lanes (classic_control_base.hpp: SoaBatchEnv); s = theta,
  // theta_dot (theta = 0 is upright; theta itself is never wrapped); `action` is the torque as given.
  template <class T>
  [[gnu::always_inline]] static inline LaneStep<T> dynamics(std::array<T, kState>& s, T action) {
    const T u = lane_clamp(action, -kMaxTorque, kMaxTorque);
    // The cost is that of the state before the update, with the angle measured from upright. The
    // floored modulo is exact, so lane by lane through fmod gives every lane the scalar bits.
    T angle;
    if constexpr (std::is_same_v<T, double>) {
      angle = angle_normalize(s[0]);
    } else {
      for (size_t j = 0; j < sizeof(T) / sizeof(double); ++j) angle[j] = angle_normalize(s[0][j]);
    }
    const T cost = angle * angle + 0.1 * (s[1] * s[1]) + 0.001 * (u * u);
    T sn, cs;
    lane_sincos(s[0], sn, cs);
    // Semi-implicit Euler: the new velocity moves the angle.
    T td = s[1] + (3 * kG / (2 * kL) * sn + 3 / (kM * kL * kL) * u) * kDt;
    td = lane_clamp(td, -kMaxSpeed, kMaxSpeed);
    s[0] = s[0] + td * kDt;
    s[1] = td;
    return {-cost, LaneMask<T>{}};  // never terminates; only the time limit ends an episode
  }
  template <class T>
  [[gnu::always_inline]] static inline void observation(const std::array<T, kState>& s, std::array<T, kObs>& o) {
    lane_sincos(s[0], o[1], o[0]);
    o[2] = s[1];
  }
  const std::array<double, kState>& state() const { return s_; }

 private:
  std::array<double, kState> s_{};  // theta, theta_dot

 public:  // called directly (not through the vtable) by ClassicControlEnv::step_as
  void draw_initial_state(Stream& rng) override {
    s_[0] = rng.uniform(-pi, pi);
    s_[1] = rng.uniform(-1.0, 1.0);
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
    std::array<double, kObs> o;
    observation(s_, o);
    for (size_t d = 0; d < kObs; ++d) obs[d] = static_cast<float>(o[d]);
  }
};

}  // namespace

std::unique_ptr<Env> make_pendulum() { return std::make_unique<Pendulum>(); }

std::unique_ptr<BatchEnv> make_pendulum_batch(size_t lanes) {
  return std::make_unique<SoaBatchEnv<Pendulum>>(lanes, best_simd_isa());
}

}  // namespace neuroevo
