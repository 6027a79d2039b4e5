// Private helpers shared by the double-precision search strategies (snes, xnes, pgpe, ars, hill_climb,
// simple_ga): checked config getters, NES utilities and centred ranks with averaged ties, the best
// candidate seen so far, and exact JSON round trips of double vectors.
//
// Everything here is deterministic: loops run in candidate order and no value depends on scheduling.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo::search {

inline std::string show(double x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

// A number > 0 (and <= hi). The getter's range check gives [0, hi]; zero is rejected here.
inline double positive(ConfigSection& cfg, const std::string& key, double def,
                       double hi = std::numeric_limits<double>::infinity()) {
  const double x = cfg.get_double(key, def, 0.0, hi);
  if (!(x > 0.0)) throw UsageError("config key '" + cfg.full_key(key) + "' must be > 0, got " + show(x));
  return x;
}

// A number in [lo, hi) (the getter checks [lo, hi]; hi itself is rejected here).
inline double half_open(ConfigSection& cfg, const std::string& key, double def, double lo, double hi) {
  const double x = cfg.get_double(key, def, lo, hi);
  if (!(x < hi))
    throw UsageError("config key '" + cfg.full_key(key) + "' must be in [" + show(lo) + ", " + show(hi) + "), got " +
                     show(x));
  return x;
}

// The champion a distribution-based strategy reports: the centre of its search distribution
// (champion = "mean", the default) or the best candidate it has evaluated ("best").
// The centre is the default because a candidate's fitness is usually one noisy measurement: on
// CartPole-v1 with one episode per candidate, the first candidate to score 500 by luck stays the
// best-ever forever (500 cannot be beaten) and scored 208 +- 132 over 100 fresh episodes, while the
// PGPE centre of the same run scored 500 +- 0. For deterministic black-box functions "best" is the
// better answer (minimize() tracks its own best point either way).
enum class ChampionKind { Best, Mean };

inline ChampionKind read_champion_kind(ConfigSection& cfg) {
  return cfg.get_string("champion", "mean", {"mean", "best"}) == "best" ? ChampionKind::Best : ChampionKind::Mean;
}

inline size_t num_params_of(const StrategyContext& ctx, const char* name) {
  if (ctx.space == nullptr) throw std::invalid_argument(std::string(name) + " needs a parameter space");
  if (ctx.num_params != 0 && ctx.num_params != ctx.space->num_params())
    throw std::invalid_argument(std::string(name) + ": context num_params differs from the parameter space's");
  const size_t n = ctx.space->num_params();
  if (n == 0) throw UsageError(std::string(name) + ": the parameter space has no parameters");
  return n;
}

// The run's starting point x0 = space.init_params(stream_key(seed, 0, 0, Init)), widened to double.
inline std::vector<double> initial_point(const StrategyContext& ctx, size_t n, uint64_t individual = 0) {
  std::vector<float> f(n);
  ctx.space->init_params(stream_key(ctx.seed, 0, individual, Purpose::Init), f);
  return {f.begin(), f.end()};
}

inline void fill_normal(Stream& s, std::span<double> out) {
  for (double& v : out) v = s.normal();
}

inline void to_float(std::span<const double> x, std::span<float> out) {
  for (size_t j = 0; j < x.size(); ++j) out[j] = static_cast<float>(x[j]);
}

inline void check_decode(const char* name, size_t i, size_t batch, size_t got, size_t n) {
  if (i >= batch || got != n)
    throw std::invalid_argument(std::string(name) + ": decode(" + std::to_string(i) + ") out of range or wrong size");
}

inline void check_tell(const char* name, size_t got, size_t batch) {
  if (got != batch)
    throw std::invalid_argument(std::string(name) + ": tell() got " + std::to_string(got) + " results, expected " +
                                std::to_string(batch));
}

// Replaces the weights of candidates with equal fitness by the mean of their weights, so that ties
// (a plateau, every CartPole candidate at 500, all-invalid batches) carry no spurious direction:
// a whole batch of equal fitness gives all-zero weights when the weights sum to zero.
inline void average_ties(std::span<const double> fitness, std::span<double> weights) {
  const std::vector<size_t> order = argsort_descending(fitness);
  const auto same = [&](size_t a, size_t b) {
    const double fa = fitness[a], fb = fitness[b];
    const bool ia = !(fa > -std::numeric_limits<double>::infinity()), ib = !(fb > -std::numeric_limits<double>::infinity());
    return (ia && ib) || fa == fb;  // NaN and -inf count as the same (lowest) value
  };
  size_t start = 0;
  while (start < order.size()) {
    size_t end = start + 1;
    while (end < order.size() && same(order[start], order[end])) ++end;
    if (end - start > 1) {
      double sum = 0.0;
      for (size_t r = start; r < end; ++r) sum += weights[order[r]];
      const double mean = sum / static_cast<double>(end - start);
      for (size_t r = start; r < end; ++r) weights[order[r]] = mean;
    }
    start = end;
  }
}

// NES utilities (Wierstra et al. 2014, JMLR, section 3.1): for rank k = 1 (best) .. n,
// u_k = max(0, log(n/2 + 1) - log k) / sum_j max(0, log(n/2 + 1) - log j) - 1/n; they sum to zero.
// Returned per candidate (in candidate order), with ties averaged.
inline std::vector<double> nes_utilities(std::span<const double> fitness) {
  const size_t n = fitness.size();
  std::vector<double> by_rank(n);
  double total = 0.0;
  for (size_t k = 0; k < n; ++k) {
    by_rank[k] = std::max(0.0, std::log(static_cast<double>(n) / 2.0 + 1.0) - std::log(static_cast<double>(k + 1)));
    total += by_rank[k];
  }
  const std::vector<size_t> order = argsort_descending(fitness);
  std::vector<double> u(n);
  for (size_t k = 0; k < n; ++k) u[order[k]] = by_rank[k] / total - 1.0 / static_cast<double>(n);
  average_ties(fitness, u);
  return u;
}

// Centred ranks in [-0.5, 0.5] (Salimans et al. 2017) with ties averaged.
inline std::vector<double> centered_ranks_tied(std::span<const double> fitness) {
  std::vector<double> w = centered_ranks(fitness);
  average_ties(fitness, w);
  return w;
}

// JSON has no inf/NaN: -inf ("nothing valid yet") is stored as null.
inline nlohmann::json fitness_to_json(double f) { return std::isfinite(f) ? nlohmann::json(f) : nlohmann::json(nullptr); }
inline double fitness_from_json(const nlohmann::json& j) {
  return j.is_null() ? -std::numeric_limits<double>::infinity() : j.get<double>();
}

// A vector of exactly n finite doubles; nlohmann writes doubles with round-trip precision, so
// save() -> text -> load() is exact.
inline std::vector<double> vector_from_json(const nlohmann::json& j, size_t n, const std::string& what) {
  auto v = j.get<std::vector<double>>();
  if (v.size() != n)
    throw UsageError("checkpoint: " + what + " has " + std::to_string(v.size()) + " values, expected " + std::to_string(n));
  for (double x : v)
    if (!std::isfinite(x)) throw UsageError("checkpoint: " + what + " holds a non-finite value");
  return v;
}

// The best candidate evaluated so far: strict improvement in candidate order (ties keep the earlier
// one, invalid results never win). Before any valid result it is the starting point.
struct BestSoFar {
  std::vector<double> x;
  double fitness = -std::numeric_limits<double>::infinity();

  // `decode(i, out)` writes candidate i in double precision.
  template <class Decode>
  void update(std::span<const double> f, Decode&& decode) {
    size_t best = f.size();
    double bf = fitness;
    for (size_t i = 0; i < f.size(); ++i)
      if (f[i] > bf) bf = f[i], best = i;
    if (best == f.size()) return;
    decode(best, std::span<double>(x));
    fitness = bf;
  }
  nlohmann::json to_json() const { return {{"x", x}, {"fitness", fitness_to_json(fitness)}}; }
  void from_json(const nlohmann::json& j, size_t n) {
    auto v = vector_from_json(j.at("x"), n, "best x");
    fitness = fitness_from_json(j.at("fitness"));
    x = std::move(v);
  }
};

// Checks the header every state starts with; throws UsageError naming the mismatch.
inline void check_header(const nlohmann::json& state, const std::string& name, size_t num_params) {
  if (!state.is_object() || state.at("strategy").get<std::string>() != name)
    throw UsageError("checkpoint is not a " + name + " state");
  if (state.at("num_params").get<size_t>() != num_params)
    throw UsageError(name + " checkpoint was written for " + state.at("num_params").dump() + " parameters; this run has " +
                     std::to_string(num_params));
}

}  // namespace neuroevo::search
