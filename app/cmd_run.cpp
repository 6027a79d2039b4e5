#include "cli_checks.hpp"
#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/drivers/experiment.hpp"

namespace neuroevo::cli {

Command add_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run an experiment from a TOML config (or resume one)");
  auto opt = std::make_shared<RunOptions>();
  auto seed = std::make_shared<int64_t>(-1);
  cmd->add_option("config", opt->config_path, "experiment config (TOML), e.g. examples/cartpole_ga.toml");
  cmd->add_option("--set", opt->sets, "override a config key: --set strategy.sigma=0.01 (repeatable)");
  cmd->add_option("--out", opt->out_dir, "run directory (default: runs/<config>-<time>)");
  cmd->add_option("--threads", opt->threads, "worker threads (default: all cores); results do not depend on it")
      ->check(CLI::NonNegativeNumber);
  // run.seed is a TOML integer, so a run seed is at most 2^63 - 1; larger values are refused, not clamped.
  cmd->add_option("--seed", *seed, "run seed (overrides run.seed), 0 to 2^63-1")
      ->check(unsigned_integer(uint64_t{INT64_MAX}));
  cmd->add_option("--resume", opt->resume_dir, "continue the run in this directory from its last checkpoint");
  cmd->add_flag("--quiet", opt->quiet, "no progress lines");
  cmd->add_option("--mpi-timeout", opt->mpi_timeout,
                   "under mpirun: seconds a rank waits for a silent peer before stopping the job (default 120)")
      ->check(CLI::PositiveNumber);
  return {cmd, [opt, seed] {
    if (*seed >= 0) opt->seed = static_cast<uint64_t>(*seed);
    if (opt->resume_dir.empty() && opt->config_path.empty()) throw UsageError("run: give a CONFIG file or --resume DIR");
    if (!opt->resume_dir.empty() && (!opt->config_path.empty() || !opt->sets.empty() || opt->seed || !opt->out_dir.empty()))
      throw UsageError("run --resume DIR takes the run's saved config; do not combine it with CONFIG, --set, --seed or --out");
    return run_experiment(*opt);
  }};
}

}  // namespace neuroevo::cli
