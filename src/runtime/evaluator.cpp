#include "neuroevo/runtime/evaluator.hpp"

#include <algorithm>
#include <string>
#include <system_error>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

size_t max_threads() {
  return std::max<size_t>(64, 8 * size_t{std::max(1u, std::thread::hardware_concurrency())});
}

void check_thread_count(long long threads, const char* option) {
  if (threads < 0 || static_cast<unsigned long long>(threads) > max_threads())
    throw UsageError(std::string(option) + " " + std::to_string(threads) + " is out of range: give 0 (all " +
                     std::to_string(std::max(1u, std::thread::hardware_concurrency())) +
                     " hardware threads) up to " + std::to_string(max_threads()) +
                     " (8 per hardware thread, at least 64)");
}

Evaluator::Evaluator(int threads) {
  check_thread_count(threads);
  size_t t = threads > 0 ? static_cast<size_t>(threads) : std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(t);
  for (size_t w = 1; w < t; ++w) {
    try {
      workers_.emplace_back([this, w] { work(w); });
    } catch (const std::system_error& e) {
      // The destructor does not run for a half-built object: stop and join the started workers here,
      // while the mutex and condition variables they wait on still exist.
      shutdown();
      throw std::runtime_error("cannot start worker thread " + std::to_string(w + 1) + " of " + std::to_string(t) +
                               ": " + e.code().message() +
                               " (a process or thread limit was reached; lower --threads)");
    }
  }
}

void Evaluator::shutdown() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  workers_.clear();  // joins
}

Evaluator::~Evaluator() { shutdown(); }

void Evaluator::drain(size_t worker) {
  for (size_t i = next_.fetch_add(1); i < n_; i = next_.fetch_add(1)) {
    try {
      (*fn_)(i, worker);
    } catch (...) {
      std::lock_guard lock(mu_);
      if (!error_) error_ = std::current_exception();
      next_.store(n_);  // stop handing out work
    }
  }
}

void Evaluator::work(size_t worker) {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || round_ != seen; });
      if (stop_) return;
      seen = round_;
    }
    drain(worker);
    {
      std::lock_guard lock(mu_);
      if (--busy_ == 0) done_.notify_all();
    }
  }
}

void Evaluator::parallel_for(size_t n, const std::function<void(size_t, size_t)>& fn) {
  {
    std::lock_guard lock(mu_);
    fn_ = &fn;
    n_ = n;
    next_.store(0);
    error_ = nullptr;
    busy_ = workers_.size();
    ++round_;
  }
  wake_.notify_all();
  drain(0);
  std::unique_lock lock(mu_);
  done_.wait(lock, [&] { return busy_ == 0; });
  fn_ = nullptr;
  if (error_) std::rethrow_exception(error_);
}

}  // namespace neuroevo
