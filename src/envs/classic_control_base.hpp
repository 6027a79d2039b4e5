// Shared frame of the classic-control environments (internal to src/envs/).
//
// The base class owns what all five have in common: the spaces, input validation, the seeded reset
// stream and the step counter of the time limit (Gymnasium's TimeLimit wrapper: truncated once the
// counter, started at 0 by reset or set_state, reaches the limit). Each environment file then only
// supplies its initial-state distribution, its dynamics and its observation.
#pragma once
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/simd_isa.hpp"
#include "neuroevo/envs/batch_env.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/sincos.hpp"

// The batched lanes pass vectors by value only between always-inlined functions (no call boundary), so
// GCC's note that such values change the calling convention without AVX does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace neuroevo {

class ClassicControlEnv : public Env {
 public:
  const Space& observation_space() const final { return obs_space_; }
  const Space& action_space() const final { return action_space_; }
  int max_episode_steps() const final { return limit_; }
  size_t state_dim() const final { return state_dim_; }

  void reset(uint64_t seed, std::span<float> obs) final {
    check_size("observation buffer", obs.size(), obs_space_.dim());
    Stream rng(seed);  // the caller already derived the seed; components are drawn in state order
    draw_initial_state(rng);
    steps_ = 0;
    observe(obs);
  }

  void set_state(std::span<const double> state, std::span<float> obs) final {
    check_size("state", state.size(), state_dim_);
    check_size("observation buffer", obs.size(), obs_space_.dim());
    for (size_t i = 0; i < state.size(); ++i)
      if (!std::isfinite(state[i]))
        throw UsageError(name_ + ": state component " + std::to_string(i) + " is not a finite number");
    assign_state(state);
    steps_ = 0;
    observe(obs);
  }

  StepResult step(std::span<const float> action, std::span<float> obs) final {
    check_size("action", action.size(), 1);  // a discrete index or a single continuous value
    check_size("observation buffer", obs.size(), obs_space_.dim());
    return step_as(*this, action[0], obs);
  }

  // One step of a concrete environment E (final, deriving from this class) with its dynamics called
  // directly, not through the vtable.
  template <class E>
  static StepResult step_as(E& env, float a, std::span<float> obs) {
    env.check_action(a);
    constexpr bool direct = !std::is_same_v<E, ClassicControlEnv>;  // the base (step()) goes through the vtable
    StepResult r;
    if constexpr (direct) r = env.E::advance(a); else r = env.advance(a);
    r.truncated = ++env.steps_ >= env.limit_;
    if constexpr (direct) env.E::observe(obs); else env.observe(obs);
    return r;
  }

 // The action check of step(), for the batched lanes (SoaBatchEnv below): throws UsageError.
  void validate(float a) const { check_action(a); }

 protected:
  void check_action(float a) const {
    if (action_space_.is_discrete()) {
      if (!(a >= 0.0f && a < static_cast<float>(action_space_.n) && a == std::floor(a)))
        throw UsageError(name_ + ": action " + number(a) + " is not a valid action index (expected an integer " +
                         "from 0 to " + std::to_string(action_space_.n - 1) + ")");
    } else if (!std::isfinite(a)) {
      throw UsageError(name_ + ": action is not a finite number");
    }
  }

  ClassicControlEnv(std::string name, Space obs, Space action, int limit, size_t state_dim)
      : name_(std::move(name)),
        obs_space_(std::move(obs)),
        action_space_(std::move(action)),
        limit_(limit),
        state_dim_(state_dim) {}

  virtual void draw_initial_state(Stream& rng) = 0;
  virtual void assign_state(std::span<const double> state) = 0;  // size and finiteness already checked
  // One step of the dynamics. `action` is validated: an integer index in [0, n) for discrete spaces.
  // Sets reward and terminated; the base sets truncated.
  virtual StepResult advance(float action) = 0;
  virtual void observe(std::span<float> obs) const = 0;  // obs has the observation dimension

 private:
  void check_size(const char* what, size_t got, size_t want) const {
    if (got != want)
      throw UsageError(name_ + ": " + what + " has " + std::to_string(got) + " values, expected " +
                       std::to_string(want));
  }

  static std::string number(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));
    return buf;
  }

  std::string name_;
  Space obs_space_;
  Space action_space_;
  int limit_;
  size_t state_dim_;
  int steps_ = 0;
};

