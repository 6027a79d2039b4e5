// `neuroevo bench`: the command line of the throughput benchmarks. The benchmarks themselves (what each
// measures, against which limit or peer, and how repeats are summarised) are the harness under
// bench/harness/ (docs/benchmarks.md has the figures).
#include <memory>

#include "commands.hpp"
#include "harness.hpp"
#include "neuroevo/core/error.hpp"

namespace neuroevo::cli {

Command add_bench(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Measure throughput (environment steps/s, strategy overhead, mutation)");
  cmd->require_subcommand(1);

  auto eo = std::make_shared<bench::EnvOptions>();
  auto* env = cmd->add_subcommand("env", "Env + policy rollout steps/s, env-only steps/s, forward passes/s vs the arithmetic limit");
  env->add_option("--env", eo->env, "environment (default CartPole-v1)");
  auto* hidden = env->add_option("--hidden", eo->hidden, "hidden layer widths, e.g. 64,64 (default); empty for linear");
  env->add_flag("--linear", eo->linear, "linear policy: an MLP without hidden layers");
  env->add_option("--activation", eo->activation, "tanh (default) or relu");
  env->add_option("--policy-config", eo->policy_config, "TOML file with a [policy] table (or a bare policy table)");
  env->add_option("--save-params", eo->save_params, "write the policy and its parameters as JSON (for the Python peer)");
  env->add_option("--steps", eo->steps, "steps (and forward passes) per thread per repeat (default 1000000)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  env->add_option("--repeats", eo->repeats, "repeats; the best is reported (and the median with --json) (default 3)")->check(CLI::Range(1, 1000));
  env->add_option("--threads", eo->threads, "worker threads (default 1: per core)")->check(CLI::Range(1, 4096));
  env->add_option("--seed", eo->seed, "seed of the parameters and episodes (default 0)");
  env->add_option("--lanes", eo->lanes, "lanes of the lockstep rollout figure (default 8; 0: skip it)")->check(CLI::Range(int64_t{0}, int64_t{4096}));
  env->add_flag("--same-params", eo->same_params,
                "lockstep figure: every lane runs the one parameter vector (default: each episode of a call its own, as a population)");
  env->add_flag("--json", eo->json, "print one JSON object");

  auto mo = std::make_shared<bench::MutationOptions>();
  auto* mut = cmd->add_subcommand("mutation", "A GA child from a cached parent (add_scaled) vs memcpy of its parameters");
  mut->add_option("--params", mo->params, "parameters (default 4000000)")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  mut->add_option("--noise-size", mo->noise_size, "noise table size (default max(2^25, 2 params))")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 34));
  mut->add_option("--sigma", mo->sigma, "mutation power (default 0.002)")->check(CLI::PositiveNumber);
  mut->add_option("--repeats", mo->repeats, "repeats; the fastest is reported (and the median with --json) (default 15)")->check(CLI::Range(1, 100000));
  mut->add_option("--threads", mo->threads, "threads building the noise table (default all)")->check(CLI::Range(0, 4096));
  mut->add_flag("--json", mo->json, "print one JSON object");

  auto so = std::make_shared<bench::StrategyOptions>();
  auto* str = cmd->add_subcommand("strategy", "ask + decode all + tell per generation with dummy fitness (no env)");
  str->add_option("--strategy", so->strategy, "strategy name (default ga; see `neuroevo list`)");
  str->add_option("--params", so->params, "parameters (default 100000)")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  str->add_option("--population", so->population, "population (default 256)")->check(CLI::Range(uint64_t{2}, uint64_t{1} << 30));
  str->add_option("--noise-size", so->noise_size, "noise table size (default max(2^25, 2 params))")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 34));
  str->add_option("--generations", so->generations, "timed generations after generation 0 (default 5)")->check(CLI::Range(1, 100000));
  str->add_option("--threads", so->threads, "decode threads (default 1)")->check(CLI::Range(1, 4096));
  str->add_option("--set", so->sets, "strategy key=value (e.g. --set truncation=10)");
  str->add_flag("--json", so->json, "print one JSON object");

  auto po = std::make_shared<bench::PolicyBenchOptions>();
  auto* pol = cmd->add_subcommand("policy", "Policy forward passes/s on synthetic observations vs the arithmetic and memory limits");
  pol->add_option("--policy-config", po->policy_config, "TOML file with a [policy] table (or a bare policy table)");
  pol->add_option("--env", po->env, "take the observation and action spaces from this environment");
  pol->add_option("--obs-shape", po->obs_shape, "observation shape H,W,C (without --env), e.g. 84,84,4");
  pol->add_option("--actions", po->actions, "discrete actions with --obs-shape (default 18)")->check(CLI::Range(1, 1 << 20));
  pol->add_option("--calls", po->calls, "forward passes per repeat (default 200)")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  pol->add_option("--repeats", po->repeats, "repeats; the best is reported (default 3)")->check(CLI::Range(1, 1000));
  pol->add_option("--density", po->density, "fraction of observation values set to 1 (default 0.5)")->check(CLI::Range(0.0, 1.0));
  pol->add_flag("--json", po->json, "print one JSON object");

  return {cmd, [=]() -> int {
            if (pol->parsed()) return bench::run_bench_policy(*po);
            if (env->parsed()) return bench::run_bench_env(*eo, hidden->count() > 0);
            if (mut->parsed()) return bench::run_bench_mutation(*mo);
            if (str->parsed()) return bench::run_bench_strategy(*so);
            throw UsageError("bench: choose env, mutation or strategy");
          }};
}

}  // namespace neuroevo::cli