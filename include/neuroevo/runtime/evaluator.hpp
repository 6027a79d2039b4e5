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

class Evaluator {
 public:
  // threads <= 0 means all hardware threads.
  explicit Evaluator(int threads);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;
  size_t threads() const { return workers_.size() + 1; }
  // Calls fn(i, worker) for every i in [0, n), worker in [0, threads()). Rethrows the first exception.
  void parallel_for(size_t n, const std::function<void(size_t, size_t)>& fn);

 private:
  void work(size_t worker);
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
