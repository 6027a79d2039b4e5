// The COBA benchmark network (Vogels & Abbott 2005; Brette et al. 2007; docs/reference/brain_inspired.md):
// N LIF neurons, 80% excitatory, each ordered pair connected with probability 80 / N, conductance
// jumps 0.6 (excitatory) and 6.7 (inhibitory) in units of the leak conductance, I = 20 mV, dt = 0.1 ms.
#pragma once
#include <cstdint>

#include "neuroevo/snn/network.hpp"

namespace neuroevo::snn {

struct CobaOptions {
  uint32_t neurons = 4000;
  double seconds = 1.0;
  bool conductance = true;  // false: the same network with current-based synapses (ge - gi)
  uint64_t seed = 0;
  int threads = 1;
};

struct CobaResult {
  uint64_t spikes = 0;
  uint64_t synapses = 0;
  double mean_rate_hz = 0.0;  // spikes / (N * seconds)
  double build_seconds = 0.0; // wall time to build the network
  double sim_seconds = 0.0;   // wall time of the simulation
};

// The network with initial voltages uniform in [-60, -50] mV; connectivity and voltages come from
// counter-based streams keyed by (seed, neuron), so they do not depend on the thread count.
Network make_coba_network(const CobaOptions& o);
CobaResult run_coba(const CobaOptions& o);

}  // namespace neuroevo::snn
