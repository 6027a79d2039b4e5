// CartPole-v1: a pole hinged on a cart that is pushed left or right (Barto, Sutton & Anderson 1983),
// reproducing Gymnasium's CartPoleEnv as specified in docs/reference/classic_control.md.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <stdexcept>
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


// Vectors of W floats, for the batched lanes' conversions (an attribute cannot depend on a template
// parameter, hence one specialisation per width).
template <size_t W>
struct Narrow;
template <>
struct Narrow<2> {
  using F = float __attribute__((vector_size(8)));
};
template <>
struct Narrow<4> {
  using F = float __attribute__((vector_size(16)));
};

// CartPole's lanes as structure of arrays: the four state components, the step counters and the masks of
// all lanes in contiguous arrays, stepped by cartpole_dynamics on vectors of 2 or 4 lanes (SSE2 or AVX2,
// chosen at run time: the same bits), with no branch per lane: inactive lanes are masked, the
// termination and time-limit tests are vector compares, and the observations are written column by
// column. Resets draw through a scalar CartPole (the scalar environment's initial-state code), and its
// action check gives invalid actions the scalar environment's error.
class CartPoleBatch final : public BatchEnv {
 public:
  explicit CartPoleBatch(size_t lanes)
      : lanes_(lanes),
        padded_((lanes + kBlock - 1) / kBlock * kBlock),
        state_(4 * padded_, 0.0),
        steps_(padded_, 0.0),
        actions_(padded_, 0.0f),
        mask_(padded_, 0),
        flags_(padded_, 0),
        isa_(best_simd_isa()) {}

  size_t lanes() const override { return lanes_; }
  const Space& observation_space() const override { return proto_.observation_space(); }
  const Space& action_space() const override { return proto_.action_space(); }
  int max_episode_steps() const override { return proto_.max_episode_steps(); }

  void reset(size_t lane, uint64_t seed, std::span<float> obs) override {
    if (lane >= lanes_ || obs.size() != 4 * lanes_) throw std::invalid_argument("CartPole batch: bad lane or buffer");
    float row[4];
    proto_.reset(seed, row);
    for (int i = 0; i < 4; ++i) {
      state_[i * padded_ + lane] = proto_.state(i);
      obs[i * lanes_ + lane] = row[i];
    }
    steps_[lane] = 0.0;
  }

  void step(std::span<const float> actions, std::span<const uint8_t> active, std::span<float> obs,
            std::span<double> reward, std::span<uint8_t> flags) override {
    check_batch(actions.size(), active.size(), obs.size(), reward.size(), flags.size(), lanes_, 4);
    std::memcpy(actions_.data(), actions.data(), lanes_ * sizeof(float));
    const Buffers b{actions_.data(), active.data(), obs.data(), reward.data(), flags.data(), lanes_, padded_,
                    static_cast<double>(proto_.max_episode_steps()), state_.data(), steps_.data(),
                    mask_.data(), flags_.data()};
    bool stepped = false;
    switch (isa_) {
#ifdef NEUROEVO_CARTPOLE_WIDE
      // AVX-512 machines run the 4-wide AVX2 version: on this project's benchmark machine (AMD EPYC,
      // docs/benchmarks.md) an 8-wide AVX-512 version of this loop took about 1.8x the CPU time of the
      // AVX2 one (perf: 8.2% against 4.6% of the same benchmark run), so it was removed.
      case SimdIsa::Avx512:
      case SimdIsa::Avx2: stepped = step_avx2(b, beyond_); break;
#endif
      default: stepped = step_portable(b, beyond_); break;
    }
    if (!stepped) {
      // Some active lane's action is not 0 or 1: the scalar environment's check throws its UsageError.
      for (size_t l = 0; l < lanes_; ++l)
        if (active[l]) proto_.validate(actions[l]);
      throw std::logic_error("CartPole batch: an action was refused but passes the scalar check");
    }
  }

 private:
  static constexpr size_t kBlock = 4;  // lanes are padded to the widest vector (4 doubles)

  using V2d = double __attribute__((vector_size(16)));
  using V4d = double __attribute__((vector_size(32)));

  // The caller's output buffers (lanes long) and the environment's padded arrays (the actions and the
  // active flags copied into padded ones: the vector loads of the last block stay inside them).
  struct Buffers {
    const float* actions;
    const uint8_t* active;
    float* obs;
    double* reward;
    uint8_t* flags;
    size_t lanes, padded;
    double limit;
    double *state, *steps;
    int64_t *mask, *lane_flags;  // all bits set for an active lane; the kLane* bits of the step
  };

