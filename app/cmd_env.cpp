#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"

namespace neuroevo::cli {

namespace {

struct RolloutOptions {
  std::string env, state, actions;
  uint64_t seed = 0;
};

std::vector<double> parse_numbers(const std::string& text, const std::string& where) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t\r");
    const auto e = item.find_last_not_of(" \t\r");
    if (b == std::string::npos) throw UsageError(where + ": empty value in '" + text + "'");
    const std::string v = item.substr(b, e - b + 1);
    size_t used = 0;
    double x = 0.0;
    try {
      x = std::stod(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != v.size() || !std::isfinite(x)) throw UsageError(where + ": '" + v + "' is not a finite number");
    out.push_back(x);
  }
  if (out.empty()) throw UsageError(where + ": no values");
  return out;
}

void print_floats(std::span<const float> v) {
  std::printf("[");
  for (size_t i = 0; i < v.size(); ++i) std::printf("%s%.9g", i ? ", " : "", static_cast<double>(v[i]));
  std::printf("]");
}

int run_rollout(const RolloutOptions& o) {
  auto env = make_env(o.env);
  const Space& act = env->action_space();
  std::ifstream in(o.actions);
  if (!in) throw UsageError("cannot open actions file '" + o.actions + "'");
  // Read and check every action before stepping, so bad input never produces partial output.
  std::vector<std::vector<float>> actions;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = o.actions + " line " + std::to_string(n);
    const auto v = parse_numbers(line, where);
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
    const auto s = parse_numbers(o.state, "--state");
    if (s.size() != env->state_dim())
      throw UsageError("--state: " + o.env + " has a state of " + std::to_string(env->state_dim()) + " values, got " +
                       std::to_string(s.size()));
    env->set_state(s, obs);
  }
  for (const auto& a : actions) {
    const StepResult r = env->step(a, obs);
    std::printf("{\"obs\": ");
    print_floats(obs);
    std::printf(", \"reward\": %.17g, \"terminated\": %s, \"truncated\": %s}\n", r.reward,
                r.terminated ? "true" : "false", r.truncated ? "true" : "false");
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
  roll->add_option("--seed", o->seed, "reset seed when no --state is given");
  roll->add_option("--actions", o->actions, "file with one action per line")->required();
  return {cmd, [o] { return run_rollout(*o); }};
}

}  // namespace neuroevo::cli
