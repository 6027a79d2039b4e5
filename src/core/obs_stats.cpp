#include "neuroevo/core/obs_stats.hpp"

namespace neuroevo {

void ObsStats::add(std::span<const float> obs) {
  for (size_t i = 0; i < obs.size(); ++i) {
    sum[i] += obs[i];
    sumsq[i] += static_cast<double>(obs[i]) * obs[i];
  }
  count += 1.0;
}

void ObsStats::merge(const ObsStats& o) {
  if (o.empty()) return;
  if (sum.size() != o.sum.size()) resize(o.sum.size());
  for (size_t i = 0; i < sum.size(); ++i) {
    sum[i] += o.sum[i];
    sumsq[i] += o.sumsq[i];
  }
  count += o.count;
}

}  // namespace neuroevo
