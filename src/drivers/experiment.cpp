// `neuroevo run` in four stages:
//   open_run    rank 0 reads (resume) or creates the run directory; every rank gets the config and
//               the checkpoint's text, so MPI ranks need no access to the directory
//   restore     builds the objects from the config and restores the checkpoint
//   the loop    generation after generation: ask -> evaluate -> tell (run_loop.cpp), recorded by the
//               observers (metrics and progress line, behaviour log, champion and checkpoint)
//   finish      the champion's independent evaluation on fresh episodes and summary.json
#include "neuroevo/drivers/experiment.hpp"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/stop_signal.hpp"
#include "neuroevo/drivers/run_loop.hpp"
#include "neuroevo/tasks/champion_details.hpp"
#include "neuroevo/runtime/batch_runner.hpp"
#include "neuroevo/runtime/run_dir.hpp"
#include "neuroevo/runtime/candidate_eval.hpp"
#include "neuroevo/runtime/setup.hpp"

namespace neuroevo {

namespace fs = std::filesystem;

namespace {

std::string cbor_text(const nlohmann::json& j) {
  const std::vector<uint8_t> bytes = nlohmann::json::to_cbor(j);
  return {bytes.begin(), bytes.end()};
}

std::string default_out_dir(const std::string& config_path) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  std::string base = "runs/" + fs::path(config_path).stem().string() + "-" + stamp;
  std::string dir = base;
  for (int k = 2; fs::exists(dir); ++k) dir = base + "-" + std::to_string(k);
  return dir;
}

// What rank 0 found in (or decided about) the run directory, known to every rank.
struct RunStart {
  std::string dir;
  Config config;
  bool resuming = false;
  bool finished = false;        // the run directory already holds a finished run
  bool has_checkpoint = false;
  std::string checkpoint_text;  // the checkpoint's payload
  std::unique_ptr<RunLock> lock;  // rank 0 owns the run directory until the run ends
};

// Stage 1. Rank 0 alone reads the run directory; the other MPI ranks get the config and checkpoint texts.
RunStart open_run(const RunOptions& opt, BatchRunner& runner) {
  RunStart r;
  r.resuming = !opt.resume_dir.empty();
  // CBOR, not JSON text: the checkpoint payload may hold a binary section, which JSON strings cannot carry.
  const auto shared = nlohmann::json::from_cbor(runner.from_root([&] {
    nlohmann::json j = {{"finished", false}};
    if (r.resuming) {
      r.dir = opt.resume_dir;
      if (!fs::is_directory(r.dir)) throw UsageError("--resume: '" + r.dir + "' is not a run directory");
      r.lock = std::make_unique<RunLock>(r.dir, RunLock::Mode::Existing, "--resume");
      if (file_exists(r.dir + "/" + kSummaryFile)) {
        std::cout << "run in " << r.dir << " already finished; results: " << r.dir << "/" << kSummaryFile << "\n";
        return cbor_text(nlohmann::json{{"finished", true}});
      }
      r.config = Config::from_file(r.dir + "/" + kConfigFile);
      if (file_exists(r.dir + "/" + kCheckpointFile)) {
        const auto bytes = read_checked(r.dir + "/" + kCheckpointFile, "checkpoint");
        r.checkpoint_text.assign(bytes.begin(), bytes.end());
        j["has_checkpoint"] = true;
      }
    } else {
      r.config = Config::from_file(opt.config_path);
      for (const auto& a : opt.sets) r.config.set(a);
      if (opt.seed) r.config.set("run.seed=" + std::to_string(*opt.seed));
      r.dir = opt.out_dir.empty() ? default_out_dir(opt.config_path) : opt.out_dir;
      r.lock = std::make_unique<RunLock>(r.dir, RunLock::Mode::New, "--out");
    }
    if (runner.ranks() > 1)
      j["config"] = r.config.to_toml(),
      j["checkpoint"] = nlohmann::json::binary(std::vector<uint8_t>(r.checkpoint_text.begin(), r.checkpoint_text.end()));
    return cbor_text(j);
  }));
  r.finished = shared.at("finished").get<bool>();
  r.has_checkpoint = shared.contains("has_checkpoint");
  if (!r.finished && !runner.root()) {
    r.config = Config::from_string(shared.at("config").get<std::string>(), "config of rank 0");
    const auto& bytes = shared.at("checkpoint").get_binary();
    r.checkpoint_text.assign(bytes.begin(), bytes.end());
  }
  return r;
}

void announce(const Setup& s, const RunStart& r, const BatchRunner& runner) {
  std::cout << (r.has_checkpoint ? "resuming " : "running ") << s.strategy_name << " on " << s.env_name << " with "
            << s.policy_description() << ", " << runner.threads() << " threads";
  if (runner.distributed()) std::cout << " on each of " << runner.ranks() << " MPI ranks";
  std::cout << ", from generation " << s.strategy->generation() << " of " << s.generations;
  if (s.max_env_steps) std::cout << " or " << s.max_env_steps << " env steps, whichever comes first";
  std::cout << "\nrun directory: " << r.dir << "\n"
            << std::flush;
}

// The keys `resolved` holds below `prefix` and `stored` (the run directory's config.toml) lacks, as
// "key = value": keys a build newer than the run's adds, at their defaults.
void missing_keys(const toml::table* stored, const toml::table& resolved, const std::string& prefix,
                  std::vector<std::string>& out) {
  for (const auto& [k, v] : resolved) {
    const std::string key = prefix + std::string(k.str());
    const toml::node* old = stored ? stored->get(k.str()) : nullptr;
    if (const auto* sub = v.as_table()) {
      missing_keys(old ? old->as_table() : nullptr, *sub, key + ".", out);
    } else if (old == nullptr) {
      std::ostringstream text;
      v.visit([&](const auto& value) { text << value; });
      out.push_back(key + " = " + text.str());
    }
  }
}

// A run directory started by an older build resumes with the defaults of the keys added since: say which.
void announce_defaults(const Config& stored, const Config& resolved, const std::string& dir) {
  std::vector<std::string> keys;
  missing_keys(&stored.table(), resolved.table(), "", keys);
  if (keys.empty()) return;
  std::string list;
  for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
  std::cout << "note: " << dir << "/" << kConfigFile << " does not state "
            << (keys.size() == 1 ? "this key (added since the run started?); resuming with its default: "
                                 : "these keys (added since the run started?); resuming with their defaults: ")
            << list << "\n";
}

// Between generations, the one place where a run may end early. Rank 0 decides and every rank follows:
// the number of a SIGINT/SIGTERM received (core/stop_signal.hpp), -1 when RunOptions::stop_requested
// says stop, else 0.
int stop_requested(const RunOptions& opt, BatchRunner& runner) {
  return std::stoi(runner.from_root([&] {
    if (const int sig = neuroevo::stop_requested()) return std::to_string(sig);
    return std::string(opt.stop_requested && opt.stop_requested() ? "-1" : "0");
  }));
}

// A stop between generations: the observers save what a resume needs (checkpoint, champion, archive).
// A signal gives exit code 128 + its number (130 SIGINT, 143 SIGTERM); a requested stop gives 0.
int stop(int why, RunLoop& loop, RunTotals& totals, const RunStart& r, const Setup& s, const BatchRunner& runner,
         bool quiet) {
  totals.wall_time = loop.elapsed();
  loop.stop(totals);
  if (why > 0) return report_stop(why, loop.generation_count(), s.generations, r.dir, runner.root());
  if (runner.root() && !quiet)
    std::printf("stopped after generation %llu; continue with: neuroevo run --resume %s\n",
                static_cast<unsigned long long>(loop.generation_count()), r.dir.c_str());
  return 0;
}

// Stage 4: the champion's final, independent evaluation on fresh episodes, and summary.json.
void finish(const Setup& s, const RunStart& r, const RunTotals& totals, double wall_time, BatchRunner& runner,
            Workspaces& workspaces, bool quiet) {
  const Genome champ = s.strategy->champion();
  const GenomeModel model = genome_model(champ, *s.space, s.noise.get());
  // A fixed vector goes through the task's own path (lockstep when it has one: the same results).
  const EpisodeStats ev =
      model.candidate ? evaluate_episodes([&](const EpisodeRequest& req, Workspace& ws) { return model.evaluate(*s.task, req, ws); },
                                          runner, workspaces, s.seed, s.eval_episodes)
                      : evaluate_episodes(*s.task, model.params, runner, workspaces, s.seed, s.eval_episodes);
  if (!runner.root()) return;
  const Champion record = s.champion(champ, s.strategy->generation(), ev.mean);
  // The champion's behaviour descriptor (e.g. its final position in the maze) on the first evaluation
  // episode, for environments that define one.
  const Result champ_episode =
      model.evaluate(*s.task, {stream_key(s.seed, 0, 0, Purpose::FinalEval), 1, false}, *workspaces.front());
  record.save(r.dir + "/" + kChampionFile);
  // A structured champion that can draw itself (a NEAT network) is also written as champion.svg.
  if (model.candidate)
    if (const std::string svg = model.candidate->svg(); !svg.empty()) write_atomic(r.dir + "/champion.svg", svg);
  nlohmann::json summary = {
      {"env", s.env_name},
      {"strategy", s.strategy_name},
      {"policy", !s.is_rl()       ? s.policy_description()
                 : model.candidate ? model.candidate->policy(s.observation_space, s.action_space).policy->describe()
                                   : s.policy->describe()},
      {"num_params", !s.is_rl()       ? model.params.size()
                     : model.candidate ? model.candidate->policy(s.observation_space, s.action_space).params.size()
                                       : s.policy->num_params()},
      {"generations", s.strategy->generation()},
      {"episodes", totals.episodes},
      {"env_steps", totals.env_steps},
      {"wall_time_s", wall_time},
      {"unstable_episodes", totals.unstable},
      {"champion", {{"eval_episodes", s.eval_episodes},
                    {"mean_return", ev.mean},
                    {"std_return", ev.stddev},
                    {"min_return", ev.min},
                    {"max_return", ev.max},
                    {"genome_bytes", record.genome_bytes()},
                    {"behaviour", champ_episode.behaviour}}},
      {"finished", true}};
  const nlohmann::json details = model.candidate ? champion_details(*s.task, *model.candidate) : nlohmann::json(nullptr);
  if (details.is_object()) summary["champion"].update(details);
  write_atomic(r.dir + "/" + kSummaryFile, summary.dump(2) + "\n");
  if (!quiet) {
    std::printf("champion: mean return %.2f +- %.2f over %u episodes (genome %zu bytes)\n", ev.mean, ev.stddev,
                s.eval_episodes, record.genome_bytes());
    if (details.is_object())
      for (const auto& [k, v] : details.items()) std::printf("  %s: %s\n", k.c_str(), v.is_string() ? v.get<std::string>().c_str() : v.dump().c_str());
    std::printf("results: %s (metrics.csv, metrics.jsonl, champion.bin, summary.json)\n", r.dir.c_str());
  }
}

int run_on(const RunOptions& opt, BatchRunner& runner) {
  RunStart start = open_run(opt, runner);
  if (start.finished) return 0;

  // Stage 2: the objects of the run, restored from the checkpoint when there is one. The checkpoint's
  // checksum covers config.toml as stored (a resumed run's file as read, before this build fills in keys
  // it lacks; a new run's resolved config), so keys a later build adds do not lock an old run out.
  const std::optional<Config> stored = start.resuming ? std::optional<Config>(start.config) : std::nullopt;
  Setup s = build_setup(std::move(start.config), static_cast<int>(runner.threads()), opt.task_types);
  const uint64_t config_sum = config_checksum(stored ? *stored : s.config);
  if (runner.root()) {
    fs::create_directories(start.dir);
    if (!start.resuming) write_atomic(start.dir + "/" + kConfigFile, s.config.to_toml());
  }
  RunTotals totals;
  if (start.has_checkpoint) totals = load_checkpoint(start.dir, start.checkpoint_text, s, config_sum);
  if (runner.root() && stored && !opt.quiet) announce_defaults(*stored, s.config, start.dir);
  const uint64_t first = s.strategy->generation();
  RunLoop loop(s, runner, totals.wall_time);
  if (runner.root()) {  // rank 0 alone writes the run directory and prints
    loop.observe(metrics_observer(start.dir, first, {s.generations, s.max_env_steps}, opt.quiet, runner.distributed(),
                                  s.strategy.get()));
    loop.observe(behaviour_observer(start.dir, first, s));
    loop.observe(checkpoint_observer(start.dir, s, config_sum));
    if (!opt.quiet) announce(s, start, runner);
  }

  // Stage 3: the generation loop.
  // The totals come from the checkpoint on a resume, so a budgeted run stops at the same generation either way.
  while (s.strategy->generation() < s.generations && !budget_spent(s, totals.env_steps)) {
    if (const int why = stop_requested(opt, runner)) return stop(why, loop, totals, start, s, runner, opt.quiet);
    loop.generation(totals);
  }

  finish(s, start, totals, loop.elapsed(), runner, loop.workspaces(), opt.quiet || !runner.root());
  return 0;
}

}  // namespace

int run_experiment(const RunOptions& opt) {
  const auto runner = make_batch_runner(opt.threads, opt.mpi_timeout);
  const StopSignals signals;  // SIGINT/SIGTERM: checkpoint after the current generation, exit 130/143
  return runner->guard([&] { return run_on(opt, *runner); });
}

}  // namespace neuroevo
