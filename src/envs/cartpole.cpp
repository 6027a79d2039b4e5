// CartPole-v1: a pole hinged on a cart that is pushed left or right (Barto, Sutton & Anderson 1983),
// reproducing Gymnasium's CartPoleEnv as specified in docs/reference/classic_control.md.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include "classic_control_base.hpp"
#include "neuroevo/core/simd_isa.hpp"
#include "neuroevo/envs/classic_control.hpp"
#include "neuroevo/envs/sincos.hpp"

// The batched lanes pass vectors by value only between always-inlined functions (no call boundary), so
// GCC's note that such values change the calling convention without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NEUROEVO_CARTPOLE_WIDE 1
#endif

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

// One explicit-Euler step of the dynamics for a scalar (T = double) or a vector of lanes (T = a GCC vector
// of doubles): the scalar environment and the batched lanes run this same code, so each lane has the
// scalar bits. s and c are sin and cos of theta (det_sincos / sincos_poly, envs/sincos.hpp).
template <class T>
[[gnu::always_inline]] inline void cartpole_dynamics(T& x, T& x_dot, T& theta, T& theta_dot, T force, T s, T c) {
  const T temp = (force + kPoleMassLength * (theta_dot * theta_dot) * s) / kTotalMass;
  const T theta_acc = (kGravity * s - c * temp) / (kHalfLength * (4.0 / 3.0 - kMassPole * (c * c) / kTotalMass));
  const T x_acc = temp - kPoleMassLength * theta_acc * c / kTotalMass;
  // Explicit Euler: positions advance with the old velocities.
  x += kTau * x_dot;
  x_dot += kTau * x_acc;
  theta += kTau * theta_dot;
  theta_dot += kTau * theta_acc;
}

inline bool fell(double x, double theta) { return std::abs(x) > kXThreshold || std::abs(theta) > kThetaThreshold; }

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
    double c, s;
    det_sincos(theta_, s, c);
    cartpole_dynamics(x_, x_dot_, theta_, theta_dot_, force, s, c);
    return {1.0, fell(x_, theta_), false};  // reward 1 on every step, the terminating one included
  }

  // For the batched lanes: a freshly drawn state component (0..3 in state order), and the action check.
  double state(int i) const { return i == 0 ? x_ : i == 1 ? x_dot_ : i == 2 ? theta_ : theta_dot_; }
  void validate(float action) const { check_action(action); }

  void observe(std::span<float> obs) const override {
    obs[0] = static_cast<float>(x_);
    obs[1] = static_cast<float>(x_dot_);
    obs[2] = static_cast<float>(theta_);
    obs[3] = static_cast<float>(theta_dot_);
  }
};


// CartPole's lanes as structure of arrays: the four state components and the step counters of all lanes
// in contiguous arrays, stepped by cartpole_dynamics on vectors of 2, 4 or 8 lanes (SSE2, AVX2, AVX-512,
// chosen at run time: the same bits). Resets draw through a scalar CartPole (the scalar environment's
// initial-state code), and its action check gives invalid actions the scalar environment's error.
class CartPoleBatch final : public BatchEnv {
 public:
  explicit CartPoleBatch(size_t lanes)
      : lanes_(lanes),
        padded_((lanes + kBlock - 1) / kBlock * kBlock),
        state_(4 * padded_, 0.0),
        force_(padded_, 0.0),
        mask_(padded_, 0.0),
        steps_(lanes, 0),
        isa_(best_simd_isa()) {}

  size_t lanes() const override { return lanes_; }
  const Space& observation_space() const override { return proto_.observation_space(); }
  const Space& action_space() const override { return proto_.action_space(); }
  int max_episode_steps() const override { return proto_.max_episode_steps(); }

  void reset(size_t lane, uint64_t seed, std::span<float> obs) override {
    if (lane >= lanes_) throw std::out_of_range("CartPole batch: lane out of range");
    proto_.reset(seed, obs);
    for (int i = 0; i < 4; ++i) state_[i * padded_ + lane] = proto_.state(i);
    steps_[lane] = 0;
  }

