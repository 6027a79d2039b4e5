// Observation normalisation with running statistics, as in OpenAI-ES (Salimans et al. 2017): the
// statistics are gathered from a random fraction of rollouts, merged between generations, and a frozen
// snapshot (mean, std) normalises observations during a generation, clipped to [-5, 5].
#pragma once
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroevo/core/obs_stats.hpp"

namespace neuroevo {

class ObsNormalizer {
 public:
  ObsNormalizer() = default;
  explicit ObsNormalizer(size_t dim);
  size_t dim() const { return mean_.size(); }
  // Adds statistics gathered during a generation and refreshes the snapshot.
  void update(const ObsStats& stats);
  void apply(std::span<const float> obs, std::span<float> out) const;
  // apply() for `lanes` observations stored as structure of arrays (component d of lane k at
  // [d * lanes + k]): the same operations per value.
  void apply_lanes(std::span<const float> obs, std::span<float> out, size_t lanes) const;
  nlohmann::json to_json() const;
  // Reads statistics written by to_json() for observations of `dim` values. The JSON comes from files
  // users exchange (champion.bin, checkpoint.ckpt), so every field is checked: both arrays exactly `dim`
  // long, every number finite, sumsq >= 0, count >= 0 (a crafted file is a UsageError, never UB).
  static ObsNormalizer from_json(const nlohmann::json& j, size_t dim);
  const std::vector<float>& mean() const { return mean_; }
  const std::vector<float>& stddev() const { return std_; }

 private:
  void refresh();
  ObsStats total_;
  std::vector<float> mean_, std_;
};

}  // namespace neuroevo
