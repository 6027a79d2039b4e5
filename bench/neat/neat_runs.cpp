// Repeated NEAT runs until the task is solved, for the figures of docs/benchmarks.md ("NEAT"): the
// strategy and environment of `neuroevo run`, driven in-process (one thread, no run directory), so a run
// stops at the generation that first holds a solution, as in Stanley & Miikkulainen 2002, section 4.2.
//
//   build/bench/neat_runs --env xor --seeds 100 --population 150 --generations 1000 [--set KEY=VALUE ...]
//   build/bench/neat_runs --env xor --seeds 1 --population 150 --generations 100 --fixed   (time per generation)
//
// Solved (xor, parity-N): a genome whose output is on the correct side of 0.5 for every pattern (the
// env's behaviour() holds the outputs). Solved (double_pole_nv, section 4.3 of the paper after Gruau et al.
// 1996): the generation's best genome balances both poles for 100,000 steps from the standard start, and
// then from at least 200 of the 625 generalisation starts for 1,000 steps each; the number of those 625
// it balances is its generalisation score. Evaluations to solve: whole generations up to and including the
// solving one (generations x population). Solved (hard_maze, Lehman & Stanley 2011): a robot that ends
// within 10 units of the goal (return >= 290); run with --set fitness=novelty for novelty search. Prints one
// line per seed, then the summary, and the process CPU time of all runs.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/genomes/neat.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/rl_task.hpp"

using namespace neuroevo;

