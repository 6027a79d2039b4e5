#include "neuroevo/runtime/batch_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <numeric>

#include "neuroevo/core/error.hpp"
#include "neuroevo/runtime/evaluator.hpp"
#ifdef NEUROEVO_WITH_MPI
#include "mpi_runner.hpp"
#endif

namespace neuroevo {

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The world size an MPI launcher announces (0 when there is none).
long launcher_world_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    if (const char* v = std::getenv(name)) return std::max(1L, std::atol(v));
  }
  return std::getenv("PMIX_RANK") ? 1 : 0;
}

}  // namespace

bool launched_by_mpi() { return launcher_world_size() > 0; }

std::unique_ptr<BatchRunner> make_batch_runner(int threads, double timeout_s) {
#ifdef NEUROEVO_WITH_MPI
  if (launched_by_mpi()) return make_mpi_runner(threads, timeout_s);
#else
  (void)timeout_s;
  // N copies of a single-process run would all write the same run directory.
  if (launcher_world_size() > 1)
    throw UsageError("this neuroevo was built without MPI (NEUROEVO_WITH_MPI=OFF), so it cannot run under "
                     "mpirun with several ranks; rebuild with libopenmpi-dev installed, or run it without mpirun");
#endif
  return std::make_unique<LocalRunner>(threads);
}

LocalRunner::LocalRunner(int threads) : pool_(std::make_unique<Evaluator>(threads)), since_(now_s()) {
  busy_.assign(pool_->threads(), 0.0);
}

LocalRunner::~LocalRunner() = default;

size_t LocalRunner::threads() const { return pool_->threads(); }

void LocalRunner::evaluate(std::span<Result> results, const std::function<void(size_t, size_t)>& fn) {
  if (!started_) since_ = now_s();  // setup time is nobody's idle time
  started_ = true;
  pool_->parallel_for(results.size(), [&](size_t i, size_t w) {
    const double t0 = now_s();
    fn(i, w);
    busy_[w] += now_s() - t0;  // each worker owns its slot
  });
  individuals_ += results.size();
}

void BatchRunner::evaluate_groups(std::span<Result> results, size_t,
                                  const std::function<void(size_t, size_t, size_t)>& fn) {
  evaluate(results, [&](size_t i, size_t w) { fn(i, 1, w); });
}

void LocalRunner::evaluate_groups(std::span<Result> results, size_t group,
                                  const std::function<void(size_t, size_t, size_t)>& fn) {
  if (!started_) since_ = now_s();
  started_ = true;
  group = std::max<size_t>(group, 1);
  const size_t n = results.size();
  pool_->parallel_for((n + group - 1) / group, [&](size_t g, size_t w) {
    const double t0 = now_s();
    fn(g * group, std::min(group, n - g * group), w);
    busy_[w] += now_s() - t0;
  });
  individuals_ += n;
}

RunnerStats LocalRunner::take_stats() {
  const double t = now_s(), wall = t - since_;
  RunnerStats s;
  s.individuals = individuals_;
  const double busy = std::accumulate(busy_.begin(), busy_.end(), 0.0);
  s.rank_util = {wall > 0 ? busy / (wall * double(busy_.size())) : 0.0};
  busy_.assign(busy_.size(), 0.0);
  individuals_ = 0;
  since_ = t;
  return s;
}

}  // namespace neuroevo
