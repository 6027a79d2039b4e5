// The toy setting of the OpenAI-ES and random search tests: a PointPolicy whose parameters are the
// point being optimised, the shifted sphere as the objective (evaluated directly, no environment) and a
// harness owning what a strategy needs.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/builtin.hpp"
#include "point_policy.hpp"

namespace neuroevo::vector_test {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using test_util::PointPolicy;

// Fitness -||x - 3||^2: maximum 0 at x = (3, ..., 3).
inline Result sphere(std::span<const float> x) {
  double s = 0.0;
  for (float v : x) s += (v - 3.0) * (v - 3.0);
  Result r;
  r.fitness = -s;
  r.episodes = 1;
  return r;
}

inline Result invalid() {
  Result r;
  r.fitness = kNaN;
  r.valid = false;
  return r;
}

// Everything a strategy under test needs, owned in one place.
struct Harness {
  explicit Harness(size_t n, uint64_t seed = 42) : policy(n), noise(7, 1 << 15) {
    ctx.seed = seed;
    ctx.space = &policy;
    ctx.noise = &noise;
    ctx.num_params = n;
  }
  std::unique_ptr<Strategy> make(const std::string& toml, bool es = true) {
    Config cfg = Config::from_string("[strategy]\n" + toml);
    ConfigSection sec = cfg.section("strategy");
    return es ? find_strategy("openai_es").make(sec, ctx) : find_strategy("random_search").make(sec, ctx);
  }
  PointPolicy policy;
  NoiseTable noise;
  StrategyContext ctx;
};

inline std::vector<std::vector<float>> decode_all(Strategy& s, size_t n) {
  std::vector<std::vector<float>> xs(s.ask().size, std::vector<float>(n));
  for (size_t i = 0; i < xs.size(); ++i) s.decode(i, xs[i]);
  return xs;
}

inline std::vector<Result> evaluate(const std::vector<std::vector<float>>& xs) {
  std::vector<Result> r;
  for (const auto& x : xs) r.push_back(sphere(x));
  return r;
}

// One generation on the sphere; returns the candidates that were evaluated.
inline std::vector<std::vector<float>> step_sphere(Strategy& s, size_t n) {
  const auto xs = decode_all(s, n);
  EXPECT_TRUE(s.tell(evaluate(xs)));
  return xs;
}

inline nlohmann::json through_text(const nlohmann::json& j) { return nlohmann::json::parse(j.dump()); }

}  // namespace neuroevo::vector_test
