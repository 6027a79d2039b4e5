#include "neuroevo/tasks/task.hpp"

#include <stdexcept>

#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/candidate.hpp"
#include "neuroevo/tasks/champion_details.hpp"

namespace neuroevo {

Result Task::evaluate(const Candidate& candidate, const EpisodeRequest&, Workspace&) const {
  throw UsageError("this task evaluates fixed parameter vectors only; it cannot evaluate '" + candidate.type() +
                   "' genomes");
}

void Task::evaluate_many(std::span<const std::span<const float>> params, std::span<const EpisodeRequest> requests,
                         std::span<Result> results, Workspace& ws) const {
  if (params.size() != requests.size() || results.size() != params.size())
    throw std::invalid_argument("Task::evaluate_many: params, requests and results differ in size");
  for (size_t i = 0; i < params.size(); ++i) results[i] = evaluate(params[i], requests[i], ws);
}

nlohmann::json champion_details(const Task& task, const Candidate& champion) {
  const auto* d = dynamic_cast<const ChampionDetails*>(&task);
  return d ? d->describe(champion) : nlohmann::json(nullptr);
}

}  // namespace neuroevo
