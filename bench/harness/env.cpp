// `neuroevo bench env`: RlTask rollouts (env + policy) per second, env-only steps per second with random
// actions and policy forward passes per second, against the arithmetic limit of the policy on this core.
#include "harness.hpp"
#include "measure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/simd_isa.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/obs_norm.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/tasks/rl_task.hpp"

namespace neuroevo::bench {

namespace {

struct BenchPolicy {
  std::string env;
  std::shared_ptr<const Policy> policy;
  std::unique_ptr<ObsNormalizer> normalizer;
  std::vector<int64_t> hidden;  // for --save-params (mlp only)
  std::string activation;
  std::string type;
};

BenchPolicy make_bench_policy(const EnvOptions& o, bool hidden_given) {
  BenchPolicy b;
  Config cfg;
  if (!o.policy_config.empty()) {
    if (o.linear || hidden_given) throw UsageError("bench env: give either --policy-config or --hidden/--linear");
    Config file = Config::from_file(o.policy_config);
    // A whole experiment config ([policy], [env], ...) or a bare policy table.
    const toml::node* pol = file.table().get("policy");
    if (pol != nullptr && !pol->is_table())
      throw UsageError(o.policy_config + ": 'policy' must be a table");
    cfg = Config(pol != nullptr ? *pol->as_table() : file.table());
    if (o.env.empty())
      if (const auto* name = file.table().at_path("env.name").as_string()) b.env = name->get();
  } else {
    if (o.linear && hidden_given && !parse_int_list(o.hidden, "--hidden").empty())
      throw UsageError("bench env: --linear conflicts with --hidden " + o.hidden);
    const auto hidden = o.linear ? std::vector<int64_t>{} : parse_int_list(o.hidden, "--hidden");
    if (o.activation != "tanh" && o.activation != "relu")
      throw UsageError("--activation: expected tanh or relu, got '" + o.activation + "'");
    toml::array h;
    for (int64_t v : hidden) h.push_back(v);
    toml::table t;
    t.insert("type", "mlp");
    t.insert("hidden", std::move(h));
    t.insert("activation", o.activation);
    cfg = Config(std::move(t));
  }
  if (b.env.empty()) b.env = o.env.empty() ? "CartPole-v1" : o.env;
  const auto probe = make_env(b.env);
  ConfigSection root = cfg.root();
  const bool obs_norm = root.get_bool("obs_norm", false);
  root.get_double("obs_norm_prob", 0.01, 0.0, 1.0);
  b.policy = make_policy(root, probe->observation_space(), probe->action_space());
  cfg.check_unknown();
  // Identity statistics: the cost of normalising is measured, its values do not matter here.
  if (obs_norm) b.normalizer = std::make_unique<ObsNormalizer>(probe->observation_space().dim());
  b.type = root.get_string("type", "mlp");
  if (b.type == "mlp") {
    b.hidden = root.get_int_list("hidden", {}, 1, 1 << 20);
    b.activation = root.get_string("activation", "tanh");
  }
  return b;
}

// Steps per second over all threads, and the mean episode length, from each thread's steps and episodes.
std::pair<Rate, double> rollout_rate(std::span<const uint64_t> taken, std::span<const uint64_t> episodes,
                                     const Elapsed& e) {
  uint64_t total = 0, eps = 0;
  for (size_t t = 0; t < taken.size(); ++t) {
    total += taken[t];
    eps += episodes[t];
  }
  return {rate_of(static_cast<double>(total), e), static_cast<double>(total) / static_cast<double>(eps)};
}

// RlTask rollouts (the loop training uses) on `threads` workers: each worker runs whole episodes until
// it has taken at least `steps` steps. Returns the steps rate and the mean episode length.
std::pair<Rate, double> measure_rollouts(const RlTask& task, std::span<const float> params, uint64_t steps,
                                         int threads, uint64_t seed) {
  std::vector<uint64_t> taken(threads, 0), episodes(threads, 0);
  std::vector<std::unique_ptr<Workspace>> ws;
  for (int t = 0; t < threads; ++t) ws.push_back(task.make_workspace());
  const Elapsed e = timed_parallel(threads, [&](int t) {
    uint64_t n = 0, k = 0;
    while (n < steps) {
      const uint64_t individual = (static_cast<uint64_t>(t) << 40) + k++;
      n += task.evaluate(params, {stream_key(seed, 0, individual, Purpose::FinalEval), 1, false}, *ws[t]).steps;
    }
    taken[t] = n;
    episodes[t] = k;
  });
  return rollout_rate(taken, episodes, e);
}

// The same through lockstep rollouts (RlTask::evaluate_many): each call takes kLockstepCallLanes x
// `lanes` episodes, stepped side by side in the batched environment; a lane whose episode ends takes the
// next one, so the lanes stay full (as the vectorised peer's autoreset keeps its environments busy)
// until the call's last episodes drain. Episode e of a call runs params[e % params.size()]: with one
// vector per episode, lanes side by side have different weights, as the individuals of a population
// (and the peer's batched policies) do, and a step reads every lane's weights.
constexpr size_t kLockstepCallLanes = 16;
std::pair<Rate, double> measure_lockstep(const RlTask& task, std::span<const std::vector<float>> params, uint64_t steps,
                                         int threads, uint64_t seed) {
  const size_t lanes = task.lockstep_lanes() * kLockstepCallLanes;
  std::vector<uint64_t> taken(threads, 0), episodes(threads, 0);
  std::vector<std::unique_ptr<Workspace>> ws;
  for (int t = 0; t < threads; ++t) ws.push_back(task.make_workspace());
  std::vector<std::span<const float>> p(lanes);
  for (size_t e = 0; e < lanes; ++e) p[e] = params[e % params.size()];
  const Elapsed e = timed_parallel(threads, [&](int t) {
    std::vector<EpisodeRequest> requests(lanes);
    std::vector<Result> results(lanes);
    uint64_t n = 0, k = 0;
    while (n < steps) {
      for (size_t l = 0; l < lanes; ++l)
        requests[l] = {stream_key(seed, 0, (static_cast<uint64_t>(t) << 40) + k++, Purpose::FinalEval), 1, false};
      task.evaluate_many(p, requests, results, *ws[t]);
      for (const Result& r : results) n += r.steps;
    }
    taken[t] = n;
    episodes[t] = k;
  });
  return rollout_rate(taken, episodes, e);
}

}  // namespace

int run_bench_env(const EnvOptions& o, bool hidden_given) {
  BenchPolicy bp = make_bench_policy(o, hidden_given);
  const Policy& policy = *bp.policy;
  std::vector<float> params(policy.num_params());
  policy.init_params(stream_key(o.seed, 0, 0, Purpose::Init), params);

  if (!o.save_params.empty()) {
    if (bp.type != "mlp") throw UsageError("--save-params: only mlp policies can be saved");
    const Json j = {{"env", bp.env}, {"hidden", bp.hidden}, {"activation", bp.activation},
                    {"obs_norm", bp.normalizer != nullptr}, {"params", params}};
    std::ofstream out(o.save_params);
    if (!(out << j.dump() << "\n")) throw UsageError("--save-params: cannot write '" + o.save_params + "'");
  }

  RlTask task(bp.env, bp.policy, bp.normalizer.get(), 1, 0);
  // Lockstep rollouts, measured when --lanes >= 2 and the environment has a batched version.
  RlTask lockstep_task(bp.env, bp.policy, bp.normalizer.get(), 1, 0, static_cast<size_t>(o.lanes));
  const bool lockstep = lockstep_task.lockstep_lanes() >= 2;
  // The lockstep figure's parameters: `params` and, unless --same-params, one initialisation per episode
  // of a call (other seeds of init_params: the same distribution, other weights); for wide lane counts
  // of large policies, at least 2 per lane and otherwise about 64 MB of them.
  std::vector<std::vector<float>> lane_params{params};
  if (lockstep && !o.same_params) {
    const size_t k = lockstep_task.lockstep_lanes();
    const size_t fit = (size_t{64} << 20) / (4 * std::max<size_t>(params.size(), 1));
    const size_t n = std::min(k * kLockstepCallLanes, std::max(2 * k, fit));
    lane_params.resize(n, std::vector<float>(params.size()));
    for (size_t e = 1; e < lane_params.size(); ++e) policy.init_params(stream_key(o.seed, 0, e, Purpose::Init), lane_params[e]);
  }
  auto probe = make_env(bp.env);
  Config rc = Config::from_string("type = \"random\"\n");
  ConfigSection rcs = rc.root();
  std::shared_ptr<const Policy> random_policy = make_policy(rcs, probe->observation_space(), probe->action_space());
  RlTask env_only(bp.env, random_policy, nullptr, 1, 0);

  // Observations for the forward-pass measurement: states visited by random-action rollouts.
  const size_t obs_dim = probe->observation_space().dim();
  constexpr size_t kObs = 4096;
  std::vector<float> obs_pool(kObs * obs_dim);
  {
    std::vector<float> action(probe->action_space().dim());
    PolicyScratch rs;
    uint64_t episode = 0;
    probe->reset(stream_key(o.seed, 1, episode, Purpose::FinalEval), std::span(obs_pool).first(obs_dim));
    random_policy->reset(rs, 1);
    for (size_t k = 1; k < kObs; ++k) {
      random_policy->act({}, {}, action, rs);
      const std::span<float> next = std::span(obs_pool).subspan(k * obs_dim, obs_dim);
      const StepResult r = probe->step(action, next);
      if (r.terminated || r.truncated) probe->reset(stream_key(o.seed, 1, ++episode, Purpose::FinalEval), next);
    }
  }

  // Every repeat measures everything, the peak kernels included, so load that comes and goes during the
  // run affects a figure and its limit alike.
  const PeakKernel peak_kernel(muladd_kernel_v4, kFlopsPerIterV4, 0.1);
  std::unique_ptr<PeakKernel> hw_kernel;
#if defined(__x86_64__)
  if (have_avx2_fma()) hw_kernel = std::make_unique<PeakKernel>(muladd_kernel_avx2_fma, kFlopsPerIterAvx2, 0.1);
#endif
  // The widest multiply-and-add (no FMA) the policy kernels run here, as NEUROEVO_ISA caps them.
  std::unique_ptr<PeakKernel> wide_kernel;
  const char* wide_name = "4-wide";
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  switch (best_simd_isa()) {
    case SimdIsa::Avx512:
      wide_kernel = std::make_unique<PeakKernel>(muladd_kernel_avx512, kFlopsPerIterAvx512, 0.1);
      wide_name = "avx512 16-wide";
      break;
    case SimdIsa::Avx2:
      wide_kernel = std::make_unique<PeakKernel>(muladd_kernel_avx2, kFlopsPerIterAvx2, 0.1);
      wide_name = "avx2 8-wide";
      break;
    default: break;
  }
#endif
  // The lockstep memory limit: a lockstep step of K lanes reads every lane's parameters once (the lanes
  // have different weights), K x num_params floats, more than L1 holds for a 64x64 MLP. The rate at
  // which the widest vector loads stream a buffer of that size, divided by one lane's parameter bytes,
  // bounds the lane steps per second whatever the arithmetic.
  float (*stream_kernel)(const float*, size_t, uint64_t) = stream_read_v4;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  if (best_simd_isa() == SimdIsa::Avx512) stream_kernel = stream_read_avx512;
  if (best_simd_isa() == SimdIsa::Avx2) stream_kernel = stream_read_avx2;
#endif
  const size_t lane_floats = lockstep ? lockstep_task.lockstep_lanes() * policy.num_params() : 0;
  std::vector<float> stream_buf((lane_floats + 127) / 128 * 128, 1e-7f);
  const uint64_t stream_reps = stream_buf.empty() ? 0 : std::max<uint64_t>(1, uint64_t{400'000'000} / stream_buf.size());
  auto measure_stream = [&] {
    if (stream_buf.empty()) return 0.0;
    const Elapsed e = timed([&] { keep(stream_kernel(stream_buf.data(), stream_buf.size(), stream_reps)); });
    return 4.0 * static_cast<double>(stream_buf.size()) * static_cast<double>(stream_reps) / e.cpu;
  };
  std::vector<Rate> rollout, env_rate, forward, lockstep_rate;
  std::vector<double> episode_len, env_episode_len, peaks, peaks_hw, peaks_wide, streams;
  for (int r = 0; r < o.repeats; ++r) {
    const auto [rs, rl] = measure_rollouts(task, params, o.steps, o.threads, o.seed + 2 * r);
    rollout.push_back(rs);
    episode_len.push_back(rl);
    if (lockstep) lockstep_rate.push_back(measure_lockstep(lockstep_task, lane_params, o.steps, o.threads, o.seed + 2 * r).first);
    const auto [es, el] = measure_rollouts(env_only, params, o.steps, o.threads, o.seed + 2 * r + 1);
    env_rate.push_back(es);
    env_episode_len.push_back(el);
    const Elapsed e = timed_parallel(o.threads, [&](int) {
      PolicyScratch s;
      policy.reset(s, 7);
      std::vector<float> action(probe->action_space().dim());
      float sum = 0.0f;
      for (uint64_t i = 0; i < o.steps; ++i) {
        policy.act(params, std::span<const float>(obs_pool).subspan((i % kObs) * obs_dim, obs_dim), action, s);
        sum += action[0];
      }
      keep(sum);
    });
    forward.push_back(rate_of(static_cast<double>(o.steps) * o.threads, e));
    peaks.push_back(peak_kernel.measure(o.threads));
    if (hw_kernel) peaks_hw.push_back(hw_kernel->measure(o.threads));
    peaks_wide.push_back(wide_kernel ? wide_kernel->measure(o.threads) : peaks.back());
    streams.push_back(measure_stream());
  }
  const double peak = largest(peaks);                               // FLOP/s of one core
  const double peak_hw = peaks_hw.empty() ? 0.0 : largest(peaks_hw);
  const double flops = policy.flops_per_act();
  const double limit = flops > 0 ? peak / flops : 0.0;              // forward passes/s of one core at its peak
  const double limit_hw = flops > 0 ? peak_hw / flops : 0.0;
  const double peak_wide = largest(peaks_wide);
  const double limit_wide = flops > 0 ? peak_wide / flops : 0.0;
  const Rate fwd = best(forward), roll = best(rollout), envs = best(env_rate);
  const Rate fwd_med = median(forward), roll_med = median(rollout), envs_med = median(env_rate);
  auto or_null = [](bool ok, double v) { return ok ? Json(v) : Json(nullptr); };
  const Rate lock = lockstep ? best(lockstep_rate) : Rate{};
  const double stream = streams.empty() ? 0.0 : largest(streams);  // bytes per CPU second
  const double param_bytes = 4.0 * static_cast<double>(policy.num_params());
  const double memory_limit = stream > 0 && param_bytes > 0 ? stream / param_bytes : 0.0;
  const Rate lock_med = lockstep ? median(lockstep_rate) : Rate{};

  if (o.json) {
    const Json j = {{"bench", "env"},
                    {"env", bp.env},
                    {"policy", policy.describe()},
                    {"num_params", policy.num_params()},
                    {"obs_norm", bp.normalizer != nullptr},
                    {"threads", o.threads},
                    {"steps", o.steps},
                    {"repeats", o.repeats},
                    {"statistic", "best of repeats; *_median: median of repeats"},
                    {"rollout_steps_per_s", roll.per_core},
                    {"rollout_steps_per_s_median", roll_med.per_core},
                    {"rollout_steps_per_s_wall", roll.wall},
                    {"rollout_mean_episode_steps", median(episode_len)},
                    {"lockstep_lanes", lockstep ? Json(lockstep_task.lockstep_lanes()) : Json(nullptr)},
                    {"lockstep_params", o.same_params ? "same for every lane" : "one vector per episode"},
                    {"lockstep_rollout_steps_per_s", or_null(lockstep, lock.per_core)},
                    {"lockstep_rollout_steps_per_s_median", or_null(lockstep, lock_med.per_core)},
                    {"lockstep_rollout_steps_per_s_wall", or_null(lockstep, lock.wall)},
                    {"limit_over_lockstep", or_null(lockstep && limit > 0, limit / lock.per_core)},
                    {"env_only_steps_per_s", envs.per_core},
                    {"env_only_steps_per_s_median", envs_med.per_core},
                    {"env_only_steps_per_s_wall", envs.wall},
                    {"env_only_mean_episode_steps", median(env_episode_len)},
                    {"forward_per_s", fwd.per_core},
                    {"forward_per_s_median", fwd_med.per_core},
                    {"forward_per_s_wall", fwd.wall},
                    {"flops_per_act", flops},
                    {"peak_flops", peak},
                    {"peak_flops_median", median(peaks)},
                    {"forward_limit_per_s", limit},
                    {"limit_over_forward", or_null(limit > 0, limit / fwd.per_core)},
                    {"limit_over_rollout", or_null(limit > 0, limit / roll.per_core)},
                    {"peak_flops_avx2_fma", or_null(peak_hw > 0, peak_hw)},
                    {"forward_limit_avx2_fma_per_s", or_null(limit_hw > 0, limit_hw)},
                    {"limit_avx2_fma_over_forward", or_null(limit_hw > 0, limit_hw / fwd.per_core)},
                    {"widest_muladd", wide_name},
                    {"peak_flops_widest_muladd", peak_wide},
                    {"forward_limit_widest_per_s", or_null(limit_wide > 0, limit_wide)},
                    {"limit_widest_over_forward", or_null(limit_wide > 0, limit_wide / fwd.per_core)},
                    {"limit_widest_over_lockstep", or_null(lockstep && limit_wide > 0, limit_wide / lock.per_core)},
                    {"lockstep_param_bytes", or_null(lockstep, 4.0 * static_cast<double>(lane_floats))},
                    {"lockstep_stream_bytes_per_s", or_null(lockstep && stream > 0, stream)},
                    {"lockstep_memory_limit_per_s", or_null(lockstep && memory_limit > 0, memory_limit)},
                    {"memory_limit_over_lockstep", or_null(lockstep && memory_limit > 0, memory_limit / lock.per_core)}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  Table t;
  t.title = "bench env: " + bp.env + ", " + policy.describe() + (bp.normalizer ? " + obs_norm" : "") + ", " +
            plural(o.threads, "thread") + ", " + std::to_string(o.steps) + " steps per thread x " +
            plural(o.repeats, "repeat") + " (best); rates per core = work / CPU time";
  t.add("env + policy rollout", fmt(roll.per_core), "steps/s",
        (limit > 0 ? "limit/achieved " + fmt(limit / roll.per_core, "%.2f") + "x; " : "") + "mean episode " +
            fmt(median(episode_len), "%.1f") + " steps");
  if (lockstep)
    t.add("env + policy rollout, lockstep", fmt(lock.per_core), "steps/s",
          std::to_string(lockstep_task.lockstep_lanes()) + " lanes; " +
              (limit > 0 ? "limit/achieved " + fmt(limit / lock.per_core, "%.2f") + "x; " : "") + "x" +
              fmt(lock.per_core / roll.per_core, "%.2f") + " the one-at-a-time rollout");
  if (lockstep && memory_limit > 0)
    t.add("lockstep memory limit", fmt(memory_limit), "steps/s",
          "reading " + fmt(4.0 * static_cast<double>(lane_floats) / 1024.0, "%.0f") + " KB of lane weights per step at " +
              fmt(stream / 1e9, "%.3g") + " GB/s; limit/achieved " + fmt(memory_limit / lock.per_core, "%.2f") + "x");
  t.add("env only (random actions)", fmt(envs.per_core), "steps/s",
        "mean episode " + fmt(median(env_episode_len), "%.1f") + " steps");
  t.add("policy forward passes", fmt(fwd.per_core), "calls/s",
        limit > 0 ? "limit/achieved " + fmt(limit / fwd.per_core, "%.2f") + "x (" +
                        fmt(flops * fwd.per_core / 1e9, "%.3g") + " GFLOP/s)"
                  : "");
  t.add("peak FLOP rate (4-wide mul+add)", fmt(peak / 1e9, "%.4g"), "GFLOP/s", "the SIMD the default build uses");
  t.add("policy flops per act", fmt(flops, "%.0f"), "FLOP", "");
  if (limit > 0) t.add("policy arithmetic limit", fmt(limit), "calls/s", "flops_per_act / peak");
  if (peak_hw > 0) {
    t.add("peak FLOP rate (AVX2 8-wide FMA)", fmt(peak_hw / 1e9, "%.4g"), "GFLOP/s",
          "hardware peak, not used by the default build");
    if (limit_hw > 0)
      t.add("policy limit at AVX2+FMA peak", fmt(limit_hw), "calls/s",
            "limit/achieved " + fmt(limit_hw / fwd.per_core, "%.2f") + "x");
  }
  t.add(std::string("peak FLOP rate (") + wide_name + " mul+add)", fmt(peak_wide / 1e9, "%.4g"), "GFLOP/s",
        "the widest kernels this CPU runs (NEUROEVO_ISA caps them)");
  if (limit_wide > 0)
    t.add("policy limit at that peak", fmt(limit_wide), "calls/s",
          "limit/forward " + fmt(limit_wide / fwd.per_core, "%.2f") + "x" +
              (lockstep ? "; limit/lockstep rollout " + fmt(limit_wide / lock.per_core, "%.2f") + "x" : ""));
  if (o.threads > 1)
    t.add("env + policy rollout, all threads", fmt(roll.wall), "steps/s", "wall clock");
  t.print();
  return 0;
}

}  // namespace neuroevo::bench
