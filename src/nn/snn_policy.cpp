// Spiking policy: a layer of LIF neurons between the observation and a leaky (non-spiking) readout.
//
// Each environment step runs `substeps` simulation steps of dt = 1 ms:
//   input encoding:  the observation is a constant input current to every hidden neuron,
//                    I_h = gain * (sum_k x_k W_in[k][h] + b_h)  (normalised units: rest 0, threshold 1)
//   hidden layer:    current-based LIF neurons (neuro::snn::lif_step: tau_m, refractory period, and with
//                    neuron = "alif" an adaptive threshold), membrane state kept across env steps
//   readout:         leaky integrators o_k, o <- o + dt / tau_out (-o + sum_h s_h W_out[h][k] + b_k),
//                    driven by the hidden spikes s_h in {0, 1}
//   action decoding: from the readout potentials: argmax (discrete; lowest index wins ties) or
//                    low + (tanh(o) + 1) / 2 (high - low) (continuous)
// Parameters (the genome): W_in [in][hidden], b_h [hidden], W_out [hidden][out], b_o [out].
// Per-episode state (PolicyScratch::state): v, refractory counter and threshold adaptation of every
// hidden neuron, then the readout potentials; reset() puts them at rest.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/nn/policies.hpp"
#include "neuroevo/snn/neuron.hpp"

namespace neuroevo {

namespace {

struct SnnShape {
  size_t in = 0, hidden = 32, out = 0;
  int substeps = 5;
  double gain = 2.0, tau_out = 5.0;
  snn::LifParams lif;
};

class SnnPolicy final : public Policy {
 public:
  SnnPolicy(SnnShape shape, Space action) : s_(shape), action_(std::move(action)), step_(shape.lif, 1.0) {
    num_params_ = s_.in * s_.hidden + s_.hidden + s_.hidden * s_.out + s_.out;
    out_keep_ = 1.0 - 1.0 / s_.tau_out;
    out_gain_ = 1.0 / s_.tau_out;
  }

  size_t num_params() const override { return num_params_; }

  // W_in ~ N(0, 1/in), b_h = 0.5 (half-way to threshold: some neurons fire from the start),
  // W_out ~ N(0, 1/hidden), b_o = 0.
  void init_params(uint64_t seed, std::span<float> params) const override {
    Stream rng(seed);
    size_t p = 0;
    const double si = 1.0 / std::sqrt(static_cast<double>(s_.in)), sh = 1.0 / std::sqrt(static_cast<double>(s_.hidden));
    for (size_t k = 0; k < s_.in * s_.hidden; ++k) params[p++] = static_cast<float>(rng.normal() * si);
    for (size_t k = 0; k < s_.hidden; ++k) params[p++] = 0.5f;
    for (size_t k = 0; k < s_.hidden * s_.out; ++k) params[p++] = static_cast<float>(rng.normal() * sh);
    for (size_t k = 0; k < s_.out; ++k) params[p++] = 0.0f;
  }

  void reset(PolicyScratch& scratch, uint64_t episode_seed) const override {
    scratch.rng = Stream(episode_seed);
    scratch.state.assign(3 * s_.hidden + s_.out, 0.0f);
    scratch.a.assign(s_.hidden, 0.0f);
  }

