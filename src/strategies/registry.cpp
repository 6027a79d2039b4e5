#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/genomes/candidate.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

// The built-in strategies, one line each, in `neuroevo list` order. X(name) refers to the function
// `StrategyInfo name_strategy()` defined in src/strategies/name.cpp (its name, description, factory and
// key table live beside the algorithm), and the line below both declares and registers it: adding a
// strategy is one new file plus one line here (docs/architecture.md, "Adding a strategy").
#define NEUROEVO_BUILTIN_STRATEGIES(X) \
  X(ga)                                \
  X(openai_es)                         \
  X(random_search)                     \
  X(cmaes)                             \
  X(sep_cmaes)                         \
  X(lm_ma_es)                          \
  X(snes)                              \
  X(xnes)                              \
  X(pgpe)                              \
  X(ars)                               \
  X(hill_climb)                        \
  X(simple_ga)                         \
  X(ns_es)                             \
  X(nsr_es)                            \
  X(map_elites)                        \
  X(sparse_hc)                          \
  X(gp)                                 \
  X(neat)

#define NEUROEVO_DECLARE_STRATEGY(name) StrategyInfo name##_strategy();
NEUROEVO_BUILTIN_STRATEGIES(NEUROEVO_DECLARE_STRATEGY)
#undef NEUROEVO_DECLARE_STRATEGY

const std::vector<StrategyInfo>& strategy_registry() {
#define NEUROEVO_ENTRY(name) name##_strategy(),
  static const std::vector<StrategyInfo> registry = {NEUROEVO_BUILTIN_STRATEGIES(NEUROEVO_ENTRY)};
#undef NEUROEVO_ENTRY
  return registry;
}

const StrategyInfo& find_strategy(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& s : strategy_registry()) {
    if (s.name == name) return s;
    names.push_back(s.name);
  }
  throw UsageError(unknown_name_message("strategy", name, names));
}

std::unique_ptr<const Candidate> Strategy::build(size_t) const {
  throw std::logic_error("Strategy::build() called on a strategy whose candidates are fixed vectors");
}

void Strategy::decode_double(size_t i, std::span<double> x) const {
  std::vector<float> p(x.size());
  decode(i, p);
  std::copy(p.begin(), p.end(), x.begin());
}

std::vector<double> ranking_fitness(std::span<const Result> results) {
  std::vector<double> f(results.size());
  for (size_t i = 0; i < results.size(); ++i)
    f[i] = (results[i].valid && std::isfinite(results[i].fitness)) ? results[i].fitness
                                                                   : -std::numeric_limits<double>::infinity();
  return f;
}

}  // namespace neuroevo
