// Private helpers shared by the double-precision search strategies (snes, xnes, pgpe, ars, hill_climb,
// simple_ga) and the CMA restart wrapper: checked config getters, the starting point, batch size checks,
// NES utilities and centred ranks with averaged ties.
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

inline void check_decode(const char* name, size_t i, size_t batch, size_t got, size_t n) {
  if (i >= batch || got != n)
    throw std::invalid_argument(std::string(name) + ": decode(" + std::to_string(i) + ") out of range or wrong size");
}

// The (1+lambda) selection of the hill climbers, which evaluate their starting point as candidate 0 of
// generation 0 (its fitness is needed to compare against): in generation 0, `incumbent` becomes f[0] and
// the children are candidates 1..; later every candidate is a child. The best valid child is the first
// of the highest fitness (ties to the lowest index; invalid, -inf, children are never chosen), and it
// replaces the incumbent when it is better than or equal to it (`accept`; the caller then sets
// `incumbent`). `successes` counts the valid children at least as good as the incumbent.
struct PlusSelection {
  size_t best = 0, children = 0, successes = 0;
  bool accept = false;
};
inline PlusSelection plus_selection(std::span<const double> f, uint64_t generation, double& incumbent) {
  constexpr double kInvalid = -std::numeric_limits<double>::infinity();
  size_t first_child = 0;
  if (generation == 0) {
    incumbent = f[0];  // the starting point's own fitness (-inf if invalid)
    first_child = 1;
  }
  PlusSelection s{f.size(), f.size() - first_child, 0, false};
  for (size_t i = first_child; i < f.size(); ++i) {
    if (f[i] == kInvalid) continue;
    if (f[i] >= incumbent) ++s.successes;
    if (s.best == f.size() || f[i] > f[s.best]) s.best = i;
  }
  s.accept = s.best != f.size() && f[s.best] >= incumbent;
  return s;
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

}  // namespace neuroevo::search
