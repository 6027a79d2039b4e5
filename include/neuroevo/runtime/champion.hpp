// The champion file: everything needed to rebuild and re-evaluate the best policy of a run, in a
// checked container (files.hpp). Payload: u32 header length, the JSON header, then the genome's
// compact bytes, so genome_bytes is exactly what the genome costs on disk.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "neuroevo/strategies/genome.hpp"

namespace neuroevo {

// Bounds shared by the config (noise.size, task.max_steps) and the champion reader.
inline constexpr uint64_t kMaxNoiseSize = uint64_t{1} << 34;
inline constexpr uint64_t kMaxEpisodeSteps = 100'000'000;

struct Champion {
  std::string env;             // the environment, or the task's name for task types other than "rl"
  std::string task_toml;       // task types other than "rl": the resolved [task] table; empty for RL
  std::string policy_toml;     // the run's resolved [policy] table (empty for task types other than "rl")
  nlohmann::json obs_norm;     // null when the policy uses no observation normalisation
  uint64_t noise_seed = 0;     // the noise table a seed chain refers to
  uint64_t noise_size = 0;
  int max_steps = 0;           // the run's task.max_steps (0 = the environment's own limit)
  uint64_t generation = 0;
  double train_fitness = 0.0;
  Genome genome;

  size_t genome_bytes() const { return genome.to_bytes().size(); }
  void save(const std::string& path) const;
  static Champion load(const std::string& path);  // throws UsageError for missing or corrupt files
};

}  // namespace neuroevo
