// Independent evaluation episodes of one parameter vector (a champion's final evaluation, `neuroevo
// eval`), spread by a batch runner over threads and MPI ranks with identical statistics either way.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

class BatchRunner;

// Episode e uses the request key stream_key(seed, 0, e, Purpose::FinalEval). Returns are in episode order.
struct EpisodeStats {
  std::vector<double> returns;
  uint64_t steps = 0;
  double mean = 0.0, stddev = 0.0, min = 0.0, max = 0.0;
};
using Workspaces = std::vector<std::unique_ptr<Workspace>>;
Workspaces make_workspaces(const Task& task, size_t count);
EpisodeStats evaluate_episodes(const Task& task, std::span<const float> params, BatchRunner& runner,
                               Workspaces& workspaces, uint64_t seed, uint32_t episodes);
// The same for any evaluation of one request on a workspace (a structured champion, candidate_eval.hpp).
EpisodeStats evaluate_episodes(const std::function<Result(const EpisodeRequest&, Workspace&)>& evaluate,
                               BatchRunner& runner, Workspaces& workspaces, uint64_t seed, uint32_t episodes);

}  // namespace neuroevo
