// A spiking CA3 content-addressable memory on the project's LIF neuron (snn::lif_step), after
// Casanueva-Morato et al., "Bio-inspired computational memory model of the Hippocampus: an approach to a
// neuromorphic spike-based Content-Addressable Memory" (Neural Networks 178, 2024). The paper's SpiNNaker
// circuit (one-hot cue layer, content layer, gating interneurons) is reconstructed here as an
// autoassociative CA3: a memory is a set of K of the N excitatory neurons, stored in all-to-all recurrent
// synapses and recalled from any fragment of it. Every equation, constant and choice: docs/memory.md.
//
// Encoding (learning): recurrent transmission is switched off (the cholinergic encoding mode of Hasselmo
// 1999) and each of the memory's neurons is driven by its own input to spike, once in a random order,
// one neuron per time step, then once in the reverse order. Plasticity:
//   pair-based potentiation with exponential traces: on a spike of j, w_ij += eta_plus x_i, where
//     x_i decays as exp(-dt / tau_plus) and grows by 1 at each spike of i (the engine's STDP rule, without
//     its pre-after-post depression); eta_plus is large enough that one pairing saturates at w_max
//     (the paper's A+ = w_max)
//   forgetting (heterosynaptic depression): at the end of the event, every synapse from a neuron that
//     spiked to one that stayed silent is depressed by eta_forget (default w_max: erased, the paper's
//     A- = w_max), so a new memory overwrites the links of older ones it shares neurons with.
//   weights clipped to [0, w_max].
// Recall: plasticity off, recurrent transmission on; the cue (a fraction of the memory's neurons, chosen
// at random) is driven to spike once; the neurons that spike within the recall window are the answer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "neuroevo/snn/neuron.hpp"

namespace neuroevo::memory {

// The neuron constants of the paper's SpiNNaker model (docs/memory.md).
snn::LifParams ca3_default_lif();

struct Ca3Params {
  uint32_t neurons = 128;     // N
  double dt = 0.1;            // ms
  snn::LifParams lif = ca3_default_lif();
  double w_input = 100.0;     // input synapse (mV jump of ge): one input spike fires its neuron
  double w_max = 14.0;        // recurrent synapse bound: 3 coincident learned inputs fire a neuron, 2 do not
  double eta_plus = 28.0;     // potentiation per unit of presynaptic trace
  double tau_plus = 3.0;      // ms, presynaptic trace (the paper's STDP tau)
  double eta_forget = 14.0;   // heterosynaptic depression at the end of an encoding event
  double recall_ms = 30.0;    // recall window
  double gap_ms = 20.0;       // silence between encoding sweeps and after each event (traces fade)
};

class Ca3Memory {
 public:
  explicit Ca3Memory(Ca3Params p = {});
  // Stores a memory (distinct neuron indices < N, at least 2): spikes, plasticity; throws UsageError for
  // an empty memory, repeated or out-of-range neurons. `order_seed` draws the encoding order.
  void learn(const std::vector<uint32_t>& memory, uint64_t order_seed);
  // Drives the cue neurons once and returns the neurons that spiked in the recall window (sorted).
  std::vector<uint32_t> recall(const std::vector<uint32_t>& cue);
  double weight(uint32_t pre, uint32_t post) const { return w_[static_cast<size_t>(pre) * p_.neurons + post]; }
  const Ca3Params& params() const { return p_; }
  uint64_t spikes() const { return spikes_; }

 private:
  // Simulates `steps` steps; `drive[s]` lists the neurons whose input spikes at step s; returns the set
  // of neurons that spiked. Plasticity on during encoding, recurrent transmission during recall.
  std::vector<uint8_t> simulate(const std::vector<std::vector<uint32_t>>& drive, int64_t steps, bool encoding);
  Ca3Params p_;
  snn::LifStep k_;
  std::vector<float> w_;  // N x N, row = presynaptic
  uint64_t spikes_ = 0;
};

// ----- the experiment of `neuroevo memory ca3` --------------------------------------------------------

struct Ca3Experiment {
  Ca3Params params;
  uint32_t memory_size = 16;             // K
  std::vector<uint32_t> counts = {1, 2, 4, 8, 16};
  std::vector<double> cue_fractions = {0.25, 0.5, 0.75};
  std::vector<double> overlaps = {0.0, 0.25, 0.5};  // fraction of a memory shared with the previous one
  uint32_t trials = 5;
  uint64_t seed = 0;
};

struct Ca3Row {
  uint32_t memories = 0;
  double cue = 0.0, overlap = 0.0;
  uint32_t recalls = 0;
  double exact = 0.0;        // fraction of recalls that return exactly the memory
  double hit = 0.0;          // mean fraction of the memory's neurons recalled
  double false_alarm = 0.0;  // mean number of recalled neurons outside the memory, per recall
};

struct Ca3Forgetting {
  uint32_t trials = 0;
  double new_recalled = 0.0;  // after learning A = C + D1 then B = C + D2: recall from C returns B exactly
  double old_recalled = 0.0;  // ... still returns any neuron of D1
  double unlearned_recalled = 0.0;  // a half cue of a never-learned pattern completes it
};

// Memories for one trial: `count` sets of K neurons; memory m > 0 shares round(overlap K) neurons with
// memory m - 1; other neurons are fresh (unused) while N allows, then random. Throws UsageError when K > N.
std::vector<std::vector<uint32_t>> make_memories(uint32_t neurons, uint32_t k, uint32_t count, double overlap, uint64_t seed);

std::vector<Ca3Row> run_ca3_experiment(const Ca3Experiment& e);
Ca3Forgetting run_ca3_forgetting(const Ca3Experiment& e);

}  // namespace neuroevo::memory
