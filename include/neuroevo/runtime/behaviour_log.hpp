// Behaviour artefacts of a run directory, written for any environment that returns behaviour
// descriptors (Env::behaviour, e.g. the hard maze's final position):
//   behaviours.csv  every population member of every generation: generation,candidate,fitness,b0,b1,...
//   archive.csv     the strategy's archive (novelty archive, MAP-Elites elites): index,fitness,b0,b1,...
//   behaviours.svg  the 2-D descriptors drawn over the maze (when the environment is a maze): the
//                   population's positions coloured by generation, the archive, the start and the goal.
// A resumed run first cuts behaviours.csv back to the generations before its checkpoint.
#pragma once
#include <cstdint>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

class BehaviourLog {
 public:
  BehaviourLog(std::string dir, uint64_t generations_done);
  // Appends the population of generation `generation` (0-based); results without descriptors are skipped.
  void record(uint64_t generation, std::span<const Result> results);
  // Rewrites archive.csv and behaviours.svg (atomically); does nothing if no descriptor was ever seen.
  void write_snapshot(const std::vector<ArchiveEntry>& archive, const std::string& env_name) const;

 private:
  std::string dir_;
  std::ofstream csv_;
  bool has_rows_ = false;
};

// The SVG picture of behaviours.csv's rows and an archive (exposed for tests and tools).
struct BehaviourPoint {
  uint64_t generation = 0;
  double x = 0.0, y = 0.0;
};
std::string behaviour_svg(const std::vector<BehaviourPoint>& population, const std::vector<ArchiveEntry>& archive,
                          const std::string& env_name);

}  // namespace neuroevo
