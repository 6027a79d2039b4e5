// `neuroevo bench`: throughput measurements. Every figure is reported against a limit or a peer measured
// in the same run (never as a bare absolute time), and every sub-command prints a table or, with --json,
// one JSON object. Timing never feeds a pass/fail decision; see docs/benchmarks.md.
//
// Statistics: each figure is measured in several repeats, interleaved with its limit or peer; the
// table shows the best repeat (highest rate, shortest time: the one least disturbed by other programs
// on the machine), the JSON also the median. Rates per core divide work by the process's CPU time.
//
//   bench env       env + policy rollout steps/s, env-only steps/s (random actions), policy forward
//                   passes/s, and the policy's arithmetic limit: flops_per_act() / the peak FLOP rate of
//                   this core, measured in the same run with a multiply-add kernel on register data.
//   bench mutation  building a child from a cached parent (add_scaled with a noise slice, what the GA's
//                   decode does, and the GA's decode itself) against std::memcpy of the same floats.
//   bench strategy  ask + decode every candidate + tell with dummy fitness: strategy overhead per
//                   generation, against memcpy of the parameters the generation writes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <latch>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/obs_norm.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/runtime/evaluator.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/rl_task.hpp"

namespace neuroevo::cli {

namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU time of the whole process (all its threads). Per-core rates divide work by CPU time, so they do
// not drop when other programs share the cores; wall-clock rates are reported alongside.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Elapsed {
  double wall = 0.0;  // seconds
  double cpu = 0.0;   // CPU seconds summed over threads
};

