// Helpers for tests that drive the built `neuroevo` binary as a user would: start it with arguments,
// capture stdout and stderr, check the exit code; temporary run directories; metrics and JSON files.
#pragma once
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/json_binary.hpp"

#ifndef NEUROEVO_BIN
#error "NEUROEVO_BIN must name the built CLI (tests/CMakeLists.txt defines it)"
#endif
#ifndef NEUROEVO_SOURCE_DIR
#error "NEUROEVO_SOURCE_DIR must name the source tree (tests/CMakeLists.txt defines it)"
#endif

// A test whose dependency (mpirun, MuJoCo, the MNIST package) is missing skips in a developer's build
// but fails when the build was configured with NEUROEVO_REQUIRE_ALL_DEPS=ON (as CI does), so a missing
// install step can never pass as green.
#ifdef NEUROEVO_REQUIRE_ALL_DEPS
#define NEUROEVO_MISSING_DEPENDENCY(what) GTEST_FAIL() << what << " (required: NEUROEVO_REQUIRE_ALL_DEPS=ON)"
#else
#define NEUROEVO_MISSING_DEPENDENCY(what) GTEST_SKIP() << what
#endif

namespace cli_test {

namespace fs = std::filesystem;

inline std::string source_dir() { return NEUROEVO_SOURCE_DIR; }
inline std::string bin() { return NEUROEVO_BIN; }

// Exit code of a finished process: its status, or 128 + signal number when it died from a signal
// (so a crash never looks like any exit code a test expects), or -1 if it had to be killed on timeout.
struct CliResult {
  int code = -1;
  std::string out, err;
  bool timed_out = false;
  std::string describe() const {
    return "exit " + std::to_string(code) + (timed_out ? " (timed out)" : "") + "\n--- stdout:\n" + out +
           "\n--- stderr:\n" + err;
  }
};

inline std::string read_fd(int fd) {
  std::string s;
  ::lseek(fd, 0, SEEK_SET);
  char buf[65536];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) s.append(buf, static_cast<size_t>(n));
  return s;
}

// A child running the CLI with stdout and stderr going to anonymous in-memory files.
class CliProcess {
 public:
  // `launcher`, when given, is a command (looked up in PATH) that runs the CLI as its last arguments,
  // e.g. {"unshare", "-m", ...}.
  explicit CliProcess(const std::vector<std::string>& args, const std::vector<std::string>& launcher = {}) {
    out_fd_ = ::memfd_create("neuroevo_out", 0);
    err_fd_ = ::memfd_create("neuroevo_err", 0);
    if (out_fd_ < 0 || err_fd_ < 0) throw std::runtime_error("memfd_create failed");
    std::vector<std::string> argv_s = launcher;
    argv_s.push_back(bin());
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(out_fd_, STDOUT_FILENO);
      ::dup2(err_fd_, STDERR_FILENO);
      const int devnull = ::open("/dev/null", O_RDONLY);
      if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
  }
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;
  ~CliProcess() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
    }
    ::close(out_fd_);
    ::close(err_fd_);
  }

  pid_t pid() const { return pid_; }

  // Non-blocking: true once the process has ended (then result() is final).
  bool poll() {
    if (reaped_) return true;
    int st = 0;
    const pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) record(st);
    return reaped_;
  }

  void kill_now() {
    if (!reaped_) ::kill(pid_, SIGKILL);
  }

  // Waits for the end (killing the process after timeout_s) and returns its result.
  CliResult wait(double timeout_s = 300.0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (!poll()) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        int st = 0;
        ::waitpid(pid_, &st, 0);
        record(st);
        result_.timed_out = true;
        result_.code = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    result_.out = read_fd(out_fd_);
    result_.err = read_fd(err_fd_);
    return result_;
  }

  bool killed_by(int sig) const { return reaped_ && WIFSIGNALED(status_) && WTERMSIG(status_) == sig; }

 private:
  void record(int st) {
    reaped_ = true;
    status_ = st;
    if (WIFEXITED(st)) result_.code = WEXITSTATUS(st);
    else if (WIFSIGNALED(st)) result_.code = 128 + WTERMSIG(st);
  }

  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  CliResult result_;
};

inline CliResult run_cli(const std::vector<std::string>& args, double timeout_s = 300.0) {
  CliProcess p(args);
  return p.wait(timeout_s);
}

// A fresh directory under /tmp, removed at the end of the test unless the test failed (then it is kept
// for inspection and its path printed).
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "neuroevo_cli_XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "[ kept     ] %s\n", path_.c_str());
      return;
    }
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write '" + path + "'");
  out << text;
}

inline std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  std::istringstream is(s);
  while (std::getline(is, cur, sep)) parts.push_back(cur);
  return parts;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (auto& l : split(text, '\n'))
    if (!l.empty()) out.push_back(l);
  return out;
}

// metrics.csv with the columns that measure time (wall_time, steps_per_s, episodes_per_s) removed:
// what must be identical between runs of one (config, seed), whatever the thread count or resumes.
struct Metrics {
  std::vector<std::string> header;           // kept columns
  std::vector<std::vector<std::string>> rows;  // kept columns, in file order
  std::vector<long long> generations;        // the generation column
};

