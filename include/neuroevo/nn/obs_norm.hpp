// Observation normalisation with running statistics, as in OpenAI-ES (Salimans et al. 2017): the
// statistics are gathered from a random fraction of rollouts, merged between generations, and a frozen
// snapshot (mean, std) normalises observations during a generation, clipped to [-5, 5].
// ObsNormOptions switches to ARS's filter (Mania, Guy & Recht 2018; modestyachts/ARS code/filter.py): no
// variance floor (a component whose std is below 1e-7 is mapped to 0) and no clipping.
#pragma once
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroevo/core/obs_stats.hpp"

namespace neuroevo {

struct ObsNormOptions {
  // Variance floor: std = sqrt(max(var, var_floor)). OpenAI-ES's RunningStat uses 1e-2 (std >= 0.1).
  // 0 is ARS's convention: std < 1e-7 counts as infinite, so that component normalises to 0.
  double var_floor = 1e-2;
  // Normalised values are clipped to [-clip, clip]; 0 = no clipping (ARS).
  float clip = 5.0f;
};

class ObsNormalizer {
 public:
  ObsNormalizer() = default;
  explicit ObsNormalizer(size_t dim, ObsNormOptions options = {});
  const ObsNormOptions& options() const { return options_; }
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
  // The options are not part of the JSON: they come from the run's (or champion's) [policy] table.
  static ObsNormalizer from_json(const nlohmann::json& j, size_t dim, ObsNormOptions options = {});
  const std::vector<float>& mean() const { return mean_; }
  const std::vector<float>& stddev() const { return std_; }

 private:
  void refresh();
  ObsNormOptions options_;
  ObsStats total_;
  std::vector<float> mean_, std_;
};

}  // namespace neuroevo
