// Runs of a condition: initial arrays from counter-based streams, the sweep loop with its stopping rule,
// per-run measures and their reduction in run order (docs/sorting.md, "Runs and measures").
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

#include "neuroevo/core/error.hpp"
#include "neuroevo/sorting/sorting.hpp"

namespace neuroevo::sorting {

std::string Condition::label() const {
  std::string s = traditional ? "traditional " : "";
  for (size_t i = 0; i < algotypes.size(); ++i) {
    if (i > 0) s += '+';
    s += algotype_name(algotypes[i]);
  }
  if (frozen > 0) s += " frozen " + std::to_string(frozen) + " " + frozen_name(frozen_kind);
  if (distinct > 0) s += " distinct " + std::to_string(distinct);
  return s;
}

Array make_array(const Condition& c, uint64_t seed, uint64_t run) {
  const size_t n = c.size;
  if (n < 2) throw UsageError("--size must be at least 2, got " + std::to_string(n));
  if (c.frozen > n) throw UsageError("--frozen (" + std::to_string(c.frozen) + ") exceeds --size (" + std::to_string(n) + ")");
  if (c.algotypes.empty()) throw UsageError("--algotypes names no algotype");
  std::vector<Cell> cells(n);
  // Values: a uniformly random permutation of 0..n-1, or of i mod k (duplicates).
  std::vector<int> values(n);
  for (size_t i = 0; i < n; ++i) values[i] = static_cast<int>(c.distinct > 0 ? i % c.distinct : i);
  Stream vr(seed, run, 0, Purpose::Init);
  for (size_t i = n; i > 1; --i) std::swap(values[i - 1], values[vr.below(i)]);
  // Algotypes: as equal counts as n allows (the first ones get the remainder), shuffled.
  std::vector<Algotype> types(n);
  for (size_t i = 0; i < n; ++i) types[i] = c.algotypes[i % c.algotypes.size()];
  Stream tr(seed, run, 2, Purpose::Init);
  for (size_t i = n; i > 1; --i) std::swap(types[i - 1], types[tr.below(i)]);
  // Frozen cells: `frozen` distinct positions, by a partial Fisher-Yates shuffle.
  std::vector<uint32_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = static_cast<uint32_t>(i);
  Stream fr(seed, run, 1, Purpose::Init);
  for (size_t k = 0; k < c.frozen; ++k) std::swap(idx[k], idx[k + fr.below(n - k)]);
  for (size_t i = 0; i < n; ++i) {
    cells[i].value = values[i];
    cells[i].type = types[i];
    cells[i].id = static_cast<uint32_t>(i);
    cells[i].ideal = 0;
  }
  for (size_t k = 0; k < c.frozen; ++k) cells[idx[k]].frozen = c.frozen_kind;
  return Array(std::move(cells));
}

namespace {

TrajPoint point(const Array& a, uint64_t sweep) {
  TrajPoint t;
  t.sweep = sweep;
  t.swaps = a.swaps();
  t.sortedness = a.sortedness();
  t.error = sorting_error(a);
  t.aggregation = aggregation(a);
  return t;
}

}  // namespace

RunResult simulate(const Condition& c, uint64_t seed, uint64_t run, bool keep_trajectory) {
  Array a = make_array(c, seed, run);
  RunResult r;
  r.run = run;
  r.initial_sortedness = a.sortedness();
  {
    std::vector<size_t> counts(4, 0);
    for (const auto& cell : a.cells()) ++counts[static_cast<size_t>(cell.type)];
    r.agg_expected = aggregation_expected(counts);
  }
  r.agg_initial = r.agg_peak = aggregation(a);
  uint64_t sweeps = 0;
  double last_sortedness = a.sortedness();
  auto record = [&] {
    const double agg = aggregation(a);
    r.agg_peak = std::max(r.agg_peak, agg);
    if (a.sortedness() != last_sortedness) r.plateau_sweep = sweeps;
    last_sortedness = a.sortedness();
    if (keep_trajectory) r.trajectory.push_back(point(a, sweeps));
  };
  if (keep_trajectory) r.trajectory.push_back(point(a, 0));
  if (c.traditional) {
    traditional_sort(a, c.algotypes.front(), [&] {
      ++sweeps;
      record();
    });
    r.finished = true;
  } else {
    const uint64_t cap = c.max_sweeps > 0 ? c.max_sweeps : 50 * static_cast<uint64_t>(c.size) + 100;
    Stream rng(seed, run, 0, Purpose::Episode);
    std::vector<uint32_t> order;
    r.finished = finished(a, c.mix);
    while (!r.finished && sweeps < cap) {
      sweep(a, c.mix, rng, order);
      ++sweeps;
      record();
      r.finished = finished(a, c.mix);
    }
  }
  a.dg().finish();
  r.sweeps = sweeps;
  r.swaps = a.swaps();
  r.final_sortedness = a.sortedness();
  r.final_error = sorting_error(a);
  r.sorted = a.descents() == 0;
  r.active_sorted = active_sorted(a);
  r.dg_episodes = a.dg().episodes();
  r.dg_mean = a.dg().mean();
  r.agg_final = aggregation(a);
  return r;
}

std::vector<RunResult> simulate_runs(const Condition& c, uint64_t seed, uint64_t runs, unsigned threads,
                                     bool keep_trajectory) {
  make_array(c, seed, 0);  // validates the condition on the calling thread (UsageError)
  std::vector<RunResult> out(runs);
  std::atomic<uint64_t> next{0};
  std::exception_ptr error;
  std::mutex mu;
  auto worker = [&] {
    try {
      for (uint64_t i = next++; i < runs; i = next++) out[i] = simulate(c, seed, i, keep_trajectory);
    } catch (...) {
      std::lock_guard lock(mu);
      if (!error) error = std::current_exception();
      next = runs;
    }
  };
  const unsigned t = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(std::max<uint64_t>(runs, 1))));
  {
    std::vector<std::jthread> pool;
    for (unsigned k = 1; k < t; ++k) pool.emplace_back(worker);
    worker();
  }
  if (error) std::rethrow_exception(error);
  return out;
}

