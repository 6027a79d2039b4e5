#include "neuroevo/nn/obs_norm.hpp"

#include <algorithm>
#include <cmath>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

ObsNormalizer::ObsNormalizer(size_t dim) : mean_(dim, 0.0f), std_(dim, 1.0f) { total_.resize(dim); }

void ObsNormalizer::update(const ObsStats& stats) {
  total_.merge(stats);
  refresh();
}

// OpenAI-ES RunningStat: std = sqrt(max(E[x^2] - E[x]^2, 1e-2)); the floor keeps constant inputs
// (e.g. a velocity that is always 0 at the start) from blowing up.
void ObsNormalizer::refresh() {
  if (total_.empty()) return;
  for (size_t i = 0; i < mean_.size(); ++i) {
    const double m = total_.sum[i] / total_.count;
    const double var = total_.sumsq[i] / total_.count - m * m;
    mean_[i] = static_cast<float>(m);
    std_[i] = static_cast<float>(std::sqrt(std::max(var, 1e-2)));
  }
}

void ObsNormalizer::apply(std::span<const float> obs, std::span<float> out) const {
  for (size_t i = 0; i < obs.size(); ++i) out[i] = std::clamp((obs[i] - mean_[i]) / std_[i], -5.0f, 5.0f);
}

nlohmann::json ObsNormalizer::to_json() const {
  return {{"count", total_.count}, {"sum", total_.sum}, {"sumsq", total_.sumsq}};
}

ObsNormalizer ObsNormalizer::from_json(const nlohmann::json& j) {
  try {
    const auto sum = j.at("sum").get<std::vector<double>>();
    ObsNormalizer n(sum.size());
    n.total_.sum = sum;
    n.total_.sumsq = j.at("sumsq").get<std::vector<double>>();
    n.total_.count = j.at("count").get<double>();
    if (n.total_.sumsq.size() != sum.size()) throw UsageError("observation statistics: sum and sumsq differ in size");
    n.refresh();
    return n;
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("malformed observation statistics: ") + e.what());
  }
}

}  // namespace neuroevo
