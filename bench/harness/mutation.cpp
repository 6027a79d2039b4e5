// `neuroevo bench mutation`: a GA child built from a cached parent (add_scaled with a noise slice, and
// the GA's decode itself) against std::memcpy of the same floats.
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
#include "neuroevo/core/noise.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo::bench {

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

}  // namespace neuroevo::bench