inline Metrics read_metrics(const std::string& run_dir) {
  const auto lines = lines_of(read_file(run_dir + "/metrics.csv"));
  if (lines.empty()) throw std::runtime_error(run_dir + "/metrics.csv is empty");
  const auto header = split(lines[0], ',');
  const std::vector<std::string> timing = {"wall_time", "steps_per_s", "episodes_per_s"};
  std::vector<bool> keep(header.size(), true);
  size_t found = 0, gen_col = header.size();
  for (size_t c = 0; c < header.size(); ++c) {
    if (std::find(timing.begin(), timing.end(), header[c]) != timing.end()) {
      keep[c] = false;
      ++found;
    }
    if (header[c] == "generation") gen_col = c;
  }
  if (found != timing.size() || gen_col == header.size())
    throw std::runtime_error(run_dir + "/metrics.csv lacks generation/wall_time/steps_per_s/episodes_per_s columns");
  Metrics m;
  for (size_t c = 0; c < header.size(); ++c)
    if (keep[c]) m.header.push_back(header[c]);
  for (size_t i = 1; i < lines.size(); ++i) {
    const auto cells = split(lines[i], ',');
    if (cells.size() != header.size())
      throw std::runtime_error(run_dir + "/metrics.csv line " + std::to_string(i + 1) + " has " +
                               std::to_string(cells.size()) + " cells, the header " + std::to_string(header.size()));
    std::vector<std::string> row;
    for (size_t c = 0; c < cells.size(); ++c)
      if (keep[c]) row.push_back(cells[c]);
    m.rows.push_back(std::move(row));
    m.generations.push_back(std::stoll(cells[gen_col]));
  }
  return m;
}

// The JSON payload of a checksummed neuroevo file (checkpoint.ckpt): everything after the header line,
// with its binary section (core/json_binary.hpp) restored as binary values; discarded JSON if malformed.
inline nlohmann::json checked_payload_json(const std::string& path) {
  const std::string text = read_file(path);
  const auto nl = text.find('\n');
  if (nl == std::string::npos) return nlohmann::json();
  try {
    return neuroevo::unpack_json_binary(std::string_view(text).substr(nl + 1), path);
  } catch (const neuroevo::UsageError&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

// Generation of the checkpoint in run_dir, or nullopt if there is none (or it cannot be read).
inline std::optional<long long> checkpoint_generation(const std::string& run_dir) {
  const std::string path = run_dir + "/checkpoint.ckpt";
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  try {
    const auto j = checked_payload_json(path);
    if (j.is_object() && j.contains("generation") && j["generation"].is_number_integer())
      return j["generation"].get<long long>();
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

inline size_t metrics_rows(const std::string& run_dir) {
  std::error_code ec;
  if (!fs::exists(run_dir + "/metrics.csv", ec)) return 0;
  const auto lines = lines_of(read_file(run_dir + "/metrics.csv"));
  return lines.empty() ? 0 : lines.size() - 1;
}

inline nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_file(path)); }

// One (trimmed) line of text that contains every needle.
inline ::testing::AssertionResult one_line_naming(const std::string& text, const std::vector<std::string>& needles) {
  const auto lines = lines_of(text);
  if (lines.size() != 1)
    return ::testing::AssertionFailure() << "expected a one-line message, got " << lines.size() << " lines:\n" << text;
  for (const auto& n : needles)
    if (text.find(n) == std::string::npos)
      return ::testing::AssertionFailure() << "message does not mention \"" << n << "\":\n" << text;
  return ::testing::AssertionSuccess();
}

// `neuroevo run ARGS --out DIR/tN --threads N --quiet` for N = 1 and then 2. Returns the two run
// directories, or an empty vector (with a test failure naming the output) when a run failed.
inline std::vector<std::string> run_on_one_and_two_threads(const TempDir& tmp, const std::vector<std::string>& args) {
  std::vector<std::string> dirs;
  for (const char* threads : {"1", "2"}) {
    const std::string out = tmp / (std::string("t") + threads);
    std::vector<std::string> a = args;
    a.insert(a.end(), {"--out", out, "--threads", threads, "--quiet"});
    const CliResult r = run_cli(a);
    if (r.code != 0) {
      ADD_FAILURE() << "run on " << threads << " threads: " << r.describe();
      return {};
    }
    dirs.push_back(out);
  }
  return dirs;
}

// Two run directories of one (config, seed) hold the same results: metrics.csv without its timing
// columns, champion.bin byte for byte, and summary.json without wall_time_s.
inline void expect_same_results(const std::string& a, const std::string& b) {
  const Metrics ma = read_metrics(a), mb = read_metrics(b);
  EXPECT_EQ(ma.header, mb.header);
  ASSERT_EQ(ma.rows.size(), mb.rows.size());
  for (size_t i = 0; i < ma.rows.size(); ++i) EXPECT_EQ(ma.rows[i], mb.rows[i]) << "metrics row " << i + 1;
  EXPECT_TRUE(read_file(a + "/champion.bin") == read_file(b + "/champion.bin")) << "champion.bin differs";
  nlohmann::json sa = read_json(a + "/summary.json"), sb = read_json(b + "/summary.json");
  sa.erase("wall_time_s");
  sb.erase("wall_time_s");
  EXPECT_EQ(sa, sb);
}

}  // namespace cli_test
