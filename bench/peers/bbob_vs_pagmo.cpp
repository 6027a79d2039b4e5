// Solve rates on the 24 BBOB functions: neuroevo's `cmaes` with BIPOP restarts against an IPOP restart
// loop around pagmo2's CMA-ES (Debian's libpagmo-dev), at the same budget of evaluations per run.
//
//   build/bench/bbob_vs_pagmo [--dim 10] [--instances 1-5] [--budget 10000] [--threads 2] [--seed 1]
//
// A run succeeds when f - fopt <= 1e-8 within budget * D evaluations. The pagmo side: restart k runs
// pagmo::cmaes (default parameters; sigma0 = 0.2 of the [-5, 5] box width, i.e. 2, the same initial step
// as neuroevo's BBOB default; ftol = xtol = 1e-12 like neuroevo's tol_fun/tol_x) on a fresh random
// population of lambda_default * 2^k (IPOP, Auger & Hansen 2005) until the budget is spent or the target
// is hit; pagmo's mean starts at the best of that population. Evaluations are counted by the problem
// wrapper, which ends a restart (by an exception pagmo passes through) as soon as the target is hit or
// the budget is spent, so no evaluation past either is counted.
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/cmaes.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/drivers/campaign.hpp"
#include "neuroevo/core/rng.hpp"

namespace {

struct Stop {};  // thrown out of pagmo's evolve() when the run is over

struct Counter {
  uint64_t evaluations = 0, budget = 0;
  double best = INFINITY;
  bool reached = false;
};

struct BbobUdp {
  std::shared_ptr<const neuroevo::bbob::BbobProblem> problem;
  std::shared_ptr<Counter> counter;
  double fopt = 0.0;
  pagmo::vector_double fitness(const pagmo::vector_double& x) const {
    Counter& c = *counter;
    if (c.reached || c.evaluations >= c.budget) throw Stop{};
    const double delta = (*problem)(x) - fopt;
    ++c.evaluations;
    c.best = std::min(c.best, delta);
    if (delta <= 1e-8) c.reached = true;
    return {delta};
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    const size_t d = problem->dim();
    return {pagmo::vector_double(d, -5.0), pagmo::vector_double(d, 5.0)};
  }
};

struct PagmoRun {
  uint64_t evaluations = 0;
  double best = INFINITY;
  bool reached = false;
};

PagmoRun pagmo_ipop(int function, int instance, size_t dim, uint64_t budget, uint64_t seed) {
  auto problem = std::make_shared<const neuroevo::bbob::BbobProblem>(function, instance, dim);
  auto counter = std::make_shared<Counter>();
  counter->budget = budget;
  pagmo::problem prob{BbobUdp{problem, counter, problem->fopt()}};
  const unsigned lambda0 = 4 + static_cast<unsigned>(std::floor(3 * std::log(static_cast<double>(dim))));
  for (unsigned k = 0; !counter->reached && counter->evaluations < budget; ++k) {
    const unsigned lambda = lambda0 << std::min(k, 20u);
    const unsigned pseed = static_cast<unsigned>(neuroevo::mix64(seed + k));
    try {
      pagmo::population pop{prob, lambda, pseed};
      const uint64_t left = budget - counter->evaluations;
      const unsigned gens = static_cast<unsigned>(std::max<uint64_t>(1, left / lambda + 1));
      pagmo::algorithm algo{pagmo::cmaes(gens, -1, -1, -1, -1, 0.2, 1e-12, 1e-12, false, false, pseed)};
      pop = algo.evolve(pop);
    } catch (const Stop&) {
    }
  }
  return {counter->evaluations, counter->best, counter->reached};
}

std::vector<int> parse_range(const char* s) {
  std::vector<int> out;
  int a = 0, b = 0;
  if (std::sscanf(s, "%d-%d", &a, &b) == 2) {
    for (int i = a; i <= b; ++i) out.push_back(i);
  } else {
    out.push_back(std::atoi(s));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t dim = 10;
  std::vector<int> instances{1, 2, 3, 4, 5};
  double budget_mult = 1e4;
  int threads = 2;
  uint64_t seed = 1;
  for (int a = 1; a < argc; ++a) {
    if (!std::strcmp(argv[a], "--dim") && a + 1 < argc) dim = std::strtoull(argv[++a], nullptr, 10);
    else if (!std::strcmp(argv[a], "--instances") && a + 1 < argc) instances = parse_range(argv[++a]);
    else if (!std::strcmp(argv[a], "--budget") && a + 1 < argc) budget_mult = std::atof(argv[++a]);
    else if (!std::strcmp(argv[a], "--threads") && a + 1 < argc) threads = std::atoi(argv[++a]);
    else if (!std::strcmp(argv[a], "--seed") && a + 1 < argc) seed = std::strtoull(argv[++a], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: %s [--dim D] [--instances A-B] [--budget MULT] [--threads N] [--seed S]\n", argv[0]);
      return 2;
    }
  }
  const uint64_t budget = static_cast<uint64_t>(budget_mult * static_cast<double>(dim));

  // neuroevo: the campaign runner, cmaes with BIPOP restarts (sigma 2 is the campaign default).
  neuroevo::bbob::CampaignSpec spec;
  spec.strategies = {"cmaes"};
  for (int f = 1; f <= 24; ++f) spec.functions.push_back(f);
  spec.instances = instances;
  spec.dims = {dim};
  spec.budget = budget_mult;
  spec.seed = seed;
  spec.threads = threads;
  spec.sets = {"cmaes.restarts=bipop"};
  const auto ours = neuroevo::bbob::run_campaign(spec);

  // pagmo: the same (function, instance) grid, jobs spread over the threads.
  const size_t n_jobs = 24 * instances.size();
  std::vector<PagmoRun> theirs(n_jobs);
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, threads); ++t)
    pool.emplace_back([&] {
      for (size_t j; (j = next++) < n_jobs;) {
        const int f = static_cast<int>(j / instances.size()) + 1;
        const int inst = instances[j % instances.size()];
        theirs[j] = pagmo_ipop(f, inst, dim, budget, neuroevo::bbob::job_seed(seed, "pagmo_ipop", f, inst, dim));
      }
    });
  for (auto& t : pool) t.join();

