// Per-generation overhead of neuroevo's `cmaes` against pagmo2's CMA-ES (Debian's libpagmo-dev), measured
// side by side in one run, on a sphere whose evaluation cost is negligible next to the update, with the
// same lambda and generation count. Also runs neuroevo's `sep_cmaes` and `lm_ma_es` at large D.
//
//   build/bench/cmaes_vs_pagmo [--dims 10,100,1000] [--generations G] [--large-dim D] [--large-generations G]
//                              [--json]
//
// Prints a table and, with --json, one JSON object per line. Each large-D measurement runs in a forked
// child so that its peak resident memory (getrusage ru_maxrss) is its own; --large-dim 0 skips them.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <pagmo/algorithm.hpp>
#include <pagmo/algorithms/cmaes.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include "neuroevo/core/box_space.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct SphereUdp {
  unsigned dim = 10;
  pagmo::vector_double fitness(const pagmo::vector_double& x) const {
    double s = 0;
    for (double v : x) s += v * v;
    return {s};
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    return {pagmo::vector_double(dim, -5.0), pagmo::vector_double(dim, 5.0)};
  }
};

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Seconds per generation of pagmo's CMA-ES (ftol = xtol = 0 so it never stops early).
double pagmo_per_gen(unsigned dim, unsigned lambda, unsigned gens) {
  pagmo::problem prob{SphereUdp{dim}};
  pagmo::population pop{prob, lambda, 1u};
  pagmo::algorithm algo{pagmo::cmaes(gens, -1, -1, -1, -1, 0.5, 0.0, 0.0, false, false, 1u)};
  const auto t = Clock::now();
  pop = algo.evolve(pop);
  return seconds_since(t) / gens;
}

// Seconds per generation of a neuroevo strategy driven by ask / decode_double / tell.
// `extra` holds further config lines of the strategy (e.g. "eigen_gap = 0.1\n").
double neuroevo_per_gen(const std::string& name, size_t dim, unsigned lambda, unsigned gens, double* best = nullptr,
                        const std::string& extra = "") {
  neuroevo::Config cfg = neuroevo::Config::from_string("name = \"" + name + "\"\nsigma = 0.5\npopulation = " +
                                                       std::to_string(lambda) + "\n" + extra);
  neuroevo::ConfigSection root = cfg.root();
  root.get_string("name", name);
  neuroevo::BoxSpace space(dim, -4.0, 4.0);
  const auto strategy = neuroevo::find_strategy(name).make(root, neuroevo::StrategyContext{1, &space, nullptr, dim});
  std::vector<double> x(dim);
  double best_f = INFINITY;
  const auto t = Clock::now();
  for (unsigned g = 0; g < gens; ++g) {
    const auto batch = strategy->ask();
    std::vector<neuroevo::Result> results(batch.size);
    for (size_t i = 0; i < batch.size; ++i) {
      strategy->decode_double(i, x);
      double s = 0;
      for (double v : x) s += v * v;
      results[i].fitness = -s;
      best_f = std::min(best_f, s);
    }
    strategy->tell(results);
  }
  if (best) *best = best_f;
  return seconds_since(t) / gens;
}

long max_rss_kib() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

struct LargeResult {
  double s_per_gen = 0, best = 0;
  long rss_before_kib = 0, rss_peak_kib = 0;
};

