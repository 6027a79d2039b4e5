#include "neuroevo/tasks/task.hpp"

#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/candidate.hpp"

namespace neuroevo {

Result Task::evaluate(const Candidate& candidate, const EpisodeRequest&, Workspace&) const {
  throw UsageError("this task evaluates fixed parameter vectors only; it cannot evaluate '" + candidate.type() +
                   "' genomes");
}

}  // namespace neuroevo
