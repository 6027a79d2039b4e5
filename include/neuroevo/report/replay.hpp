// Champion replays: one episode of a policy, recorded step by step so that the HTML report can play it
// back as an animation (`neuroevo eval RUN --record FILE`).
//
// File format (JSON, written atomically): {"format": "neuroevo-replay", "version": 1, "env", "policy",
// "seed", "return", "steps", "obs_dim", "action_dim", "shape" (image observations: [h, w, c]),
// "obs" (steps + 1 observations, flat; omitted for image observations larger than MinAtar's),
// "grid" (MinAtar-sized image observations: one string per frame, ceil(c / 4) hex digits per cell,
// bit k = channel k), "actions" (flat), "rewards", "states" (maze: x, y, heading per frame)}.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "neuroevo/nn/obs_norm.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo::report {

struct ReplaySource {
  std::string env_name;
  std::shared_ptr<const Policy> policy;
  const ObsNormalizer* normalizer = nullptr;  // may be null
  std::span<const float> params;
  int max_steps = 0;  // 0: the environment's own limit
};

// Plays the episode that `neuroevo eval --seed seed` plays first (same environment and policy seeds), so
// its return equals `eval --episodes 1 --seed seed`.
nlohmann::json record_episode(const ReplaySource& src, uint64_t seed);

// Loads a champion (a run directory or a champion.bin file) and records its episode.
nlohmann::json record_champion(const std::string& run_or_champion, uint64_t seed);

}  // namespace neuroevo::report
