#include <algorithm>
#include <cmath>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/runtime/batch_runner.hpp"
#include "neuroevo/runtime/episodes.hpp"

namespace neuroevo {

Workspaces make_workspaces(const Task& task, size_t count) {
  Workspaces ws;
  for (size_t w = 0; w < count; ++w) ws.push_back(task.make_workspace());
  return ws;
}

namespace {

EpisodeStats episode_stats(const std::vector<Result>& results, uint32_t episodes) {
  EpisodeStats s;
  double sum = 0.0;
  for (const Result& r : results) {
    s.returns.push_back(r.fitness);
    s.steps += r.steps;
    sum += r.fitness;
  }
  s.mean = sum / episodes;
  double var = 0.0;
  for (double x : s.returns) var += (x - s.mean) * (x - s.mean);
  s.stddev = std::sqrt(var / episodes);
  s.min = *std::min_element(s.returns.begin(), s.returns.end());
  s.max = *std::max_element(s.returns.begin(), s.returns.end());
  return s;
}

}  // namespace

EpisodeStats evaluate_episodes(const Task& task, std::span<const float> params, BatchRunner& runner,
                               Workspaces& workspaces, uint64_t seed, uint32_t episodes) {
  const size_t group = task.lockstep_lanes();
  if (group < 2)
    return evaluate_episodes([&](const EpisodeRequest& req, Workspace& ws) { return task.evaluate(params, req, ws); },
                             runner, workspaces, seed, episodes);
  // Lockstep: the episodes of one parameter vector side by side in the lanes (same results).
  std::vector<Result> results(episodes);
  runner.evaluate_groups(results, group, [&](size_t first, size_t count, size_t w) {
    std::vector<EpisodeRequest> reqs(count);
    for (size_t k = 0; k < count; ++k) reqs[k] = {stream_key(seed, 0, first + k, Purpose::FinalEval), 1, false};
    const std::vector<std::span<const float>> p(count, params);
    task.evaluate_many(p, reqs, std::span(results).subspan(first, count), *workspaces[w]);
  });
  return episode_stats(results, episodes);
}

EpisodeStats evaluate_episodes(const std::function<Result(const EpisodeRequest&, Workspace&)>& evaluate,
                               BatchRunner& runner, Workspaces& workspaces, uint64_t seed, uint32_t episodes) {
  std::vector<Result> results(episodes);
  runner.evaluate(results, [&](size_t e, size_t w) {
    const EpisodeRequest req{stream_key(seed, 0, e, Purpose::FinalEval), 1, false};
    results[e] = evaluate(req, *workspaces[w]);
  });
  return episode_stats(results, episodes);
}

}  // namespace neuroevo
