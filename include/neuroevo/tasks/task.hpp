// Task: maps a parameter vector (or a structured candidate) to a Result by running episodes.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/nn/obs_norm.hpp"

namespace neuroevo {

struct Result {
  double fitness = 0.0;      // mean return over the episodes; -inf if any return was NaN or infinite
  bool valid = true;         // false when a return was NaN or infinite (ranked last)
  uint32_t episodes = 0;
  uint64_t steps = 0;        // environment steps taken
  uint32_t unstable = 0;     // episodes ended by a simulation failure (StepResult::unstable)
  std::vector<double> behaviour;  // mean behaviour descriptor over the episodes; may be empty
  ObsStats obs_stats;        // filled only when the rollout was chosen to contribute statistics
};

// Which episodes to run: episode e of a request uses the environment seed mix(key, e).
struct EpisodeRequest {
  uint64_t key = 0;
  uint32_t episodes = 1;
  bool collect_obs_stats = false;
};

class Candidate;

// Per-worker mutable state of a task (environment instance, buffers). Created by the task.
class Workspace {
 public:
  virtual ~Workspace() = default;
};

class Task {
 public:
  virtual ~Task() = default;
  virtual size_t num_params() const = 0;
  virtual std::unique_ptr<Workspace> make_workspace() const = 0;
  virtual Result evaluate(std::span<const float> params, const EpisodeRequest& request, Workspace& ws) const = 0;
  // A structured candidate (candidate.hpp): the task asks it for the phenotype it can run. The default
  // throws UsageError: the task cannot evaluate structured genomes.
  virtual Result evaluate(const Candidate& candidate, const EpisodeRequest& request, Workspace& ws) const;
};

}  // namespace neuroevo
