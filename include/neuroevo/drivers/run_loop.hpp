// The generation loop of an experiment and the observers that record it.
//
// A generation is ask -> evaluate -> tell, repeated until the strategy's tell() closes the generation
// (the GA asks for its population, then for a re-evaluation of its elite). The loop reduces the
// population's results in candidate order into a GenerationReport and hands it to its observers in the
// order they were added: the metrics files and progress line, the behaviour log, the champion and
// checkpoint. Observers only read; nothing they do changes the search.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/obs_stats.hpp"
#include "neuroevo/core/result.hpp"
#include "neuroevo/runtime/batch_runner.hpp"
#include "neuroevo/runtime/candidate_eval.hpp"
#include "neuroevo/runtime/episodes.hpp"
#include "neuroevo/runtime/recorder.hpp"
#include "neuroevo/runtime/setup.hpp"

namespace neuroevo {

// The files of a run directory.
inline constexpr const char* kConfigFile = "config.toml";
inline constexpr const char* kCheckpointFile = "checkpoint.ckpt";
inline constexpr const char* kChampionFile = "champion.bin";
inline constexpr const char* kSummaryFile = "summary.json";

// Counters of a run that survive a resume (stored in the checkpoint).
struct RunTotals {
  uint64_t episodes = 0;
  uint64_t env_steps = 0;
  double wall_time = 0.0;  // seconds since the run started, across resumes
  uint64_t unstable = 0;   // episodes ended by a simulation failure (physics NaN / instability)
};

// One finished generation, reduced in candidate order (independent of scheduling).
struct GenerationReport {
  uint64_t generation = 0;         // generations completed, this one included
  std::vector<double> population;  // fitness of every valid population member, in candidate order
  uint64_t invalid = 0;            // population members whose result was NaN or infinite
  uint64_t episodes = 0, steps = 0, unstable = 0;  // this generation, every batch counted
  ObsStats obs_stats;              // gathered from the population's rollouts
  double seconds = 0.0;            // wall time of this generation
  RunnerStats runner;              // MPI traffic and utilisation of this generation
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // Every evaluated batch of 0-based generation `generation`, before the strategy is told.
  virtual void on_batch(uint64_t /*generation*/, const Batch& /*batch*/, std::span<const Result> /*results*/) {}
  // After each generation; `totals` include it.
  virtual void on_generation(const GenerationReport& /*report*/, const RunTotals& /*totals*/) {}
  // The run stops before its last generation (RunOptions::stop_requested): save what a resume needs.
  virtual void on_stop(const RunTotals& /*totals*/) {}
};

// The loop's state: the set-up objects, one workspace and parameter buffer per worker, the observers.
class RunLoop {
 public:
  // earlier_wall_time: seconds spent in earlier sessions of this run (resume).
  RunLoop(Setup& setup, BatchRunner& runner, double earlier_wall_time);
  void observe(std::unique_ptr<RunObserver> observer) { observers_.push_back(std::move(observer)); }
  // One generation: ask -> evaluate -> tell until the strategy closes it, then observers.
  GenerationReport generation(RunTotals& totals);
  void stop(const RunTotals& totals);
  uint64_t generation_count() const;
  double elapsed() const;  // seconds since the run started, across resumes
  Workspaces& workspaces() { return workspaces_; }

 private:
  std::vector<Result> evaluate(const Batch& batch, uint64_t generation);

  Setup& s_;
  BatchRunner& runner_;
  Workspaces workspaces_;
  CandidateEvaluator candidates_;  // decodes (one buffer per worker) or builds candidate i
  std::vector<std::unique_ptr<RunObserver>> observers_;
  double earlier_;
  std::chrono::steady_clock::time_point session_start_;
};

// The run-directory observers (rank 0 only).
// A checkpoint is due every run.checkpoint_every generations and at the run's last generation: the
// run.generations-th, or the one whose cumulative `env_steps` reach run.max_env_steps.
bool checkpoint_due(const Setup& s, uint64_t generation, uint64_t env_steps);
// run.max_env_steps is set and `env_steps` (cumulative training steps) reach it: no further generation.
bool budget_spent(const Setup& s, uint64_t env_steps);
// metrics.csv, metrics.jsonl and the progress line (its ETA counts down whichever of the budget's
// generations and frames ends the run first); the strategy's own columns (Strategy::metrics()) when
// `strategy` is given.
std::unique_ptr<RunObserver> metrics_observer(const std::string& dir, uint64_t start_generation, const RunBudget& budget,
                                              bool quiet, bool runner_columns, const Strategy* strategy = nullptr);
// behaviours.csv every generation; archive.csv and behaviours.svg at checkpoints.
std::unique_ptr<RunObserver> behaviour_observer(const std::string& dir, uint64_t start_generation, const Setup& s);
// champion.bin and checkpoint.ckpt at checkpoints (and when the run is stopped); `config_sum` as below.
std::unique_ptr<RunObserver> checkpoint_observer(const std::string& dir, const Setup& s, uint64_t config_sum);

// The checksum that ties a checkpoint to its run directory: FNV-1a 64 of the TOML text of the config as
// the directory's config.toml states it. That file is the resolved config of the build that started the
// run, and it is never rewritten, so the checksum covers what the run was started with and not the keys a
// later build adds with their defaults: such a build still resumes the run (they take their defaults).
// For a new run, `stored` is the resolved config (what config.toml receives); for a resumed one, the
// file as read, before a build fills in keys it lacks.
uint64_t config_checksum(const Config& stored);

// dir/checkpoint.ckpt: the strategy's state, the observation statistics, the totals, and the run
// directory's `config_sum` (config_checksum above). load_checkpoint restores them into `s` (UsageError
// when it is corrupt or its checksum is not `config_sum`); `text` is the file's payload, which rank 0
// reads and shares.
void save_checkpoint(const std::string& dir, const Setup& s, const RunTotals& totals, uint64_t config_sum);
RunTotals load_checkpoint(const std::string& dir, const std::string& text, Setup& s, uint64_t config_sum);

}  // namespace neuroevo
