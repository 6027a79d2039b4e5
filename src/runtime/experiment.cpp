#include "neuroevo/runtime/experiment.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/stop_signal.hpp"
#include "neuroevo/runtime/batch_runner.hpp"
#include "neuroevo/runtime/behaviour_log.hpp"
#include "neuroevo/runtime/recorder.hpp"
#include "neuroevo/runtime/run_dir.hpp"
#include "neuroevo/runtime/setup.hpp"

namespace neuroevo {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCheckpoint = "checkpoint.ckpt";
constexpr const char* kChampion = "champion.bin";
constexpr const char* kSummary = "summary.json";
constexpr const char* kConfig = "config.toml";

std::string default_out_dir(const std::string& config_path) {
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&now));
  std::string base = "runs/" + fs::path(config_path).stem().string() + "-" + stamp;
  std::string dir = base;
  for (int k = 2; fs::exists(dir); ++k) dir = base + "-" + std::to_string(k);
  return dir;
}

// Counters that survive a resume.
struct Progress {
  uint64_t episodes = 0;
  uint64_t env_steps = 0;
  double wall_time = 0.0;  // seconds spent in earlier sessions of this run
  uint64_t unstable = 0;   // episodes ended by a simulation failure (physics NaN / instability)
};

// Ties a checkpoint to the resolved config it was written for.
uint64_t config_checksum(const Config& config) {
  const std::string text = config.to_toml();
  return fnv1a64(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void save_checkpoint(const std::string& dir, const Setup& s, const Progress& p) {
  nlohmann::json j = {{"generation", s.strategy->generation()},
                      {"config_checksum", config_checksum(s.config)},
                      {"strategy", s.strategy->save()},
                      {"obs_norm", s.normalizer ? s.normalizer->to_json() : nlohmann::json(nullptr)},
                      {"episodes", p.episodes},
                      {"env_steps", p.env_steps},
                      {"wall_time", p.wall_time},
                      {"unstable_episodes", p.unstable}};
  const std::string text = j.dump();
  write_checked(dir + "/" + kCheckpoint, "checkpoint", std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// `text` is the checkpoint's payload (read by rank 0 and shared with the other MPI ranks).
Progress load_checkpoint(const std::string& dir, const std::string& text, Setup& s) {
  const std::string path = dir + "/" + kCheckpoint;
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.at("config_checksum").get<uint64_t>() != config_checksum(s.config))
      throw UsageError("'" + path + "' was written for another config than '" + dir + "/" + kConfig + "'");
    s.strategy->load(j.at("strategy"));
    check_checkpoint_counters(j, s.strategy->generation(), s.generations, path);
    if (s.normalizer) *s.normalizer = ObsNormalizer::from_json(j.at("obs_norm"), s.normalizer->dim());
    return {j.at("episodes").get<uint64_t>(), j.at("env_steps").get<uint64_t>(), j.at("wall_time").get<double>(),
            j.value("unstable_episodes", uint64_t{0})};
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("'" + path + "' is corrupt: " + e.what());
  } catch (const UsageError& e) {  // a field checked against the model: name the file
    if (std::string(e.what()).find(path) != std::string::npos) throw;
    throw UsageError("'" + path + "': " + e.what());
  }
}

double median_of(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

int run_on(const RunOptions& opt, BatchRunner& runner);

}  // namespace

int run_experiment(const RunOptions& opt) {
  const auto runner = make_batch_runner(opt.threads, opt.mpi_timeout);
  const StopSignals signals;  // SIGINT/SIGTERM: checkpoint after the current generation, exit 130/143
  return runner->guard([&] { return run_on(opt, *runner); });
}

namespace {

int run_on(const RunOptions& opt, BatchRunner& runner) {
  using Clock = std::chrono::steady_clock;
  const bool resuming = !opt.resume_dir.empty();
  std::string dir;
  Config config;
  // Rank 0 alone reads the run directory; the other MPI ranks get the config and checkpoint texts.
  std::string checkpoint_text;
  std::optional<RunLock> lock;  // rank 0 owns the run directory until the end
  const auto start = nlohmann::json::parse(runner.from_root([&] {
    nlohmann::json j = {{"finished", false}};
    if (resuming) {
      dir = opt.resume_dir;
      if (!fs::is_directory(dir)) throw UsageError("--resume: '" + dir + "' is not a run directory");
      lock.emplace(dir, RunLock::Mode::Existing, "--resume");
      if (file_exists(dir + "/" + kSummary)) {
        std::cout << "run in " << dir << " already finished; results: " << dir << "/" << kSummary << "\n";
        return nlohmann::json{{"finished", true}}.dump();
      }
      config = Config::from_file(dir + "/" + kConfig);
      if (file_exists(dir + "/" + kCheckpoint)) {
        const auto bytes = read_checked(dir + "/" + kCheckpoint, "checkpoint");
        checkpoint_text.assign(bytes.begin(), bytes.end());
        j["has_checkpoint"] = true;
      }
    } else {
      config = Config::from_file(opt.config_path);
      for (const auto& a : opt.sets) config.set(a);
      if (opt.seed) config.set("run.seed=" + std::to_string(*opt.seed));
      dir = opt.out_dir.empty() ? default_out_dir(opt.config_path) : opt.out_dir;
      lock.emplace(dir, RunLock::Mode::New, "--out");
    }
    if (runner.ranks() > 1) j["config"] = config.to_toml(), j["checkpoint"] = checkpoint_text;
    return j.dump();
  }));
  if (start.at("finished").get<bool>()) return 0;
  if (!runner.root()) config = Config::from_string(start.at("config").get<std::string>(), "config of rank 0");
  if (!runner.root()) checkpoint_text = start.at("checkpoint").get<std::string>();

  Setup s = build_setup(std::move(config), static_cast<int>(runner.threads()));
  if (runner.root()) {
    fs::create_directories(dir);
    if (!resuming) write_atomic(dir + "/" + kConfig, s.config.to_toml());
  }

  Progress progress;
  const bool has_checkpoint = start.contains("has_checkpoint");
  if (has_checkpoint) progress = load_checkpoint(dir, checkpoint_text, s);
  const uint64_t start_gen = s.strategy->generation();
  const bool quiet = opt.quiet || !runner.root();  // MPI ranks other than 0 stay silent
  std::optional<Recorder> recorder;
  if (runner.root()) recorder.emplace(dir, start_gen, opt.quiet, runner.distributed());
  std::optional<BehaviourLog> behaviours;  // behaviours.csv, archive.csv, behaviours.svg (rank 0)
  if (runner.root()) behaviours.emplace(dir, start_gen);
  if (!quiet) {
    std::cout << (has_checkpoint ? "resuming " : "running ") << s.strategy_name << " on " << s.env_name << " with "
              << s.policy->describe() << ", " << runner.threads() << " threads";
    if (runner.distributed()) std::cout << " on each of " << runner.ranks() << " MPI ranks";
    std::cout << ", from generation " << start_gen << " of " << s.generations << "\nrun directory: " << dir << "\n"
              << std::flush;
  }

  Workspaces workspaces = make_workspaces(*s.task, runner.threads());
  std::vector<std::vector<float>> params(runner.threads(), std::vector<float>(s.policy->num_params()));
  const auto session_start = Clock::now();
  auto elapsed = [&] { return progress.wall_time + std::chrono::duration<double>(Clock::now() - session_start).count(); };

  while (s.strategy->generation() < s.generations) {
    const uint64_t gen = s.strategy->generation();
    const auto gen_start = Clock::now();
    std::vector<double> population;
    ObsStats gathered;
    uint64_t gen_steps = 0, gen_episodes = 0, invalid = 0, gen_unstable = 0;
    for (bool done = false; !done;) {
      const Batch batch = s.strategy->ask();
      std::vector<Result> results(batch.size);
      runner.evaluate(results, [&](size_t i, size_t w) {
        s.strategy->decode(i, params[w]);
        EpisodeRequest req{stream_key(s.seed, gen, i, batch.purpose), batch.episodes, false};
        req.collect_obs_stats = s.normalizer && batch.purpose == Purpose::Episode &&
                                Stream(s.seed, gen, i, Purpose::ObsStat).uniform() < s.obs_norm_prob;
        results[i] = s.task->evaluate(params[w], req, *workspaces[w]);
      });
      for (const Result& r : results) {  // reduced in candidate order: independent of scheduling
        gen_steps += r.steps;
        gen_episodes += r.episodes;
        gen_unstable += r.unstable;
        if (batch.purpose != Purpose::Episode) continue;
        if (r.valid) population.push_back(r.fitness); else ++invalid;
        gathered.merge(r.obs_stats);
      }
      if (behaviours && batch.purpose == Purpose::Episode) behaviours->record(gen, results);
      done = s.strategy->tell(results);
    }
    if (s.normalizer) s.normalizer->update(gathered);
    progress.episodes += gen_episodes;
    progress.env_steps += gen_steps;
    progress.unstable += gen_unstable;

    GenerationRow row;
    row.generation = s.strategy->generation();
    row.episodes = progress.episodes;
    row.env_steps = progress.env_steps;
    row.best = population.empty() ? std::nan("") : *std::max_element(population.begin(), population.end());
    double sum = 0.0;
    for (double f : population) sum += f;
    row.mean = population.empty() ? std::nan("") : sum / population.size();
    row.median = median_of(population);
    row.invalid = invalid;
    row.unstable = gen_unstable;
    row.wall_time = elapsed();
    const double secs = std::chrono::duration<double>(Clock::now() - gen_start).count();
    row.steps_per_s = secs > 0 ? gen_steps / secs : 0.0;
    row.episodes_per_s = secs > 0 ? gen_episodes / secs : 0.0;
    const RunnerStats rs = runner.take_stats();
    row.ranks = rs.ranks;
    row.bytes_sent = rs.bytes_sent;
    row.bytes_per_ind = rs.bytes_per_individual();
    row.rank_util = rs.rank_util;
    if (recorder) recorder->record(row, s.generations);

    const int stop = std::stoi(runner.from_root([] { return std::to_string(stop_requested()); }));
    if (runner.root() && (row.generation % s.checkpoint_every == 0 || row.generation == s.generations || stop)) {
      s.champion(s.strategy->champion(), row.generation, row.best).save(dir + "/" + kChampion);
      Progress snapshot = progress;
      snapshot.wall_time = elapsed();
      save_checkpoint(dir, s, snapshot);
      behaviours->write_snapshot(s.strategy->archive(), s.env_name);
    }
    if (stop) return report_stop(stop, row.generation, s.generations, dir, runner.root());
  }

  // Final, independent evaluation of the champion on fresh episodes.
  const Genome champ = s.strategy->champion();
  std::vector<float> champ_params(s.policy->num_params());
  materialize(champ, *s.policy, s.noise.get(), champ_params);
  const EpisodeStats ev = evaluate_episodes(*s.task, champ_params, runner, workspaces, s.seed, s.eval_episodes);
  if (!runner.root()) return 0;
  const Champion record = s.champion(champ, s.strategy->generation(), ev.mean);
  // The champion's behaviour descriptor (e.g. its final position in the maze) on the first evaluation
  // episode, for environments that define one.
  const Result champ_episode = s.task->evaluate(
      champ_params, {stream_key(s.seed, 0, 0, Purpose::FinalEval), 1, false}, *workspaces.front());
  record.save(dir + "/" + kChampion);
  const nlohmann::json summary = {
      {"env", s.env_name},
      {"strategy", s.strategy_name},
      {"policy", s.policy->describe()},
      {"num_params", s.policy->num_params()},
      {"generations", s.strategy->generation()},
      {"episodes", progress.episodes},
      {"env_steps", progress.env_steps},
      {"wall_time_s", elapsed()},
      {"unstable_episodes", progress.unstable},
      {"champion", {{"eval_episodes", s.eval_episodes},
                    {"mean_return", ev.mean},
                    {"std_return", ev.stddev},
                    {"min_return", ev.min},
                    {"max_return", ev.max},
                    {"genome_bytes", record.genome_bytes()},
                    {"behaviour", champ_episode.behaviour}}},
      {"finished", true}};
  write_atomic(dir + "/" + kSummary, summary.dump(2) + "\n");
  if (!opt.quiet) {
    std::printf("champion: mean return %.2f +- %.2f over %u episodes (genome %zu bytes)\n", ev.mean, ev.stddev,
                s.eval_episodes, record.genome_bytes());
    std::printf("results: %s (metrics.csv, metrics.jsonl, champion.bin, summary.json)\n", dir.c_str());
  }
  return 0;
}

}  // namespace

}  // namespace neuroevo
