// The benchmark harness behind `neuroevo bench` (app/cmd_bench.cpp parses the command line and calls these;
// each is defined in its own file here, on the timing tools of measure.hpp). Throughput measurements: every
// figure is reported against a limit or a peer measured in the same run (never as a bare absolute time), and
// every benchmark prints a table or, with `json`, one JSON object. Timing never feeds a pass/fail decision;
// see docs/benchmarks.md.
//
// Statistics: each figure is measured in several repeats, interleaved with its limit or peer; the table
// shows the best repeat (highest rate, shortest time: the one least disturbed by other programs on the
// machine), the JSON also the median. Rates per core divide work by the process's CPU time.
//
//   run_bench_env       env + policy rollout steps/s, env-only steps/s (random actions), policy forward
//                       passes/s, and the policy's arithmetic limit: flops_per_act() / the peak FLOP rate
//                       of this core, measured in the same run with a multiply-add kernel on register data.
//   run_bench_mutation  building a child from a cached parent (add_scaled with a noise slice, what the
//                       GA's decode does, and the GA's decode itself) against std::memcpy of the same floats.
//   run_bench_strategy  ask + decode every candidate + tell with dummy fitness: strategy overhead per
//                       generation, against memcpy of the parameters the generation writes.
//   run_bench_policy    policy forward passes on synthetic observations against the arithmetic and
//                       memory limits.
// Each returns the process exit code and throws UsageError for bad options.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace neuroevo::bench {

struct EnvOptions {
  std::string env;
  std::string hidden = "64,64";
  bool linear = false;
  std::string activation = "tanh";
  std::string policy_config;
  std::string save_params;
  uint64_t steps = 1'000'000;
  int repeats = 3;
  int threads = 1;
  uint64_t seed = 0;
  int64_t lanes = 8;  // lockstep lanes of the lockstep rollout figure; 0: that figure is skipped
  bool same_params = false;  // lockstep figure: all lanes one parameter vector (else one per episode)
  bool json = false;
};

struct MutationOptions {
  uint64_t params = 4'000'000;
  uint64_t noise_size = 0;  // 0: max(2^25, 2 params), the run default or more
  double sigma = 0.002;
  int repeats = 15;
  int threads = 0;  // for building the noise table only
  bool json = false;
};

struct StrategyOptions {
  std::string strategy = "ga";
  uint64_t params = 100'000;
  uint64_t population = 256;
  uint64_t noise_size = 0;
  int generations = 5;
  int threads = 1;
  std::vector<std::string> sets;
  bool json = false;
};

struct PolicyBenchOptions {
  std::string policy_config;
  std::string env;
  std::string obs_shape;  // "H,W,C"
  int actions = 18;
  uint64_t calls = 200;
  int repeats = 3;
  double density = 0.5;  // fraction of observation cells set to 1 (the rest 0)
  bool json = false;
};

// `hidden_given`: --hidden was given on the command line (it conflicts with --policy-config and
// --linear).
int run_bench_env(const EnvOptions& o, bool hidden_given);
int run_bench_mutation(const MutationOptions& o);
int run_bench_strategy(const StrategyOptions& o);
int run_bench_policy(const PolicyBenchOptions& o);

}  // namespace neuroevo::bench
