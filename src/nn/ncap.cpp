// NCAP: the neural circuit architectural prior for swimming (Bhattasali, Zador & Engel 2022), modelled
// on the C. elegans locomotion circuit; see docs/reference/mujoco.md, "NCAP swimmer".
//
// For J joints (J = the action dimension; the first J observation entries are the joint angles, head
// to tail, as in ncap_swimmer) and step t of the episode:
//   q_i normalised by 2 pi / (J + 1) (the swimmer's joint limit) and split into a dorsal part
//   clip01(q_i) and a ventral part clip01(-q_i);
//   head oscillator: dorsal 1 for t mod P < P/2 else 0, ventral the opposite (P = 60 steps);
//   B-neurons  b_i,d = clip01(w_prop q_{i-1},d + [i = 0] w_osc osc_d), b_i,v likewise;
//   muscles    m_i,d = clip01(w_ipsi b_i,d + w_contra b_i,v), m_i,v = clip01(w_ipsi b_i,v + w_contra b_i,d);
//   torque_i = m_i,d - m_i,v, clipped to the action bounds.
// Parameters: [w_prop, w_osc, w_ipsi, w_contra] shared by all joints (4 values), or without sharing
// w_prop for joints 1..J-1, w_osc for joint 0, then w_ipsi and w_contra for every joint (3J values).
// Initial values (init = "signs", the default): +1 for excitatory weights, -1 for w_contra. With
// init = "random" every raw parameter is drawn from N(0, 1) (from the run's init stream): with sign
// constraints the circuit still has the right signs (|p|), without them the signs are random too; the
// ablation that shows what the constraints are for (from +1 / -1 an unconstrained search that never
// pushes a weight across zero behaves exactly like a constrained one).
// Sign constraints (default on) keep w_prop, w_osc, w_ipsi >= 0 and w_contra <= 0 whatever the
// strategy does, by parameterising magnitudes: the circuit uses |p| (and -|p| for w_contra), which
// holds after every update and, unlike clipping at use, leaves no flat region for the search.
// The step counter of the oscillator is per-episode state (PolicyScratch::state).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

float clip01(float x) { return std::clamp(x, 0.0f, 1.0f); }

class NcapPolicy final : public Policy {
 public:
  NcapPolicy(size_t joints, bool sharing, bool constrained, bool random_init, int period, Space action)
      : joints_(joints),
        sharing_(sharing),
        constrained_(constrained),
        random_init_(random_init),
        period_(period),
        action_(std::move(action)) {}

  size_t num_params() const override { return sharing_ ? 4 : 3 * joints_; }

  void init_params(uint64_t seed, std::span<float> params) const override {
    if (random_init_) {
      Stream rng(seed);
      for (float& p : params) p = static_cast<float>(rng.normal());
      return;
    }
    if (sharing_) {
      params[0] = params[1] = params[2] = 1.0f;
      params[3] = constrained_ ? 1.0f : -1.0f;  // a magnitude when constrained: w_contra = -|p| = -1
      return;
    }
    std::fill(params.begin(), params.end(), 1.0f);
    if (!constrained_) std::fill(params.begin() + 2 * joints_, params.end(), -1.0f);
  }

  void reset(PolicyScratch& scratch, uint64_t episode_seed) const override {
    Policy::reset(scratch, episode_seed);
    scratch.state.assign(1, 0.0f);  // oscillator step counter
  }

  void act(std::span<const float> p, std::span<const float> obs, std::span<float> action,
           PolicyScratch& s) const override {
    if (s.state.empty()) s.state.assign(1, 0.0f);
    const auto t = static_cast<long>(s.state[0]);
    s.state[0] += 1.0f;  // exact for the 1000-step episodes (floats count exactly to 2^24)
    const bool dorsal_phase = t % period_ < period_ / 2;
    const float osc_d = dorsal_phase ? 1.0f : 0.0f, osc_v = 1.0f - osc_d;
    const float scale = static_cast<float>((joints_ + 1) / (2 * std::numbers::pi));
    float prev_d = 0.0f, prev_v = 0.0f;  // dorsal / ventral proprioception of the previous joint
    for (size_t i = 0; i < joints_; ++i) {
      float b_d = 0.0f, b_v = 0.0f;
      if (i > 0) {
        const float w = weight(p, sharing_ ? 0 : i - 1, false);
        b_d = w * prev_d;
        b_v = w * prev_v;
      } else {
        const float w = weight(p, sharing_ ? 1 : joints_ - 1, false);
        b_d = w * osc_d;
        b_v = w * osc_v;
      }
      b_d = clip01(b_d);
      b_v = clip01(b_v);
      const float ipsi = weight(p, sharing_ ? 2 : joints_ + i, false);
      const float contra = weight(p, sharing_ ? 3 : 2 * joints_ + i, true);
      const float m_d = clip01(ipsi * b_d + contra * b_v);
      const float m_v = clip01(ipsi * b_v + contra * b_d);
      action[i] = static_cast<float>(std::clamp<double>(m_d - m_v, action_.low[i], action_.high[i]));
      const float q = obs[i] * scale;
      prev_d = clip01(q);
      prev_v = clip01(-q);
    }
  }

  double flops_per_act() const override { return 14.0 * static_cast<double>(joints_); }

  std::string describe() const override {
    std::ostringstream os;
    os << "ncap " << joints_ << " joints (" << (sharing_ ? "shared" : "per-joint") << " weights, "
       << (constrained_ ? "sign-constrained" : "unconstrained") << (random_init_ ? ", random init" : "") << ", "
       << num_params() << " params)";
    return os.str();
  }

 private:
  // Layout without sharing: [w_prop 1..J-1][w_osc][w_ipsi 0..J-1][w_contra 0..J-1] (3J values).
  float weight(std::span<const float> p, size_t k, bool inhibitory) const {
    if (!constrained_) return p[k];
    return inhibitory ? -std::abs(p[k]) : std::abs(p[k]);
  }

  size_t joints_;
  bool sharing_, constrained_, random_init_;
  int period_;
  Space action_;
};

}  // namespace

std::unique_ptr<const Policy> make_ncap_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  const bool sharing = cfg.get_bool("weight_sharing", true);
  const bool constrained = cfg.get_bool("sign_constraints", true);
  // A 60-step square wave (NCAP's head oscillator period).
  const auto period = static_cast<int>(cfg.get_int("oscillator_period", 60, 2, 1'000'000));
  const std::string init = cfg.get_string("init", "signs", {"signs", "random"});
  if (action.is_discrete()) throw UsageError("policy 'ncap' needs continuous joint torques (a Box action space)");
  if (obs.is_discrete() || obs.dim() < action.dim())
    throw UsageError("policy 'ncap' reads the joint angles from the first " + std::to_string(action.dim()) +
                     " observation entries; this environment has fewer");
  return std::make_unique<NcapPolicy>(action.dim(), sharing, constrained, init == "random", period, action);
}

}  // namespace neuroevo
