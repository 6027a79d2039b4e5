#include "neuroevo/nn/obs_norm.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

ObsNormalizer::ObsNormalizer(size_t dim, ObsNormOptions options)
    : options_(options), mean_(dim, 0.0f), std_(dim, 1.0f) {
  total_.resize(dim);
}

void ObsNormalizer::update(const ObsStats& stats) {
  total_.merge(stats);
  refresh();
}

// OpenAI-ES RunningStat: std = sqrt(max(E[x^2] - E[x]^2, 1e-2)); the floor keeps constant inputs
// (e.g. a velocity that is always 0 at the start) from blowing up. Without a floor (ARS's filter), a
// component with std < 1e-7 gets std = infinity, so it normalises to 0 (ARS code/filter.py,
// stats_increment). The variance here is the population one; ARS's RunningStat divides by n - 1, which
// differs by a factor n / (n - 1) ~ 1 + 1e-5 after its first generation's ~10^5 states.
void ObsNormalizer::refresh() {
  if (total_.empty()) return;
  for (size_t i = 0; i < mean_.size(); ++i) {
    const double m = total_.sum[i] / total_.count;
    const double var = total_.sumsq[i] / total_.count - m * m;
    mean_[i] = static_cast<float>(m);
    if (options_.var_floor > 0.0) {
      std_[i] = static_cast<float>(std::sqrt(std::max(var, options_.var_floor)));
    } else {
      const double sd = std::sqrt(std::max(var, 0.0));
      std_[i] = sd < 1e-7 ? std::numeric_limits<float>::infinity() : static_cast<float>(sd);
    }
  }
}

namespace {
// clip = 0 means no clipping; clamping to +-infinity returns its argument unchanged (also -0 and NaN), so
// one loop serves both cases with bit-identical results.
float clip_bound(float clip) { return clip > 0.0f ? clip : std::numeric_limits<float>::infinity(); }
}  // namespace

void ObsNormalizer::apply(std::span<const float> obs, std::span<float> out) const {
  const float c = clip_bound(options_.clip);
  for (size_t i = 0; i < obs.size(); ++i) out[i] = std::clamp((obs[i] - mean_[i]) / std_[i], -c, c);
}

void ObsNormalizer::apply_lanes(std::span<const float> obs, std::span<float> out, size_t lanes) const {
  const float c = clip_bound(options_.clip);
  for (size_t d = 0; d < mean_.size(); ++d) {
    const float m = mean_[d], s = std_[d];
    const float* x = obs.data() + d * lanes;
    float* y = out.data() + d * lanes;
    for (size_t k = 0; k < lanes; ++k) y[k] = std::clamp((x[k] - m) / s, -c, c);
  }
}

nlohmann::json ObsNormalizer::to_json() const {
  return {{"count", total_.count}, {"sum", total_.sum}, {"sumsq", total_.sumsq}};
}

ObsNormalizer ObsNormalizer::from_json(const nlohmann::json& j, size_t dim, ObsNormOptions options) {
  auto numbers = [&](const char* key) {
    const auto& a = j.at(key);
    if (!a.is_array()) throw UsageError(std::string("observation statistics: '") + key + "' is not an array");
    if (a.size() != dim)
      throw UsageError(std::string("observation statistics: '") + key + "' has " + std::to_string(a.size()) +
                       " values but the observation has " + std::to_string(dim));
    std::vector<double> v;
    v.reserve(dim);
    for (const auto& x : a) {
      if (!x.is_number()) throw UsageError(std::string("observation statistics: '") + key + "' holds a non-number");
      v.push_back(x.get<double>());
      if (!std::isfinite(v.back()))
        throw UsageError(std::string("observation statistics: '") + key + "' holds a non-finite value");
    }
    return v;
  };
  try {
    if (!j.is_object()) throw UsageError("observation statistics: expected an object");
    ObsNormalizer n(dim, options);
    n.total_.sum = numbers("sum");
    n.total_.sumsq = numbers("sumsq");
    const auto& count = j.at("count");
    if (!count.is_number()) throw UsageError("observation statistics: 'count' is not a number");
    n.total_.count = count.get<double>();
    if (!std::isfinite(n.total_.count) || n.total_.count < 0)
      throw UsageError("observation statistics: 'count' must be a finite number >= 0");
    for (double q : n.total_.sumsq)
      if (q < 0) throw UsageError("observation statistics: 'sumsq' holds a negative value");
    n.refresh();
    return n;
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("malformed observation statistics: ") + e.what());
  }
}

}  // namespace neuroevo
