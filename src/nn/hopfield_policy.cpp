// Modern Hopfield memory as a policy layer (Ramsauer et al. 2020, "Hopfield Networks is All You Need",
// ICLR 2021: the update xi <- X softmax(beta X^T xi), eq. (3)). The memory X holds two kinds of stored
// patterns, both of dimension D:
//   - `static_patterns` patterns that are part of the genome (evolved like any weight: the paper's
//     Hopfield layer with learned stored patterns), and
//   - up to `slots` patterns written during the episode from observations (the paper's associative
//     memory over a sequence), erased at every reset().
// One act() with observation o:
//   query      xi_0 = W_q o + b_q                                    (D)
//   retrieval  xi_{s+1} = X softmax(beta X^T xi_s), s < steps        (X = static then written patterns)
//              with an empty memory the retrieved vector is 0
//   output     y = W_o [xi_steps, o] + b_o; argmax y (discrete, lowest index on ties) or
//              low + (tanh y + 1) / 2 (high - low) (continuous)
//   write      if w_g . o + b_g > 0: the pattern x = W_x o + b_x is written into the next slot (a ring:
//              when all slots are full the oldest written pattern is overwritten)
// Retrieval reads the memory before the current observation is written, so an act() sees the patterns
// of earlier steps only. The write gate is a hard threshold (evolution needs no gradient through it); with
// the initial b_g = 0 a zero observation never writes, so long silent stretches do not flush the memory.
// Our choices, written down in docs/memory.md: the gate, the ring, the readout seeing the observation too.
//
// Softmax with the maximum subtracted; dot products accumulated in float in pattern order, attention
// weights in double (as in src/memory/hopfield.cpp, which this layer cannot include: memory/ sits above
// nn/ in docs/layers.md).
//
// Parameter layout: W_x [in][D], b_x [D], W_q [in][D], b_q [D], w_g [in], b_g [1], static patterns [P][D]
// (pattern-major), W_o [D + in][O] (retrieved rows first, then observation rows), b_o [O].
// Per-episode state (PolicyScratch::state): [written count, next slot, slots x D written patterns].
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policies.hpp"

namespace neuroevo {

namespace {

struct HopfieldShape {
  size_t in = 0, dim = 8, slots = 8, statics = 0, out = 0;
  double beta = 1.0;
  int steps = 1;
};

class HopfieldPolicy final : public Policy {
 public:
  HopfieldPolicy(HopfieldShape s, Space action) : s_(s), action_(std::move(action)) {
    const size_t I = s_.in, D = s_.dim;
    off_bx_ = I * D;
    off_wq_ = off_bx_ + D;
    off_bq_ = off_wq_ + I * D;
    off_wg_ = off_bq_ + D;
    off_bg_ = off_wg_ + I;
    off_static_ = off_bg_ + 1;
    off_wo_ = off_static_ + s_.statics * D;
    off_bo_ = off_wo_ + (D + I) * s_.out;
    num_params_ = off_bo_ + s_.out;
  }

  size_t num_params() const override { return num_params_; }

  // W_x, W_q ~ N(0, 1/in); static patterns ~ N(0, 1); W_o ~ N(0, 1/(D + in)); biases 0. The gate starts at
  // its threshold (w_g = 0, b_g = 0: closed for every observation), so the first perturbations decide which
  // observations write. A random w_g left the gate closed for every cue of delayed recall on 2 of 5 seeds,
  // out of reach of sigma-0.1 perturbations (docs/memory.md).
  void init_params(uint64_t seed, std::span<float> p) const override {
    Stream rng(seed);
    std::fill(p.begin(), p.end(), 0.0f);
    const size_t I = s_.in, D = s_.dim;
    const double si = 1.0 / std::sqrt(static_cast<double>(I)), so = 1.0 / std::sqrt(static_cast<double>(D + I));
    for (size_t j = 0; j < I * D; ++j) p[j] = static_cast<float>(rng.normal() * si);
    for (size_t j = 0; j < I * D; ++j) p[off_wq_ + j] = static_cast<float>(rng.normal() * si);
    for (size_t j = 0; j < s_.statics * D; ++j) p[off_static_ + j] = static_cast<float>(rng.normal());
    for (size_t j = 0; j < (D + I) * s_.out; ++j) p[off_wo_ + j] = static_cast<float>(rng.normal() * so);
  }