  void step(std::span<const float> actions, std::span<const uint8_t> active, std::span<float> obs,
            std::span<StepResult> out) override {
    check_batch(actions.size(), active.size(), obs.size(), out.size(), lanes_, 4);
    for (size_t l = 0; l < lanes_; ++l) {
      mask_[l] = active[l] ? 1.0 : 0.0;
      if (!active[l]) continue;
      const float a = actions[l];
      if (!(a == 0.0f || a == 1.0f)) proto_.validate(a);  // throws the scalar environment's UsageError
      force_[l] = a == 1.0f ? kForce : -kForce;
    }
    double* st = state_.data();
    switch (isa_) {
#ifdef NEUROEVO_CARTPOLE_WIDE
      case SimdIsa::Avx512: step_avx512(st, force_.data(), mask_.data(), padded_); break;
      case SimdIsa::Avx2: step_avx2(st, force_.data(), mask_.data(), padded_); break;
#endif
      default: step_portable(st, force_.data(), mask_.data(), padded_); break;
    }
    const double *x = st, *x_dot = st + padded_, *theta = st + 2 * padded_, *theta_dot = st + 3 * padded_;
    const int limit = proto_.max_episode_steps();
    for (size_t l = 0; l < lanes_; ++l) {
      if (!active[l]) continue;
      float* o = obs.data() + 4 * l;
      o[0] = static_cast<float>(x[l]);
      o[1] = static_cast<float>(x_dot[l]);
      o[2] = static_cast<float>(theta[l]);
      o[3] = static_cast<float>(theta_dot[l]);
      out[l] = {1.0, fell(x[l], theta[l]), ++steps_[l] >= limit};
    }
  }

 private:
  static constexpr size_t kBlock = 8;  // lanes are padded to the widest vector (8 doubles)

  using V2d = double __attribute__((vector_size(16)));
  using V4d = double __attribute__((vector_size(32)));
  using V8d = double __attribute__((vector_size(64)));

  // Steps every lane (padded: a multiple of 8) of the state arrays whose mask is 1; the others keep
  // their state. A vector whose |theta| exceeds the polynomial's range takes libm lane by lane, as
  // det_sincos does for a scalar.
  template <class VD>
  [[gnu::always_inline]] static inline void step_lanes(double* st, const double* force, const double* mask,
                                                       size_t padded) {
    constexpr size_t W = sizeof(VD) / sizeof(double);
    double* xs[4] = {st, st + padded, st + 2 * padded, st + 3 * padded};
    for (size_t l = 0; l < padded; l += W) {
      VD v[4], f, m;
      for (int i = 0; i < 4; ++i) std::memcpy(&v[i], xs[i] + l, sizeof(VD));
      std::memcpy(&f, force + l, sizeof f);
      std::memcpy(&m, mask + l, sizeof m);
      VD s, c;
      sincos_poly(v[2], s, c);
      bool fallback = false;
      for (size_t j = 0; j < W; ++j) fallback |= !(std::abs(v[2][j]) <= kSinCosMaxArg);
      if (fallback) {
        for (size_t j = 0; j < W; ++j) {
          double sj, cj;
          det_sincos(v[2][j], sj, cj);
          s[j] = sj;
          c[j] = cj;
        }
      }
      VD n[4] = {v[0], v[1], v[2], v[3]};
      cartpole_dynamics(n[0], n[1], n[2], n[3], f, s, c);
      for (int i = 0; i < 4; ++i) {
        const VD kept = m != 0.0 ? n[i] : v[i];
        std::memcpy(xs[i] + l, &kept, sizeof(VD));
      }
    }
  }
  static void step_portable(double* st, const double* force, const double* mask, size_t padded) {
    step_lanes<V2d>(st, force, mask, padded);
  }
#ifdef NEUROEVO_CARTPOLE_WIDE
  __attribute__((target("avx2"))) static void step_avx2(double* st, const double* force, const double* mask,
                                                        size_t padded) {
    step_lanes<V4d>(st, force, mask, padded);
  }
  __attribute__((target("avx512f"))) static void step_avx512(double* st, const double* force, const double* mask,
                                                             size_t padded) {
    step_lanes<V8d>(st, force, mask, padded);
  }
#endif

  size_t lanes_, padded_;
  CartPole proto_;  // the scalar environment: spaces, action check, reset draws and time limit
  std::vector<double> state_;  // x, x_dot, theta, theta_dot: each `padded_` lanes
  std::vector<double> force_, mask_;
  std::vector<int> steps_;
  SimdIsa isa_;
};

}  // namespace

std::unique_ptr<Env> make_cartpole() { return std::make_unique<CartPole>(); }

std::unique_ptr<BatchEnv> make_cartpole_batch(size_t lanes) {
  return std::make_unique<CartPoleBatch>(lanes);
}

}  // namespace neuroevo
