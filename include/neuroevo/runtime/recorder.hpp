// Per-generation output: the progress line and the metrics files (metrics.csv and metrics.jsonl, one
// row per generation), which a resumed run first cuts back to the checkpointed generation.
#pragma once
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace neuroevo {

struct GenerationRow {
  uint64_t generation = 0;
  uint64_t episodes = 0;   // cumulative
  uint64_t env_steps = 0;  // cumulative
  double best = 0, mean = 0, median = 0;
  uint64_t invalid = 0;    // candidates whose return was NaN or infinite
  double wall_time = 0;    // seconds since the run started (across resumes)
  double steps_per_s = 0, episodes_per_s = 0;
  uint64_t unstable = 0;   // episodes of this generation ended by a simulation failure
  // Distributed runs (batch_runner.hpp): MPI ranks, payload bytes all ranks sent this generation, those
  // bytes per evaluated candidate, and each rank's thread utilisation (busy / (threads * wall)).
  int ranks = 1;
  uint64_t bytes_sent = 0;
  double bytes_per_ind = 0;
  std::vector<double> rank_util;
  // Strategy-specific measures (Strategy::metrics()), one per Recorder extra column.
  std::vector<double> extra;
};

// What ends a run: run.generations, or run.max_env_steps (0: no frame budget) when the cumulative
// env_steps reach it first.
struct RunBudget {
  uint64_t generations = 0;
  uint64_t max_env_steps = 0;
};

// The progress line's estimate of the time left after `row`. Generations left x the mean wall time per
// generation so far (wall_time / generation). With a frame budget also frames left / the recent frame
// rate (the row's steps_per_s, the last generation's env steps per second; when it is 0, the run's mean
// env_steps / wall_time); the smaller estimate is the budget that ends the run first (`frames` says
// which). A budget already reached leaves 0 s.
struct Eta {
  double seconds = 0.0;
  bool frames = false;  // the frame budget ends the run first
};
Eta estimate_eta(const GenerationRow& row, const RunBudget& budget);

class Recorder {
 public:
  // Keeps the first `generations_done` rows of existing metrics files (resume), or starts new ones.
  // runner_columns adds ranks,bytes_sent,bytes_per_ind,rank_util (MPI runs); a resumed run keeps the
  // columns its metrics.csv already has, so the file stays rectangular across rank counts.
  // `extra` names the strategy's own columns (Strategy::metric_names()), written last; a resumed run's
  // metrics.csv must already end with them.
  Recorder(const std::string& dir, uint64_t generations_done, bool quiet, bool runner_columns = false,
           std::vector<std::string> extra = {});
  // Appends the row and prints the progress line: "gen G/N" without a frame budget; with one, also
  // "frames 1.2M/5M", and "gen G" alone when the frame budget ends the run first.
  void record(const GenerationRow& row, const RunBudget& budget);

 private:
  std::ofstream csv_, jsonl_;
  bool quiet_;
  bool runner_columns_ = false;
  std::vector<std::string> extra_;
};

}  // namespace neuroevo
