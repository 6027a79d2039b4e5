// `neuroevo bbob run`: a benchmarking campaign over strategies x functions x instances x dimensions
// (include/neuroevo/bbob/campaign.hpp has the definitions: aRT, ECDF, seeds, settings).
//
//   neuroevo bbob run --strategies cmaes,random_search [--functions 1-24] [--instances 1-15]
//                     [--dims 2,3,5,10,20,40] [--budget 1000] [--target 1e-8] [--seed S] [--threads N]
//                     [--set strategy.KEY=VALUE | --set NAME.KEY=VALUE]... --out DIR
//
// Writes DIR/{runs,traces,ert,ecdf}.csv, DIR/ecdf.svg and DIR/campaign.toml; prints a progress line on
// stderr and the aRT summary table on stdout.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.hpp"
#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/bbob/campaign.hpp"
#include "neuroevo/core/error.hpp"

namespace neuroevo::cli {

namespace {

struct BbobRunOptions {
  std::string strategies;
  std::string functions = "1-24";
  std::string instances = "1-15";
  std::string dims = "2,3,5,10,20,40";
  double budget = 1000.0;
  double target = 1e-8;
  uint64_t seed = 1;
  int threads = 0;
  std::vector<std::string> sets;
  std::string out;
};

int run_bbob_run(const BbobRunOptions& o) {
  bbob::CampaignSpec spec;
  spec.strategies = bbob::parse_strategy_list(o.strategies);
  for (auto v : bbob::parse_int_list(o.functions, "--functions", 1, bbob::kNumFunctions))
    spec.functions.push_back(static_cast<int>(v));
  for (auto v : bbob::parse_int_list(o.instances, "--instances", 1, bbob::kMaxInstance))
    spec.instances.push_back(static_cast<int>(v));
  for (auto v : bbob::parse_int_list(o.dims, "--dims", 2, static_cast<int64_t>(bbob::kMaxDim)))
    spec.dims.push_back(static_cast<size_t>(v));
  spec.budget = o.budget;
  spec.precision = o.target;
  spec.seed = o.seed;
  spec.threads = o.threads;
  spec.sets = o.sets;
  if (o.out.empty()) throw UsageError("--out: an output directory is required");
  bbob::validate(spec);  // everything is checked before any run starts

  const bool tty = ::isatty(STDERR_FILENO);
  const auto start = std::chrono::steady_clock::now();
  auto last = start - std::chrono::seconds(10);
  auto progress = [&](size_t done, size_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done != total && now - last < std::chrono::seconds(tty ? 1 : 10)) return;
    last = now;
    const double el = std::chrono::duration<double>(now - start).count();
    const double eta = done ? el * static_cast<double>(total - done) / static_cast<double>(done) : 0.0;
    std::fprintf(stderr, "%sbbob run: %zu/%zu runs (%.0f%%), elapsed %.0fs, ETA %.0fs%s", tty ? "\r" : "", done, total,
                 100.0 * static_cast<double>(done) / static_cast<double>(total), el, eta,
                 tty && done != total ? "   " : "\n");
  };
  const bbob::CampaignResult result = bbob::run_campaign(spec, progress);
  bbob::write_campaign(o.out, result);
  std::fputs(bbob::summary_table(result, bbob::compute_ert(result)).c_str(), stdout);
  std::printf("\nwrote %s/{runs,traces,ert,ecdf}.csv, ecdf.svg, campaign.toml and coco/ (COCO's data format)\n", o.out.c_str());
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

Runner add_bbob_run(CLI::App& bbob) {
  auto* run = bbob.add_subcommand(
      "run", "Benchmarking campaign: strategies x functions x instances x dims; writes runs/aRT/ECDF files");
  auto o = std::make_shared<BbobRunOptions>();
  run->add_option("--strategies,-s", o->strategies, "comma-separated strategy names (see `neuroevo list`)")
      ->required();
  run->add_option("--functions,-f", o->functions, "function ids, e.g. 1-24 or 1,2,5-9")->capture_default_str();
  run->add_option("--instances,-i", o->instances, "instance ids (COCO numbering)")->capture_default_str();
  run->add_option("--dims,-d", o->dims, "dimensions, 2-1000")->capture_default_str();
  run->add_option("--budget", o->budget, "evaluations per run = budget * D")->capture_default_str();
  run->add_option("--target", o->target, "final precision: success when f - fopt <= target")->capture_default_str();
  run->add_option("--seed", o->seed, "campaign seed (each run's seed is derived from it and the run's coordinates)")
      ->capture_default_str();
  run->add_option("--threads", o->threads, "worker threads (0: all cores); results do not depend on it")
      ->capture_default_str();
  run->add_option("--set", o->sets,
                  "strategy.KEY=VALUE (every strategy with KEY) or NAME.KEY=VALUE (one strategy); "
                  "sigma defaults to 2 where a strategy has it");
  run->add_option("--out,-o", o->out, "output directory")->required();
  return [o] { return run_bbob_run(*o); };
}

}  // namespace neuroevo::cli
