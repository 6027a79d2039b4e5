// Expressive Leaky Memory (ELM) neuron as a policy: Spieler, Rahaman, Martius, Schölkopf & Levina,
// "The Expressive Leaky Memory Neuron: an Efficient and Expressive Phenomenological Neuron Model Can Solve
// Long-Horizon Tasks", ICLR 2024 (Fig. 1c; the Branch-ELM of section 3). One environment step is one
// model step of length dt:
//   kappa_m = exp(-dt / tau_m),  kappa_b = exp(-dt / tau_b)                 (per memory unit / branch)
//   b_t  = kappa_b * b_{t-1} + sum_{synapses j of branch} w_s[j] x_t[route(j)]   (branch traces)
//   dm_t = tanh(W2 relu(W1 [b_t, kappa_m * m_{t-1}] + c1) + c2)            (two-layer integration)
//   m_t  = kappa_m * m_{t-1} + lambda (1 - kappa_m) * dm_t                 (leaky memory units)
//   y_t  = W_y m_t + c_y                                                   (linear output)
// With zero input and zero integration output (dm = 0) a memory unit decays exactly as
// m_t = exp(-dt / tau_m) m_{t-1} (tests/test_elm.cpp). Constants from the paper's reference setting:
// lambda = 5, tau_b = 5, tau_m log-spaced over [1, 1000], MLP width 2 x memory units, w_s initialised to
// 0.5, dt = 1. Synapse j of branch k reads input (k * S + j) mod d (S synapses per branch, d inputs).
// Departures, chosen for evolution and written down in docs/memory.md: w_s is signed (the paper keeps
// it >= 0), the readout has a bias, and tau_m is fixed unless learn_tau (then tau_m = tau_min +
// (tau_max - tau_min) sigmoid(theta), the paper's bounded parameterisation, with theta evolved).
// Actions: argmax of y (discrete, lowest index on ties) or low + (tanh(y) + 1) / 2 (high - low).
//
// Parameter layout: w_s [B*S], W1 [(B+M)][H] input-major, c1 [H], W2 [H][M], c2 [M], W_y [M][O], c_y [O],
// then theta [M] if learn_tau. Per-episode state (PolicyScratch::state): b [B], then m [M].
#include <algorithm>
#include <cmath>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

struct ElmShape {
  size_t in = 0, branches = 0, synapses_per_branch = 1, memory = 8, hidden = 16, out = 0;
  double lambda = 5.0, tau_b = 5.0, tau_min = 1.0, tau_max = 1000.0, dt = 1.0, w_s_init = 0.5;
  bool learn_tau = false;
};

class ElmPolicy final : public Policy {
 public:
  ElmPolicy(ElmShape s, Space action) : s_(s), action_(std::move(action)) {
    const size_t B = s_.branches, M = s_.memory, H = s_.hidden, O = s_.out;
    off_w1_ = B * s_.synapses_per_branch;
    off_c1_ = off_w1_ + (B + M) * H;
    off_w2_ = off_c1_ + H;
    off_c2_ = off_w2_ + H * M;
    off_wy_ = off_c2_ + M;
    off_cy_ = off_wy_ + M * O;
    off_theta_ = off_cy_ + O;
    num_params_ = off_theta_ + (s_.learn_tau ? M : 0);
    kappa_b_ = std::exp(-s_.dt / s_.tau_b);
    tau_fixed_.resize(M);
    for (size_t k = 0; k < M; ++k) tau_fixed_[k] = log_spaced_tau(k);
  }

  double log_spaced_tau(size_t k) const {
    if (s_.memory == 1) return s_.tau_max;
    const double f = static_cast<double>(k) / static_cast<double>(s_.memory - 1);
    return std::exp(std::log(s_.tau_min) + f * (std::log(s_.tau_max) - std::log(s_.tau_min)));
  }

  size_t num_params() const override { return num_params_; }