  void reset(PolicyScratch& sc, uint64_t episode_seed) const override {
    sc.rng = Stream(episode_seed);
    sc.state.assign(2 + s_.slots * s_.dim, 0.0f);
    // a: query / retrieved state (D), next state (D), write candidate (D), output (O). The attention weights
    // (double) live on the stack for up to 64 patterns, on the heap beyond.
    sc.a.assign(3 * s_.dim + s_.out, 0.0f);
  }

  void act(std::span<const float> p, std::span<const float> obs, std::span<float> action, PolicyScratch& sc) const override {
    const size_t I = s_.in, D = s_.dim, O = s_.out;
    if (sc.state.size() != 2 + s_.slots * D || sc.a.size() < 3 * D + O) reset(sc, 0);
    const size_t written = static_cast<size_t>(sc.state[0]);
    const size_t next = static_cast<size_t>(sc.state[1]);
    float* slots = sc.state.data() + 2;
    float* xi = sc.a.data();
    float* nxt = xi + D;
    float* cand = nxt + D;
    float* y = cand + D;

    // Query.
    affine(p.data(), p.data() + off_bq_, obs, xi, off_wq_);
    // Retrieval over [static patterns, written patterns].
    const size_t n = s_.statics + written;
    if (n == 0) {
      std::fill(xi, xi + D, 0.0f);
    } else {
      const float* statics = p.data() + off_static_;
      auto pattern = [&](size_t k) { return k < s_.statics ? statics + k * D : slots + (k - s_.statics) * D; };
      double att_stack[64];
      std::vector<double> att_heap;
      double* att = att_stack;
      if (n > 64) {
        att_heap.resize(n);
        att = att_heap.data();
      }
      for (int step = 0; step < s_.steps; ++step) {
        double zmax = -std::numeric_limits<double>::infinity();
        for (size_t k = 0; k < n; ++k) {
          const float* x = pattern(k);
          float dot = 0.0f;
          for (size_t i = 0; i < D; ++i) dot += x[i] * xi[i];
          att[k] = s_.beta * dot;
          zmax = std::max(zmax, att[k]);
        }
        double sum = 0.0;
        for (size_t k = 0; k < n; ++k) sum += (att[k] = std::exp(att[k] - zmax));
        const double inv = 1.0 / sum;
        std::fill(nxt, nxt + D, 0.0f);
        for (size_t k = 0; k < n; ++k) {
          const float pk = static_cast<float>(att[k] * inv);
          const float* x = pattern(k);
          for (size_t i = 0; i < D; ++i) nxt[i] += pk * x[i];
        }
        std::copy(nxt, nxt + D, xi);
      }
    }
    // Output from [retrieved, observation], summed in row order.
    const float* wo = p.data() + off_wo_;
    const float* bo = p.data() + off_bo_;
    for (size_t o = 0; o < O; ++o) y[o] = bo[o];
    for (size_t r = 0; r < D + I; ++r) {
      const float v = r < D ? xi[r] : obs[r - D];
      const float* row = wo + r * O;
      for (size_t o = 0; o < O; ++o) y[o] += v * row[o];
    }
    if (action_.is_discrete()) {
      size_t best = 0;
      for (size_t o = 1; o < O; ++o)
        if (y[o] > y[best]) best = o;
      action[0] = static_cast<float>(best);
    } else {
      for (size_t o = 0; o < O; ++o) {
        const double lo = action_.low[o], hi = action_.high[o];
        action[o] = static_cast<float>(lo + (std::tanh(static_cast<double>(y[o])) + 1.0) * 0.5 * (hi - lo));
      }
    }
    // Gated write of the current observation's pattern.
    if (s_.slots == 0) return;
    float g = p[off_bg_];
    for (size_t i = 0; i < I; ++i) g += p[off_wg_ + i] * obs[i];
    if (!(g > 0.0f)) return;
    affine(p.data(), p.data() + off_bx_, obs, cand, 0);
    std::copy(cand, cand + D, slots + next * D);
    sc.state[0] = static_cast<float>(std::min(written + 1, s_.slots));
    sc.state[1] = static_cast<float>((next + 1) % s_.slots);
  }

