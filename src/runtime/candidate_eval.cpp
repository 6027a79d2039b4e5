#include "neuroevo/runtime/candidate_eval.hpp"

#include "neuroevo/core/param_space.hpp"

namespace neuroevo {

Result CandidateEvaluator::evaluate(size_t i, size_t worker, const EpisodeRequest& request, Workspace& ws) {
  if (buffers_.empty()) return task_.evaluate(*strategy_.build(i), request, ws);
  std::vector<float>& params = buffers_[worker];
  strategy_.decode(i, params);
  return task_.evaluate(params, request, ws);
}

void CandidateEvaluator::evaluate_group(size_t first, size_t worker, std::span<const EpisodeRequest> requests,
                                        std::span<Result> out, Workspace& ws) {
  const size_t n = requests.size(), g = group();
  if (n == 1 || g == 1 || n > g) {
    for (size_t k = 0; k < n; ++k) out[k] = evaluate(first + k, worker, requests[k], ws);
    return;
  }
  // Each worker decodes into its own group() buffers (no allocation per candidate).
  std::vector<std::span<const float>> params(n);
  for (size_t k = 0; k < n; ++k) {
    std::vector<float>& b = group_buffers_.at(worker * g + k);
    strategy_.decode(first + k, b);
    params[k] = b;
  }
  task_.evaluate_many(params, requests, out, ws);
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
