#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/number_text.hpp"
#include "neuroevo/envs/env.hpp"

namespace neuroevo::cli {

namespace {

struct RolloutOptions {
  std::string env, state, actions;
  uint64_t seed = 0;
};

// JSON has no NaN or infinity: a non-finite value (a diverged simulation) is printed as null, so every
// line stays valid JSON.
void print_number(double v, const char* format) {
  if (std::isfinite(v)) std::printf(format, v);
  else std::printf("null");
}

void print_floats(std::span<const float> v) {
  std::printf("[");
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) std::printf(", ");
    print_number(static_cast<double>(v[i]), "%.9g");
  }
  std::printf("]");
}

// An actions file is at most 64 MiB (millions of steps) and a line at most 64 KiB.
constexpr uint64_t kMaxActionsBytes = uint64_t{64} << 20;
constexpr size_t kMaxActionLine = 64 << 10;

int run_rollout(const RolloutOptions& o) {
  auto env = make_env(o.env);
  const Space& act = env->action_space();
  // Read and check every action before stepping, so bad input never produces partial output. A
  // directory, FIFO or device (/dev/zero) is refused by name.
  std::istringstream in(read_text_file(o.actions, kMaxActionsBytes));
  std::vector<std::vector<float>> actions;
  std::string line;
  for (size_t n = 1; read_bounded_line(in, line, kMaxActionLine, o.actions + " line " + std::to_string(n)); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = o.actions + " line " + std::to_string(n);
    const auto v = parse_number_list(line, where);
    if (v.size() != act.dim())
      throw UsageError(where + ": expected " + std::to_string(act.dim()) + " value(s), got " + std::to_string(v.size()));
    if (act.is_discrete() && (v[0] != std::floor(v[0]) || v[0] < 0 || v[0] >= act.n))
      throw UsageError(where + ": action must be an integer in [0, " + std::to_string(act.n - 1) + "]");
    actions.emplace_back(v.begin(), v.end());
  }
  std::vector<float> obs(env->observation_space().dim());
  if (o.state.empty()) {
    env->reset(o.seed, obs);
  } else {
    const auto s = parse_number_list(o.state, "--state");
    if (s.size() != env->state_dim())
      throw UsageError("--state: " + o.env + " has a state of " + std::to_string(env->state_dim()) + " values, got " +
                       std::to_string(s.size()));
    env->set_state(s, obs);
  }
  for (const auto& a : actions) {
    const StepResult r = env->step(a, obs);
    std::printf("{\"obs\": ");
    print_floats(obs);
    std::printf(", \"reward\": ");
    print_number(r.reward, "%.17g");
    std::printf(", \"terminated\": %s, \"truncated\": %s}\n", r.terminated ? "true" : "false",
                r.truncated ? "true" : "false");
    if (r.terminated || r.truncated) break;
  }
  return 0;
}

}  // namespace

Command add_env(CLI::App& app) {
  auto* cmd = app.add_subcommand("env", "Environment tools");
  auto* roll = cmd->add_subcommand("rollout", "Replay actions from a given internal state; one JSON line per step");
  cmd->require_subcommand(1);
  auto o = std::make_shared<RolloutOptions>();
  roll->add_option("env", o->env, "environment name (see `neuroevo list`)")->required();
  roll->add_option("--state", o->state, "internal state v1,v2,... (default: a reset with --seed)");
  roll->add_option("--seed", o->seed, "reset seed when no --state is given (0 to 2^64-1)")
      ->check(unsigned_integer(UINT64_MAX));
  roll->add_option("--actions", o->actions, "file with one action per line")->required();
  return {cmd, [o] { return run_rollout(*o); }};
}

}  // namespace neuroevo::cli
