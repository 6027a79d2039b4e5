// What evaluating one candidate gives, for any kind of problem: an RL task's episodes, a black-box
// function, a structured genome's phenotype. Strategies rank candidates by it; runners move it between
// threads and MPI ranks (runtime/result_codec.hpp); the experiment loop reduces it into metrics.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "neuroevo/core/obs_stats.hpp"

namespace neuroevo {

struct Result {
  double fitness = 0.0;      // higher is better: mean return, -f(x), ...; -inf when invalid
  bool valid = true;         // false when the evaluation gave NaN or infinity (ranked last)
  uint32_t episodes = 0;     // episodes run (0 for a problem without episodes)
  uint64_t steps = 0;        // environment steps taken
  uint32_t unstable = 0;     // episodes ended by a simulation failure (StepResult::unstable)
  // Optional parts, empty unless the problem produces them:
  std::vector<double> behaviour;       // mean behaviour descriptor (novelty search, MAP-Elites)
  std::optional<ObsStats> obs_stats;   // present when the rollout was chosen to feed observation statistics
  // Per-case errors (lower is better), one per training case, when the batch asked for them
  // (Batch::cases; lexicase selection). Empty otherwise.
  std::vector<double> cases;
  // The candidate's numeric parameters as the task refined them by local search, when the batch asked
  // for it (Batch::refine; GP constant fitting): the strategy may write them back (Lamarckian). Empty
  // otherwise or when the candidate has nothing to refine.
  std::vector<double> refined;
};

}  // namespace neuroevo
