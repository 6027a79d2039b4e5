// Double pole balancing with and without velocities (include/neuroevo/envs/neat_tasks.hpp). Constants are
// those of the NEAT paper's experiments (Stanley & Miikkulainen 2002, section 4.3, which follows Wieland
// 1991 and Gruau, Whitley & Pyeatt 1996, "A comparison between cellular encoding and direct encoding for
// genetic neural networks").
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/neat_tasks.hpp"

namespace neuroevo {

namespace {

constexpr double kGravity = 9.8;
constexpr double kCartMass = 1.0;
constexpr double kMass[2] = {0.1, 0.01};
constexpr double kHalfLength[2] = {0.5, 0.05};
constexpr double kHingeFriction = 0.000002;
constexpr double kForce = 10.0;
constexpr double kTau = 0.01;
constexpr double kTrack = 2.4;
constexpr double kFailAngle = 36.0 * 3.14159265358979323846 / 180.0;

// Wieland's equations: derivative of (x, x', t1, t1', t2, t2') under `force` (no cart friction).
void derivative(const double s[6], double force, double d[6]) {
  double num = force, den = kCartMass;
  for (int i = 0; i < 2; ++i) {
    const double th = s[2 + 2 * i], om = s[3 + 2 * i];
    const double c = std::cos(th), sn = std::sin(th);
    const double fric = kHingeFriction * om / (kMass[i] * kHalfLength[i]);
    // Effective force and mass of pole i on the cart.
    num += kMass[i] * kHalfLength[i] * om * om * sn + 0.75 * kMass[i] * c * (fric - kGravity * sn);
    den += kMass[i] * (1.0 - 0.75 * c * c);
  }
  const double xacc = num / den;
  d[0] = s[1];
  d[1] = xacc;
  for (int i = 0; i < 2; ++i) {
    const double th = s[2 + 2 * i], om = s[3 + 2 * i];
    const double fric = kHingeFriction * om / (kMass[i] * kHalfLength[i]);
    d[2 + 2 * i] = om;
    d[3 + 2 * i] = -0.75 * (xacc * std::cos(th) - kGravity * std::sin(th) + fric) / kHalfLength[i];
  }
}

}  // namespace

void double_pole_rk4(double s[6], double force, double dt) {
  double k1[6], k2[6], k3[6], k4[6], t[6];
  derivative(s, force, k1);
  for (int j = 0; j < 6; ++j) t[j] = s[j] + 0.5 * dt * k1[j];
  derivative(t, force, k2);
  for (int j = 0; j < 6; ++j) t[j] = s[j] + 0.5 * dt * k2[j];
  derivative(t, force, k3);
  for (int j = 0; j < 6; ++j) t[j] = s[j] + dt * k3[j];
  derivative(t, force, k4);
  for (int j = 0; j < 6; ++j) s[j] += dt / 6.0 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
}

namespace {

class DoublePole final : public Env {
 public:
  explicit DoublePole(bool velocities)
      : velocities_(velocities), name_(velocities ? "double_pole" : "double_pole_nv"),
        obs_(velocities ? Space::box({-1, -1e3, -2, -1e3, -2, -1e3}, {1, 1e3, 2, 1e3, 2, 1e3})
                        : Space::box({-1, -2, -2}, {1, 2, 2})),
        act_(Space::box({0.0}, {1.0})) {}

  const Space& observation_space() const override { return obs_; }
  const Space& action_space() const override { return act_; }
  int max_episode_steps() const override { return velocities_ ? 100000 : 1000; }
  size_t state_dim() const override { return 6; }

  void reset(uint64_t, std::span<float> obs) override {
    const double start[6] = {0, 0, 0.07, 0, 0, 0};
    std::copy(start, start + 6, s_);
    begin(obs);
  }

  void set_state(std::span<const double> s, std::span<float> obs) override {
    if (s.size() != 6) throw UsageError(name_ + " state is (x, x', t1, t1', t2, t2'), got " + std::to_string(s.size()) + " values");
    for (double v : s)
      if (!std::isfinite(v)) throw UsageError(name_ + " state values must be finite");
    std::copy(s.begin(), s.end(), s_);
    begin(obs);
  }

  StepResult step(std::span<const float> action, std::span<float> obs) override {
    if (action.size() != 1) throw UsageError(name_ + ": action has " + std::to_string(action.size()) + " values, expected 1");
    if (done_) throw UsageError(name_ + ": step after the episode ended (reset first)");
    const double force = (2.0 * static_cast<double>(action[0]) - 1.0) * kForce;
    double_pole_rk4(s_, force, kTau);
    double_pole_rk4(s_, force, kTau);
    ++t_;
    const bool failed = std::abs(s_[0]) > kTrack || std::abs(s_[2]) > kFailAngle || std::abs(s_[4]) > kFailAngle;
    StepResult r;
    if (velocities_) {
      r.reward = failed ? 0.0 : 1.0;
    } else {
      // Gruau et al.'s "jiggle": the last 100 steps' |x| + |x'| + |t1| + |t1'|, in a ring.
      jiggle_[static_cast<size_t>(t_ % 100)] = std::abs(s_[0]) + std::abs(s_[1]) + std::abs(s_[2]) + std::abs(s_[3]);
    }
    const bool end = failed || t_ >= max_episode_steps();
    if (end && !velocities_) {
      const int balanced = failed ? t_ - 1 : t_;  // steps survived
      double f2 = 0.0;
      if (balanced >= 100) {
        double sum = 0.0;
        for (double j : jiggle_) sum += j;
        f2 = 0.75 / sum;
      }
      r.reward = 0.1 * balanced / 1000.0 + 0.9 * f2;
    }
    r.terminated = failed;
    r.truncated = !failed && end;
    done_ = end;
    observe(obs);
    return r;
  }

  std::vector<double> behaviour() const override { return {static_cast<double>(t_)}; }

 private:
  void begin(std::span<float> obs) {
    t_ = 0;
    done_ = false;
    std::fill(std::begin(jiggle_), std::end(jiggle_), 0.0);
    observe(obs);
  }
  void observe(std::span<float> obs) const {
    auto clip = [](double v, double lim) { return static_cast<float>(std::clamp(v, -lim, lim)); };
    if (velocities_) {
      obs[0] = clip(s_[0] / 4.8, 1);
      obs[1] = clip(s_[1] / 2.0, 1e3);
      obs[2] = clip(s_[2] / 0.52, 2);
      obs[3] = clip(s_[3] / 2.0, 1e3);
      obs[4] = clip(s_[4] / 0.52, 2);
      obs[5] = clip(s_[5] / 2.0, 1e3);
    } else {
      obs[0] = clip(s_[0] / 4.8, 1);
      obs[1] = clip(s_[2] / 0.52, 2);
      obs[2] = clip(s_[4] / 0.52, 2);
    }
  }

  bool velocities_;
  std::string name_;
  Space obs_, act_;
  double s_[6] = {};
  int t_ = 0;
  bool done_ = false;
  double jiggle_[100] = {};
};

}  // namespace

std::unique_ptr<Env> make_double_pole(bool velocities) { return std::make_unique<DoublePole>(velocities); }

}  // namespace neuroevo
