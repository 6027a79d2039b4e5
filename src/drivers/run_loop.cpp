#include "neuroevo/drivers/run_loop.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/json_binary.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/runtime/behaviour_log.hpp"
#include "neuroevo/runtime/recorder.hpp"
#include "neuroevo/runtime/run_dir.hpp"

namespace neuroevo {

RunLoop::RunLoop(Setup& setup, BatchRunner& runner, double earlier_wall_time)
    : s_(setup),
      runner_(runner),
      workspaces_(make_workspaces(*setup.task, runner.threads())),
      candidates_(*setup.strategy, *setup.task, runner.threads()),
      earlier_(earlier_wall_time),
      session_start_(std::chrono::steady_clock::now()) {}

double RunLoop::elapsed() const {
  return earlier_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - session_start_).count();
}

uint64_t RunLoop::generation_count() const { return s_.strategy->generation(); }

// Every candidate of the batch on some worker; results[i] depends only on (seed, generation, i, purpose).
std::vector<Result> RunLoop::evaluate(const Batch& batch, uint64_t generation) {
  std::vector<Result> results(batch.size);
  auto request = [&](size_t i) {
    EpisodeRequest req{stream_key(s_.seed, generation, i, batch.purpose), batch.episodes, false};
    req.cases = batch.cases;
    req.refine = batch.refine;
    req.collect_obs_stats = s_.normalizer && batch.purpose == Purpose::Episode &&
                            Stream(s_.seed, generation, i, Purpose::ObsStat).uniform() < s_.obs_norm_prob;
    return req;
  };
  const size_t group = candidates_.group();
  if (group < 2) {
    runner_.evaluate(results, [&](size_t i, size_t w) { results[i] = candidates_.evaluate(i, w, request(i), *workspaces_[w]); });
    return results;
  }
  // Lockstep: groups of consecutive candidates, each group's episodes stepped together (same results).
  runner_.evaluate_groups(results, group, [&](size_t first, size_t count, size_t w) {
    std::vector<EpisodeRequest> reqs(count);
    for (size_t k = 0; k < count; ++k) reqs[k] = request(first + k);
    candidates_.evaluate_group(first, w, reqs, std::span(results).subspan(first, count), *workspaces_[w]);
  });
  return results;
}

namespace {

// Adds a batch's results to the generation's report, in candidate order. Only the population
// (Purpose::Episode) counts towards fitness statistics and observation statistics.
void reduce(GenerationReport& g, const Batch& batch, std::span<const Result> results) {
  for (const Result& r : results) {
    g.steps += r.steps;
    g.episodes += r.episodes;
    g.unstable += r.unstable;
    if (batch.purpose != Purpose::Episode) continue;
    if (r.valid) g.population.push_back(r.fitness); else ++g.invalid;
    if (r.obs_stats) g.obs_stats.merge(*r.obs_stats);
  }
}

// The results as the strategy ranks them under task.reward_shift: each return less shift x its steps
// (a result's fitness is its mean return over its episodes, so the mean step count per episode).
std::vector<Result> shifted(const std::vector<Result>& results, double shift) {
  std::vector<Result> out = results;
  for (Result& r : out)
    if (r.valid && r.episodes > 0)
      r.fitness -= shift * static_cast<double>(r.steps) / static_cast<double>(r.episodes);
  return out;
}

}  // namespace

GenerationReport RunLoop::generation(RunTotals& totals) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const uint64_t gen = s_.strategy->generation();
  GenerationReport g;
  for (bool done = false; !done;) {
    const Batch batch = s_.strategy->ask();
    const std::vector<Result> results = evaluate(batch, gen);
    reduce(g, batch, results);
    for (auto& o : observers_) o->on_batch(gen, batch, results);
    done = s_.strategy->tell(s_.reward_shift == 0.0 ? results : shifted(results, s_.reward_shift));
  }
  if (s_.normalizer) s_.normalizer->update(g.obs_stats);
  g.generation = s_.strategy->generation();
  g.runner = runner_.take_stats();
  g.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  totals.episodes += g.episodes;
  totals.env_steps += g.steps;
  totals.unstable += g.unstable;
  totals.wall_time = elapsed();
  for (auto& o : observers_) o->on_generation(g, totals);
  return g;
}