  void init_params(uint64_t seed, std::span<float> p) const override {
    Stream rng(seed);
    const size_t B = s_.branches, M = s_.memory, H = s_.hidden, O = s_.out;
    std::fill(p.begin(), p.end(), 0.0f);
    for (size_t j = 0; j < off_w1_; ++j) p[j] = static_cast<float>(s_.w_s_init);
    const double s1 = std::sqrt(2.0 / static_cast<double>(B + M)), s2 = 1.0 / std::sqrt(static_cast<double>(H)),
                 sy = 1.0 / std::sqrt(static_cast<double>(M));
    for (size_t j = 0; j < (B + M) * H; ++j) p[off_w1_ + j] = static_cast<float>(rng.normal() * s1);
    for (size_t j = 0; j < H * M; ++j) p[off_w2_ + j] = static_cast<float>(rng.normal() * s2);
    for (size_t j = 0; j < M * O; ++j) p[off_wy_ + j] = static_cast<float>(rng.normal() * sy);
    if (s_.learn_tau)  // theta = logit((tau - tau_min) / (tau_max - tau_min)) of the log-spaced taus
      for (size_t k = 0; k < M; ++k) {
        const double f = std::clamp((tau_fixed_[k] - s_.tau_min) / (s_.tau_max - s_.tau_min), 1e-6, 1.0 - 1e-6);
        p[off_theta_ + k] = static_cast<float>(std::log(f / (1.0 - f)));
      }
  }

  void reset(PolicyScratch& sc, uint64_t episode_seed) const override {
    sc.rng = Stream(episode_seed);
    sc.state.assign(s_.branches + s_.memory, 0.0f);
    sc.a.assign(s_.branches + s_.memory + s_.hidden + s_.memory, 0.0f);
  }

  // Memory time constant of unit k under parameters p.
  double tau(std::span<const float> p, size_t k) const {
    if (!s_.learn_tau) return tau_fixed_[k];
    const double z = 1.0 / (1.0 + std::exp(-static_cast<double>(p[off_theta_ + k])));
    return s_.tau_min + (s_.tau_max - s_.tau_min) * z;
  }

  void act(std::span<const float> p, std::span<const float> obs, std::span<float> action, PolicyScratch& sc) const override {
    const size_t B = s_.branches, S = s_.synapses_per_branch, M = s_.memory, H = s_.hidden, O = s_.out;
    if (sc.state.size() != B + M || sc.a.size() < B + M + H + M) reset(sc, 0);
    float* b = sc.state.data();
    float* m = b + B;
    float* z = sc.a.data();  // MLP input [b, kappa_m m]
    float* h = z + B + M;
    float* kappa = h + H;
    // Branch traces.
    const float* w_s = p.data();
    for (size_t k = 0; k < B; ++k) {
      float in = 0.0f;
      for (size_t j = 0; j < S; ++j) in += w_s[k * S + j] * obs[(k * S + j) % s_.in];
      b[k] = static_cast<float>(kappa_b_ * b[k]) + in;
      z[k] = b[k];
    }
    for (size_t k = 0; k < M; ++k) {
      kappa[k] = static_cast<float>(std::exp(-s_.dt / tau(p, k)));
      z[B + k] = kappa[k] * m[k];
    }
    // Hidden layer (relu), summed in input order.
    const float* w1 = p.data() + off_w1_;
    const float* c1 = p.data() + off_c1_;
    for (size_t j = 0; j < H; ++j) h[j] = c1[j];
    for (size_t i = 0; i < B + M; ++i) {
      const float zi = z[i];
      const float* row = w1 + i * H;
      for (size_t j = 0; j < H; ++j) h[j] += zi * row[j];
    }
    for (size_t j = 0; j < H; ++j) h[j] = std::max(h[j], 0.0f);
    // Memory update.
    const float* w2 = p.data() + off_w2_;
    const float* c2 = p.data() + off_c2_;
    for (size_t k = 0; k < M; ++k) {
      float u = c2[k];
      for (size_t j = 0; j < H; ++j) u += h[j] * w2[j * M + k];
      const float dm = std::tanh(u);
      m[k] = kappa[k] * m[k] + static_cast<float>(s_.lambda) * (1.0f - kappa[k]) * dm;
    }
    // Output.
    const float* wy = p.data() + off_wy_;
    const float* cy = p.data() + off_cy_;
    if (action_.is_discrete()) {
      size_t best = 0;
      float best_v = 0.0f;
      for (size_t o = 0; o < O; ++o) {
        float v = cy[o];
        for (size_t k = 0; k < M; ++k) v += wy[k * O + o] * m[k];
        if (o == 0 || v > best_v) best = o, best_v = v;
      }
      action[0] = static_cast<float>(best);
    } else {
      for (size_t o = 0; o < O; ++o) {
        float v = cy[o];
        for (size_t k = 0; k < M; ++k) v += wy[k * O + o] * m[k];
        const double lo = action_.low[o], hi = action_.high[o];
        action[o] = static_cast<float>(lo + (std::tanh(static_cast<double>(v)) + 1.0) * 0.5 * (hi - lo));
      }
    }
  }