// Wall and CPU time of fn().
template <class F>
Elapsed timed(F&& fn) {
  const double c0 = process_cpu_seconds();
  const auto t0 = Clock::now();
  fn();
  return {seconds_between(t0, Clock::now()), process_cpu_seconds() - c0};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
double largest(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }
double smallest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// Keeps a value alive so the compiler cannot drop the work that produced it.
template <class T>
void keep(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

// Runs body(t) on `threads` threads released together (t = 0 on the caller) and returns the wall time
// from the release until the last one finished, and the CPU time they used. Thread creation is outside
// the timed span; threads waiting at the start line block, using no CPU.
Elapsed timed_parallel(int threads, const std::function<void(int)>& body) {
  if (threads <= 1) return timed([&] { body(0); });
  std::latch ready(threads), go(1);
  std::vector<std::jthread> pool;
  for (int t = 1; t < threads; ++t)
    pool.emplace_back([&, t] {
      ready.count_down();
      go.wait();
      body(t);
    });
  ready.arrive_and_wait();
  return timed([&] {
    go.count_down();
    body(0);
    for (auto& th : pool) th.join();
  });
}

// ----- peak FLOP rate: independent multiply-add chains on register-resident vectors -----------------

// Four floats per vector: the SIMD width the default (portable x86-64 / SSE2, or NEON) build uses.
// v = v * m + c on 12 independent vectors: a separate multiply and add per element (the build uses
// -ffp-contract=off, as the policy does), enough independent chains to cover the latency of both.
using V4 = float __attribute__((vector_size(16)));

[[gnu::noinline]] float muladd_kernel_v4(uint64_t iters, float seed) {
  const V4 m = {0.9999f, 0.9999f, 0.9999f, 0.9999f};
  const V4 c = {1e-4f, 1e-4f, 1e-4f, 1e-4f};
  V4 a0 = {seed, seed + 1, seed + 2, seed + 3}, a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5,
     a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11;
  for (uint64_t i = 0; i < iters; ++i) {
    a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c;
    a4 = a4 * m + c; a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c;
    a8 = a8 * m + c; a9 = a9 * m + c; a10 = a10 * m + c; a11 = a11 * m + c;
  }
  const V4 s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
  return s[0] + s[1] + s[2] + s[3];
}
constexpr double kFlopsPerIterV4 = 12 * 4 * 2;

#if defined(__x86_64__)
// The same kernel with 8-wide fused multiply-adds: what this core's hardware could do with AVX2 + FMA,
// which the default build does not use (it must give identical results on every x86-64 machine).
[[gnu::noinline, gnu::target("avx2,fma")]] float muladd_kernel_avx2_fma(uint64_t iters, float seed) {
  const __m256 m = _mm256_set1_ps(0.9999f), c = _mm256_set1_ps(1e-4f);
  __m256 a[12];
  for (int k = 0; k < 12; ++k) a[k] = _mm256_set1_ps(seed + static_cast<float>(k));
  __m256 a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7], a8 = a[8],
         a9 = a[9], a10 = a[10], a11 = a[11];
  for (uint64_t i = 0; i < iters; ++i) {
    a0 = _mm256_fmadd_ps(a0, m, c); a1 = _mm256_fmadd_ps(a1, m, c); a2 = _mm256_fmadd_ps(a2, m, c);
    a3 = _mm256_fmadd_ps(a3, m, c); a4 = _mm256_fmadd_ps(a4, m, c); a5 = _mm256_fmadd_ps(a5, m, c);
    a6 = _mm256_fmadd_ps(a6, m, c); a7 = _mm256_fmadd_ps(a7, m, c); a8 = _mm256_fmadd_ps(a8, m, c);
    a9 = _mm256_fmadd_ps(a9, m, c); a10 = _mm256_fmadd_ps(a10, m, c); a11 = _mm256_fmadd_ps(a11, m, c);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  alignas(32) float out[8];
  _mm256_store_ps(out, s);
  return out[0] + out[7];
}
constexpr double kFlopsPerIterAvx2 = 12 * 8 * 2;
bool have_avx2_fma() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#endif

// A peak-rate kernel calibrated to run ~`seconds` per call; measure() gives FLOP/s on `threads` threads
// together. Measured inside every repeat of a benchmark, interleaved with what it is the limit of, so a
// busy machine slows the limit and the measured code alike.
struct PeakKernel {
  float (*kernel)(uint64_t, float);
  double flops_per_iter;
  uint64_t iters = 0;

  PeakKernel(float (*k)(uint64_t, float), double flops, double seconds) : kernel(k), flops_per_iter(flops) {
    uint64_t n = 1 << 16;
    for (;;) {
      const auto t0 = Clock::now();
      keep(kernel(n, 1.0f));
      const double dt = seconds_between(t0, Clock::now());
      if (dt > 0.02 || n > (uint64_t{1} << 40)) {
        iters = static_cast<uint64_t>(static_cast<double>(n) * seconds / std::max(dt, 1e-9)) + 1;
        return;
      }
      n *= 4;
    }
  }
  // FLOP per CPU second: the peak of one core.
  double measure(int threads) const {
    const Elapsed e = timed_parallel(threads, [&](int t) { keep(kernel(iters, 1.0f + static_cast<float>(t))); });
    return flops_per_iter * static_cast<double>(iters) * threads / e.cpu;
  }
};

// ----- output ---------------------------------------------------------------------------------------

std::string fmt(double v, const char* f = "%.4g") {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// A human table: one row per figure with its value and unit, and a comparison column.
struct Table {
  std::string title;
  std::vector<std::vector<std::string>> rows;
  void add(std::string what, std::string value, std::string unit, std::string compare = "") {
    rows.push_back({std::move(what), std::move(value), std::move(unit), std::move(compare)});
  }
  void print() const {
    size_t w[4] = {0, 0, 0, 0};
    for (const auto& r : rows)
      for (size_t k = 0; k < 4; ++k) w[k] = std::max(w[k], r[k].size());
    std::printf("%s\n", title.c_str());
    for (const auto& r : rows)
      std::printf("  %-*s  %*s %-*s  %s\n", static_cast<int>(w[0]), r[0].c_str(), static_cast<int>(w[1]), r[1].c_str(),
                  static_cast<int>(w[2]), r[2].c_str(), r[3].c_str());
  }
};

std::string plural(long long n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// Integers separated by commas ("64,64"); an empty text is an empty list.
std::vector<int64_t> parse_int_list(const std::string& text, const std::string& option) {
  std::vector<int64_t> out;
  if (text.find_first_not_of(" \t") == std::string::npos) return out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    const std::string v = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    size_t used = 0;
    long long x = 0;
    try {
      x = std::stoll(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (v.empty() || used != v.size() || x < 1 || x > (1 << 20))
      throw UsageError(option + ": '" + v + "' is not a layer width from 1 to 1048576 (expected e.g. 64,64)");
    out.push_back(x);
  }
  return out;
}

// A parameter space of exactly n parameters for the strategy and mutation benchmarks (no environment):
// its initialisation draws N(0, 0.01) values like an MLP's, so random search pays a realistic cost.
class BenchSpace final : public ParamSpace {
 public:
  explicit BenchSpace(size_t n) : n_(n) {}
  size_t num_params() const override { return n_; }
  void init_params(uint64_t seed, std::span<float> params) const override {
    Stream rng(seed);
    for (float& p : params) p = static_cast<float>(0.1 * rng.normal());
  }

 private:
  size_t n_;
};

// ----- bench env ------------------------------------------------------------------------------------

struct EnvOptions {
  std::string env;
  std::string hidden = "64,64";
  bool linear = false;
  std::string activation = "tanh";
  std::string policy_config;
  std::string save_params;
  uint64_t steps = 1'000'000;
  int repeats = 3;
  int threads = 1;
  uint64_t seed = 0;
  bool json = false;
};

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

// A rate measured both ways: per core (work per CPU second; robust to other programs on the machine)
// and for all threads together (work per wall-clock second).
struct Rate {
  double per_core = 0.0;
  double wall = 0.0;
};

Rate rate_of(double work, const Elapsed& e) { return {work / e.cpu, work / e.wall}; }

Rate median(const std::vector<Rate>& v) {
  std::vector<double> c, w;
  for (const Rate& r : v) {
    c.push_back(r.per_core);
    w.push_back(r.wall);
  }
  return {median(c), median(w)};
}

Rate best(const std::vector<Rate>& v) {
  Rate b;
  for (const Rate& r : v) {
    b.per_core = std::max(b.per_core, r.per_core);
    b.wall = std::max(b.wall, r.wall);
  }
  return b;
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
  uint64_t total = 0, eps = 0;
  for (int t = 0; t < threads; ++t) {
    total += taken[t];
    eps += episodes[t];
  }
  return {rate_of(static_cast<double>(total), e), static_cast<double>(total) / static_cast<double>(eps)};
}

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
  std::vector<Rate> rollout, env_rate, forward;
  std::vector<double> episode_len, env_episode_len, peaks, peaks_hw;
  for (int r = 0; r < o.repeats; ++r) {
    const auto [rs, rl] = measure_rollouts(task, params, o.steps, o.threads, o.seed + 2 * r);
    rollout.push_back(rs);
    episode_len.push_back(rl);
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
  }
  const double peak = largest(peaks);                               // FLOP/s of one core
  const double peak_hw = peaks_hw.empty() ? 0.0 : largest(peaks_hw);
  const double flops = policy.flops_per_act();
  const double limit = flops > 0 ? peak / flops : 0.0;              // forward passes/s of one core at its peak
  const double limit_hw = flops > 0 ? peak_hw / flops : 0.0;
  const Rate fwd = best(forward), roll = best(rollout), envs = best(env_rate);
  const Rate fwd_med = median(forward), roll_med = median(rollout), envs_med = median(env_rate);
  auto or_null = [](bool ok, double v) { return ok ? Json(v) : Json(nullptr); };

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
                    {"limit_avx2_fma_over_forward", or_null(limit_hw > 0, limit_hw / fwd.per_core)}};
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
  if (o.threads > 1)
    t.add("env + policy rollout, all threads", fmt(roll.wall), "steps/s", "wall clock");
  t.print();
  return 0;
}

// ----- bench mutation -------------------------------------------------------------------------------

struct MutationOptions {
  uint64_t params = 4'000'000;
  uint64_t noise_size = 0;  // 0: max(2^25, 2 params), the run default or more
  double sigma = 0.002;
  int repeats = 15;
  int threads = 0;  // for building the noise table only
  bool json = false;
};

int run_bench_mutation(const MutationOptions& o) {
  const size_t n = o.params;
  const size_t table = o.noise_size ? o.noise_size : std::max<size_t>(size_t{1} << 25, 2 * n);
  if (table < n) throw UsageError("--noise-size " + std::to_string(table) + " is smaller than --params " + std::to_string(n));
  const int build_threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::unique_ptr<NoiseTable> noise_ptr;
  const Elapsed table_time = timed([&] { noise_ptr = std::make_unique<NoiseTable>(123, table, build_threads); });
  const NoiseTable& noise = *noise_ptr;

  // A GA in generation 1 with its two parents cached: population repeats+1, so every repeat decodes a
  // different child (candidate 0 is the elite, a plain copy).
  BenchSpace space(n);
  Config gc;
  gc.set("strategy.population=" + std::to_string(o.repeats + 1));
  gc.set("strategy.truncation=2");
  gc.set("strategy.elite_candidates=2");
  gc.set("strategy.elite_episodes=1");
  gc.set("strategy.sigma=" + fmt(o.sigma, "%.9g"));
  gc.set("strategy.cache_mb=" + std::to_string(((8 * n) >> 20) + 2));
  ConfigSection gs = gc.section("strategy");
  const StrategyContext ctx{0, &space, &noise, n};
  auto ga = find_strategy("ga").make(gs, ctx);
  gc.check_unknown();
  for (int batch = 0; batch < 2; ++batch) {  // generation 0: the population, then the elite batch
    const Batch b = ga->ask();
    std::vector<Result> res(b.size);
    for (size_t i = 0; i < b.size; ++i) res[i].fitness = static_cast<double>(b.size - i);
    ga->tell(res);
  }

  std::vector<float> parent(n), child(n);
  space.init_params(99, parent);
  std::fill(child.begin(), child.end(), 0.0f);  // pages mapped before timing, like a worker's reused buffer
  const float sigma = static_cast<float>(o.sigma);
  std::vector<double> t_copy, t_add, t_decode;
  for (int r = 0; r < o.repeats; ++r) {  // interleaved, so drift affects all three alike
    t_copy.push_back(timed([&] {
                       std::memcpy(child.data(), parent.data(), n * sizeof(float));
                       keep(child[n / 2]);
                     }).cpu);
    const auto slice = noise.for_seed(Stream(7, 0, r, Purpose::Mutation).next_u32(), n);
    t_add.push_back(timed([&] {
                      add_scaled(parent, sigma, slice, child);
                      keep(child[n / 2]);
                    }).cpu);
    t_decode.push_back(timed([&] {
                         ga->decode(static_cast<size_t>(r) + 1, child);
                         keep(child[n / 2]);
                       }).cpu);
  }
  const double copy = smallest(t_copy), add = smallest(t_add), dec = smallest(t_decode);
  const double bytes = 4.0 * static_cast<double>(n);
  if (o.json) {
    const Json j = {{"bench", "mutation"},
                    {"params", n},
                    {"noise_size", table},
                    {"repeats", o.repeats},
                    {"statistic", "fastest of repeats; *_median: median of repeats"},
                    {"memcpy_seconds", copy},
                    {"memcpy_seconds_median", median(t_copy)},
                    {"add_scaled_seconds_median", median(t_add)},
                    {"ga_decode_seconds_median", median(t_decode)},
                    {"add_scaled_seconds", add},
                    {"ga_decode_seconds", dec},
                    {"add_scaled_over_memcpy", add / copy},
                    {"ga_decode_over_memcpy", dec / copy},
                    {"memcpy_gb_per_s", 2 * bytes / copy / 1e9},
                    {"add_scaled_gb_per_s", 3 * bytes / add / 1e9},
                    {"noise_table_build_seconds", table_time.wall},
                    {"noise_table_build_threads", build_threads}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  Table t;
  t.title = "bench mutation: a child of " + std::to_string(n) + " parameters from a cached parent, noise table of " +
            std::to_string(table) + " floats, " + plural(o.repeats, "repeat") + " (fastest, CPU time)";
  t.add("memcpy of the parameters", fmt(copy * 1e3, "%.3f"), "ms", fmt(2 * bytes / copy / 1e9, "%.1f") + " GB/s read+write");
  t.add("add_scaled(parent, sigma, noise slice)", fmt(add * 1e3, "%.3f"), "ms",
        fmt(add / copy, "%.2f") + "x memcpy; " + fmt(3 * bytes / add / 1e9, "%.1f") + " GB/s read+write");
  t.add("GA decode of a child", fmt(dec * 1e3, "%.3f"), "ms", fmt(dec / copy, "%.2f") + "x memcpy");
  t.add("noise table build", fmt(table_time.wall, "%.3f"), "s", "wall clock, once per run, " + plural(build_threads, "thread"));
  t.print();
  return 0;
}

// ----- bench strategy -------------------------------------------------------------------------------

struct StrategyOptions {
  std::string strategy = "ga";
  uint64_t params = 100'000;
  uint64_t population = 256;
  uint64_t noise_size = 0;
  int generations = 5;
  int threads = 1;
  std::vector<std::string> sets;
  bool json = false;
};

int run_bench_strategy(const StrategyOptions& o) {
  const StrategyInfo& info = find_strategy(o.strategy);
  const size_t n = o.params;
  BenchSpace space(n);
  Config cfg;
  cfg.set("strategy.population=" + std::to_string(o.population));
  for (const auto& s : o.sets) cfg.set(s.rfind("strategy.", 0) == 0 ? s : "strategy." + s);
  std::unique_ptr<NoiseTable> noise;
  Elapsed table_time;
  Evaluator evaluator(o.threads);
  if (info.uses_noise_table) {
    const size_t table = o.noise_size ? o.noise_size : std::max<size_t>(size_t{1} << 25, 2 * n);
    if (table < n) throw UsageError("--noise-size " + std::to_string(table) + " is smaller than --params " + std::to_string(n));
    table_time = timed([&] { noise = std::make_unique<NoiseTable>(123, table, std::max(2, o.threads)); });
  }
  ConfigSection section = cfg.section("strategy");
  const StrategyContext ctx{0, &space, noise.get(), n};
  auto strategy = info.make(section, ctx);
  cfg.check_unknown();

  std::vector<std::vector<float>> buffers(evaluator.threads(), std::vector<float>(n, 0.0f));
  struct Gen {
    Elapsed ask, decode, tell, total;
    uint64_t candidates = 0;
  };
  auto add = [](Elapsed& a, const Elapsed& b) {
    a.wall += b.wall;
    a.cpu += b.cpu;
  };
  std::vector<Gen> gens;
  for (int g = 0; g <= o.generations; ++g) {  // generation 0 (initialisation) is reported on its own
    Gen gen;
    Elapsed fitness_time;
    gen.total = timed([&] {
      for (bool done = false; !done;) {
        Batch b;
        add(gen.ask, timed([&] { b = strategy->ask(); }));
        add(gen.decode, timed([&] {
              evaluator.parallel_for(b.size, [&](size_t i, size_t w) {
                strategy->decode(i, buffers[w]);
                keep(buffers[w][0]);
              });
            }));
        // Dummy fitness: a fixed pseudo-random score per (generation, candidate); not part of the overhead.
        std::vector<Result> res(b.size);
        add(fitness_time, timed([&] {
              for (size_t i = 0; i < b.size; ++i) {
                res[i].fitness = Stream(o.population, strategy->generation(), i, Purpose::Strategy).uniform();
                res[i].episodes = 1;
                res[i].steps = 1;
              }
            }));
        add(gen.tell, timed([&] { done = strategy->tell(res); }));
        gen.candidates += b.size;
      }
    });
    gen.total.wall -= fitness_time.wall;
    gen.total.cpu -= fitness_time.cpu;
    gens.push_back(gen);
  }
  // Peer: memcpy of the parameters one generation writes (every decoded candidate), on one thread.
  std::vector<float> src(n, 1.0f), dst(n, 0.0f);
  const uint64_t per_gen = gens.back().candidates;
  std::vector<double> copies;
  for (int r = 0; r < 3; ++r)
    copies.push_back(timed([&] {
                       for (uint64_t c = 0; c < per_gen; ++c) {
                         std::memcpy(dst.data(), src.data(), n * sizeof(float));
                         keep(dst[c % n]);
                       }
                     }).cpu);
  const double copy = smallest(copies);
  auto values = [&](Elapsed Gen::*field, bool cpu) {
    std::vector<double> v;
    for (size_t g = 1; g < gens.size(); ++g) v.push_back(cpu ? (gens[g].*field).cpu : (gens[g].*field).wall);
    return v;
  };
  // The fastest generation and, for it, its parts.
  const std::vector<double> totals = values(&Gen::total, true);
  const size_t fastest = 1 + static_cast<size_t>(std::min_element(totals.begin(), totals.end()) - totals.begin());
  const Gen& fg = gens[fastest];
  const double total = fg.total.cpu, ask = fg.ask.cpu, decode = fg.decode.cpu, tell = fg.tell.cpu,
               total_wall = smallest(values(&Gen::total, false));
  if (o.json) {
    const Json j = {{"bench", "strategy"},
                    {"strategy", o.strategy},
                    {"params", n},
                    {"population", o.population},
                    {"candidates_per_generation", per_gen},
                    {"threads", evaluator.threads()},
                    {"generations", o.generations},
                    {"statistic", "fastest of generations 1..generations; *_median: median"},
                    {"generation_cpu_seconds", total},
                    {"generation_cpu_seconds_median", median(totals)},
                    {"generation_wall_seconds", total_wall},
                    {"ask_cpu_seconds", ask},
                    {"decode_cpu_seconds", decode},
                    {"tell_cpu_seconds", tell},
                    {"first_generation_cpu_seconds", gens.front().total.cpu},
                    {"memcpy_generation_seconds", copy},
                    {"generation_over_memcpy", total / copy},
                    {"noise_table_build_seconds", table_time.wall}};
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  Table t;
  t.title = "bench strategy: " + o.strategy + ", " + std::to_string(n) + " parameters, population " +
            std::to_string(o.population) + " (" + std::to_string(per_gen) + " candidates decoded per generation), " +
            plural(static_cast<long long>(evaluator.threads()), "thread") +
            ", dummy fitness; fastest of generations 1.." + std::to_string(o.generations) + ", CPU time";
  t.add("generation (ask + decode all + tell)", fmt(total * 1e3, "%.3f"), "ms",
        fmt(total / copy, "%.2f") + "x memcpy of the decoded parameters (" + fmt(copy * 1e3, "%.3f") + " ms)");
  t.add("  ask", fmt(ask * 1e3, "%.3f"), "ms");
  t.add("  decode all candidates", fmt(decode * 1e3, "%.3f"), "ms",
        fmt(decode / static_cast<double>(per_gen) * 1e6, "%.2f") + " us per candidate");
  t.add("  tell", fmt(tell * 1e3, "%.3f"), "ms");
  t.add("generation, wall clock", fmt(total_wall * 1e3, "%.3f"), "ms");
  t.add("generation 0 (initialisation)", fmt(gens.front().total.cpu * 1e3, "%.3f"), "ms");
  if (noise) t.add("noise table build", fmt(table_time.wall, "%.3f"), "s", "wall clock, once per run");
  t.print();
  return 0;
}

// ----- bench policy ---------------------------------------------------------------------------------
// Forward passes of a policy on synthetic observations of any shape (no environment needed, e.g. the
// Deep GA's 84x84x4 Atari network), against two limits measured in the same run: the arithmetic limit
// (flops_per_act / peak FLOP rate, as bench env) and the memory limit (reading every parameter once per
// pass at the rate memcpy streams a buffer of the parameters' size).

struct PolicyBenchOptions {
  std::string policy_config;
  std::string env;
  std::string obs_shape;  // "H,W,C"
  int actions = 18;
  uint64_t calls = 200;
  int repeats = 3;
  double density = 0.5;  // fraction of observation cells set to 1 (the rest 0)
  bool json = false;
};

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

}  // namespace

Command add_bench(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Measure throughput (environment steps/s, strategy overhead, mutation)");
  cmd->require_subcommand(1);

  auto eo = std::make_shared<EnvOptions>();
  auto* env = cmd->add_subcommand("env", "Env + policy rollout steps/s, env-only steps/s, forward passes/s vs the arithmetic limit");
  env->add_option("--env", eo->env, "environment (default CartPole-v1)");
  auto* hidden = env->add_option("--hidden", eo->hidden, "hidden layer widths, e.g. 64,64 (default); empty for linear");
  env->add_flag("--linear", eo->linear, "linear policy: an MLP without hidden layers");
  env->add_option("--activation", eo->activation, "tanh (default) or relu");
  env->add_option("--policy-config", eo->policy_config, "TOML file with a [policy] table (or a bare policy table)");
  env->add_option("--save-params", eo->save_params, "write the policy and its parameters as JSON (for the Python peer)");
  env->add_option("--steps", eo->steps, "steps (and forward passes) per thread per repeat (default 1000000)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  env->add_option("--repeats", eo->repeats, "repeats; the best is reported (and the median with --json) (default 3)")->check(CLI::Range(1, 1000));
  env->add_option("--threads", eo->threads, "worker threads (default 1: per core)")->check(CLI::Range(1, 4096));
  env->add_option("--seed", eo->seed, "seed of the parameters and episodes (default 0)");
  env->add_flag("--json", eo->json, "print one JSON object");

  auto mo = std::make_shared<MutationOptions>();
  auto* mut = cmd->add_subcommand("mutation", "A GA child from a cached parent (add_scaled) vs memcpy of its parameters");
  mut->add_option("--params", mo->params, "parameters (default 4000000)")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  mut->add_option("--noise-size", mo->noise_size, "noise table size (default max(2^25, 2 params))")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 34));
  mut->add_option("--sigma", mo->sigma, "mutation power (default 0.002)")->check(CLI::PositiveNumber);
  mut->add_option("--repeats", mo->repeats, "repeats; the fastest is reported (and the median with --json) (default 15)")->check(CLI::Range(1, 100000));
  mut->add_option("--threads", mo->threads, "threads building the noise table (default all)")->check(CLI::Range(0, 4096));
  mut->add_flag("--json", mo->json, "print one JSON object");

  auto so = std::make_shared<StrategyOptions>();
  auto* str = cmd->add_subcommand("strategy", "ask + decode all + tell per generation with dummy fitness (no env)");
  str->add_option("--strategy", so->strategy, "strategy name (default ga; see `neuroevo list`)");
  str->add_option("--params", so->params, "parameters (default 100000)")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 32));
  str->add_option("--population", so->population, "population (default 256)")->check(CLI::Range(uint64_t{2}, uint64_t{1} << 30));
  str->add_option("--noise-size", so->noise_size, "noise table size (default max(2^25, 2 params))")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 34));
  str->add_option("--generations", so->generations, "timed generations after generation 0 (default 5)")->check(CLI::Range(1, 100000));
  str->add_option("--threads", so->threads, "decode threads (default 1)")->check(CLI::Range(1, 4096));
  str->add_option("--set", so->sets, "strategy key=value (e.g. --set truncation=10)");
  str->add_flag("--json", so->json, "print one JSON object");

  auto po = std::make_shared<PolicyBenchOptions>();
  auto* pol = cmd->add_subcommand("policy", "Policy forward passes/s on synthetic observations vs the arithmetic and memory limits");
  pol->add_option("--policy-config", po->policy_config, "TOML file with a [policy] table (or a bare policy table)");
  pol->add_option("--env", po->env, "take the observation and action spaces from this environment");
  pol->add_option("--obs-shape", po->obs_shape, "observation shape H,W,C (without --env), e.g. 84,84,4");
  pol->add_option("--actions", po->actions, "discrete actions with --obs-shape (default 18)")->check(CLI::Range(1, 1 << 20));
  pol->add_option("--calls", po->calls, "forward passes per repeat (default 200)")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  pol->add_option("--repeats", po->repeats, "repeats; the best is reported (default 3)")->check(CLI::Range(1, 1000));
  pol->add_option("--density", po->density, "fraction of observation values set to 1 (default 0.5)")->check(CLI::Range(0.0, 1.0));
  pol->add_flag("--json", po->json, "print one JSON object");

  return {cmd, [=]() -> int {
            if (pol->parsed()) return run_bench_policy(*po);
            if (env->parsed()) return run_bench_env(*eo, hidden->count() > 0);
            if (mut->parsed()) return run_bench_mutation(*mo);
            if (str->parsed()) return run_bench_strategy(*so);
            throw UsageError("bench: choose env, mutation or strategy");
          }};
}

}  // namespace neuroevo::cli