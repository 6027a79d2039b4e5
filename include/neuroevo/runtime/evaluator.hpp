// A persistent thread pool with dynamic scheduling: workers take the next index from a shared counter,
// and every result is written to its own slot, so outputs never depend on which thread ran what.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace neuroevo {

// The most worker threads one process may ask for: 8 per hardware thread, and at least 64. More only
// adds contention; and each thread costs a stack (a pid limit or address space runs out first), so
// `--threads` above this is a usage error rather than a slow run or a failed start.
size_t max_threads();
// Checks a --threads value (0 = all hardware threads) against [0, max_threads()]; throws UsageError
// naming `option` otherwise.
void check_thread_count(long long threads, const char* option = "--threads");

class Evaluator {
 public:
  // threads <= 0 means all hardware threads. Throws UsageError above max_threads(), and
  // std::runtime_error (with the OS reason) when a worker thread cannot be started; the workers
  // already started are stopped and joined first, so a failed start never hangs.
  explicit Evaluator(int threads);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;
  size_t threads() const { return workers_.size() + 1; }
  // Calls fn(i, worker) for every i in [0, n), worker in [0, threads()). Rethrows the first exception.
  void parallel_for(size_t n, const std::function<void(size_t, size_t)>& fn);

 private:
  void work(size_t worker);
  void shutdown();
  void drain(size_t worker);
  std::vector<std::jthread> workers_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  const std::function<void(size_t, size_t)>* fn_ = nullptr;
  size_t n_ = 0;
  std::atomic<size_t> next_{0};
  size_t busy_ = 0;
  uint64_t round_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

}  // namespace neuroevo
