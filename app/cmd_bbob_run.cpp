// `neuroevo bbob run`: a benchmarking campaign over strategies x functions x instances x dimensions
// (include/neuroevo/drivers/campaign.hpp has the definitions: aRT, ECDF, seeds, settings).
//
//   neuroevo bbob run --strategies cmaes,random_search [--functions 1-24] [--instances 1-15]
//                     [--dims 2,3,5,10,20,40] [--budget 1000] [--target 1e-8] [--seed S] [--threads N]
//                     [--set strategy.KEY=VALUE | --set NAME.KEY=VALUE]... --out DIR
//   neuroevo bbob run --config CAMPAIGN.toml --out DIR [any flag above, which overrides the file]
//
// CAMPAIGN.toml has the keys of the campaign.toml a run writes (so a campaign can be repeated from its
// own record): strategies = ["cmaes"], functions = [1, 2], instances, dims (integer arrays), budget,
// target (numbers), seed (integer), sets = ["cmaes.restarts=bipop"]. Unknown keys are errors.
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
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/drivers/campaign.hpp"
#include "neuroevo/runtime/evaluator.hpp"
#include "neuroevo/runtime/run_dir.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo::cli {

namespace {

struct BbobRunOptions {
  std::string config;
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
  bool overwrite = false;
};

// Which flags were given on the command line (they override the campaign file).
struct GivenFlags {
  CLI::Option *strategies, *functions, *instances, *dims, *budget, *target, *seed, *sets;
};

template <typename T>
std::vector<T> narrow(const std::vector<int64_t>& v) {
  return std::vector<T>(v.begin(), v.end());
}

// The campaign file's settings, each used only where the flag was not given.
void apply_config(const std::string& path, const GivenFlags& given, bbob::CampaignSpec& spec) {
  Config cfg = Config::from_file(path);
  ConfigSection c = cfg.root();
  const auto strategies = c.get_string_list("strategies", spec.strategies);
  const auto functions = c.get_int_list("functions", {spec.functions.begin(), spec.functions.end()}, 1,
                                        bbob::kNumFunctions);
  const auto instances = c.get_int_list("instances", {spec.instances.begin(), spec.instances.end()}, 1,
                                        bbob::kMaxInstance);
  const auto dims = c.get_int_list("dims", {spec.dims.begin(), spec.dims.end()}, 2, static_cast<int64_t>(bbob::kMaxDim));
  const double budget = c.get_double("budget", spec.budget);
  const double target = c.get_double("target", spec.precision);
  const auto seed = c.get_int("seed", static_cast<int64_t>(spec.seed), 0);
  const auto sets = c.get_string_list("sets", spec.sets);
  cfg.check_unknown();
  for (const auto& name : strategies) find_strategy(name);  // unknown names: error with a suggestion
  if (!given.strategies->count()) spec.strategies = strategies;
  if (!given.functions->count()) spec.functions = narrow<int>(functions);
  if (!given.instances->count()) spec.instances = narrow<int>(instances);
  if (!given.dims->count()) spec.dims = narrow<size_t>(dims);
  if (!given.budget->count()) spec.budget = budget;
  if (!given.target->count()) spec.precision = target;
  if (!given.seed->count()) spec.seed = static_cast<uint64_t>(seed);
  if (!given.sets->count()) spec.sets = sets;
}

int run_bbob_run(const BbobRunOptions& o, const GivenFlags& given) {
  bbob::CampaignSpec spec;
  if (!o.strategies.empty()) spec.strategies = bbob::parse_strategy_list(o.strategies);
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
  if (!o.config.empty()) apply_config(o.config, given, spec);
  if (spec.strategies.empty()) throw UsageError("--strategies: no strategy given (on the command line or in --config)");
  if (o.out.empty()) throw UsageError("--out: an output directory is required");
  bbob::validate(spec);  // everything is checked before any run starts
  check_thread_count(spec.threads);
  // --out is claimed (created, locked, checked writable and empty) before any work, so neither a
  // concurrent campaign nor an unwritable directory can throw away hours of results.
  const RunLock out_lock(o.out, o.overwrite ? RunLock::Mode::Overwrite : RunLock::Mode::New, "--out");

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
  GivenFlags g{};
  run->add_option("--config,-c", o->config,
                  "campaign file (TOML, the keys of a written campaign.toml); flags override it")
      ->check(CLI::ExistingFile);
  g.strategies = run->add_option("--strategies,-s", o->strategies,
                                 "comma-separated strategy names (see `neuroevo list`); required without --config");
  g.functions = run->add_option("--functions,-f", o->functions, "function ids, e.g. 1-24 or 1,2,5-9")->capture_default_str();
  g.instances = run->add_option("--instances,-i", o->instances, "instance ids (COCO numbering)")->capture_default_str();
  g.dims = run->add_option("--dims,-d", o->dims, "dimensions, 2-1000")->capture_default_str();
  g.budget = run->add_option("--budget", o->budget, "evaluations per run = budget * D")->capture_default_str();
  g.target = run->add_option("--target", o->target, "final precision: success when f - fopt <= target")->capture_default_str();
  g.seed = run->add_option("--seed", o->seed, "campaign seed (each run's seed is derived from it and the run's coordinates)")
      ->capture_default_str();
  run->add_option("--threads", o->threads, "worker threads (0: all cores); results do not depend on it")
      ->capture_default_str();
  g.sets = run->add_option("--set", o->sets,
                  "strategy.KEY=VALUE (every strategy with KEY) or NAME.KEY=VALUE (one strategy); "
                  "sigma defaults to 2 where a strategy has it");
  run->add_option("--out,-o", o->out, "output directory: new or empty (see --overwrite)")->required();
  run->add_flag("--overwrite", o->overwrite, "replace the files of an existing campaign in --out");
  return [o, g] { return run_bbob_run(*o, g); };
}

}  // namespace neuroevo::cli
