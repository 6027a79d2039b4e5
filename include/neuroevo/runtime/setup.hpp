// Builds the objects of an experiment from a config: environment name, policy, task, noise table and
// strategy, reading every key through the config's checked getters and then rejecting unknown keys.
#pragma once
#include <memory>
#include <span>
#include <string>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/nn/obs_norm.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/runtime/candidate_eval.hpp"
#include "neuroevo/runtime/champion.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/registry.hpp"
#include "neuroevo/tasks/rl_task.hpp"

namespace neuroevo {

struct Setup {
  Config config;  // resolved: every default filled in
  uint64_t seed = 0;
  uint64_t generations = 0;
  uint64_t max_env_steps = 0;  // run.max_env_steps: stop after the generation that reaches it; 0 = no budget
  uint64_t checkpoint_every = 0;
  bool keep_champions = false;  // run.keep_champions: champions/gen<G>.bin at every checkpoint
  uint32_t eval_episodes = 0;
  int max_steps = 0;  // task.max_steps
  double reward_shift = 0.0;  // task.reward_shift: per step, subtracted from the returns the strategy ranks
  std::string task_type;   // task.type: "rl" (an env and a policy) or a task_type_registry() entry
  std::string task_toml;   // for other task types: the resolved [task] table (stored in champions)
  std::string env_name;    // the environment, or the other task type's name for messages and summary.json
  std::string policy_toml;
  std::shared_ptr<const Policy> policy;         // null for task types other than "rl"
  std::shared_ptr<const ParamSpace> space;      // what fixed-vector candidates are: the policy, or the task's box
  bool obs_norm = false;
  double obs_norm_prob = 0.0;
  std::unique_ptr<ObsNormalizer> normalizer;  // null unless obs_norm
  std::unique_ptr<NoiseTable> noise;          // null unless the strategy uses one
  std::unique_ptr<Task> task;
  std::unique_ptr<Strategy> strategy;
  std::string strategy_name;
  // The environment's spaces (or the task's inputs and outputs), for strategies that build their own phenotypes.
  Space observation_space, action_space;
  std::vector<double> probe;  // TaskSpec::probe, kept for StrategyContext::probe

  bool is_rl() const { return task_type == "rl"; }

  // What the candidates are, for messages: the configured policy, or the structured genomes' strategy.
  std::string policy_description() const;

  // A champion record for `genome` (env, policy, normaliser and noise table it depends on).
  Champion champion(const Genome& genome, uint64_t generation, double train_fitness) const;
};

// `threads` only speeds up building the noise table. Throws UsageError for any bad key or value.
// `task_types`: task types besides the registry's, for this run only (find_task_type's `extra`).
Setup build_setup(Config config, int threads, std::span<const TaskTypeInfo> task_types = {});

// The policy, normaliser and noise table a champion needs, rebuilt from the champion file alone.
struct ChampionModel {
  std::shared_ptr<const Policy> policy;
  std::unique_ptr<ObsNormalizer> normalizer;
  std::unique_ptr<NoiseTable> noise;
  std::vector<float> params;  // for a structured genome: the parameters of the policy it expresses
  // Task types other than "rl": the task rebuilt from the champion's [task] table, and the genome to
  // evaluate on it (policy and normalizer stay null).
  std::unique_ptr<Task> task;
  std::string task_type;
  GenomeModel genome;
};
ChampionModel load_champion_model(const Champion& c, int threads);

// The policy section as TOML text (stored in champions).
std::string section_toml(const Config& config, const std::string& name);

}  // namespace neuroevo
