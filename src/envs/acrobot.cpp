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

// Time derivative of the state under a constant elbow torque `a` (the spec's formulas, in its order), for
// a scalar or a vector of lanes (T: double or a GCC vector of doubles, classic_control_base.hpp).
template <class T>
[[gnu::always_inline]] inline std::array<T, 4> derivative(const std::array<T, 4>& y, T a) {
  const T t1 = y[0], t2 = y[1], dt1 = y[2], dt2 = y[3];
  T s2, c2, s12, c12, s1, c1;  // sin and cos of t2, t1 + t2 - pi/2 and t1 - pi/2
  lane_sincos(t2, s2, c2);
  lane_sincos(t1 + t2 - pi / 2, s12, c12);
  lane_sincos(t1 - pi / 2, s1, c1);
  const T d1 = kM1 * kLc1 * kLc1 + kM2 * (kL1 * kL1 + kLc2 * kLc2 + 2 * kL1 * kLc2 * c2) + kI1 + kI2;
  const T d2 = kM2 * (kLc2 * kLc2 + kL1 * kLc2 * c2) + kI2;
  const T phi2 = kM2 * kLc2 * kG * c12;
  const T phi1 = -kM2 * kL1 * kLc2 * (dt2 * dt2) * s2 - 2 * kM2 * kL1 * kLc2 * dt2 * dt1 * s2 +
                 (kM1 * kLc1 + kM2 * kL1) * kG * c1 + phi2;
  const T ddt2 = (a + d2 / d1 * phi1 - kM2 * kL1 * kLc2 * (dt1 * dt1) * s2 - phi2) /
                 (kM2 * kLc2 * kLc2 + kI2 - d2 * d2 / d1);
  const T ddt1 = -(d2 * ddt2 + phi1) / d1;
  return {dt1, dt2, ddt1, ddt2};
}

// Into [-pi, pi) by whole turns: a loop like Gymnasium's wrap, so the rounding matches. Only a huge
// angle given to set_state (or reached with a huge velocity) needs more than a few turns; it is reduced
// first so the loop stays short.
double wrap(double x) {
  if (!(std::abs(x) <= 64 * pi)) x = std::remainder(x, 2 * pi);
  while (x >= pi) x -= 2 * pi;
  while (x < -pi) x += 2 * pi;
  return x;
}

// wrap() for a scalar or every element of a vector: the lanes that are not yet in range take the same
// subtraction (or addition) as the scalar loop, one turn per pass, so every lane has the scalar bits.
template <class T>
[[gnu::always_inline]] inline T lane_wrap(T x) {
  if constexpr (std::is_same_v<T, double>) {
    return wrap(x);
  } else {
    if (lane_any(~((x <= 64 * pi) & (x >= -64 * pi)))) {
      for (size_t j = 0; j < sizeof(T) / sizeof(double); ++j) x[j] = wrap(x[j]);
      return x;
    }
    for (LaneMask<T> m = x >= pi; lane_any(m); m = x >= pi) x = m ? x - 2 * pi : x;
    for (LaneMask<T> m = x < -pi; lane_any(m); m = x < -pi) x = m ? x + 2 * pi : x;
    return x;
  }
}

class Acrobot final : public ClassicControlEnv {
 public:
  Acrobot()
      : ClassicControlEnv("Acrobot-v1",
                          Space::box({-1, -1, -1, -1, -kMaxVel1, -kMaxVel2}, {1, 1, 1, 1, kMaxVel1, kMaxVel2}),
                          Space::discrete(3), 500, 4) {}

  static constexpr size_t kState = 4, kObs = 6;

  // One step for a scalar or a vector of lanes (SoaBatchEnv); `action` is a validated index 0, 1 or 2.
  template <class T>
  [[gnu::always_inline]] static inline LaneStep<T> dynamics(std::array<T, kState>& s, T action) {
    const T zero{};
    const T a = action == 0.0 ? zero + kTorques[0] : (action == 2.0 ? zero + kTorques[2] : zero + kTorques[1]);
    // One classical RK4 step over [0, dt] with the torque held constant.
    const std::array<T, 4> k1 = derivative(s, a);
    std::array<T, 4> y;
    for (size_t i = 0; i < 4; ++i) y[i] = s[i] + kDt / 2 * k1[i];
    const std::array<T, 4> k2 = derivative(y, a);
    for (size_t i = 0; i < 4; ++i) y[i] = s[i] + kDt / 2 * k2[i];
    const std::array<T, 4> k3 = derivative(y, a);
    for (size_t i = 0; i < 4; ++i) y[i] = s[i] + kDt * k3[i];
    const std::array<T, 4> k4 = derivative(y, a);
    for (size_t i = 0; i < 4; ++i) s[i] += kDt / 6 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    s[0] = lane_wrap(s[0]);
    s[1] = lane_wrap(s[1]);
    s[2] = lane_clamp(s[2], -kMaxVel1, kMaxVel1);
    s[3] = lane_clamp(s[3], -kMaxVel2, kMaxVel2);
    // Goal: the tip is more than one link length above the pivot.
    T s0, c0, s01, c01;
    lane_sincos(s[0], s0, c0);
    lane_sincos(s[0] + s[1], s01, c01);
    const LaneMask<T> up = -c0 - c01 > 1.0;
    return {up ? zero : zero - 1.0, up};
  }
  template <class T>
  [[gnu::always_inline]] static inline void observation(const std::array<T, kState>& s, std::array<T, kObs>& o) {
    lane_sincos(s[0], o[1], o[0]);
    lane_sincos(s[1], o[3], o[2]);
    o[4] = s[2];
    o[5] = s[3];
  }
  const State& state() const { return s_; }

 private:
  State s_{};

 public:  // called directly (not through the vtable) by ClassicControlEnv::step_as
  void draw_initial_state(Stream& rng) override {
    for (double& v : s_) v = rng.uniform(-0.1, 0.1);
  }

  void assign_state(std::span<const double> s) override {
    for (size_t i = 0; i < s_.size(); ++i) s_[i] = s[i];
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

std::unique_ptr<Env> make_acrobot() { return std::make_unique<Acrobot>(); }

std::unique_ptr<BatchEnv> make_acrobot_batch(size_t lanes) {
  return std::make_unique<SoaBatchEnv<Acrobot>>(lanes, best_simd_isa());
}

}  // namespace neuroevo
