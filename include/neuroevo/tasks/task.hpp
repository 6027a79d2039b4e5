// Task: maps a parameter vector (or a structured candidate) to a Result by running episodes.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/result.hpp"

namespace neuroevo {

// Which episodes to run: episode e of a request uses the environment seed mix(key, e).
struct EpisodeRequest {
  uint64_t key = 0;
  uint32_t episodes = 1;
  bool collect_obs_stats = false;
  bool cases = false;     // fill Result::cases (per-case errors), when the task has cases
  uint32_t refine = 0;    // local-search iterations on the candidate's own parameters (Result::refined)
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

  // Lockstep evaluation: several parameter vectors at once (an RL task steps their episodes together in
  // a batched environment). How many candidates one evaluate_many() call should get; 1 (the default)
  // when it brings nothing and callers evaluate one by one.
  virtual size_t lockstep_lanes() const { return 1; }
  // results[i] = evaluate(params[i], requests[i], ws), bit for bit, for every i. The default does
  // exactly that call by call.
  virtual void evaluate_many(std::span<const std::span<const float>> params, std::span<const EpisodeRequest> requests,
                             std::span<Result> results, Workspace& ws) const;
};

}  // namespace neuroevo