// ---- Lanes as structure of arrays (Acrobot, MountainCar(Continuous), Pendulum) ----
//
// Each of these environments writes its dynamics and its observation once, as templates over T = double
// (the scalar environment's advance() and observe()) or T = a GCC vector of doubles (W lanes of the
// batched environment). The helpers below are the operations both forms share, each giving every vector
// element exactly the scalar operation's bits: IEEE multiply and add stay separate (-ffp-contract=off),
// compares give a mask (bool or a vector of 64-bit integers with all bits set) and selects take the mask.

template <class T>
using LaneMask = decltype(T{} < T{});

// The result of one step of the dynamics: reward and termination, per lane.
template <class T>
struct LaneStep {
  T reward;
  LaneMask<T> terminated;
};

// std::clamp(x, lo, hi): (x < lo) ? lo : (hi < x) ? hi : x, NaN passing through.
template <class T>
[[gnu::always_inline]] inline T lane_clamp(T x, double lo, double hi) {
  const T vlo = T{} + lo, vhi = T{} + hi;
  return x < lo ? vlo : (hi < x ? vhi : x);
}

// det_sincos (envs/sincos.hpp) for a scalar or every element of a vector: the polynomial in range, and
// the scalar det_sincos (libm beyond the range, NaN, infinities) for every element when one is out of it.
template <class T>
[[gnu::always_inline]] inline void lane_sincos(T x, T& s, T& c) {
  if constexpr (std::is_same_v<T, double>) {
    det_sincos(x, s, c);
  } else {
    sincos_poly(x, s, c);
    const LaneMask<T> in = (x <= kSinCosMaxArg) & (x >= -kSinCosMaxArg);
    bool all = true;
    for (size_t j = 0; j < sizeof(T) / sizeof(double); ++j) all &= in[j] != 0;
    if (!all) {
      for (size_t j = 0; j < sizeof(T) / sizeof(double); ++j) {
        double sj, cj;
        det_sincos(x[j], sj, cj);
        s[j] = sj;
        c[j] = cj;
      }
    }
  }
}

// Whether any element of a mask is set (a scalar's bool itself).
template <class M>
[[gnu::always_inline]] inline bool lane_any(M m) {
  if constexpr (std::is_same_v<M, bool>) {
    return m;
  } else {
    bool any = false;
    for (size_t j = 0; j < sizeof(M) / sizeof(m[0]); ++j) any |= m[j] != 0;
    return any;
  }
}

// K lanes of a classic-control environment E as structure of arrays: E's state components of all lanes
// in contiguous arrays (padded to 4 lanes), stepped by E::dynamics on vectors of 2 or 4 doubles (SSE2 or
// AVX2, chosen at run time; AVX-512 machines run the AVX2 form, as CartPole does, cartpole.cpp), then
// masked so that inactive lanes keep their state. The termination and time-limit tests are vector
// compares and the observations are written column by column. Resets draw through a scalar E (its
// initial-state code), and the actions of active lanes go through E's action check before any state
// changes, so an invalid one throws the scalar environment's UsageError.
//
// E provides (public): kState and kObs (state and observation sizes), state() (after a reset),
//   template <class T> static LaneStep<T> dynamics(std::array<T, kState>& s, T action), and
//   template <class T> static void observation(const std::array<T, kState>& s, std::array<T, kObs>& o);
// E::advance and E::observe are these templates at T = double, so every lane has the scalar bits.
template <class E>
class SoaBatchEnv final : public BatchEnv {
 public:
  static constexpr size_t kState = E::kState, kObs = E::kObs, kBlock = 4;
  explicit SoaBatchEnv(size_t lanes, SimdIsa isa)
      : lanes_(lanes),
        padded_((lanes + kBlock - 1) / kBlock * kBlock),
        state_(kState * padded_, 0.0),
        steps_(padded_, 0.0),
        actions_(padded_, 0.0f),
        mask_(padded_, 0),
        flags_(padded_, 0),
        isa_(isa) {
    // Unused padding lanes start from a state the dynamics take without trouble: the first reset's.
    float row[kObs];
    proto_.reset(0, row);
    for (size_t i = 0; i < kState; ++i)
      for (size_t l = 0; l < padded_; ++l) state_[i * padded_ + l] = proto_.state()[i];
  }
  size_t lanes() const override { return lanes_; }
  const Space& observation_space() const override { return proto_.observation_space(); }
  const Space& action_space() const override { return proto_.action_space(); }
  int max_episode_steps() const override { return proto_.max_episode_steps(); }

