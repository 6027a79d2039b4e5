#include "neuroevo/runtime/candidate_eval.hpp"

#include "neuroevo/core/param_space.hpp"

namespace neuroevo {

Result CandidateEvaluator::evaluate(size_t i, size_t worker, const EpisodeRequest& request, Workspace& ws) {
  if (buffers_.empty()) return task_.evaluate(*strategy_.build(i), request, ws);
  std::vector<float>& params = buffers_[worker];
  strategy_.decode(i, params);
  return task_.evaluate(params, request, ws);
}

Result GenomeModel::evaluate(const Task& task, const EpisodeRequest& request, Workspace& ws) const {
  return candidate ? task.evaluate(*candidate, request, ws) : task.evaluate(params, request, ws);
}

GenomeModel genome_model(const Genome& genome, const ParamSpace& policy, const NoiseTable* noise) {
  GenomeModel m;
  if (genome.kind == Genome::Kind::Structured) {
    m.candidate = decode_genome(genome);
    return m;
  }
  m.params.resize(policy.num_params());
  materialize(genome, policy, noise, m.params);
  return m;
}

}  // namespace neuroevo