// Runs `gens` generations of `name` at dimension d in a child process; the child writes its figures
// into a pipe.
bool large_run(const char* name, size_t d, unsigned lambda, unsigned gens, LargeResult& out) {
  int fd[2];
  if (::pipe(fd) != 0) return false;
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::close(fd[0]);
    LargeResult r;
    r.rss_before_kib = max_rss_kib();
    r.s_per_gen = neuroevo_per_gen(name, d, lambda, gens, &r.best);
    r.rss_peak_kib = max_rss_kib();
    const bool ok = ::write(fd[1], &r, sizeof r) == static_cast<ssize_t>(sizeof r);
    ::_exit(ok ? 0 : 1);
  }
  ::close(fd[1]);
  const bool ok = ::read(fd[0], &out, sizeof out) == static_cast<ssize_t>(sizeof out);
  ::close(fd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::vector<size_t> parse_list(const char* s) {
  std::vector<size_t> out;
  for (const char* p = s; *p;) {
    out.push_back(std::strtoull(p, nullptr, 10));
    p = std::strchr(p, ',');
    if (!p) break;
    ++p;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<size_t> dims{10, 100, 1000};
  unsigned gens = 0;  // 0: chosen per dimension so each measurement takes about a second
  bool json = false;
  size_t large_d = 1'000'000;
  unsigned lg = 5;  // generations at the large dimension
  for (int a = 1; a < argc; ++a) {
    if (!std::strcmp(argv[a], "--dims") && a + 1 < argc) dims = parse_list(argv[++a]);
    else if (!std::strcmp(argv[a], "--generations") && a + 1 < argc) gens = static_cast<unsigned>(std::atoi(argv[++a]));
    else if (!std::strcmp(argv[a], "--large-dim") && a + 1 < argc) large_d = std::strtoull(argv[++a], nullptr, 10);
    else if (!std::strcmp(argv[a], "--large-generations") && a + 1 < argc) lg = static_cast<unsigned>(std::atoi(argv[++a]));
    else if (!std::strcmp(argv[a], "--json")) json = true;
    else {
      std::fprintf(stderr, "usage: %s [--dims 10,100,1000] [--generations G] [--large-dim D] [--large-generations G] [--json]\n", argv[0]);
      return 2;
    }
  }
  // neuroevo runs twice: with its default eigendecomposition gap (pycma's, 0.5) and with the tutorial's
  // and pagmo2's cadence (eigen_gap = 0.1), so the ratio at equal work is visible too.
  std::printf("%-8s %6s %6s %14s %14s %8s %16s %8s\n", "D", "lambda", "gens", "pagmo s/gen", "neuroevo s/gen", "ratio",
              "gap=0.1 s/gen", "ratio");
  for (size_t d : dims) {
    // Hansen's default lambda = 4 + floor(3 ln D), the same for both.
    const unsigned lambda = 4 + static_cast<unsigned>(std::floor(3 * std::log(static_cast<double>(d))));
    const unsigned g = gens ? gens : static_cast<unsigned>(std::max<size_t>(20, 2'000'000 / (d * d + 100 * d)));
    const double p = pagmo_per_gen(static_cast<unsigned>(d), lambda, g);
    const double n = neuroevo_per_gen("cmaes", d, lambda, g);
    const double n01 = neuroevo_per_gen("cmaes", d, lambda, g, nullptr, "eigen_gap = 0.1\n");
    std::printf("%-8zu %6u %6u %14.3e %14.3e %7.1fx %16.3e %7.1fx\n", d, lambda, g, p, n, p / n, n01, p / n01);
    if (json)
      std::printf("{\"bench\":\"cmaes_vs_pagmo\",\"dim\":%zu,\"lambda\":%u,\"generations\":%u,\"pagmo_s_per_gen\":%.6e,"
                  "\"neuroevo_s_per_gen\":%.6e,\"ratio\":%.3f,\"neuroevo_gap01_s_per_gen\":%.6e,\"ratio_gap01\":%.3f}\n",
                  d, lambda, g, p, n, p / n, n01, p / n01);
  }
  // Large D: only the O(D) and O(mD) variants are feasible.
  if (large_d >= 2) {
    const unsigned lambda = 4 + static_cast<unsigned>(std::floor(3 * std::log(static_cast<double>(large_d))));
    for (const char* name : {"sep_cmaes", "lm_ma_es"}) {
      LargeResult r;
      if (!large_run(name, large_d, lambda, lg, r)) {
        std::fprintf(stderr, "%s at D=%zu failed\n", name, large_d);
        return 1;
      }
      std::printf("%-10s D=%zu lambda=%u gens=%u: %.3e s/gen (%.2f ns per candidate coordinate), peak RSS %.1f MiB "
                  "(%.1f MiB at start), best f %.4g\n",
                  name, large_d, lambda, lg, r.s_per_gen, 1e9 * r.s_per_gen / (static_cast<double>(lambda) * large_d),
                  r.rss_peak_kib / 1024.0, r.rss_before_kib / 1024.0, r.best);
      if (json)
        std::printf("{\"bench\":\"%s_large\",\"dim\":%zu,\"lambda\":%u,\"generations\":%u,\"s_per_gen\":%.6e,"
                    "\"peak_rss_kib\":%ld,\"start_rss_kib\":%ld}\n",
                    name, large_d, lambda, lg, r.s_per_gen, r.rss_peak_kib, r.rss_before_kib);
    }
  }
  return 0;
}