void RunLoop::stop(const RunTotals& totals) {
  for (auto& o : observers_) o->on_stop(totals);
}

bool budget_spent(const Setup& s, uint64_t env_steps) { return s.max_env_steps > 0 && env_steps >= s.max_env_steps; }

bool checkpoint_due(const Setup& s, uint64_t generation, uint64_t env_steps) {
  return generation % s.checkpoint_every == 0 || generation == s.generations || budget_spent(s, env_steps);
}

namespace {

double median_of(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

class MetricsObserver final : public RunObserver {
 public:
  MetricsObserver(const std::string& dir, uint64_t start, const RunBudget& budget, bool quiet, bool runner_columns,
                  const Strategy* strategy)
      : recorder_(dir, start, quiet, runner_columns, strategy ? strategy->metric_names() : std::vector<std::string>{}),
        budget_(budget),
        strategy_(strategy) {}

  void on_generation(const GenerationReport& g, const RunTotals& totals) override {
    const auto& pop = g.population;
    GenerationRow row;
    row.generation = g.generation;
    row.episodes = totals.episodes;
    row.env_steps = totals.env_steps;
    row.best = pop.empty() ? std::nan("") : *std::max_element(pop.begin(), pop.end());
    double sum = 0.0;
    for (double f : pop) sum += f;
    row.mean = pop.empty() ? std::nan("") : sum / pop.size();
    row.median = median_of(pop);
    row.invalid = g.invalid;
    row.unstable = g.unstable;
    row.wall_time = totals.wall_time;
    row.steps_per_s = g.seconds > 0 ? g.steps / g.seconds : 0.0;
    row.episodes_per_s = g.seconds > 0 ? g.episodes / g.seconds : 0.0;
    row.ranks = g.runner.ranks;
    row.bytes_sent = g.runner.bytes_sent;
    row.bytes_per_ind = g.runner.bytes_per_individual();
    row.rank_util = g.runner.rank_util;
    if (strategy_) row.extra = strategy_->metrics();
    recorder_.record(row, budget_);
  }

 private:
  Recorder recorder_;
  RunBudget budget_;
  const Strategy* strategy_;
};

class BehaviourObserver final : public RunObserver {
 public:
  BehaviourObserver(const std::string& dir, uint64_t start, const Setup& s) : log_(dir, start), s_(s) {}

  void on_batch(uint64_t generation, const Batch& batch, std::span<const Result> results) override {
    if (batch.purpose == Purpose::Episode) log_.record(generation, results);
  }
  void on_generation(const GenerationReport& g, const RunTotals& totals) override {
    if (checkpoint_due(s_, g.generation, totals.env_steps)) log_.write_snapshot(s_.strategy->archive(), s_.env_name);
  }
  void on_stop(const RunTotals&) override { log_.write_snapshot(s_.strategy->archive(), s_.env_name); }

 private:
  BehaviourLog log_;
  const Setup& s_;
};

class CheckpointObserver final : public RunObserver {
 public:
  CheckpointObserver(std::string dir, const Setup& s, uint64_t config_sum)
      : dir_(std::move(dir)), s_(s), config_sum_(config_sum) {}

  void on_generation(const GenerationReport& g, const RunTotals& totals) override {
    if (!checkpoint_due(s_, g.generation, totals.env_steps)) return;
    const double best = g.population.empty() ? std::nan("")
                                             : *std::max_element(g.population.begin(), g.population.end());
    const Champion c = s_.champion(s_.strategy->champion(), g.generation, best);
    c.save(dir_ + "/" + kChampionFile);
    if (s_.keep_champions) {
      char name[32];
      std::snprintf(name, sizeof name, "gen%06llu.bin", static_cast<unsigned long long>(g.generation));
      std::filesystem::create_directories(dir_ + "/champions");
      c.save(dir_ + "/champions/" + name);
    }
    save_checkpoint(dir_, s_, totals, config_sum_);
    best_ = best;
  }
  // The champion file keeps the training fitness of the last checkpoint; the strategy state is saved as
  // it stands, so a resume repeats nothing.
  void on_stop(const RunTotals& totals) override {
    s_.champion(s_.strategy->champion(), s_.strategy->generation(), best_).save(dir_ + "/" + kChampionFile);
    save_checkpoint(dir_, s_, totals, config_sum_);
  }

 private:
  std::string dir_;
  const Setup& s_;
  uint64_t config_sum_;
  double best_ = std::nan("");
};

}  // namespace

uint64_t config_checksum(const Config& stored) {
  const std::string text = stored.to_toml();
  return fnv1a64(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::unique_ptr<RunObserver> metrics_observer(const std::string& dir, uint64_t start, const RunBudget& budget, bool quiet,
                                              bool runner_columns, const Strategy* strategy) {
  return std::make_unique<MetricsObserver>(dir, start, budget, quiet, runner_columns, strategy);
}

std::unique_ptr<RunObserver> behaviour_observer(const std::string& dir, uint64_t start, const Setup& s) {
  return std::make_unique<BehaviourObserver>(dir, start, s);
}

std::unique_ptr<RunObserver> checkpoint_observer(const std::string& dir, const Setup& s, uint64_t config_sum) {
  return std::make_unique<CheckpointObserver>(dir, s, config_sum);
}

void save_checkpoint(const std::string& dir, const Setup& s, const RunTotals& t, uint64_t config_sum) {
  nlohmann::json j = {{"generation", s.strategy->generation()},
                      {"config_checksum", config_sum},
                      {"strategy", s.strategy->save()},
                      {"obs_norm", s.normalizer ? s.normalizer->to_json() : nlohmann::json(nullptr)},
                      {"episodes", t.episodes},
                      {"env_steps", t.env_steps},
                      {"wall_time", t.wall_time},
                      {"unstable_episodes", t.unstable}};
  // Large arrays of the strategy state go into the payload's binary section (core/json_binary.hpp).
  const std::string payload = pack_json_binary(j);
  write_checked(dir + "/" + kCheckpointFile, "checkpoint",
                std::span(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()));
}

RunTotals load_checkpoint(const std::string& dir, const std::string& text, Setup& s, uint64_t config_sum) {
  const std::string path = dir + "/" + kCheckpointFile;
  try {
    const auto j = unpack_json_binary(text, path);
    const auto& sum = j.at("config_checksum");
    if (!sum.is_number_unsigned())
      throw UsageError("'" + path + "' is corrupt: config_checksum = " + sum.dump() + " is not a non-negative integer");
    if (sum.get<uint64_t>() != config_sum)
      throw UsageError("'" + path + "' was written for another config than '" + dir + "/" + kConfigFile +
                       "' states (was the file edited after the checkpoint?); restore the file or start a new run");
    s.strategy->load(j.at("strategy"));
    check_checkpoint_counters(j, s.strategy->generation(), s.generations, path);
    if (s.normalizer)
      *s.normalizer = ObsNormalizer::from_json(j.at("obs_norm"), s.normalizer->dim(), s.normalizer->options());
    return {j.at("episodes").get<uint64_t>(), j.at("env_steps").get<uint64_t>(), j.at("wall_time").get<double>(),
            j.value("unstable_episodes", uint64_t{0})};
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("'" + path + "' is corrupt: " + e.what());
  } catch (const UsageError& e) {  // a field checked against the model: name the file
    if (std::string(e.what()).find(path) != std::string::npos) throw;
    throw UsageError("'" + path + "': " + e.what());
  }
}

}  // namespace neuroevo
