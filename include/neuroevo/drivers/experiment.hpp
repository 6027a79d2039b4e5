// `neuroevo run`: an experiment from a config (or a run directory to resume) to its run directory:
// config.toml, metrics, behaviour artefacts, checkpoints, champion.bin and summary.json.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "neuroevo/runtime/episodes.hpp"
#include "neuroevo/tasks/registry.hpp"

namespace neuroevo {

struct RunOptions {
  std::string config_path;        // empty with resume
  std::vector<std::string> sets;  // --set key=value
  std::string out_dir;            // empty: runs/<config name>-<time>
  std::string resume_dir;
  std::optional<uint64_t> seed;
  int threads = 0;
  bool quiet = false;
  double mpi_timeout = 120.0;     // under mpirun: seconds a rank waits for a silent peer before stopping the job
  // Asked on rank 0 between generations (never during one); when it returns true the run writes a
  // checkpoint of the generations done and ends without a summary, so `--resume` continues it exactly.
  // Empty: the run always goes to its last generation.
  std::function<bool()> stop_requested;
  // Task types besides the registry's for this run (`[task] type`), e.g. a Python fitness function or
  // environment supplied by the Python package; a resumed run needs them again.
  std::vector<TaskTypeInfo> task_types;
};

// Runs (or resumes) an experiment. Returns the process exit code; throws UsageError for bad input.
int run_experiment(const RunOptions& options);

}  // namespace neuroevo
