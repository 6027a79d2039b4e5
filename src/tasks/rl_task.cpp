#include "neuroevo/tasks/rl_task.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/episodes.hpp"
#include "neuroevo/core/lane_mask.hpp"
#include "neuroevo/envs/batch_env.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/genomes/candidate.hpp"

namespace neuroevo {

namespace {

struct RlWorkspace final : Workspace {
  std::unique_ptr<Env> env;
  std::vector<float> obs, normed, action;
  PolicyScratch scratch;
  // Lockstep buffers, made by the first evaluate_many() call: lane-major rows.
  // Structure of arrays (batch_env.hpp): component d of lane k at [d * lanes + k].
  std::unique_ptr<BatchEnv> batch;
  std::vector<float> lane_obs, lane_normed, lane_action;
  PolicyLanes policy_lanes;
  std::vector<uint8_t> acting, stepping, ended, lane_flags;
  std::vector<double> lane_reward, lane_ret;
  std::vector<int32_t> lane_t;
};

}  // namespace

uint64_t episode_seed(uint64_t request_key, uint32_t episode) {
  return mix64(request_key + 0x9e3779b97f4a7c15ULL * (static_cast<uint64_t>(episode) + 1));
}

RlTask::RlTask(std::string env_name, std::shared_ptr<const Policy> policy, const ObsNormalizer* normalizer,
               uint32_t default_episodes, int max_steps, size_t lanes)
    : env_name_(std::move(env_name)),
      policy_(std::move(policy)),
      normalizer_(normalizer),
      default_episodes_(default_episodes),
      max_steps_(max_steps),
      lanes_(lanes),
      batched_(lanes >= 2 && make_batch_env(env_name_, 1) != nullptr) {}

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
    add_episode_behaviour(r, env.behaviour(), episodes);
  }
  set_mean_return(r, total, episodes);  // a NaN or infinite return (diverging dynamics) is ranked last
  return r;
}

void RlTask::evaluate_many(std::span<const std::span<const float>> params, std::span<const EpisodeRequest> requests,
                           std::span<Result> results, Workspace& ws) const {
  if (params.size() != requests.size() || results.size() != params.size())
    throw std::invalid_argument("RlTask::evaluate_many: params, requests and results differ in size");
  if (!batched_) return Task::evaluate_many(params, requests, results, ws);
  std::vector<size_t> together;
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].size() != policy_->num_params())
      throw std::invalid_argument("RlTask::evaluate_many: a parameter vector does not fit the policy");
    if (requests[i].collect_obs_stats) results[i] = run(*policy_, params[i], requests[i], ws);
    else together.push_back(i);
  }
  if (!together.empty()) lockstep(params, requests, together, results, ws);
}