  // Multiply-adds count 2, exp/tanh 1: synapses, MLP, memory update, readout.
  double flops_per_act() const override {
    const double B = static_cast<double>(s_.branches), S = static_cast<double>(s_.synapses_per_branch),
                 M = static_cast<double>(s_.memory), H = static_cast<double>(s_.hidden), O = static_cast<double>(s_.out);
    return 2.0 * B * S + 2.0 * B + M + 2.0 * (B + M) * H + H + 2.0 * H * M + M + 5.0 * M + 2.0 * M * O +
           (s_.learn_tau ? 5.0 * M : 0.0);
  }

  std::string describe() const override {
    std::ostringstream os;
    os << "elm " << s_.in << " inputs, " << s_.branches << " branches x " << s_.synapses_per_branch << " synapses, "
       << s_.memory << " memory units (tau " << s_.tau_min << ".." << s_.tau_max << (s_.learn_tau ? ", evolved" : "")
       << "), MLP " << s_.hidden << ", " << s_.out << " outputs (" << num_params_ << " params)";
    return os.str();
  }

 private:
  ElmShape s_;
  Space action_;
  size_t off_w1_ = 0, off_c1_ = 0, off_w2_ = 0, off_c2_ = 0, off_wy_ = 0, off_cy_ = 0, off_theta_ = 0, num_params_ = 0;
  double kappa_b_ = 0.0;
  std::vector<double> tau_fixed_;
};

}  // namespace

std::unique_ptr<const Policy> make_elm_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  if (obs.is_discrete()) throw UsageError("policy 'elm' needs a vector observation space");
  ElmShape s;
  s.in = obs.dim();
  s.out = action.is_discrete() ? static_cast<size_t>(action.n) : action.dim();
  s.memory = static_cast<size_t>(cfg.get_int("memory_units", 8, 1, 1 << 16));
  s.branches = static_cast<size_t>(cfg.get_int("branches", static_cast<int64_t>(s.in), 1, 1 << 20));
  s.synapses_per_branch = static_cast<size_t>(cfg.get_int("synapses_per_branch", 1, 1, 1 << 20));
  s.hidden = static_cast<size_t>(cfg.get_int("mlp_hidden", static_cast<int64_t>(2 * s.memory), 1, 1 << 20));
  s.lambda = cfg.get_double("lambda", 5.0, 0.0, 1e6);
  s.tau_b = cfg.get_double("tau_b", 5.0, 1e-6, 1e9);
  s.tau_min = cfg.get_double("tau_min", 1.0, 1e-6, 1e9);
  s.tau_max = cfg.get_double("tau_max", 1000.0, 1e-6, 1e9);
  s.dt = cfg.get_double("dt", 1.0, 1e-9, 1e9);
  s.w_s_init = cfg.get_double("w_s_init", 0.5, -1e6, 1e6);
  s.learn_tau = cfg.get_bool("learn_tau", false);
  if (s.tau_max < s.tau_min)
    throw UsageError("config key '" + cfg.full_key("tau_max") + "' must be >= tau_min (" + std::to_string(s.tau_min) + ")");
  return std::make_unique<ElmPolicy>(s, action);
}

}  // namespace neuroevo
