#include "neuroevo/core/stop_signal.hpp"

#include <atomic>
#include <csignal>

namespace neuroevo {

namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal flag must be async-signal-safe");

struct sigaction g_previous_int{}, g_previous_term{};

extern "C" void record_signal(int sig) {
  int expected = 0;
  g_signal.compare_exchange_strong(expected, sig);
}

}  // namespace

StopSignals::StopSignals() {
  g_signal.store(0);
  struct sigaction sa{};
  sa.sa_handler = record_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(SIGINT, &sa, &g_previous_int);
  sigaction(SIGTERM, &sa, &g_previous_term);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

int stop_requested() { return g_signal.load(); }

}  // namespace neuroevo
