// Per-generation output: the progress line and the metrics files (metrics.csv and metrics.jsonl, one
// row per generation), which a resumed run first cuts back to the checkpointed generation.
#pragma once
#include <cstdint>
#include <fstream>
#include <string>

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
};

class Recorder {
 public:
  // Keeps the first `generations_done` rows of existing metrics files (resume), or starts new ones.
  Recorder(const std::string& dir, uint64_t generations_done, bool quiet);
  void record(const GenerationRow& row, uint64_t total_generations);

 private:
  std::ofstream csv_, jsonl_;
  bool quiet_;
};

}  // namespace neuroevo
