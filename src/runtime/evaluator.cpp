#include "neuroevo/runtime/evaluator.hpp"

namespace neuroevo {

Evaluator::Evaluator(int threads) {
  size_t t = threads > 0 ? static_cast<size_t>(threads) : std::max(1u, std::thread::hardware_concurrency());
  for (size_t w = 1; w < t; ++w) workers_.emplace_back([this, w] { work(w); });
}

Evaluator::~Evaluator() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
}

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
