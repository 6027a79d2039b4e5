#include "neuroevo/tasks/rl_task.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/genomes/candidate.hpp"

namespace neuroevo {

namespace {

struct RlWorkspace final : Workspace {
  std::unique_ptr<Env> env;
  std::vector<float> obs, normed, action;
  PolicyScratch scratch;
};

}  // namespace

uint64_t episode_seed(uint64_t request_key, uint32_t episode) {
  return mix64(request_key + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(episode) + 1));
}

RlTask::RlTask(std::string env_name, std::shared_ptr<const Policy> policy, const ObsNormalizer* normalizer,
               uint32_t default_episodes, int max_steps)
    : env_name_(std::move(env_name)),
      policy_(std::move(policy)),
      normalizer_(normalizer),
      default_episodes_(default_episodes),
      max_steps_(max_steps) {}

std::unique_ptr<Workspace> RlTask::make_workspace() const {
  auto ws = std::make_unique<RlWorkspace>();
  ws->env = make_env(env_name_);
  ws->obs.resize(ws->env->observation_space().dim());
  ws->normed.resize(ws->obs.size());
  ws->action.resize(ws->env->action_space().dim());
  return ws;
}

Result RlTask::evaluate(std::span<const float> params, const EpisodeRequest& request, Workspace& ws) const {
  return run(*policy_, params, request, ws);
}

Result RlTask::evaluate(const Candidate& candidate, const EpisodeRequest& request, Workspace& base) const {
  const Env& env = *static_cast<RlWorkspace&>(base).env;
  const PolicyPhenotype p = candidate.policy(env.observation_space(), env.action_space());
  if (p.policy == nullptr || p.params.size() != p.policy->num_params())
    throw std::logic_error("genome type '" + candidate.type() + "' built a policy whose parameter count does not match");
  return run(*p.policy, p.params, request, base);
}

Result RlTask::run(const Policy& policy, std::span<const float> params, const EpisodeRequest& request,
                   Workspace& base) const {
  auto& ws = static_cast<RlWorkspace&>(base);
  Env& env = *ws.env;
  Result r;
  const uint32_t episodes = request.episodes ? request.episodes : default_episodes_;
  if (request.collect_obs_stats) r.obs_stats.emplace().resize(ws.obs.size());
  const int limit = max_steps_ > 0 ? max_steps_ : env.max_episode_steps();
  double total = 0.0;
  for (uint32_t e = 0; e < episodes; ++e) {
    const uint64_t seed = episode_seed(request.key, e);
    env.reset(seed, ws.obs);
    policy.reset(ws.scratch, mix64(seed ^ static_cast<uint64_t>(Purpose::Policy)));
    double ret = 0.0;
    for (int t = 0; t < limit; ++t) {
      if (r.obs_stats) r.obs_stats->add(ws.obs);
      std::span<const float> input = ws.obs;
      if (normalizer_ != nullptr) {
        normalizer_->apply(ws.obs, ws.normed);
        input = ws.normed;
      }
      policy.act(params, input, ws.action, ws.scratch);
      // A diverged policy (NaN or infinite action) ends the episode with a NaN return: the candidate is
      // ranked last instead of the environment rejecting the action and aborting the whole run.
      if (!std::all_of(ws.action.begin(), ws.action.end(), [](float a) { return std::isfinite(a); })) {
        ret = std::numeric_limits<double>::quiet_NaN();
        break;
      }
      const StepResult s = env.step(ws.action, ws.obs);
      ret += s.reward;
      ++r.steps;
      if (s.unstable) ++r.unstable;
      if (s.terminated || s.truncated) break;
    }
    total += ret;
    const std::vector<double> b = env.behaviour();
    if (r.behaviour.empty()) r.behaviour.assign(b.size(), 0.0);
    for (size_t k = 0; k < b.size() && k < r.behaviour.size(); ++k) r.behaviour[k] += b[k] / episodes;
  }
  r.episodes = episodes;
  r.fitness = total / episodes;
  // A NaN or infinite return (diverging dynamics, a broken policy) is kept but ranked last.
  r.valid = std::isfinite(r.fitness);
  return r;
}

}  // namespace neuroevo
