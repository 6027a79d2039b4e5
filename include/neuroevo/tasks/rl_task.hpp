// The reinforcement-learning task: a policy acting in an environment for whole episodes; the fitness is
// the mean undiscounted return.
#pragma once
#include <memory>
#include <string>

#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/obs_norm.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

// Seed of episode e of a request (shared by training, elite re-evaluation and `eval`).
uint64_t episode_seed(uint64_t request_key, uint32_t episode);

class RlTask final : public Task {
 public:
  // `normalizer` may be null (no observation normalisation); it is read, never written, by evaluate(),
  // and its owner only updates it between batches. max_steps == 0 keeps the environment's own limit.
  RlTask(std::string env_name, std::shared_ptr<const Policy> policy, const ObsNormalizer* normalizer,
         uint32_t default_episodes, int max_steps);
  size_t num_params() const override { return policy_->num_params(); }
  std::unique_ptr<Workspace> make_workspace() const override;
  Result evaluate(std::span<const float> params, const EpisodeRequest& request, Workspace& ws) const override;
  // Runs the policy the candidate expresses in this environment's spaces.
  Result evaluate(const Candidate& candidate, const EpisodeRequest& request, Workspace& ws) const override;
  uint32_t default_episodes() const { return default_episodes_; }
  const Policy& policy() const { return *policy_; }
  const std::string& env_name() const { return env_name_; }

 private:
  Result run(const Policy& policy, std::span<const float> params, const EpisodeRequest& request, Workspace& ws) const;

  std::string env_name_;
  std::shared_ptr<const Policy> policy_;
  const ObsNormalizer* normalizer_;
  uint32_t default_episodes_;
  int max_steps_;
};

}  // namespace neuroevo
