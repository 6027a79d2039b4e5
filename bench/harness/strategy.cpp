// `neuroevo bench strategy`: ask + decode every candidate + tell with dummy fitness, the strategy's
// overhead per generation, against memcpy of the parameters the generation writes.
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
#include "neuroevo/runtime/evaluator.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo::bench {

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

}  // namespace neuroevo::bench
