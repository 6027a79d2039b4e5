// `neuroevo run`: the generation loop, the run directory, checkpoints and resume.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/runtime/evaluator.hpp"
#include "neuroevo/tasks/task.hpp"

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
};

// Runs (or resumes) an experiment. Returns the process exit code; throws UsageError for bad input.
int run_experiment(const RunOptions& options);

// Independent evaluation episodes of one parameter vector, in parallel: episode e uses the request key
// stream_key(seed, 0, e, Purpose::FinalEval). Returns are in episode order.
struct EpisodeStats {
  std::vector<double> returns;
  uint64_t steps = 0;
  double mean = 0.0, stddev = 0.0, min = 0.0, max = 0.0;
};
using Workspaces = std::vector<std::unique_ptr<Workspace>>;
Workspaces make_workspaces(const Task& task, size_t count);
// The episodes are spread by a batch runner (threads, and MPI ranks too); identical statistics either way.
class BatchRunner;
EpisodeStats evaluate_episodes(const Task& task, std::span<const float> params, BatchRunner& runner,
                               Workspaces& workspaces, uint64_t seed, uint32_t episodes);
// The same for any evaluation of one request on a workspace (a structured champion, candidate_eval.hpp).
EpisodeStats evaluate_episodes(const std::function<Result(const EpisodeRequest&, Workspace&)>& evaluate,
                               BatchRunner& runner, Workspaces& workspaces, uint64_t seed, uint32_t episodes);

}  // namespace neuroevo
