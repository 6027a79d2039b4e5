// `neuroevo bench policy`: forward passes of a policy on synthetic observations of any shape (no environment
// needed, e.g. the Deep GA's 84x84x4 Atari network), against two limits measured in the same run: the
// arithmetic limit (flops_per_act / peak FLOP rate, as bench env) and the memory limit (reading every
// parameter once per pass at the rate memcpy streams a buffer of the parameters' size).
#include "harness.hpp"
#include "measure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo::bench {

int run_bench_policy(const PolicyBenchOptions& o) {
  if (o.policy_config.empty()) throw UsageError("bench policy: --policy-config is required");
  if (o.env.empty() == o.obs_shape.empty()) throw UsageError("bench policy: give either --env or --obs-shape H,W,C");
  Space obs_space, act_space;
  if (!o.env.empty()) {
    auto env = make_env(o.env);
    obs_space = env->observation_space();
    act_space = env->action_space();
  } else {
    const auto dims = parse_int_list(o.obs_shape, "--obs-shape");
    if (dims.size() != 3) throw UsageError("--obs-shape: expected H,W,C, got '" + o.obs_shape + "'");
    obs_space = Space::image(static_cast<int>(dims[0]), static_cast<int>(dims[1]), static_cast<int>(dims[2]), 0.0, 1.0);
    act_space = Space::discrete(o.actions);
  }
  Config file = Config::from_file(o.policy_config);
  const toml::node* pol = file.table().get("policy");
  if (pol != nullptr && !pol->is_table()) throw UsageError(o.policy_config + ": 'policy' must be a table");
  Config cfg(pol != nullptr ? *pol->as_table() : file.table());
  ConfigSection root = cfg.root();
  root.get_bool("obs_norm", false);
  root.get_double("obs_norm_prob", 0.01, 0.0, 1.0);
  const auto policy = make_policy(root, obs_space, act_space);
  cfg.check_unknown();
  std::vector<float> params(policy->num_params());
  policy->init_params(stream_key(0, 0, 0, Purpose::Init), params);
  const size_t dim = obs_space.dim();
  constexpr size_t kObs = 16;
  std::vector<float> pool(kObs * dim);
  Stream rng(5);
  for (float& v : pool) v = rng.uniform() < o.density ? 1.0f : 0.0f;

  const PeakKernel peak_kernel(muladd_kernel_v4, kFlopsPerIterV4, 0.1);
  const size_t bytes = params.size() * sizeof(float);
  std::vector<float> copy_dst(params.size());
  std::vector<double> rates, peaks, copy_rates;
  PolicyScratch s;
  float action[64] = {};
  const size_t act_dim = act_space.dim();
  if (act_dim > 64) throw UsageError("bench policy: at most 64 action dimensions");
  for (int r = 0; r < o.repeats; ++r) {
    const Elapsed e = timed([&] {
      for (uint64_t i = 0; i < o.calls; ++i)
        policy->act(params, std::span<const float>(pool).subspan((i % kObs) * dim, dim), std::span(action, act_dim), s);
      keep(action[0]);
    });
    rates.push_back(static_cast<double>(o.calls) / e.cpu);
    peaks.push_back(peak_kernel.measure(1));
    const Elapsed c = timed([&] {
      for (int k = 0; k < 4; ++k) {
        std::memcpy(copy_dst.data(), params.data(), bytes);
        keep(copy_dst[static_cast<size_t>(k) % copy_dst.size()]);
      }
    });
    copy_rates.push_back(4.0 * static_cast<double>(bytes) / c.cpu);  // parameter bytes streamed per second
  }
  const double fwd = largest(rates), peak = largest(peaks), stream = largest(copy_rates);
  const double flops = policy->flops_per_act();
  const double limit = flops > 0 ? peak / flops : 0.0;
  const double mem_limit = bytes > 0 ? stream / static_cast<double>(bytes) : 0.0;
  const double bound = std::min(limit > 0 ? limit : mem_limit, mem_limit > 0 ? mem_limit : limit);
  if (o.json) {
    const Json j = {{"bench", "policy"},
                    {"policy", policy->describe()},
                    {"num_params", policy->num_params()},
                    {"obs_shape", obs_space.shape},
                    {"calls", o.calls},
                    {"repeats", o.repeats},
                    {"forward_per_s", fwd},
                    {"forward_per_s_median", median(rates)},
                    {"flops_per_act", flops},
                    {"gflops_achieved", flops * fwd / 1e9},
                    {"peak_flops", peak},
                    {"forward_limit_per_s", limit},
                    {"limit_over_forward", limit > 0 ? Json(limit / fwd) : Json(nullptr)},
                    {"memcpy_param_bytes_per_s", stream},
                    {"forward_memory_limit_per_s", mem_limit},
                    {"memory_limit_over_forward", mem_limit > 0 ? Json(mem_limit / fwd) : Json(nullptr)},
                    {"tighter_limit_over_forward", bound > 0 ? Json(bound / fwd) : Json(nullptr)}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  Table t;
  t.title = "bench policy: " + policy->describe() + ", " + std::to_string(o.calls) + " calls x " +
            plural(o.repeats, "repeat") + " (best), 1 thread, CPU time";
  t.add("policy forward passes", fmt(fwd), "calls/s", fmt(flops * fwd / 1e9, "%.3g") + " GFLOP/s");
  t.add("arithmetic limit", fmt(limit), "calls/s",
        "flops_per_act / peak (" + fmt(peak / 1e9, "%.4g") + " GFLOP/s); limit/achieved " + fmt(limit / fwd, "%.2f") + "x");
  t.add("memory limit", fmt(mem_limit), "calls/s",
        "parameters streamed once per pass at memcpy speed (" + fmt(stream / 1e9, "%.3g") + " GB/s); limit/achieved " +
            fmt(mem_limit / fwd, "%.2f") + "x");
  t.print();
  return 0;
}

}  // namespace neuroevo::bench
