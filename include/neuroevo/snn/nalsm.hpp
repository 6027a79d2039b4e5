// The NALSM liquid as configured in the paper and its public code (Ivanov & Michmizos, "Increasing liquid
// state machine performance with edge-of-chaos dynamics organized by astrocyte-modulated plasticity",
// NeurIPS 2021; code github.com/combra-lab/NALSM). Every constant and its source is listed in docs/snn.md
// ("The paper's configuration"); the open choices are listed there too.
//
// Neurons (liquid and the 784 input neurons alike), one step of 1 ms, in the order of the public code:
//   1. spike if v >= v_thresh and not refractory; 2. v <- 0 for the neurons that spiked;
//   3. v <- v - v / tau_v + sum_pre w e^{-(steps since pre's last spike) / tau_u} + I_input;
//   4. refractory: a neuron that spiked at step s cannot spike at s + 1 and s + 2 (v keeps integrating).
// An input neuron receives I_input = 100 at a step with probability equal to its pixel's encoded
// intensity (Bernoulli per 1 ms step), so it fires at the next allowed step.
// Synapses are signed floats: excitatory sources positive, inhibitory negative, inputs +-w at random.
//
// Plasticity (rules stdp and astro) acts on every synapse into the liquid (input, excitatory and
// inhibitory sources), with traces tr <- k (0.1 S + tr), k = e^{-1/10} per step. For a synapse from an
// excitatory or input source p to j:  dw = lr_pot tr_p S_j - A tr_j S_p; from an inhibitory source the
// two rates swap roles and signs (dw = -A tr_p S_j + lr_pot tr_j S_p). Weights are clipped per source
// type (excitatory [0, w_max], inhibitory [-w_max, 0], input [-w_max, w_max]). Rule stdp: A = lr_pot
// constant. Rule astro: A <- A + (w_A (liquid spikes - input spikes) + b_A - A) / tau_A each step,
// reset to its initial value at each new sample, not floored (the public code does not floor it).
//
// Threads: the plastic phase runs one sample after another on one thread (weights change every step);
// afterwards the weights are frozen and `present` may run samples concurrently on separate
// NalsmState objects. Random numbers come from streams keyed by (seed, sample index, step), so results
// are identical for any thread count.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace neuroevo::snn {

struct NalsmParams {
  int grid = 20;                 // g: g^3 liquid neurons on a unit grid (paper: 20x20x20 = 8000)
  uint32_t inputs = 784;         // input neurons, one per pixel
  double exc_fraction = 0.8;     // share of excitatory liquid neurons
  double c_ee = 0.2, c_ei = 0.1, c_ie = 0.3, c_ii = 0.05;  // C_XY, X the source's type
  double lambda = 3.0;           // connection probability C exp(-(d / lambda)^2)
  double input_density = 0.15;   // probability that an input neuron connects to a liquid neuron
  double w_init = 3.0;           // |w| of every synapse at the start ("maximal weight initialization")
  double w_max = 3.0;            // clip bound of every synapse type
  double tau_v = 64.0;           // membrane time constant, ms
  double tau_u = 1.0;            // synaptic current time constant, ms
  double v_thresh = 20.0;
  int refractory_steps = 2;
  double input_current = 100.0;  // current of an input event into an input neuron
  // Plasticity
  double lr_pot = 0.15;          // STDP potentiation rate; also the fixed depression rate of rule stdp
  double trace_inc = 0.1;        // trace increment per spike
  double trace_tau = 10.0;       // trace time constant, steps
  double astro_tau = 100.0;      // steps
  double astro_bias = 0.15;      // b_A (= lr_pot: bias offset 0 in the public code)
  double astro_w = 0.0075;       // w_A (0.0075 for 8000 neurons, 0.015 for 1000)
  double astro_a0 = 0.15;        // initial A, restored at each sample
  uint64_t seed = 0;
};

enum class NalsmRule { None, Stdp, Astro };

// The dynamic state of one presentation (so frozen presentations can run concurrently).
struct NalsmState {
  std::vector<double> v, cur;       // membrane potential, summed synaptic current (all neurons)
  std::vector<int32_t> last, refr;  // step of the last spike (per neuron), refractory counter
  std::vector<uint32_t> spikes;     // this step's spikes (ascending)
  std::vector<double> trace;        // STDP traces (plastic phase only)
  double astro = 0.0;
};

