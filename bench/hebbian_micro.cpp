// Cost of one Hebbian act() (forward pass + ABCD update of every weight + layer normalisation) against the
// plain MLP forward pass of the same 4-128-64-2 architecture, on CartPole observations, in one binary run:
//   build/bench/neuroevo_bench --benchmark_filter='Act128x64'
// The ratio of the two times is the figure reported in docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/policy.hpp"

namespace {

using namespace neuroevo;

void act_cost(benchmark::State& state, const std::string& policy_toml) {
  auto env = make_env("CartPole-v1");
  Config cfg = Config::from_string(policy_toml);
  ConfigSection root = cfg.root();
  const auto policy = make_policy(root, env->observation_space(), env->action_space());
  std::vector<float> params(policy->num_params());
  policy->init_params(1, params);
  // Observations visited by a CartPole rollout with alternating actions.
  constexpr size_t kObs = 1024;
  std::vector<float> pool(kObs * 4);
  env->reset(0, std::span(pool).first(4));
  for (size_t k = 1; k < kObs; ++k) {
    const float a[1] = {static_cast<float>(k % 2)};
    const StepResult r = env->step(a, std::span(pool).subspan(4 * k, 4));
    if (r.terminated || r.truncated) env->reset(k, std::span(pool).subspan(4 * k, 4));
  }
  PolicyScratch scratch;
  policy->reset(scratch, 7);
  float action[1];
  size_t k = 0;
  for (auto _ : state) {
    policy->act(params, std::span<const float>(pool).subspan(4 * k, 4), action, scratch);
    benchmark::DoNotOptimize(action[0]);
    // A new episode every 500 steps (CartPole-v1's limit), as in training: reset redraws the weights.
    if (++k == kObs) k = 0;
    if (k % 500 == 0) {
      state.PauseTiming();
      policy->reset(scratch, k);
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["FLOP/s"] = benchmark::Counter(policy->flops_per_act() * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
  state.SetLabel(policy->describe());
}

void BM_MlpAct128x64(benchmark::State& state) { act_cost(state, "type = \"mlp\"\nhidden = [128, 64]\n"); }
void BM_HebbianAct128x64(benchmark::State& state) { act_cost(state, "type = \"hebbian\"\nhidden = [128, 64]\n"); }
void BM_HebbianAct128x64NoNorm(benchmark::State& state) {
  act_cost(state, "type = \"hebbian\"\nhidden = [128, 64]\nweight_norm = \"none\"\n");
}
BENCHMARK(BM_MlpAct128x64);
BENCHMARK(BM_HebbianAct128x64);
BENCHMARK(BM_HebbianAct128x64NoNorm);

}  // namespace