// The per-lane sequence of operations is run()'s: reset, then per step (normalise, act, the finite
// check, step, add the reward), and the returns of a candidate's episodes are summed in episode order
// once all are done; so each candidate's Result has run()'s bits whatever the lane count and the order
// in which lanes finish.
void RlTask::lockstep(std::span<const std::span<const float>> params, std::span<const EpisodeRequest> requests,
                      std::span<const size_t> which, std::span<Result> results, Workspace& base) const {
  auto& ws = static_cast<RlWorkspace&>(base);
  const size_t k = lanes_;
  if (!ws.batch) {
    ws.batch = make_batch_env(env_name_, k);
    ws.lane_obs.resize(k * ws.obs.size());
    ws.lane_normed.resize(ws.lane_obs.size());
    ws.lane_action.resize(k * ws.action.size());
    ws.acting.resize(k);
    ws.stepping.resize(k);
    ws.ended.resize(k);
    ws.lane_flags.resize(k);
    ws.lane_reward.resize(k);
    ws.lane_ret.resize(k);
    ws.lane_t.resize(k);
  }
  ws.policy_lanes.resize(k);  // every lane's parameters are new to the policy
  BatchEnv& env = *ws.batch;
  const size_t ad = ws.action.size();
  const int limit = max_steps_ > 0 ? max_steps_ : env.max_episode_steps();

  // The episodes to run, candidate by candidate, each with its return once it ends.
  struct Job {
    size_t candidate;
    uint32_t episode;
  };
  std::vector<Job> jobs;
  for (size_t i : which) {
    const uint32_t episodes = requests[i].episodes ? requests[i].episodes : default_episodes_;
    for (uint32_t e = 0; e < episodes; ++e) jobs.push_back({i, e});
    results[i] = Result{};
    results[i].episodes = episodes;
  }
  std::vector<double> returns(jobs.size());
  std::vector<size_t> lane_job(k);
  std::vector<Result*> lane_result(k, nullptr);  // the candidate's Result of the lane's episode
  std::vector<std::span<const float>> lane_params(k, params[which.front()]);
  double* const ret = ws.lane_ret.data();
  int32_t* const steps = ws.lane_t.data();
  size_t next = 0, busy = 0;
  auto start = [&](size_t lane) {
    if (next == jobs.size()) {
      ws.acting[lane] = 0;
      return;
    }
    const Job& j = jobs[next];
    const uint64_t seed = episode_seed(requests[j.candidate].key, j.episode);
    env.reset(lane, seed, ws.lane_obs);
    policy_->reset(ws.policy_lanes.scratch[lane], mix64(seed ^ static_cast<uint64_t>(Purpose::Policy)));
    ws.policy_lanes.fresh[lane] = 1;
    ws.policy_lanes.any_fresh = true;
    lane_job[lane] = next++;
    steps[lane] = 0;
    ret[lane] = 0.0;
    lane_params[lane] = params[j.candidate];
    lane_result[lane] = &results[j.candidate];
    ws.acting[lane] = 1;
    ++busy;
  };
  // The lane's episode ended after steps[lane] steps with return `r`; the lane takes the next episode.
  auto finish = [&](size_t lane, double r, bool unstable) {
    returns[lane_job[lane]] = r;
    lane_result[lane]->steps += static_cast<uint64_t>(steps[lane]);
    if (unstable) ++lane_result[lane]->unstable;
    --busy;
    start(lane);
  };
  for (size_t lane = 0; lane < k; ++lane) start(lane);
  std::span<const float> input = ws.lane_obs;
  const uint8_t* acting = ws.acting.data();
  uint8_t* stepping = ws.stepping.data();
  uint8_t* ended = ws.ended.data();
  const uint8_t* flags = ws.lane_flags.data();
  const double* reward = ws.lane_reward.data();
  while (busy > 0) {
    if (normalizer_ != nullptr) {
      normalizer_->apply_lanes(ws.lane_obs, ws.lane_normed, k);
      input = ws.lane_normed;
    }
    policy_->act_lanes(lane_params, input, ws.lane_action, ws.policy_lanes, ws.acting);
    // As in run(): a diverged policy (a NaN or infinite action) ends the episode with a NaN return. The
    // test runs over all lanes without a branch; the lanes that fail are handled one by one.
    uint8_t diverged = 0;
    std::memcpy(stepping, acting, k);
    for (size_t i = 0; i < ad; ++i) {
      const float* a = ws.lane_action.data() + i * k;
      // |a| <= FLT_MAX is false for NaN and the infinities, as !std::isfinite(a).
      for (size_t lane = 0; lane < k; ++lane)
        stepping[lane] &= static_cast<uint8_t>(std::abs(a[lane]) <= std::numeric_limits<float>::max());
    }
    for (size_t lane = 0; lane < k; ++lane) diverged |= static_cast<uint8_t>(acting[lane] ^ stepping[lane]);
    if (diverged)
      for (size_t lane = 0; lane < k; ++lane)
        if (acting[lane] && !stepping[lane]) finish(lane, std::numeric_limits<double>::quiet_NaN(), false);
    env.step(ws.lane_action, ws.stepping, ws.lane_obs, ws.lane_reward, ws.lane_flags);
    // run()'s per-step bookkeeping over all lanes at once (a lane that did not step gets reward 0, and it
    // is either idle or has just started with a zero return, which adding 0 leaves as it is); then the
    // lanes whose episode ended, one by one.
    for (size_t lane = 0; lane < k; ++lane) ret[lane] += reward[lane];
    for (size_t lane = 0; lane < k; ++lane) steps[lane] += stepping[lane];
    uint8_t any_ended = 0;
    for (size_t lane = 0; lane < k; ++lane) {
      ended[lane] = static_cast<uint8_t>(stepping[lane] & static_cast<uint8_t>((flags[lane] != 0) | (steps[lane] >= limit)));
      any_ended |= ended[lane];
    }
    if (any_ended)
      for_each_flagged_lane(ended, k, [&](size_t lane) { finish(lane, ret[lane], (flags[lane] & kLaneUnstable) != 0); });
  }
  size_t j = 0;
  for (size_t i : which) {
    Result& r = results[i];
    double total = 0.0;
    for (uint32_t e = 0; e < r.episodes; ++e) total += returns[j++];
    set_mean_return(r, total, r.episodes);
  }
}

}  // namespace neuroevo