  void reset(size_t lane, uint64_t seed, std::span<float> obs) override {
    if (lane >= lanes_ || obs.size() != kObs * lanes_) throw std::invalid_argument("batched reset: bad lane or buffer");
    float row[kObs];
    proto_.reset(seed, row);
    for (size_t i = 0; i < kState; ++i) state_[i * padded_ + lane] = proto_.state()[i];
    for (size_t d = 0; d < kObs; ++d) obs[d * lanes_ + lane] = row[d];
    steps_[lane] = 0.0;
  }

  void step(std::span<const float> actions, std::span<const uint8_t> active, std::span<float> obs,
            std::span<double> reward, std::span<uint8_t> flags) override {
    check_batch(actions.size(), active.size(), obs.size(), reward.size(), flags.size(), lanes_, kObs);
    for (size_t l = 0; l < lanes_; ++l) {
      if (active[l]) proto_.validate(actions[l]);
      actions_[l] = active[l] ? actions[l] : 0.0f;  // inactive lanes step with action 0 (valid), then are masked
      mask_[l] = -static_cast<int64_t>(active[l] != 0);
    }
    const Buffers b{obs.data(), reward.data(), flags.data(), static_cast<double>(proto_.max_episode_steps())};
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    if (isa_ != SimdIsa::Portable) {
      step_avx2(b);
      return;
    }
#endif
    step_portable(b);
  }

 private:
  using V2d = double __attribute__((vector_size(16)));
  using V4d = double __attribute__((vector_size(32)));
  using V2f = float __attribute__((vector_size(8)));
  using V4f = float __attribute__((vector_size(16)));

  struct Buffers {
    float* obs;
    double* reward;
    uint8_t* flags;
    double limit;
  };

  template <class VD, class VF>
  [[gnu::always_inline]] inline void step_lanes(const Buffers& b) {
    constexpr size_t W = sizeof(VD) / sizeof(double);
    using VI = LaneMask<VD>;
    const VD one = VD{} + 1.0, zero = VD{};
    for (size_t l = 0; l < padded_; l += W) {
      std::array<VD, kState> s, ns;
      for (size_t i = 0; i < kState; ++i) std::memcpy(&s[i], &state_[i * padded_ + l], sizeof(VD));
      VF af;
      VI m;
      VD steps;
      std::memcpy(&af, &actions_[l], sizeof af);
      std::memcpy(&m, &mask_[l], sizeof m);
      std::memcpy(&steps, &steps_[l], sizeof steps);
      ns = s;
      const LaneStep<VD> r = E::dynamics(ns, __builtin_convertvector(af, VD));
      for (size_t i = 0; i < kState; ++i) {
        s[i] = m ? ns[i] : s[i];
        std::memcpy(&state_[i * padded_ + l], &s[i], sizeof(VD));
      }
      steps = m ? steps + one : steps;
      std::memcpy(&steps_[l], &steps, sizeof steps);
      const VI fl = m & ((r.terminated & kLaneTerminated) | ((steps >= b.limit) & kLaneTruncated));
      std::memcpy(&flags_[l], &fl, sizeof fl);
      const VD rew = m ? r.reward : zero;
      std::array<VD, kObs> o;
      E::observation(s, o);
      if (l + W <= lanes_) {
        for (size_t d = 0; d < kObs; ++d) {
          const VF of = __builtin_convertvector(o[d], VF);
          std::memcpy(b.obs + d * lanes_ + l, &of, sizeof of);
        }
        std::memcpy(b.reward + l, &rew, sizeof rew);
      } else {
        for (size_t j = 0; l + j < lanes_; ++j) {
          for (size_t d = 0; d < kObs; ++d) b.obs[d * lanes_ + l + j] = static_cast<float>(o[d][j]);
          b.reward[l + j] = rew[j];
        }
      }
    }
    for (size_t l = 0; l < lanes_; ++l) b.flags[l] = static_cast<uint8_t>(flags_[l]);
  }
  void step_portable(const Buffers& b) { step_lanes<V2d, V2f>(b); }
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  __attribute__((target("avx2"))) void step_avx2(const Buffers& b) { step_lanes<V4d, V4f>(b); }
#endif

  size_t lanes_, padded_;
  E proto_;  // the scalar environment: spaces, action check, reset draws and time limit
  std::vector<double> state_;  // component i of lane l at i * padded_ + l
  std::vector<double> steps_;  // steps of each lane's episode (exact integers)
  std::vector<float> actions_;
  std::vector<int64_t> mask_, flags_;  // all bits set for an active lane; the kLane* bits of the step
  SimdIsa isa_;
};

}  // namespace neuroevo
