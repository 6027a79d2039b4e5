#include "neuroevo/runtime/run_dir.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cmath>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

namespace fs = std::filesystem;

namespace {

std::string os_reason() { return std::strerror(errno); }

// Up to three entries of `dir` other than the lock file, for the "not empty" message.
std::string other_entries(const std::string& dir, size_t& count) {
  std::string names;
  count = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name == kRunLockFile) continue;
    if (count < 3) names += (count ? ", " : "") + name;
    ++count;
  }
  if (count > 3) names += ", ...";
  return names;
}

}  // namespace

RunLock::RunLock(const std::string& dir, Mode mode, const std::string& option) : dir_(dir) {
  std::error_code ec;
  const bool exists = fs::exists(dir, ec);
  if (exists && !fs::is_directory(dir, ec))
    throw UsageError(option + ": '" + dir + "' exists and is not a directory");
  if (!exists) {
    if (mode == Mode::Existing) throw UsageError(option + ": '" + dir + "' is not a run directory (it does not exist)");
    fs::create_directories(dir, ec);
    if (ec) throw UsageError(option + ": cannot create directory '" + dir + "': " + ec.message());
    created_ = true;
  }
  const std::string path = dir + "/" + kRunLockFile;
  // The lock file can be replaced between open() and flock() by a process that removes an abandoned
  // directory's lock file (see the destructor); a lock taken on an unlinked inode protects nothing, so
  // check that the path still names the locked inode and retry otherwise.
  for (int attempt = 0;; ++attempt) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw UsageError(option + ": cannot write in '" + dir + "' (" + path + "): " + os_reason());
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd_);
      fd_ = -1;
      if (err == EWOULDBLOCK)
        throw UsageError(option + ": '" + dir + "' is in use by another neuroevo process (" + path +
                         " is locked); wait for it to finish or choose another directory");
      throw UsageError(option + ": cannot lock '" + path + "': " + std::strerror(err));
    }
    struct stat held{}, named{};
    if (::fstat(fd_, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev)
      break;
    ::close(fd_);
    fd_ = -1;
    if (attempt == 10) throw UsageError(option + ": '" + dir + "' keeps changing while it is being locked");
  }
  if (mode == Mode::New) {
    size_t count = 0;
    const std::string names = other_entries(dir, count);
    if (count) {
      const bool run = fs::exists(dir + "/config.toml", ec);
      ::close(fd_);
      fd_ = -1;
      throw UsageError(option + ": '" + dir + "' " +
                       (run ? "already holds a run; use --resume " + dir + " to continue it, or another directory"
                            : "is not empty (it holds " + names +
                                  "); give a new or empty directory so that no file is overwritten"));
    }
  }
}

RunLock::~RunLock() {
  if (fd_ < 0) return;
  if (created_) {
    // A run that stopped before writing anything (e.g. a config error found after the directory was
    // claimed) leaves no empty directory behind.
    size_t count = 0;
    other_entries(dir_, count);
    if (count == 0) {
      std::error_code ec;
      fs::remove(dir_ + "/" + kRunLockFile, ec);
      fs::remove(dir_, ec);
    }
  }
  ::close(fd_);  // releases the flock
}

void check_checkpoint_counters(const nlohmann::json& j, uint64_t strategy_generation, uint64_t generations,
                               const std::string& path) {
  auto counter = [&](const char* key, bool required) -> uint64_t {
    if (!j.contains(key)) {
      if (required) throw UsageError("'" + path + "' is corrupt: no '" + key + "'");
      return 0;
    }
    const auto& v = j.at(key);
    if (!v.is_number_unsigned())
      throw UsageError("'" + path + "' is corrupt: '" + key + "' = " + v.dump() + " is not a non-negative integer");
    return v.get<uint64_t>();
  };
  if (!j.is_object()) throw UsageError("'" + path + "' is corrupt: the payload is not a JSON object");
  const uint64_t gen = counter("generation", true);
  // 0 is a stop before the first generation finished (a signal during set-up or generation 1).
  if (gen > generations)
    throw UsageError("'" + path + "' is corrupt: generation " + std::to_string(gen) +
                     " is outside this run's 0.." + std::to_string(generations));
  if (gen != strategy_generation)
    throw UsageError("'" + path + "' is corrupt: generation " + std::to_string(gen) +
                     " differs from its strategy state's generation " + std::to_string(strategy_generation));
  counter("episodes", true);
  counter("env_steps", true);
  counter("unstable_episodes", false);
  const auto& w = j.at("wall_time");
  if (!w.is_number() || !std::isfinite(w.get<double>()) || w.get<double>() < 0)
    throw UsageError("'" + path + "' is corrupt: wall_time = " + w.dump() + " is not a finite number >= 0");
}

int report_stop(int sig, uint64_t generation, uint64_t generations, const std::string& dir, bool print) {
  if (print) {
    const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
    std::fprintf(stderr,
                 "stopped by %s after generation %llu of %llu; checkpoint written to %s/checkpoint.ckpt\n"
                 "resume with: neuroevo run --resume %s\n",
                 name, static_cast<unsigned long long>(generation), static_cast<unsigned long long>(generations),
                 dir.c_str(), dir.c_str());
    std::fflush(stderr);
  }
  return 128 + sig;
}

}  // namespace neuroevo