  // One step of every lane (padded: a multiple of 8) whose mask is set; the others keep their state.
  // Everything is a vector operation over W lanes, including the conversions of the actions, the masks,
  // the observations and the flags. `Safe`: some |theta| exceeds the polynomial's range, and those lanes
  // take libm as det_sincos does for a scalar (never in practice: the episode ends at 12 degrees).
  template <class VD, bool Safe>
  [[gnu::always_inline]] static inline auto step_lanes(const Buffers& b) {
    constexpr size_t W = sizeof(VD) / sizeof(double);
    using VI = decltype(VD{} < VD{});  // the compare result: 64-bit integers, all bits set where true
    using VF = typename Narrow<W>::F;
    const size_t lanes = b.lanes, padded = b.padded;
    double *px = b.state, *pxd = b.state + padded, *pth = b.state + 2 * padded, *pthd = b.state + 3 * padded;
    const VD one = VD{} + 1.0, zero = VD{}, force_pos = VD{} + kForce, force_neg = VD{} - kForce;
    VI big{};  // lanes whose new |theta| is beyond the polynomial's range (or NaN)
    for (size_t l = 0; l < padded; l += W) {
      VD x, xd, th, thd, steps;
      VF a;
      VI m;
      std::memcpy(&x, px + l, sizeof x);
      std::memcpy(&xd, pxd + l, sizeof xd);
      std::memcpy(&th, pth + l, sizeof th);
      std::memcpy(&thd, pthd + l, sizeof thd);
      std::memcpy(&steps, b.steps + l, sizeof steps);
      std::memcpy(&a, b.actions + l, sizeof a);
      std::memcpy(&m, b.mask + l, sizeof m);
      const VD f = __builtin_convertvector(a, VD) == 1.0 ? force_pos : force_neg;
      VD s, c;
      sincos_poly(th, s, c);
      if constexpr (Safe) {
        for (size_t j = 0; j < W; ++j) {
          double sj, cj;
          det_sincos(th[j], sj, cj);
          s[j] = sj;
          c[j] = cj;
        }
      }
      VD nx = x, nxd = xd, nth = th, nthd = thd;
      cartpole_dynamics(nx, nxd, nth, nthd, f, s, c);
      x = m ? nx : x;
      xd = m ? nxd : xd;
      th = m ? nth : th;
      thd = m ? nthd : thd;
      steps = m ? steps + one : steps;
      std::memcpy(px + l, &x, sizeof x);
      std::memcpy(pxd + l, &xd, sizeof xd);
      std::memcpy(pth + l, &th, sizeof th);
      std::memcpy(pthd + l, &thd, sizeof thd);
      std::memcpy(b.steps + l, &steps, sizeof steps);
      big |= ~((th <= kSinCosMaxArg) & (th >= -kSinCosMaxArg));
      // fell(): |x| > 2.4 or |theta| > 12 degrees (NaN compares false, as in the scalar test).
      const VI fell_v = (nx > kXThreshold) | (nx < -kXThreshold) | (nth > kThetaThreshold) | (nth < -kThetaThreshold);
      const VI fl = m & ((fell_v & kLaneTerminated) | ((steps >= b.limit) & kLaneTruncated));
      const VD rew = m ? one : zero;  // reward 1 on every step, the terminating one included
      const VF o[4] = {__builtin_convertvector(x, VF), __builtin_convertvector(xd, VF), __builtin_convertvector(th, VF),
                       __builtin_convertvector(thd, VF)};
      std::memcpy(b.lane_flags + l, &fl, sizeof fl);
      if (l + W <= lanes) {
        for (int i = 0; i < 4; ++i) std::memcpy(b.obs + i * lanes + l, &o[i], sizeof o[i]);
        std::memcpy(b.reward + l, &rew, sizeof rew);
      } else {
        for (size_t j = 0; l + j < lanes; ++j) {
          for (int i = 0; i < 4; ++i) b.obs[i * lanes + l + j] = o[i][j];
          b.reward[l + j] = rew[j];
        }
      }
    }
    uint8_t* __restrict flags = b.flags;
    const int64_t* __restrict lane_flags = b.lane_flags;
    for (size_t l = 0; l < lanes; ++l) flags[l] = static_cast<uint8_t>(lane_flags[l]);
    return big;
  }
  // Steps the lanes unless some active lane's action is not 0 or 1 (then returns false, nothing changed).
  // `beyond`: some lane's |theta| is outside the sin/cos polynomial's range (NaN included), updated for
  // the next step.
  template <class VD>
  [[gnu::always_inline]] static inline bool step_any(const Buffers& b, bool& beyond) {
    constexpr size_t W = sizeof(VD) / sizeof(double);
    using VF = typename Narrow<W>::F;
    using VI = decltype(VD{} < VD{});
    int64_t* __restrict mask = b.mask;
    const uint8_t* __restrict active = b.active;
    const size_t lanes = b.lanes;
    for (size_t l = 0; l < lanes; ++l) mask[l] = -static_cast<int64_t>(active[l] != 0);
    VI bad{};
    for (size_t l = 0; l < b.padded; l += W) {
      VF a;
      VI m;
      std::memcpy(&a, b.actions + l, sizeof a);
      std::memcpy(&m, mask + l, sizeof m);
      const VD ad = __builtin_convertvector(a, VD);
      bad |= m & ~((ad == 0.0) | (ad == 1.0));
    }
    bool refused = false;
    for (size_t j = 0; j < W; ++j) refused |= bad[j] != 0;
    if (refused) return false;
    VI big = beyond ? step_lanes<VD, true>(b) : step_lanes<VD, false>(b);
    beyond = false;
    for (size_t j = 0; j < W; ++j) beyond |= big[j] != 0;
    return true;
  }
  static bool step_portable(const Buffers& b, bool& beyond) { return step_any<V2d>(b, beyond); }
#ifdef NEUROEVO_CARTPOLE_WIDE
  __attribute__((target("avx2"))) static bool step_avx2(const Buffers& b, bool& beyond) { return step_any<V4d>(b, beyond); }
#endif

  size_t lanes_, padded_;
  CartPole proto_;  // the scalar environment: spaces, action check, reset draws and time limit
  std::vector<double> state_;  // x, x_dot, theta, theta_dot: each `padded_` lanes
  std::vector<double> steps_;  // steps of each lane's episode (exact integers)
  std::vector<float> actions_;    // the step's actions, padded with zeros (a valid action)
  std::vector<int64_t> mask_, flags_;  // see Buffers
  bool beyond_ = false;  // some lane's |theta| is beyond the sin/cos polynomial's range (resets draw |theta| <= 0.05)
  SimdIsa isa_;
};

}  // namespace

std::unique_ptr<Env> make_cartpole() { return std::make_unique<CartPole>(); }

std::unique_ptr<BatchEnv> make_cartpole_batch(size_t lanes) {
  return std::make_unique<CartPoleBatch>(lanes);
}

}  // namespace neuroevo
