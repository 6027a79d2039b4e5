// A BBOB benchmarking campaign (docs/reference/bbob.md, "Running a campaign"): every strategy on every
// (function, instance, dimension) with a budget of `budget * D` evaluations, run in parallel on the
// Evaluator's thread pool, with results that do not depend on the number of threads.
//
// Definitions (as COCO's):
//  - A run minimises f - fopt with neuroevo::minimize() and stops at the budget or when
//    f - fopt <= precision (the final target, 1e-8 by default). Its trace records (evaluations,
//    best f - fopt) at every improvement.
//  - aRT(strategy, f, D) = sum over the runs of their evaluations (to the target, or all of them for a
//    run that missed it) / number of runs that reached the target; infinite when none did.
//  - The runtime ECDF of (strategy, D) is the fraction of (function, instance, target) triples reached
//    within a number of evaluations, over 51 log-uniform targets 1e2, 10^1.8, ..., 1e-8, read off the
//    traces (no simulated restarts, unlike COCO's post-processing).
//
// Determinism: job (strategy s, function f, instance i, dimension D) runs its strategy with seed
// job_seed(seed, s, f, i, D), a hash of the campaign seed and the job's coordinates (the strategy's
// *name*, so adding a strategy to a campaign does not change the others' runs); results are stored by job
// index, so every output is identical for any thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace neuroevo::bbob {

struct CampaignSpec {
  std::vector<std::string> strategies;
  std::vector<int> functions;  // 1..24
  std::vector<int> instances;  // 1..kMaxInstance
  std::vector<size_t> dims;    // 2..kMaxDim
  double budget = 1000.0;      // evaluations per run = floor(budget * D)
  double precision = 1e-8;     // final target: f - fopt <= precision
  uint64_t seed = 1;
  int threads = 0;             // <= 0: all hardware threads
  // Strategy settings: "strategy.KEY=VALUE" applies to every selected strategy that has KEY (and must be
  // known to at least one of them); "NAME.KEY=VALUE" applies to strategy NAME only and overrides the
  // former. Strategies with a `sigma` key get sigma = 2 unless set (BBOB's standard initial step size
  // for x0 uniform in [-4, 4]^D).
  std::vector<std::string> sets;
};

struct RunRecord {
  std::string strategy;
  int function = 0;
  int instance = 0;
  size_t dim = 0;
  uint64_t seed = 0;
  uint64_t budget = 0;       // evaluations allowed
  uint64_t evaluations = 0;  // used: to the final target, or the whole budget
  double best_delta = 0.0;   // best f - fopt
  bool reached = false;
  std::vector<std::pair<uint64_t, double>> trace;  // (evaluations, best f - fopt) at each improvement
  double fopt = 0.0;
  std::string coco_dat, coco_tdat;  // this run's lines of COCO's .dat and .tdat files (coco_format.hpp)
};

struct ErtRecord {
  std::string strategy;
  int function = 0;
  size_t dim = 0;
  size_t runs = 0, successes = 0;
  uint64_t total_evaluations = 0;
  double art = 0.0;  // total_evaluations / successes, +inf when successes == 0
};

struct EcdfPoint {
  std::string strategy;
  size_t dim = 0;
  double evals_per_dim = 0.0;
  double fraction = 0.0;  // of (function, instance, target) triples reached within evals_per_dim * D
};

struct CampaignResult {
  CampaignSpec spec;
  std::vector<RunRecord> runs;  // job order: strategy, dim, function, instance (as listed in the spec)
};

// "1-5,7,10-12" -> {1,...,5,7,10,11,12}. Throws UsageError naming `what` for malformed text, values
// outside [lo, hi], descending ranges and repeated values.
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& what, int64_t lo, int64_t hi);
// "cmaes,random_search" -> names, each checked against the registry (UsageError with a suggestion).
std::vector<std::string> parse_strategy_list(const std::string& text);

// Checks everything (names, ranges, budgets, every --set against every strategy) before anything runs;
// throws UsageError.
void validate(const CampaignSpec& spec);

// The 51 targets 10^(2 - k/5), k = 0..50.
std::vector<double> ecdf_targets();
uint64_t job_seed(uint64_t seed, const std::string& strategy, int function, int instance, size_t dim);

// Runs the campaign. `progress(done, total)` is called (under a lock) after each run completes.
CampaignResult run_campaign(const CampaignSpec& spec,
                            const std::function<void(size_t done, size_t total)>& progress = {});

std::vector<ErtRecord> compute_ert(const CampaignResult& result);
// On a grid of evaluations / D: 10 points per decade from 1 to the budget multiplier, and the budget itself.
std::vector<EcdfPoint> compute_ecdf(const CampaignResult& result);

// File contents (CSV with a header line; numbers with 17 significant digits, "inf" for infinity).
std::string runs_csv(const CampaignResult& result);
std::string traces_csv(const CampaignResult& result);
std::string ert_csv(const std::vector<ErtRecord>& ert);
std::string ecdf_csv(const std::vector<EcdfPoint>& ecdf);
// One plot per dimension side by side: fraction vs log10(evaluations / D), one line per strategy.
std::string ecdf_svg(const CampaignResult& result, const std::vector<EcdfPoint>& ecdf);
// Per dimension, per function: aRT / D and successes per strategy.
std::string summary_table(const CampaignResult& result, const std::vector<ErtRecord>& ert);

// Writes runs.csv, traces.csv, ert.csv, ecdf.csv, ecdf.svg and campaign.toml (the settings) into `dir`
// (created if needed), each atomically, and COCO's data format under dir/coco/<strategy>/.
void write_campaign(const std::string& dir, const CampaignResult& result);

}  // namespace neuroevo::bbob
