// Ownership and consistency of a run directory (`run --out`, `run --resume`, `bbob run --out`).
//
// A run directory belongs to one process at a time: RunLock holds an exclusive flock(2) on
// DIR/.neuroevo.lock for as long as it lives. The kernel drops the lock when the process ends in any way
// (exit, crash, SIGKILL, OOM kill), so a stale lock never blocks a resume and no cleanup is needed.
// Readers (`eval`, anything that only reads) do not take it.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace neuroevo {

inline constexpr const char* kRunLockFile = ".neuroevo.lock";

class RunLock {
 public:
  enum class Mode {
    New,       // the directory must be new or empty (nothing but the lock file); created if missing
    Existing,  // the directory must exist (a resume)
    Overwrite  // created if missing; existing contents are allowed (bbob run --overwrite)
  };
  // Throws UsageError naming `option` and the directory when it is held by another process, is not
  // empty (Mode::New), is missing (Mode::Existing) or cannot be created or written (with the OS reason).
  RunLock(const std::string& dir, Mode mode, const std::string& option);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int fd_ = -1;
  bool created_ = false;  // this lock made the directory: removed again if nothing else was written
};

// Checks the counters of a checkpoint's JSON (read from an untrusted file) against the run they are
// for: `generation` an integer in [1, generations] equal to the restored strategy's generation, the
// episode and step counters non-negative integers, wall_time finite and >= 0. Throws UsageError
// naming `path`.
void check_checkpoint_counters(const nlohmann::json& checkpoint, uint64_t strategy_generation, uint64_t generations,
                               const std::string& path);

// After a graceful stop by signal `sig` at the end of `generation` (the checkpoint is written): prints
// (when `print`, i.e. on MPI rank 0) what happened and the command that resumes, on stderr, and returns
// the exit code 128 + sig (130 for SIGINT, 143 for SIGTERM).
int report_stop(int sig, uint64_t generation, uint64_t generations, const std::string& dir, bool print);

}  // namespace neuroevo