  void act(std::span<const float> params, std::span<const float> obs, std::span<float> action,
           PolicyScratch& sc) const override {
    const size_t H = s_.hidden, O = s_.out;
    if (sc.state.size() != 3 * H + O) reset(sc, 0);
    if (sc.a.size() < H) sc.a.assign(H, 0.0f);
    const float* w_in = params.data();
    const float* b_h = w_in + s_.in * H;
    const float* w_out = b_h + H;
    const float* b_o = w_out + H * O;
    float* v = sc.state.data();
    float* refr = v + H;
    float* theta = refr + H;
    float* o = theta + H;
    // Input currents, constant over the substeps of this env step (summed in input order).
    float* current = sc.a.data();
    for (size_t h = 0; h < H; ++h) current[h] = b_h[h];
    for (size_t k = 0; k < s_.in; ++k) {
      const float x = obs[k];
      const float* row = w_in + k * H;
      for (size_t h = 0; h < H; ++h) current[h] += x * row[h];
    }
    for (int t = 0; t < s_.substeps; ++t) {
      for (size_t k = 0; k < O; ++k) o[k] = static_cast<float>(o[k] * out_keep_ + out_gain_ * b_o[k]);
      for (size_t h = 0; h < H; ++h) {
        double vh = v[h], ge = 0.0, gi = 0.0, th = theta[h];
        int32_t r = static_cast<int32_t>(refr[h]);
        const bool spike = snn::lif_step(step_, s_.gain * current[h], vh, ge, gi, th, r);
        v[h] = static_cast<float>(vh);
        theta[h] = static_cast<float>(th);
        refr[h] = static_cast<float>(r);
        if (spike) {
          const float* row = w_out + h * O;
          for (size_t k = 0; k < O; ++k) o[k] = static_cast<float>(o[k] + out_gain_ * row[k]);
        }
      }
    }
    if (action_.is_discrete()) {
      action[0] = static_cast<float>(std::max_element(o, o + O) - o);
    } else {
      for (size_t k = 0; k < action.size(); ++k) {
        const double lo = action_.low[k], hi = action_.high[k];
        action[k] = static_cast<float>(lo + (std::tanh(static_cast<double>(o[k])) + 1.0) * 0.5 * (hi - lo));
      }
    }
  }

  double flops_per_act() const override {
    return 2.0 * s_.in * s_.hidden + s_.substeps * (10.0 * s_.hidden + 2.0 * s_.out + 0.2 * 2.0 * s_.hidden * s_.out);
  }

  std::string describe() const override {
    std::ostringstream os;
    os << "snn " << s_.in << "-" << s_.hidden << "(" << (s_.lif.theta_inc > 0 ? "alif" : "lif") << ")-" << s_.out
       << " x" << s_.substeps << " substeps (" << num_params_ << " params)";
    return os.str();
  }

 private:
  SnnShape s_;
  Space action_;
  snn::LifStep step_;
  double out_keep_ = 1.0, out_gain_ = 0.0;
  size_t num_params_ = 0;
};

}  // namespace

std::unique_ptr<const Policy> make_snn_policy(ConfigSection& cfg, const Space& obs, const Space& action) {
  if (obs.is_discrete()) throw UsageError("policy 'snn' needs a vector observation space");
  SnnShape s;
  s.in = obs.dim();
  s.out = action.is_discrete() ? static_cast<size_t>(action.n) : action.dim();
  s.hidden = static_cast<size_t>(cfg.get_int("hidden", 32, 1, 1 << 16));
  s.substeps = static_cast<int>(cfg.get_int("substeps", 5, 1, 1000));
  s.gain = cfg.get_double("input_gain", 2.0, 0.0, 1e6);
  s.tau_out = cfg.get_double("tau_out", 5.0, 1.0, 1e6);
  const std::string neuron = cfg.get_string("neuron", "lif");
  if (neuron != "lif" && neuron != "alif")
    throw UsageError("config key '" + cfg.full_key("neuron") + "': " + unknown_name_message("neuron model", neuron, {"lif", "alif"}));
  // Normalised LIF: rest and reset 0, threshold 1, current-based (the input current is the drive).
  s.lif.conductance = false;
  s.lif.v_rest = 0.0;
  s.lif.v_reset = 0.0;
  s.lif.v_thresh = 1.0;
  s.lif.tau_m = cfg.get_double("tau_m", 10.0, 1.0, 1e6);
  s.lif.t_ref = cfg.get_double("refractory", 2.0, 0.0, 1e6);
  s.lif.tau_e = s.lif.tau_i = 1.0;  // unused: no synaptic conductances inside the policy
  if (neuron == "alif") {
    s.lif.theta_inc = cfg.get_double("theta_inc", 0.2, 0.0, 1e6);
    s.lif.tau_theta = cfg.get_double("tau_theta", 50.0, 1.0, 1e9);
  }
  return std::make_unique<SnnPolicy>(s, action);
}

}  // namespace neuroevo
