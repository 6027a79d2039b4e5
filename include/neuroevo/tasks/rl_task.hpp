// The reinforcement-learning task: a policy acting in an environment for whole episodes; the fitness is
// the mean undiscounted return.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "neuroevo/envs/batch_env.hpp"  // lockstep_by_default
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/obs_norm.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

// Lockstep lanes: the default of task.lanes and `--lanes`, and the largest accepted.
inline constexpr int64_t kDefaultLanes = 8;
inline constexpr int64_t kMaxLanes = 4096;

// Seed of episode e of a request (shared by training, elite re-evaluation and `eval`).
uint64_t episode_seed(uint64_t request_key, uint32_t episode);

class RlTask final : public Task {
 public:
  // `normalizer` may be null (no observation normalisation); it is read, never written, by evaluate(),
  // and its owner only updates it between batches. max_steps == 0 keeps the environment's own limit.
  // lanes >= 2 turns lockstep rollouts on where the environment has a batched version (batch_env.hpp):
  // evaluate_many() then steps up to `lanes` episodes of different candidates together, with the results
  // of evaluate() bit for bit. 0 or 1: every candidate on its own.
  RlTask(std::string env_name, std::shared_ptr<const Policy> policy, const ObsNormalizer* normalizer,
         uint32_t default_episodes, int max_steps, size_t lanes = 0);
  size_t num_params() const override { return policy_->num_params(); }
  std::unique_ptr<Workspace> make_workspace() const override;
  Result evaluate(std::span<const float> params, const EpisodeRequest& request, Workspace& ws) const override;
  // Runs the policy the candidate expresses in this environment's spaces.
  Result evaluate(const Candidate& candidate, const EpisodeRequest& request, Workspace& ws) const override;
  // `lanes` when lockstep is on and the environment has a batched version, else 1.
  size_t lockstep_lanes() const override { return batched_ ? lanes_ : 1; }
  // Lockstep rollouts: the episodes of all candidates fill the lanes in order (a lane whose episode ended
  // takes the next one; lanes left without work are masked). A candidate whose request collects
  // observation statistics runs alone (the statistics take its observations in step order).
  void evaluate_many(std::span<const std::span<const float>> params, std::span<const EpisodeRequest> requests,
                     std::span<Result> results, Workspace& ws) const override;
  uint32_t default_episodes() const { return default_episodes_; }
  const Policy& policy() const { return *policy_; }
  const std::string& env_name() const { return env_name_; }

 private:
  Result run(const Policy& policy, std::span<const float> params, const EpisodeRequest& request, Workspace& ws) const;
  void lockstep(std::span<const std::span<const float>> params, std::span<const EpisodeRequest> requests,
                std::span<const size_t> which, std::span<Result> results, Workspace& ws) const;

  std::string env_name_;
  std::shared_ptr<const Policy> policy_;
  const ObsNormalizer* normalizer_;
  uint32_t default_episodes_;
  int max_steps_;
  size_t lanes_;
  bool batched_;  // lanes_ >= 2 and the environment has a batched version
};

}  // namespace neuroevo