namespace {

bool parity_solved(const std::vector<double>& outputs) {
  for (size_t p = 0; p < outputs.size(); ++p) {
    const bool one = (__builtin_popcount(static_cast<unsigned>(p)) & 1) != 0;
    if (one ? !(outputs[p] > 0.5) : !(outputs[p] < 0.5)) return false;
  }
  return true;
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? NAN : s / static_cast<double>(v.size());
}
double stddev(const std::vector<double>& v) {
  if (v.size() < 2) return NAN;
  const double m = mean(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}
double median(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Runs the network on the full double-pole simulation (the `double_pole` env) seeing only positions and
// angles, as the no-velocity task does; returns the steps balanced (at most `steps`).
int balance(const PolicyPhenotype& p, Env& env, const std::vector<double>& start, int steps, PolicyScratch& scratch) {
  std::vector<float> full(6), nv(3);
  float a = 0.5f;
  env.set_state(start, full);
  p.policy->reset(scratch, 0);
  for (int t = 0; t < steps; ++t) {
    nv = {full[0], full[2], full[4]};
    p.policy->act(p.params, nv, std::span<float>(&a, 1), scratch);
    if (env.step(std::span<const float>(&a, 1), full).terminated) return t;
  }
  return steps;
}

// The 625 generalisation starts: x, x', t1, t1' each at 0.05, 0.25, 0.5, 0.75, 0.95 of the ranges
// +-2.16 m, +-1.35 m/s, +-3.6 degrees, +-8.6 degrees/s (NEAT 1.2's pole2 generalisation test), t2 = t2' = 0.
int generalisation(const PolicyPhenotype& p, Env& env, PolicyScratch& scratch) {
  const double f[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
  int score = 0;
  for (double a : f)
    for (double b : f)
      for (double c : f)
        for (double d : f)
          score += balance(p, env, {a * 4.32 - 2.16, b * 2.70 - 1.35, c * 0.12566304 - 0.06283152, d * 0.30019504 - 0.15009752, 0, 0},
                           1000, scratch) == 1000;
  return score;
}

}  // namespace

int main(int argc, char** argv) {
  std::string env_name = "xor";
  int seeds = 100, first_seed = 0;
  long population = 150, generations = 1000;
  std::vector<std::string> sets;
  bool quiet = false, fixed = false;  // --fixed: run every generation (timing), solved or not
  for (int a = 1; a < argc; ++a) {
    const std::string k = argv[a];
    auto next = [&]() -> std::string {
      if (a + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++a];
    };
    if (k == "--env") env_name = next();
    else if (k == "--seeds") seeds = std::stoi(next());
    else if (k == "--first-seed") first_seed = std::stoi(next());
    else if (k == "--population") population = std::stol(next());
    else if (k == "--generations") generations = std::stol(next());
    else if (k == "--set") sets.push_back(next());
    else if (k == "--quiet") quiet = true;
    else if (k == "--fixed") fixed = true;
    else {
      std::fprintf(stderr, "unknown argument %s\n", k.c_str());
      return 2;
    }
  }
  try {
    const auto probe = make_env(env_name);
    const Space obs = probe->observation_space(), act = probe->action_space();
    const RlTask task(env_name, nullptr, nullptr, 1, 0);
    auto ws = task.make_workspace();
    std::vector<double> evals, hidden, conns, gens, general;
    const bool pole = env_name == "double_pole_nv";
    const bool maze = env_name == "hard_maze";
    const auto full_env = make_env("double_pole");
    PolicyScratch scratch;
    int solved = 0;
    const std::clock_t c0 = std::clock();
    const auto w0 = std::chrono::steady_clock::now();
    uint64_t total_generations = 0;
    for (int s = first_seed; s < first_seed + seeds; ++s) {
      Config cfg = Config::from_string("[strategy]\npopulation = " + std::to_string(population) + "\n");
      for (const auto& kv : sets) cfg.set("strategy." + kv);
      ConfigSection section = cfg.section("strategy");
      StrategyContext ctx;
      ctx.seed = static_cast<uint64_t>(s);
      ctx.observation = &obs;
      ctx.action = &act;
      auto strategy = find_strategy("neat").make(section, ctx);
      cfg.check_unknown();
      bool done = false;
      for (long g = 0; g < generations && (fixed || !done); ++g) {
        const Batch b = strategy->ask();
        std::vector<Result> results(b.size);
        for (size_t i = 0; i < b.size; ++i) {
          const auto cand = strategy->build(i);
          results[i] = task.evaluate(*cand, {stream_key(ctx.seed, g, i, b.purpose), 1, false}, *ws);
          if (!pole && !done && (maze ? results[i].fitness >= 290.0 : parity_solved(results[i].behaviour))) {
            const auto& genome = static_cast<const NeatGenome&>(*cand);
            done = true;
            ++solved;
            evals.push_back(static_cast<double>((g + 1) * population));
            gens.push_back(static_cast<double>(g + 1));
            hidden.push_back(static_cast<double>(genome.hidden_nodes()));
            conns.push_back(static_cast<double>(genome.enabled_connections()));
            if (!quiet)
              std::printf("seed %d: solved in generation %ld (%ld evaluations), %zu hidden nodes, %zu enabled connections\n",
                          s, g + 1, (g + 1) * population, genome.hidden_nodes(), genome.enabled_connections());
          }
        }
        ++total_generations;
        if (pole && !done) {
          size_t best = 0;
          for (size_t i = 1; i < results.size(); ++i)
            if (results[i].fitness > results[best].fitness) best = i;
          const auto cand = strategy->build(best);
          const auto& genome = static_cast<const NeatGenome&>(*cand);
          const PolicyPhenotype p = genome.policy(obs, act);
          if (balance(p, *full_env, {0, 0, 0.07, 0, 0, 0}, 100000, scratch) == 100000) {
            const int score = generalisation(p, *full_env, scratch);
            if (score >= 200) {
              done = true;
              ++solved;
              evals.push_back(static_cast<double>((g + 1) * population));
              gens.push_back(static_cast<double>(g + 1));
              hidden.push_back(static_cast<double>(genome.hidden_nodes()));
              conns.push_back(static_cast<double>(genome.enabled_connections()));
              general.push_back(score);
              if (!quiet)
                std::printf("seed %d: solved in generation %ld (%ld evaluations), generalisation %d/625, %zu hidden nodes\n",
                            s, g + 1, (g + 1) * population, score, genome.hidden_nodes());
            }
          }
        }
        if (!done || fixed) strategy->tell(results);
      }
      if (!done && !quiet) std::printf("seed %d: not solved in %ld generations\n", s, generations);
    }
    const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    std::printf("env %s, population %ld, seeds %d..%d: solved %d/%d\n", env_name.c_str(), population, first_seed,
                first_seed + seeds - 1, solved, seeds);
    std::printf("evaluations to solve: mean %.0f, sd %.0f, median %.0f (generations: mean %.1f)\n", mean(evals),
                stddev(evals), median(evals), mean(gens));
    std::printf("solutions: hidden nodes mean %.2f, enabled connections mean %.2f\n", mean(hidden), mean(conns));
    if (pole) std::printf("generalisation score (of 625): mean %.1f, sd %.1f\n", mean(general), stddev(general));
    std::printf("time: %.2f s CPU, %.2f s wall, %llu generations, %.2f ms CPU per generation\n", cpu, wall,
                static_cast<unsigned long long>(total_generations), 1000.0 * cpu / static_cast<double>(total_generations));
  } catch (const UsageError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
