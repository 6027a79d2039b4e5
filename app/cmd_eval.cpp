#include <cstdio>
#include <filesystem>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli_checks.hpp"
#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/report/replay.hpp"
#include "neuroevo/runtime/batch_runner.hpp"
#include "neuroevo/runtime/episodes.hpp"
#include "neuroevo/runtime/setup.hpp"
#include "neuroevo/tasks/champion_details.hpp"

namespace neuroevo::cli {

namespace {

struct EvalOptions {
  std::string target, env, policy;
  std::string record;  // --record FILE: the first episode, step by step, for the report
  uint32_t episodes = 100;
  int64_t seed = 0;
  int threads = 0;
  int64_t lanes = -1;  // lockstep lanes; 0 or 1: one episode at a time; -1: lockstep_by_default's choice
  bool json = false;
};

// A champion of a task type other than "rl": its task is rebuilt from the champion file and evaluated
// `--episodes` times (deterministic tasks give the same fitness each time).
int eval_task(const EvalOptions& o, const Champion& c, const ChampionModel& m, LocalRunner& runner) {
  if (!o.record.empty()) throw UsageError("eval --record: only RL champions have episodes to record");
  Workspaces ws = make_workspaces(*m.task, runner.threads());
  const EpisodeStats s = evaluate_episodes(
      [&](const EpisodeRequest& req, Workspace& w) { return m.genome.evaluate(*m.task, req, w); }, runner, ws,
      static_cast<uint64_t>(o.seed), o.episodes);
  // What the task says about the champion beyond its fitness (a GP formula and its errors).
  const nlohmann::json details = m.genome.candidate ? champion_details(*m.task, *m.genome.candidate) : nlohmann::json(nullptr);
  if (o.json) {
    nlohmann::json j = {{"task", c.env},          {"task_type", m.task_type},          {"episodes", o.episodes},
                        {"mean_fitness", s.mean}, {"std_fitness", s.stddev},           {"min_fitness", s.min},
                        {"max_fitness", s.max},   {"genome_bytes", c.genome_bytes()}, {"seed", o.seed}};
    if (details.is_object()) j.update(details);
    std::cout << j.dump() << "\n";
  } else {
    std::printf("%s (task type %s): mean fitness %.9g +- %.3g over %u evaluations\n", c.env.c_str(),
                m.task_type.c_str(), s.mean, s.stddev, o.episodes);
    if (details.is_object())
      for (const auto& [k, v] : details.items())
        std::printf("  %s: %s\n", k.c_str(), v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
  }
  return 0;
}

int run_eval(const EvalOptions& o) {
  if (o.target.empty() == o.env.empty())
    throw UsageError("eval: give either a RUN_DIR/champion file or --env ENV --policy random");
  LocalRunner runner(o.threads);
  std::shared_ptr<const Policy> policy;
  std::unique_ptr<ObsNormalizer> normalizer;
  std::vector<float> params;
  std::string env_name;
  size_t genome_bytes = 0;
  int max_steps = 0;
  if (!o.target.empty()) {
    std::string path = o.target;
    if (std::filesystem::is_directory(path)) path += "/champion.bin";
    const Champion c = Champion::load(path);
    ChampionModel m;
    try {
      m = load_champion_model(c, static_cast<int>(runner.threads()));
    } catch (const UsageError& e) {  // a field that does not fit the model: name the file
      throw UsageError("'" + path + "': " + e.what());
    }
    if (m.task) return eval_task(o, c, m, runner);
    policy = m.policy;
    normalizer = std::move(m.normalizer);
    params = std::move(m.params);
    env_name = c.env;
    genome_bytes = c.genome_bytes();
    max_steps = c.max_steps;  // evaluate under the episode cap the champion was trained with
  } else {
    if (o.policy != "random") throw UsageError("eval --env: only --policy random is available without a champion");
    env_name = o.env;
    auto env = make_env(env_name);
    Config pc = Config::from_string("type = \"random\"\n");
    ConfigSection root = pc.root();
    policy = make_policy(root, env->observation_space(), env->action_space());
  }
  if (!o.record.empty()) {
    const auto parent = std::filesystem::path(o.record).parent_path();
    if (std::filesystem::is_directory(o.record) || (!parent.empty() && !std::filesystem::is_directory(parent)))
      throw UsageError("eval --record: cannot write '" + o.record + "' (a directory, or its directory does not exist)");
    const nlohmann::json replay = report::record_episode(
        {env_name, policy, normalizer.get(), params, max_steps}, static_cast<uint64_t>(o.seed));
    write_atomic(o.record, replay.dump() + "\n");
  }
  const int64_t lanes = o.lanes < 0 ? (lockstep_by_default(env_name) ? kDefaultLanes : 0) : o.lanes;
  RlTask task(env_name, policy, normalizer.get(), 1, max_steps, static_cast<size_t>(lanes));
  Workspaces ws = make_workspaces(task, runner.threads());
  const EpisodeStats s = evaluate_episodes(task, params, runner, ws, static_cast<uint64_t>(o.seed), o.episodes);
  if (o.json) {
    const nlohmann::json j = {{"env", env_name},
                              {"policy", policy->describe()},
                              {"episodes", o.episodes},
                              {"mean_return", s.mean},
                              {"std_return", s.stddev},
                              {"min_return", s.min},
                              {"max_return", s.max},
                              {"mean_steps", static_cast<double>(s.steps) / o.episodes},
                              {"num_params", policy->num_params()},
                              {"genome_bytes", genome_bytes},
                              {"seed", o.seed}};
    std::cout << j.dump() << "\n";
  } else {
    std::printf("%s, %s: mean return %.3f +- %.3f (min %.3f, max %.3f) over %u episodes\n", env_name.c_str(),
                policy->describe().c_str(), s.mean, s.stddev, s.min, s.max, o.episodes);
  }
  return 0;
}

}  // namespace

Command add_eval(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Re-evaluate a champion (or a random baseline) on fresh episodes");
  auto o = std::make_shared<EvalOptions>();
  cmd->add_option("target", o->target, "a run directory or a champion.bin file");
  cmd->add_option("--env", o->env, "environment for a baseline without a champion");
  cmd->add_option("--policy", o->policy, "baseline policy (random)");
  cmd->add_option("--episodes", o->episodes, "number of episodes (default 100)")->check(CLI::Range(1u, 100'000'000u));
  cmd->add_option("--seed", o->seed, "evaluation seed (default 0), 0 to 2^63-1")->check(unsigned_integer(uint64_t{INT64_MAX}));
  cmd->add_option("--threads", o->threads, "worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->add_option("--lanes", o->lanes, "lockstep lanes: episodes stepped together where the environment has a batched version, with the same results (default 8, MinAtar 0; 0 = one at a time)")
      ->check(CLI::Range(int64_t{0}, kMaxLanes));
  cmd->add_option("--record", o->record, "also write the first episode (states, observations, actions, rewards) as JSON for `neuroevo report`");
  return {cmd, [o] { return run_eval(*o); }};
}

}  // namespace neuroevo::cli
