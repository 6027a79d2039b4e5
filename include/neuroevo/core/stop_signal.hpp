// Graceful stop on SIGINT / SIGTERM for long runs.
//
// While a StopSignals object lives, the first SIGINT or SIGTERM is only recorded; the run loop polls
// stop_requested() between generations, writes a checkpoint and exits with 128 + the signal number
// (130 for SIGINT, 143 for SIGTERM). The handlers are one-shot (SA_RESETHAND): a second signal gets
// the default action and ends the process at once, for a user who does not want to wait for the
// current generation. The previous handlers are restored when the object is destroyed.
//
// The recorded signal number is the one piece of process-wide mutable state in neuroevo: a signal
// handler can only communicate through a lock-free atomic with static storage.
#pragma once

namespace neuroevo {

class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
};

// The signal number received since the StopSignals object was created, or 0.
int stop_requested();

}  // namespace neuroevo