  std::printf("BBOB %zu-D, instances %d-%d, budget %.0f*D = %llu evaluations, target 1e-8\n", dim, instances.front(),
              instances.back(), budget_mult, static_cast<unsigned long long>(budget));
  std::printf("%4s  %-22s  %-22s\n", "f", "neuroevo cmaes-bipop", "pagmo2 cmaes + ipop");
  std::printf("%4s  %8s %13s  %8s %13s\n", "", "solved", "aRT", "solved", "aRT");
  size_t total_ours = 0, total_theirs = 0;
  for (int f = 1; f <= 24; ++f) {
    size_t s_ours = 0, s_theirs = 0;
    double e_ours = 0, e_theirs = 0;
    for (const auto& r : ours.runs)
      if (r.function == f) {
        s_ours += r.reached;
        e_ours += static_cast<double>(r.evaluations);
      }
    for (size_t i = 0; i < instances.size(); ++i) {
      const PagmoRun& r = theirs[(f - 1) * instances.size() + i];
      s_theirs += r.reached;
      e_theirs += static_cast<double>(r.evaluations);
    }
    total_ours += s_ours;
    total_theirs += s_theirs;
    auto art = [](double e, size_t s) { return s ? e / static_cast<double>(s) : INFINITY; };
    std::printf("%4d  %5zu/%-2zu %13.4g  %5zu/%-2zu %13.4g\n", f, s_ours, instances.size(), art(e_ours, s_ours), s_theirs,
                instances.size(), art(e_theirs, s_theirs));
  }
  std::printf("all   %5zu/%-4zu               %5zu/%-4zu\n", total_ours, n_jobs, total_theirs, n_jobs);
  return 0;
}