  // Multiply-adds count 2, exp 1: query and write projections, gate, `steps` updates over the full memory
  // (the upper bound: all slots written), readout.
  double flops_per_act() const override {
    const double I = static_cast<double>(s_.in), D = static_cast<double>(s_.dim), N = static_cast<double>(s_.statics + s_.slots),
                 O = static_cast<double>(s_.out);
    return 4.0 * I * D + 2.0 * I + s_.steps * (4.0 * N * D + 3.0 * N) + 2.0 * (D + I) * O;
  }

  std::string describe() const override {
    std::ostringstream os;
    os << "hopfield " << s_.in << " inputs, patterns of dim " << s_.dim << ": " << s_.statics << " evolved + " << s_.slots
       << " written per episode, beta " << s_.beta << ", " << s_.steps << " update(s), " << s_.out << " outputs (" << num_params_
       << " params)";
    return os.str();
  }

 private:
  // out[j] = b[j] + sum_i obs[i] W[i][j], W at p + w_off (input-major [in][D]), summed in input order.
  void affine(const float* p, const float* b, std::span<const float> obs, float* out, size_t w_off) const {
    const size_t D = s_.dim;
    for (size_t j = 0; j < D; ++j) out[j] = b[j];
    for (size_t i = 0; i < s_.in; ++i) {
      const float v = obs[i];
      const float* row = p + w_off + i * D;
      for (size_t j = 0; j < D; ++j) out[j] += v * row[j];
    }
  }

  HopfieldShape s_;
  Space action_;
  size_t off_bx_ = 0, off_wq_ = 0, off_bq_ = 0, off_wg_ = 0, off_bg_ = 0, off_static_ = 0, off_wo_ = 0, off_bo_ = 0, num_params_ = 0;
};

}  // namespace

std::unique_ptr<const Policy> make_hopfield_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  if (obs.is_discrete()) throw UsageError("policy 'hopfield' needs a vector observation space");
  HopfieldShape s;
  s.in = obs.dim();
  s.out = action.is_discrete() ? static_cast<size_t>(action.n) : action.dim();
  s.dim = static_cast<size_t>(cfg.get_int("pattern_dim", 8, 1, 1 << 16));
  s.slots = static_cast<size_t>(cfg.get_int("slots", 8, 0, 1 << 16));
  s.statics = static_cast<size_t>(cfg.get_int("static_patterns", 0, 0, 1 << 16));
  // Ramsauer et al. use beta = 1/sqrt(d_k) in their attention-like layers; here the projections are
  // evolved, so their scale absorbs beta: 1 is the default, and beta must be positive (exit 2 otherwise).
  s.beta = cfg.get_double("beta", 1.0, 0.0, 1e6);
  if (!(s.beta > 0.0)) throw UsageError("config key '" + cfg.full_key("beta") + "' must be > 0 (the softmax inverse temperature)");
  s.steps = static_cast<int>(cfg.get_int("steps", 1, 1, 1000));
  if (s.slots + s.statics == 0)
    throw UsageError("config keys '" + cfg.full_key("slots") + "' and '" + cfg.full_key("static_patterns") +
                     "' are both 0: the Hopfield memory would be empty");
  return std::make_unique<HopfieldPolicy>(s, action);
}

}  // namespace neuroevo
