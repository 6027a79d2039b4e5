// The sorting module's only dependency on the strategies: build one by name through the public registry
// and drive it with minimize(). Kept to this file so a refactoring of src/strategies/ touches nothing else.
#include <limits>

#include "neuroevo/core/box_space.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/sorting/evolve.hpp"
#include "neuroevo/strategies/minimize.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo::sorting {

std::vector<double> minimize_with_strategy(const std::string& strategy, size_t dim,
                                           const std::function<double(std::span<const double>)>& f,
                                           uint64_t budget, uint64_t seed, double* best_f, uint64_t* evaluations) {
  const StrategyInfo& info = find_strategy(strategy);  // UsageError naming the nearest strategy
  if (info.uses_noise_table)
    throw UsageError("--strategy " + strategy + " needs a noise table; use a strategy that does not (e.g. cmaes, snes, pgpe)");
  const BoxSpace space(dim, -2.0, 2.0);
  Config cfg;
  ConfigSection sec = cfg.section("strategy");
  auto s = info.make(sec, StrategyContext{seed, &space, nullptr, dim});
  const MinimizeResult r = minimize(*s, dim, f, budget, -std::numeric_limits<double>::infinity());
  if (best_f) *best_f = r.best_f;
  if (evaluations) *evaluations = r.evaluations;
  return r.best_x;
}

}  // namespace neuroevo::sorting
