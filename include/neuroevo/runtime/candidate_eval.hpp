// Evaluation of a strategy's candidates and of a stored genome, whether fixed vectors or structured
// genomes (strategies/candidate.hpp; docs/architecture.md).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/genomes/candidate.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

// Candidate i of the current batch on worker w: a fixed-vector strategy decodes into worker w's own
// float buffer (no allocation per candidate: the fast path), a structured strategy builds the candidate
// and the task asks it for its phenotype.
class CandidateEvaluator {
 public:
  CandidateEvaluator(const Strategy& strategy, const Task& task, size_t workers)
      : strategy_(strategy), task_(task),
        buffers_(strategy.structured() ? 0 : workers, std::vector<float>(task.num_params())) {}
  Result evaluate(size_t i, size_t worker, const EpisodeRequest& request, Workspace& ws);

 private:
  const Strategy& strategy_;
  const Task& task_;
  std::vector<std::vector<float>> buffers_;
};

// A stored genome ready to evaluate (the champion): its parameters, or its rebuilt candidate.
struct GenomeModel {
  std::vector<float> params;                    // fixed vectors
  std::unique_ptr<const Candidate> candidate;  // structured genomes
  Result evaluate(const Task& task, const EpisodeRequest& request, Workspace& ws) const;
};
// `policy` and `noise` rebuild fixed vectors (materialize()); structured genomes need neither.
GenomeModel genome_model(const Genome& genome, const ParamSpace& policy, const NoiseTable* noise);

}  // namespace neuroevo
