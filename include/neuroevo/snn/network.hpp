// A network of LIF neurons with sparse (CSR) exponential synapses, simulated step by step with
// event-driven spike delivery, optionally with pair-based STDP and the NALSM astrocyte.
//
// Presynaptic index space: neurons 0..N-1, then external input sources N..N+M-1 (spike trains given by
// the caller each step). Synapses are stored source-major (CSR: the targets of one source are
// contiguous and sorted), so a spike visits exactly its own synapses. A source's channel (excitatory
// adds to ge, inhibitory to gi) is a property of the source; weights are non-negative magnitudes.
//
// Threads: neurons are split into contiguous blocks, one per thread. A step has two phases separated by
// barriers: (A) each thread integrates its neurons and lists their spikes (in neuron order); (B) each
// thread delivers every spike of the step, in source order, to the targets in its own block only
// (a per-source, per-block offset table finds them without scanning). Each target's conductance thus
// receives its inputs in source order whatever the thread count: results are bit-identical for any
// number of threads.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "neuroevo/snn/neuron.hpp"
#include "neuroevo/snn/plasticity.hpp"

namespace neuroevo::snn {

// Synapses in compressed sparse rows, one row per source.
struct Csr {
  std::vector<uint64_t> row;     // size sources + 1
  std::vector<uint32_t> target;  // sorted within a row
  std::vector<float> weight;
  size_t sources() const { return row.empty() ? 0 : row.size() - 1; }
  size_t synapses() const { return target.size(); }
};

// Builds a Csr from per-source target lists (targets sorted and unique within a list).
class CsrBuilder {
 public:
  explicit CsrBuilder(size_t sources) : rows_(sources) {}
  void add(uint32_t source, uint32_t target, float w) { rows_[source].push_back({target, w}); }
  std::vector<std::pair<uint32_t, float>>& row(uint32_t source) { return rows_[source]; }
  Csr build();  // sorts each row by target

 private:
  std::vector<std::vector<std::pair<uint32_t, float>>> rows_;
};

struct NetworkSpec {
  LifParams lif;
  double dt = 0.1;                 // ms
  uint32_t neurons = 0;            // N
  uint32_t inputs = 0;             // M external sources
  std::vector<uint8_t> excitatory; // size N + M: 1 if the source's spikes go to ge
  Csr synapses;                    // N + M rows
  std::vector<double> i_ext;       // optional per-neuron constant drive (mV), added to lif.i_ext
};

// Per-step callbacks. `inputs(step, out)` appends the external sources (indices N..N+M-1, ascending)
// spiking at `step`; it runs on one thread at a time in step order.
struct RunHooks {
  std::function<void(int64_t step, std::vector<uint32_t>& out)> inputs;
  // Called after each step with that step's neuron spikes (ascending) on one thread, in step order.
  std::function<void(int64_t step, std::span<const uint32_t> spikes)> on_spikes;
};

class Network {
 public:
  explicit Network(NetworkSpec spec);

  // Sets v of every neuron (e.g. uniform initial values); ge, gi, theta, refractory and traces reset.
  void set_voltages(std::span<const double> v);
  void reset_state(double v0);
  // Turns on pair-based STDP on the synapses whose source is in [src_lo, src_hi) (e.g. the inputs).
  void enable_stdp(const StdpParams& p, uint32_t src_lo, uint32_t src_hi);
  void disable_stdp() { stdp_on_ = false; }
  // Makes the STDP depression rate follow an astrocyte (NALSM); requires enable_stdp.
  void enable_astrocyte(const AstrocyteParams& p);

  // Runs `steps` steps on `threads` threads; returns the number of neuron spikes.
  uint64_t run(int64_t steps, int threads, const RunHooks& hooks = {});

  uint32_t neurons() const { return n_; }
  const Csr& synapses() const { return spec_.synapses; }
  std::span<float> weights() { return spec_.synapses.weight; }
  std::span<const double> voltages() const { return v_; }
  std::span<const uint32_t> spike_counts() const { return counts_; }
  void clear_spike_counts();
  double astrocyte() const { return astro_.a; }
  int64_t steps_done() const { return step_; }

 private:
  struct Block {
    uint32_t lo = 0, hi = 0;
    std::vector<uint32_t> spikes;  // this step's spikes of the block, ascending
  };
  void phase_integrate(Block& b);
  void phase_deliver(size_t block, std::span<const uint32_t> all_spikes, double depression);
  void build_block_offsets(int threads);

  NetworkSpec spec_;
  uint32_t n_ = 0;
  LifStep k_;
  std::vector<double> v_, ge_, gi_, theta_, drive_;
  std::vector<int32_t> refr_;
  std::vector<uint32_t> counts_;
  std::vector<Block> blocks_;
  std::vector<uint64_t> block_offsets_;  // (sources) x (blocks + 1): first synapse of each block per row
  int64_t step_ = 0;

  // STDP state: traces per source (x) and per neuron (y); incoming-synapse index (CSC) per neuron.
  bool stdp_on_ = false;
  StdpParams stdp_;
  uint32_t stdp_lo_ = 0, stdp_hi_ = 0;
  double x_keep_ = 1, y_keep_ = 1;
  std::vector<double> x_, y_;
  std::vector<uint8_t> spiked_prev_;  // sources (neurons and inputs) that spiked in the previous step
  std::vector<uint64_t> in_row_;      // per neuron: range into in_syn_
  std::vector<uint64_t> in_syn_;      // synapse indices (plastic ones only), ordered by source
  std::vector<uint32_t> in_src_;
  bool astro_on_ = false;
  Astrocyte astro_;
};

}  // namespace neuroevo::snn
