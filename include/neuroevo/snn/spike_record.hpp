// Spike recordings for the HTML report: `neuroevo snn coba --record DIR` writes
//   DIR/spikes.csv   time_ms,neuron   (every spike, in time order, neurons ascending within a step)
//   DIR/spikes.json  {"network", "neurons", "excitatory" (neurons 0..excitatory-1), "seconds", "dt_ms",
//                     "seed", "spikes", "mean_rate_hz"}
// both written atomically.
#pragma once
#include <string>

#include "neuroevo/snn/coba.hpp"

namespace neuroevo::snn {

// run_coba with every spike recorded into `dir` (created if needed). The spike count and rate equal
// run_coba's for the same options.
CobaResult run_coba_recorded(const CobaOptions& o, const std::string& dir);

}  // namespace neuroevo::snn