// Spikes of the liquid neurons, one list per step (for the branching factor).
using Raster = std::vector<std::vector<uint32_t>>;

class NalsmLiquid {
 public:
  explicit NalsmLiquid(const NalsmParams& p);

  uint32_t liquid() const { return n_; }
  uint32_t total() const { return n_ + p_.inputs; }
  size_t synapses() const { return target_.size(); }
  bool excitatory(uint32_t i) const { return type_[i] == 0; }
  const NalsmParams& params() const { return p_; }
  // Outgoing synapses of neuron s (liquid 0..liquid()-1, then the input neurons): targets and weights.
  std::span<const uint32_t> targets(uint32_t s) const { return {target_.data() + row_[s], target_.data() + row_[s + 1]}; }
  std::span<const float> weights(uint32_t s) const { return {w_.data() + row_[s], w_.data() + row_[s + 1]}; }

  // Liquid-to-liquid neighbours (for the branching factor): presynaptic and postsynaptic liquid
  // neurons of every liquid neuron, as CSR (row offsets, indices).
  void liquid_adjacency(std::vector<uint64_t>& pre_row, std::vector<uint32_t>& pre,
                        std::vector<uint64_t>& post_row, std::vector<uint32_t>& post) const;

  // Shows `rates` (per-step event probability of each input neuron, size `inputs`) for `steps` steps
  // from rest. Adds the liquid neurons' spike counts to `counts` (size liquid()) when non-null, and
  // appends the liquid spikes of each step to `raster` when non-null. With `rule` != None the weights
  // change (single-threaded use only). `stream_id` keys the input events. Returns the liquid spikes.
  uint64_t present(std::span<const float> rates, int steps, uint64_t stream_id, NalsmRule rule, NalsmState& st,
                   uint32_t* counts = nullptr, Raster* raster = nullptr);

  // The persistent STDP traces of the plastic phase (not reset between samples, as in the public code).
  void reset_traces() { trace_.assign(total(), 0.0); }
  double mean_abs_weight(int source_kind) const;  // 0 input, 1 excitatory, 2 inhibitory sources
  double mean_weight(int source_kind) const;

 private:
  void init_state(NalsmState& st) const;
  void stdp_step(const NalsmState& st, double depression);

  NalsmParams p_;
  uint32_t n_ = 0;
  std::vector<uint8_t> type_;     // per neuron: 0 excitatory, 1 inhibitory, 2 input
  std::vector<uint64_t> row_;     // CSR by source over all neurons (inputs have rows; targets are liquid)
  std::vector<uint32_t> target_;
  std::vector<float> w_;
  std::vector<uint64_t> in_row_;  // CSC by liquid target: synapse indices, sources ascending
  std::vector<uint64_t> in_syn_;
  std::vector<uint32_t> in_src_;
  std::vector<double> trace_;     // plastic phase traces (all neurons)
  std::vector<double> kernel_;    // 1 - e^{-k / tau_u}: the increase of a synapse's current at a new spike
  double decay_ = 0.0, trace_keep_ = 0.0;
};

// The paper's input encoding: each image divided by its own pixel sum, then by the largest value of
// that normalised set over all the images of the split, so that the per-step event probability of a
// pixel is in [0, 1]. `images` is count x dim, row-major. Returns the rates in the same layout.
std::vector<float> nalsm_encode(std::span<const float> images, size_t dim);

// The branching factor of the public code (compute_branching_factor.py) for one presentation: for every
// spike of liquid neuron n at a step t in [t_lo + dt, t_hi - dt), the spikes of n's liquid postsynaptic
// neurons in [t + 1, t + 1 + dt) divided by the spikes of its liquid presynaptic neurons in [t - dt, t)
// (at least 1); averaged over n's spikes, then over the neurons that spiked. Spikes outside
// [t_lo, t_hi) are ignored. Returns NaN when no neuron spiked in the window.
double branching_factor(const Raster& raster, uint32_t neurons, const std::vector<uint64_t>& pre_row,
                        const std::vector<uint32_t>& pre, const std::vector<uint64_t>& post_row,
                        const std::vector<uint32_t>& post, int dt, int t_lo, int t_hi);

}  // namespace neuroevo::snn
