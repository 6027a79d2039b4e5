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
        buffers_(strategy.structured() ? 0 : workers, std::vector<float>(task.num_params())),
        group_buffers_(strategy.structured() || task.lockstep_lanes() < 2 ? 0 : workers * task.lockstep_lanes(),
                       std::vector<float>(task.num_params())) {}
  Result evaluate(size_t i, size_t worker, const EpisodeRequest& request, Workspace& ws);
  // How many candidates evaluate_group() takes together: the task's lockstep lanes for fixed vectors,
  // 1 for structured genomes.
  size_t group() const { return buffers_.empty() ? 1 : task_.lockstep_lanes(); }
  // Candidates first .. first + requests.size() - 1 together (Task::evaluate_many), with evaluate()'s
  // results bit for bit.
  void evaluate_group(size_t first, size_t worker, std::span<const EpisodeRequest> requests, std::span<Result> out,
                      Workspace& ws);

 private:
  const Strategy& strategy_;
  const Task& task_;
  std::vector<std::vector<float>> buffers_;
  std::vector<std::vector<float>> group_buffers_;  // worker-major: group() vectors per worker
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
