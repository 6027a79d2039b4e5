// Measuring tools shared by the benchmarks of the harness (harness.hpp): wall and CPU timing, repeats on
// several threads released together, the peak FLOP rate of a core, rates and their summaries, and the
// table printed without --json.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <latch>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/number_text.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/rng.hpp"

namespace neuroevo::bench {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

inline double seconds_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU time of the whole process (all its threads). Per-core rates divide work by CPU time, so they do
// not drop when other programs share the cores; wall-clock rates are reported alongside.
inline double process_cpu_seconds() {
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

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}
inline double largest(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }
inline double smallest(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

// Keeps a value alive so the compiler cannot drop the work that produced it.
template <class T>
void keep(const T& value) {
  asm volatile("" : : "g"(&value) : "memory");
}

// Runs body(t) on `threads` threads released together (t = 0 on the caller) and returns the wall time
// from the release until the last one finished, and the CPU time they used. Thread creation is outside
// the timed span; threads waiting at the start line block, using no CPU.
inline Elapsed timed_parallel(int threads, const std::function<void(int)>& body) {
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

// The peak-rate kernels (measure.cpp). muladd_kernel_v4: 4-wide multiply and add, the SIMD width of the
// default portable build; muladd_kernel_avx2_fma: 8-wide fused multiply-adds, what the core could do
// with AVX2 + FMA, which the default build does not use.
float muladd_kernel_v4(uint64_t iters, float seed);
inline constexpr double kFlopsPerIterV4 = 12 * 4 * 2;
#if defined(__x86_64__)
[[gnu::target("avx2,fma")]] float muladd_kernel_avx2_fma(uint64_t iters, float seed);
inline constexpr double kFlopsPerIterAvx2 = 12 * 8 * 2;
bool have_avx2_fma();
// The v4 kernel (separate multiply and add) 8- and 16-wide, compiled for AVX2 and AVX-512F.
[[gnu::target("avx2")]] float muladd_kernel_avx2(uint64_t iters, float seed);
[[gnu::target("avx512f")]] float muladd_kernel_avx512(uint64_t iters, float seed);
inline constexpr double kFlopsPerIterAvx512 = 12 * 16 * 2;
#endif
// Reads n floats (a multiple of 128) `reps` times with 4-, 8- or 16-wide vector loads (measure.cpp).
float stream_read_v4(const float* p, size_t n, uint64_t reps);
#if defined(__x86_64__)
[[gnu::target("avx2")]] float stream_read_avx2(const float* p, size_t n, uint64_t reps);
[[gnu::target("avx512f")]] float stream_read_avx512(const float* p, size_t n, uint64_t reps);
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

inline std::string fmt(double v, const char* f = "%.4g") {
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

inline std::string plural(long long n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// Integers separated by commas ("64,64"); an empty text is an empty list.
inline std::vector<int64_t> parse_int_list(const std::string& text, const std::string& option) {
  std::vector<int64_t> out;
  if (text.find_first_not_of(" \t") == std::string::npos) return out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    const std::string v = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    const auto x = parse_integer(v, 1, 1 << 20);
    if (!x) throw UsageError(option + ": '" + v + "' is not a layer width from 1 to 1048576 (expected e.g. 64,64)");
    out.push_back(*x);
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

// A rate measured both ways: per core (work per CPU second; robust to other programs on the machine)
// and for all threads together (work per wall-clock second).
struct Rate {
  double per_core = 0.0;
  double wall = 0.0;
};

inline Rate rate_of(double work, const Elapsed& e) { return {work / e.cpu, work / e.wall}; }

inline Rate median(const std::vector<Rate>& v) {
  std::vector<double> c, w;
  for (const Rate& r : v) {
    c.push_back(r.per_core);
    w.push_back(r.wall);
  }
  return {median(c), median(w)};
}

inline Rate best(const std::vector<Rate>& v) {
  Rate b;
  for (const Rate& r : v) {
    b.per_core = std::max(b.per_core, r.per_core);
    b.wall = std::max(b.wall, r.wall);
  }
  return b;
}

}  // namespace neuroevo::bench
