// Google Benchmark micro-benchmarks of the memory models (issue 18): one modern Hopfield update
// (xi <- X softmax(beta X^T xi), src/memory/hopfield.cpp) and one ELM step (src/nn/elm.cpp act()), each
// reporting its FLOP rate (flops_per_update() / flops_per_act(): multiply-adds count 2, exp and tanh 1) so
// that docs/benchmarks.md can set it against the core's peak from `neuroevo bench env`.
// Run: build/bench/neuroevo_bench --benchmark_filter='Hopfield|Elm'
#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/memory/hopfield.hpp"
#include "neuroevo/nn/policy.hpp"

namespace {

using namespace neuroevo;

// Args: dimension d, stored patterns N. Random +-1 patterns; the probe is pattern 0 (its result is
// written back into the probe each time, so the same work repeats once it has converged).
void BM_ModernHopfieldUpdate(benchmark::State& state) {
  const auto d = static_cast<size_t>(state.range(0)), n = static_cast<size_t>(state.range(1));
  const auto x = memory::random_binary_patterns(d, n, 1);
  const memory::ModernHopfield net(d, 1.0, x);
  std::vector<float> xi(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(d));
  std::vector<double> p(n);
  for (auto _ : state) {
    net.update(xi, xi, p);
    benchmark::DoNotOptimize(xi.data());
  }
  state.counters["FLOP/s"] = benchmark::Counter(net.flops_per_update() * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ModernHopfieldUpdate)->Args({64, 64})->Args({64, 640})->Args({64, 2048})->Args({512, 4096});

// Args: inputs (= branches), memory units M (MLP width 2 M), outputs. Continuous outputs in [-1, 1].
void BM_ElmStep(benchmark::State& state) {
  const auto in = static_cast<size_t>(state.range(0)), out = static_cast<size_t>(state.range(2));
  const int64_t m = state.range(1);
  Config c = Config::from_string("[policy]\ntype = \"elm\"\nmemory_units = " + std::to_string(m) + "\n");
  ConfigSection s = c.section("policy");
  const Space obs = Space::box(std::vector<double>(in, -1.0), std::vector<double>(in, 1.0));
  const Space act = Space::box(std::vector<double>(out, -1.0), std::vector<double>(out, 1.0));
  const auto policy = make_policy(s, obs, act);
  std::vector<float> params(policy->num_params());
  policy->init_params(3, params);
  PolicyScratch sc;
  policy->reset(sc, 0);
  std::vector<float> o(in), a(out);
  for (size_t i = 0; i < in; ++i) o[i] = static_cast<float>(std::sin(0.7 * static_cast<double>(i)));
  for (auto _ : state) {
    policy->act(params, o, a, sc);
    benchmark::DoNotOptimize(a.data());
  }
  state.counters["FLOP/s"] = benchmark::Counter(policy->flops_per_act() * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ElmStep)->Args({3, 8, 2})->Args({64, 64, 8})->Args({128, 256, 8});

}  // namespace
