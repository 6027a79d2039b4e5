// Evolving the cell policy for robustness to immovable frozen cells (docs/sorting.md, "Evolving the
// cells"). The loss of a genome is measured on a fixed set of training arrays with fixed dynamics
// streams (common random numbers), so it is a deterministic function the strategy can compare fairly.
#include "neuroevo/sorting/evolve.hpp"

#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "neuroevo/core/error.hpp"

namespace neuroevo::sorting {

MixPolicy decode_policy(std::span<const double> x) {
  if (x.size() != kPolicyDims) throw UsageError("a cell-policy genome has 4 numbers");
  // Softmax of the three logits (shifted by their maximum), logistic of the fourth.
  const double m = std::max({x[0], x[1], x[2]});
  MixPolicy p;
  p.w_bubble = std::exp(x[0] - m);
  p.w_insertion = std::exp(x[1] - m);
  p.w_selection = std::exp(x[2] - m);
  const double t = p.w_bubble + p.w_insertion + p.w_selection;
  p.w_bubble /= t;
  p.w_insertion /= t;
  p.w_selection /= t;
  p.detour = 1.0 / (1.0 + std::exp(-x[3]));
  return p;
}

namespace {

// Share of adjacent pairs of non-frozen cells (frozen ones skipped) that are in order.
double active_sortedness(const Array& a) {
  size_t pairs = 0, ok = 0;
  bool have = false;
  int prev = 0;
  for (const auto& c : a.cells()) {
    if (c.frozen != Frozen::None) continue;
    if (have) {
      ++pairs;
      ok += c.value >= prev ? 1 : 0;
    }
    prev = c.value;
    have = true;
  }
  return pairs ? static_cast<double>(ok) / static_cast<double>(pairs) : 1.0;
}

}  // namespace

Evaluation evaluate_policy(const Condition& c, uint64_t seed, uint64_t count) {
  Evaluation e;
  e.arrays = count;
  const uint64_t cap = c.max_sweeps > 0 ? c.max_sweeps : c.size;
  for (uint64_t run = 0; run < count; ++run) {
    Array a = make_array(c, seed, run);
    Stream rng(seed, run, 0, Purpose::Episode);
    std::vector<uint32_t> order;
    uint64_t sweeps = 0;
    while (sweeps < cap && !finished(a, c.mix)) {
      sweep(a, c.mix, rng, order);
      ++sweeps;
    }
    e.successes += active_sorted(a) ? 1 : 0;
    e.active_sortedness += active_sortedness(a);
    e.sortedness += a.sortedness();
    e.sweeps += static_cast<double>(sweeps);
  }
  if (count) {
    e.active_sortedness /= static_cast<double>(count);
    e.sortedness /= static_cast<double>(count);
    e.sweeps /= static_cast<double>(count);
  }
  return e;
}

double policy_loss(const Evaluation& e, const std::string& objective) {
  if (objective == "sortedness") return 1.0 - e.sortedness;
  if (objective == "success") return (1.0 - e.success_rate()) + (1.0 - e.active_sortedness);
  throw UsageError("--objective must be sortedness or success, got '" + objective + "'");
}

std::vector<SeedResult> evolve_replicates(const EvolveOptions& o) {
  if (o.size < 2) throw UsageError("--size must be at least 2, got " + std::to_string(o.size));
  if (o.frozen > o.size) throw UsageError("--frozen (" + std::to_string(o.frozen) + ") exceeds --size (" + std::to_string(o.size) + ")");
  if (o.budget < 1) throw UsageError("--budget must be at least 1");
  policy_loss(Evaluation{}, o.objective);  // validates the objective's name
  Condition base;
  base.size = o.size;
  base.frozen = o.frozen;
  base.frozen_kind = o.kind;
  base.max_sweeps = o.deadline > 0 ? o.deadline : o.size;
  std::vector<SeedResult> out(o.seeds);
  std::atomic<uint64_t> next{0};
  std::exception_ptr error;
  std::mutex mu;
  auto one = [&](uint64_t rep) {
    const uint64_t train_seed = stream_key(o.seed, rep, 0, Purpose::Strategy);
    const uint64_t test_seed = stream_key(o.seed, rep, 1, Purpose::Strategy);
    const uint64_t strategy_seed = stream_key(o.seed, rep, 2, Purpose::Strategy);
    Condition mixed = base;
    mixed.algotypes = {Algotype::Mixed};
    auto loss = [&](std::span<const double> x) {
      Condition c = mixed;
      c.mix = decode_policy(x);
      return policy_loss(evaluate_policy(c, train_seed, o.train_arrays), o.objective);
    };
    SeedResult r;
    r.replicate = rep;
    r.genome = minimize_with_strategy(o.strategy, kPolicyDims, loss, o.budget, strategy_seed, &r.train_loss, &r.evaluations);
    r.policy = decode_policy(r.genome);
    mixed.mix = r.policy;
    r.evolved = evaluate_policy(mixed, test_seed, o.test_arrays);
    for (int k = 0; k < 3; ++k) {
      Condition c = base;
      c.algotypes = {static_cast<Algotype>(k)};
      r.classic[k] = evaluate_policy(c, test_seed, o.test_arrays);
    }
    return r;
  };
  auto worker = [&] {
    try {
      for (uint64_t i = next++; i < o.seeds; i = next++) out[i] = one(i);
    } catch (...) {
      std::lock_guard lock(mu);
      if (!error) error = std::current_exception();
      next = o.seeds;
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned k = 1; k < std::max(1u, o.threads); ++k) pool.emplace_back(worker);
    worker();
  }
  if (error) std::rethrow_exception(error);
  return out;
}

}  // namespace neuroevo::sorting