Summary summarize(const Condition& c, std::span<const RunResult> runs) {
  Summary s;
  s.label = c.label();
  s.runs = runs.size();
  if (runs.empty()) return s;
  const double n = static_cast<double>(runs.size());
  double dg_sum = 0.0;
  size_t dg_n = 0, len = 0;
  for (const auto& r : runs) {
    s.success += r.sorted ? 1.0 : 0.0;
    s.active_success += r.active_sorted ? 1.0 : 0.0;
    s.finished += r.finished ? 1.0 : 0.0;
    s.sweeps += static_cast<double>(r.sweeps);
    s.swaps += static_cast<double>(r.swaps);
    s.plateau += static_cast<double>(r.plateau_sweep);
    s.final_sortedness += r.final_sortedness;
    s.final_error += static_cast<double>(r.final_error);
    s.dg_episodes += r.dg_episodes;
    if (r.dg_episodes > 0) {
      dg_sum += r.dg_mean;
      ++dg_n;
    }
    s.agg_initial += r.agg_initial;
    s.agg_final += r.agg_final;
    s.agg_expected += r.agg_expected;
    len = std::max(len, r.trajectory.size());
  }
  for (double* v : {&s.success, &s.active_success, &s.finished, &s.sweeps, &s.swaps, &s.plateau, &s.final_sortedness,
                    &s.final_error, &s.dg_episodes, &s.agg_initial, &s.agg_final, &s.agg_expected})
    *v /= n;
  s.dg = dg_n ? dg_sum / static_cast<double>(dg_n) : std::nan("");
  s.dg_runs = static_cast<double>(dg_n) / n;
  // Mean trajectories; a finished run keeps its last value. The aggregation peak is the peak of the
  // mean trajectory (a mean of per-run peaks would be biased upwards by noise).
  s.mean_sortedness.assign(len, 0.0);
  s.mean_aggregation.assign(len, 0.0);
  for (const auto& r : runs) {
    if (r.trajectory.empty()) continue;
    for (size_t t = 0; t < len; ++t) {
      const TrajPoint& p = r.trajectory[std::min(t, r.trajectory.size() - 1)];
      s.mean_sortedness[t] += p.sortedness / n;
      s.mean_aggregation[t] += p.aggregation / n;
    }
  }
  s.agg_peak = len ? *std::max_element(s.mean_aggregation.begin(), s.mean_aggregation.end()) : s.agg_initial;
  return s;
}

}  // namespace neuroevo::sorting
