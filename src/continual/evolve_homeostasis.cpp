// Evolving the homeostatic parameters with the project's strategies, through the public minimize() API
// only (include/neuroevo/strategies/minimize.hpp); see homeostatic.hpp for the genome and the protocol.
#include <algorithm>
#include <cmath>

#include "neuroevo/continual/homeostatic.hpp"
#include "neuroevo/core/box_space.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/runtime/evaluator.hpp"
#include "neuroevo/strategies/minimize.hpp"

namespace neuroevo::continual {

HomeostasisParams decode_homeostasis(std::span<const double> x, const HomeostasisParams& paper) {
  HomeostasisParams h = paper;
  h.eta0 = paper.eta0 * std::pow(10.0, std::clamp(x[0], -3.0, 3.0));
  h.gain_exc = h.eta0 / 10.0 * std::pow(10.0, std::clamp(x[1], -3.0, 3.0));
  h.gain_inh = h.eta0 / 10.0 * std::pow(10.0, std::clamp(x[2], -3.0, 3.0));
  h.relax = std::clamp(x[3] / 10.0, 0.0, 1.0);
  return h;
}

double sign_flip_p_value(const std::vector<double>& d) {
  const size_t n = d.size();
  if (n == 0 || n > 24) throw UsageError("sign-flip test needs 1..24 paired differences");
  double observed = 0;
  for (double v : d) observed += v;
  observed = std::abs(observed);
  uint64_t extreme = 0;
  const uint64_t total = uint64_t{1} << n;
  for (uint64_t mask = 0; mask < total; ++mask) {
    double s = 0;
    for (size_t i = 0; i < n; ++i) s += (mask >> i & 1) ? -d[i] : d[i];
    if (std::abs(s) >= observed - 1e-12) ++extreme;
  }
  return static_cast<double>(extreme) / static_cast<double>(total);
}

namespace {
// Mean over seeds first + i of the online accuracy after the first shift; one stream per thread slot,
// results reduced in seed order.
std::vector<double> per_seed(const data::Dataset& train, const data::Dataset& test, StreamOptions o, uint64_t first, int n,
                             Evaluator& pool) {
  std::vector<double> acc(static_cast<size_t>(n));
  pool.parallel_for(acc.size(), [&](size_t i, size_t) {
    StreamOptions s = o;
    s.seed = first + i;
    acc[i] = run_stream(train, test, s).online_accuracy_shifted;
  });
  return acc;
}
double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0.0 : s / static_cast<double>(v.size());
}
}  // namespace

EvolveResult evolve_homeostasis(const data::Dataset& train, const data::Dataset& test, const StreamOptions& base,
                                const EvolveOptions& e) {
  check_stream_options(base);
  if (e.budget < 2) throw UsageError("--budget must be >= 2 evaluations");
  if (e.train_seeds < 1) throw UsageError("--train-seeds must be >= 1");
  if (e.test_seeds < 2 || e.test_seeds > 24) throw UsageError("--test-seeds must be in [2, 24]");
  Evaluator pool(std::max(1, e.threads));
  StreamOptions o = base;
  o.homeostatic = true;
  EvolveResult r;
  r.paper = base.h;

  // The search starts at the paper's setting (a box of zero width around x = 0).
  const BoxSpace space(4, 0.0, 0.0);
  Config cfg = Config::from_string("[strategy]\n");
  ConfigSection sec = cfg.section("strategy");
  const StrategyContext ctx{e.seed, &space, nullptr, 4};
  auto strategy = find_strategy(e.strategy).make(sec, ctx);
  const auto fitness = [&](std::span<const double> x) {
    StreamOptions s = o;
    s.h = decode_homeostasis(x, base.h);
    return -mean(per_seed(train, test, s, 1000, e.train_seeds, pool));
  };
  const MinimizeResult m = minimize(*strategy, 4, fitness, e.budget, -1.0);
  r.genome = m.best_x;
  r.evaluations = m.evaluations;
  r.evolved = decode_homeostasis(m.best_x, base.h);
  r.train_fitness_evolved = -m.best_f;
  r.train_fitness_paper = mean(per_seed(train, test, o, 1000, e.train_seeds, pool));

  StreamOptions ev = o;
  ev.h = r.evolved;
  StreamOptions plain = o;
  plain.homeostatic = false;
  r.test_paper = per_seed(train, test, o, 2000, e.test_seeds, pool);
  r.test_evolved = per_seed(train, test, ev, 2000, e.test_seeds, pool);
  r.test_plain = per_seed(train, test, plain, 2000, e.test_seeds, pool);
  std::vector<double> d1, d2;
  for (size_t i = 0; i < r.test_paper.size(); ++i) {
    d1.push_back(r.test_evolved[i] - r.test_paper[i]);
    d2.push_back(r.test_paper[i] - r.test_plain[i]);
  }
  r.p_evolved_vs_paper = sign_flip_p_value(d1);
  r.p_paper_vs_plain = sign_flip_p_value(d2);
  return r;
}

}  // namespace neuroevo::continual
