#include "neuroevo/drivers/minimize.hpp"

#include <cmath>
#include <limits>

namespace neuroevo {

MinimizeResult minimize(Strategy& strategy, size_t dim, const std::function<double(std::span<const double>)>& f,
                        uint64_t budget, double target, const EvaluationObserver& observe) {
  MinimizeResult r;
  r.best_f = std::numeric_limits<double>::infinity();
  std::vector<double> x(dim);
  while (r.evaluations < budget && !r.reached) {
    const Batch batch = strategy.ask();
    std::vector<Result> results(batch.size);
    for (size_t i = 0; i < batch.size; ++i) {
      strategy.decode_double(i, x);
      const double fx = f(x);
      results[i].fitness = -fx;
      results[i].valid = std::isfinite(fx);
      results[i].episodes = 1;
      if (r.evaluations < budget && !r.reached) {
        ++r.evaluations;
        if (observe) observe(r.evaluations, x, fx);
        if (fx < r.best_f) {
          r.best_f = fx;
          r.best_x = x;
          r.trace.emplace_back(r.evaluations, fx);
          r.reached = fx <= target;
        }
      }
    }
    strategy.tell(results);
  }
  return r;
}

}  // namespace neuroevo
