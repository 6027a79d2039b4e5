// Drives a strategy on a black-box function to minimise: ask, decode_double, evaluate, tell, until a
// budget of evaluations is spent or f <= target. Fitness handed to the strategy is -f (strategies
// maximise). Used by `neuroevo bbob run`, the benchmarks and the tests.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

struct MinimizeResult {
  double best_f = 0.0;
  std::vector<double> best_x;
  uint64_t evaluations = 0;           // until the target was hit, or the whole budget
  bool reached = false;
  // (evaluations, best f so far) each time the best improved: enough to read off the runtime to any
  // target (COCO-style runtime distributions).
  std::vector<std::pair<uint64_t, double>> trace;
};

// Called for every counted evaluation, in order: (1-based evaluation count, x, f(x)).
using EvaluationObserver = std::function<void(uint64_t, std::span<const double>, double)>;

MinimizeResult minimize(Strategy& strategy, size_t dim, const std::function<double(std::span<const double>)>& f,
                        uint64_t budget, double target, const EvaluationObserver& observe = {});

}  // namespace neuroevo
