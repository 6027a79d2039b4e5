// Google Benchmark micro-benchmarks of the hot paths: a CartPole step, MLP forward passes (linear and
// 4-64-64-2), building a 4M-parameter child with add_scaled against a plain memcpy of the same floats,
// and building the noise table. Run: build/bench/neuroevo_bench [--benchmark_filter=...]
// (bench/run_all.sh runs it after `neuroevo bench`). Whole-program figures and their ratios against
// the arithmetic limit and the Python peer come from `neuroevo bench`; see docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/policy.hpp"

namespace {

using namespace neuroevo;

// CartPole-v1 steps with alternating actions, resetting when an episode ends.
void BM_CartPoleStep(benchmark::State& state) {
  auto env = make_env("CartPole-v1");
  std::vector<float> obs(env->observation_space().dim());
  float action[1] = {0.0f};
  uint64_t episode = 0;
  env->reset(episode, obs);
  for (auto _ : state) {
    action[0] = action[0] == 0.0f ? 1.0f : 0.0f;
    const StepResult r = env->step(action, obs);
    if (r.terminated || r.truncated) env->reset(++episode, obs);
    benchmark::DoNotOptimize(obs.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CartPoleStep);

std::unique_ptr<const Policy> cartpole_mlp(const char* hidden) {
  auto env = make_env("CartPole-v1");
  Config cfg = Config::from_string(std::string("type = \"mlp\"\nhidden = ") + hidden + "\n");
  ConfigSection root = cfg.root();
  return make_policy(root, env->observation_space(), env->action_space());
}

// Forward passes on observations visited by a CartPole rollout with alternating actions.
void forward(benchmark::State& state, const char* hidden) {
  const auto policy = cartpole_mlp(hidden);
  std::vector<float> params(policy->num_params());
  policy->init_params(1, params);
  auto env = make_env("CartPole-v1");
  constexpr size_t kObs = 1024;
  std::vector<float> pool(kObs * 4);
  env->reset(0, std::span(pool).first(4));
  for (size_t k = 1; k < kObs; ++k) {
    const float a[1] = {static_cast<float>(k % 2)};
    const StepResult r = env->step(a, std::span(pool).subspan(4 * k, 4));
    if (r.terminated || r.truncated) env->reset(k, std::span(pool).subspan(4 * k, 4));
  }
  PolicyScratch scratch;
  float action[1];
  size_t k = 0;
  for (auto _ : state) {
    policy->act(params, std::span<const float>(pool).subspan(4 * k, 4), action, scratch);
    benchmark::DoNotOptimize(action[0]);
    k = (k + 1) % kObs;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["FLOP/s"] = benchmark::Counter(policy->flops_per_act() * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}
void BM_ForwardLinear(benchmark::State& state) { forward(state, "[]"); }
void BM_ForwardMlp64x64(benchmark::State& state) { forward(state, "[64, 64]"); }
BENCHMARK(BM_ForwardLinear);
BENCHMARK(BM_ForwardMlp64x64);

// Conv policy forward passes on synthetic 0/1 observations (half the cells set): the MinAtar network on
// 10x10x4 and the Deep GA's Atari network (4,052,658 parameters) on 84x84x4. The FLOP/s counter compares
// with the peak reported by `neuroevo bench policy`, which also measures the memory limit.
void conv_forward(benchmark::State& state, const char* preset, int h, int w, int c, int actions) {
  Config cfg = Config::from_string(std::string("type = \"conv\"\npreset = \"") + preset + "\"\n");
  ConfigSection root = cfg.root();
  const auto policy = make_policy(root, Space::image(h, w, c, 0.0, 1.0), Space::discrete(actions));
  std::vector<float> params(policy->num_params());
  policy->init_params(1, params);
  const size_t dim = static_cast<size_t>(h) * w * c;
  constexpr size_t kObs = 8;
  std::vector<float> pool(kObs * dim);
  Stream rng(5);
  for (float& v : pool) v = rng.uniform() < 0.5 ? 1.0f : 0.0f;
  PolicyScratch scratch;
  float action[1];
  size_t k = 0;
  for (auto _ : state) {
    policy->act(params, std::span<const float>(pool).subspan(k * dim, dim), action, scratch);
    benchmark::DoNotOptimize(action[0]);
    k = (k + 1) % kObs;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["FLOP/s"] = benchmark::Counter(policy->flops_per_act() * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}
void BM_ForwardConvMinAtar(benchmark::State& state) { conv_forward(state, "minatar", 10, 10, 4, 6); }
void BM_ForwardConvDeepGaAtari(benchmark::State& state) { conv_forward(state, "deepga_atari", 84, 84, 4, 18); }
BENCHMARK(BM_ForwardConvMinAtar);
BENCHMARK(BM_ForwardConvDeepGaAtari)->Unit(benchmark::kMillisecond);

constexpr size_t kParams = 4'000'000;

// The shared inputs of the two 4M-float benchmarks below, built once.
struct MutationData {
  NoiseTable noise{123, size_t{1} << 25, 2};
  std::vector<float> parent = std::vector<float>(kParams, 0.5f);
  std::vector<float> child = std::vector<float>(kParams, 0.0f);
};
MutationData& mutation_data() {
  static MutationData d;
  return d;
}

// A child from a cached parent: child = parent + sigma * noise slice (what the GA's decode does),
// a different slice every iteration as in a generation.
void BM_AddScaled4M(benchmark::State& state) {
  MutationData& d = mutation_data();
  uint32_t seed = 0;
  for (auto _ : state) {
    add_scaled(d.parent, 0.002f, d.noise.for_seed(seed++, kParams), d.child);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(3 * sizeof(float) * kParams));
}
// The peer: copying the parent's floats.
void BM_Memcpy4M(benchmark::State& state) {
  MutationData& d = mutation_data();
  for (auto _ : state) {
    std::memcpy(d.child.data(), d.parent.data(), kParams * sizeof(float));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(2 * sizeof(float) * kParams));
}
BENCHMARK(BM_Memcpy4M)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AddScaled4M)->Unit(benchmark::kMillisecond);

// Building a noise table of 2^22 values (the run default is 2^25) on one thread.
void BM_NoiseTableBuild(benchmark::State& state) {
  const auto size = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    NoiseTable table(123, size, 1);
    benchmark::DoNotOptimize(table.slice(0, 1).data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_NoiseTableBuild)->Arg(1 << 22)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
