// The run directory belongs to one process (an flock on DIR/.neuroevo.lock), `--out` is new or empty,
// a resume refuses metrics with gaps, SIGINT/SIGTERM stop gracefully with a checkpoint, and file writes
// name the OS reason and leave no temporary file. Each case reproduces a data loss found by the
// hardening audit (issue 20).
#include <cerrno>
#include <cstring>

#include <sys/resource.h>

#include "cli_util.hpp"
#include "neuroevo/core/files.hpp"

namespace {

using namespace cli_test;
namespace fs = std::filesystem;

// MountainCar's random-looking early policies run the full 200 steps: every generation costs about the
// same, long enough to signal a run in the middle and short enough for a test.
std::string slow_ga_config(int generations) {
  return "[run]\nseed = 1\ngenerations = " + std::to_string(generations) +
         "\ncheckpoint_every = 1\neval_episodes = 2\n\n[env]\nname = \"MountainCar-v0\"\n\n"
         "[policy]\ntype = \"mlp\"\nhidden = [32, 32]\n\n[noise]\nsize = 1048576\n\n"
         "[strategy]\nname = \"ga\"\npopulation = 200\ntruncation = 10\nelite_candidates = 2\nelite_episodes = 2\n";
}

std::string quick_ga_config(int generations, int checkpoint_every) {
  return "[run]\nseed = 2\ngenerations = " + std::to_string(generations) +
         "\ncheckpoint_every = " + std::to_string(checkpoint_every) +
         "\neval_episodes = 2\n\n[env]\nname = \"CartPole-v1\"\n\n"
         "[policy]\ntype = \"mlp\"\nhidden = [8]\n\n[noise]\nsize = 65536\n\n"
         "[strategy]\nname = \"ga\"\npopulation = 12\ntruncation = 4\nelite_candidates = 2\nelite_episodes = 2\n";
}

bool wait_for(const std::function<bool()>& cond, CliProcess& p, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    if (p.poll()) return cond();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// Metrics rows 1..n exactly once, in order.
void expect_rows_1_to(const std::string& dir, long long n) {
  const Metrics m = read_metrics(dir);
  std::vector<long long> want;
  for (long long g = 1; g <= n; ++g) want.push_back(g);
  EXPECT_EQ(m.generations, want) << dir;
  EXPECT_EQ(lines_of(read_file(dir + "/metrics.jsonl")).size(), static_cast<size_t>(n)) << dir;
}

// The audit's first data loss: two runs into one --out interleaved metrics.csv with NUL bytes. The
// second process is refused while the first holds the directory; a graceful SIGINT of the first writes
// a checkpoint that matches its metrics, and the directory is free again afterwards.
TEST(RunDir, SecondProcessIsRefusedAndSigintStopsWithACheckpoint) {
  TempDir tmp;
  write_file(tmp / "slow.toml", slow_ga_config(400));
  const std::string dir = tmp / "run";
  CliProcess a({"run", tmp / "slow.toml", "--out", dir, "--threads", "2"});
  ASSERT_TRUE(wait_for([&] { return metrics_rows(dir) >= 1; }, a, 120)) << "the first run never wrote a row";

  const CliResult b = run_cli({"run", tmp / "slow.toml", "--out", dir, "--threads", "1"}, 60);
  EXPECT_EQ(b.code, 2) << b.describe();
  EXPECT_TRUE(one_line_naming(b.err, {dir, "in use"}));
  const CliResult c = run_cli({"run", "--resume", dir, "--threads", "1"}, 60);
  EXPECT_EQ(c.code, 2) << c.describe();
  EXPECT_TRUE(one_line_naming(c.err, {dir, "in use"}));

  ASSERT_FALSE(a.poll()) << "the first run ended early";
  ::kill(a.pid(), SIGINT);
  const CliResult ra = a.wait(120);
  EXPECT_EQ(ra.code, 130) << ra.describe();
  EXPECT_NE(ra.err.find("SIGINT"), std::string::npos) << ra.err;
  EXPECT_NE(ra.err.find("neuroevo run --resume " + dir), std::string::npos) << ra.err;
  const auto gen = checkpoint_generation(dir);
  ASSERT_TRUE(gen.has_value());
  expect_rows_1_to(dir, *gen);  // the checkpoint is the last row: nothing to cut back on resume
  EXPECT_FALSE(fs::exists(dir + "/summary.json"));
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_NE(e.path().extension(), ".tmp") << e.path();

  // SIGTERM on the resumed run: 143, again a consistent checkpoint further on.
  CliProcess r({"run", "--resume", dir, "--threads", "2"});
  ASSERT_TRUE(wait_for([&] { return metrics_rows(dir) >= static_cast<size_t>(*gen + 1); }, r, 120));
  ::kill(r.pid(), SIGTERM);
  const CliResult rr = r.wait(120);
  EXPECT_EQ(rr.code, 143) << rr.describe();
  EXPECT_NE(rr.err.find("SIGTERM"), std::string::npos) << rr.err;
  const auto gen2 = checkpoint_generation(dir);
  ASSERT_TRUE(gen2.has_value());
  EXPECT_GT(*gen2, *gen);
  expect_rows_1_to(dir, *gen2);
}

// A lock held by a process that was killed (SIGKILL: no cleanup at all) does not block a resume.
TEST(RunDir, LockOfAKilledProcessIsReleased) {
  TempDir tmp;
  write_file(tmp / "slow.toml", slow_ga_config(400));
  const std::string dir = tmp / "run";
  CliProcess a({"run", tmp / "slow.toml", "--out", dir, "--threads", "1"});
  ASSERT_TRUE(wait_for([&] { return checkpoint_generation(dir).has_value(); }, a, 120));
  a.kill_now();
  a.wait(30);
  // The resume owns the directory: interrupt it at once and check it got past the lock.
  CliProcess r({"run", "--resume", dir, "--threads", "1"});
  const auto before = *checkpoint_generation(dir);
  ASSERT_TRUE(wait_for([&] { return checkpoint_generation(dir).value_or(0) > before; }, r, 120))
      << r.wait(1).describe();
  ::kill(r.pid(), SIGINT);
  EXPECT_EQ(r.wait(120).code, 130);
}

// The audit: `run --out DIR` into a directory holding other files overwrote them.
TEST(RunDir, OutMustBeNewOrEmpty) {
  TempDir tmp;
  write_file(tmp / "ga.toml", quick_ga_config(2, 1));
  const std::string dir = tmp / "busy";
  fs::create_directories(dir);
  write_file(dir + "/metrics.csv", "my own metrics\n");
  write_file(dir + "/summary.json", "{\"mine\": true}\n");
  const CliResult r = run_cli({"run", tmp / "ga.toml", "--out", dir, "--threads", "1"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"--out", dir, "not empty", "metrics.csv"}));
  EXPECT_EQ(read_file(dir + "/metrics.csv"), "my own metrics\n");
  EXPECT_EQ(read_file(dir + "/summary.json"), "{\"mine\": true}\n");

  // An existing empty directory is fine; a regular file is not a directory.
  fs::create_directories(tmp / "empty");
  const CliResult ok = run_cli({"run", tmp / "ga.toml", "--out", tmp / "empty", "--threads", "1", "--quiet"});
  EXPECT_EQ(ok.code, 0) << ok.describe();
  EXPECT_TRUE(fs::exists(tmp / "empty/summary.json"));
  const CliResult f = run_cli({"run", tmp / "ga.toml", "--out", tmp / "ga.toml", "--threads", "1"});
  EXPECT_EQ(f.code, 2) << f.describe();
  EXPECT_TRUE(one_line_naming(f.err, {"--out", "not a directory"}));
}

// A config error found after --out was claimed leaves no directory behind.
TEST(RunDir, RejectedConfigLeavesNoDirectory) {
  TempDir tmp;
  write_file(tmp / "ga.toml", quick_ga_config(2, 1));
  const CliResult r =
      run_cli({"run", tmp / "ga.toml", "--out", tmp / "new", "--set", "strategy.populaton=3", "--threads", "1"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_FALSE(fs::exists(tmp / "new"));
}

// The audit: a shortened or deleted metrics.csv before --resume gave a gapped file with exit 0.
TEST(RunDir, ResumeRefusesMetricsWithAGap) {
  TempDir tmp;
  write_file(tmp / "ga.toml", quick_ga_config(4, 2));
  const std::string run = tmp / "run";
  ASSERT_EQ(run_cli({"run", tmp / "ga.toml", "--out", run, "--threads", "1", "--quiet"}).code, 0);
  fs::remove(run + "/summary.json");  // interrupted after generation 4's checkpoint
  auto copy = [&](const std::string& name) {
    fs::copy(run, tmp / name, fs::copy_options::recursive);
    return tmp / name;
  };
  const std::string shortened = copy("shortened");
  const auto lines = lines_of(read_file(shortened + "/metrics.csv"));
  write_file(shortened + "/metrics.csv", lines[0] + "\n" + lines[1] + "\n");
  const CliResult s = run_cli({"run", "--resume", shortened, "--threads", "1"});
  EXPECT_EQ(s.code, 2) << s.describe();
  EXPECT_TRUE(one_line_naming(s.err, {"metrics.csv", "generation 4"}));
  EXPECT_FALSE(fs::exists(shortened + "/summary.json"));

  const std::string deleted = copy("deleted");
  fs::remove(deleted + "/metrics.jsonl");
  const CliResult d = run_cli({"run", "--resume", deleted, "--threads", "1"});
  EXPECT_EQ(d.code, 2) << d.describe();
  EXPECT_TRUE(one_line_naming(d.err, {"metrics.jsonl", "missing"}));

  const std::string foreign = copy("foreign");
  std::string text = read_file(foreign + "/metrics.csv");
  text.replace(text.find("\n2,"), 3, "\n7,");
  write_file(foreign + "/metrics.csv", text);
  const CliResult f = run_cli({"run", "--resume", foreign, "--threads", "1"});
  EXPECT_EQ(f.code, 2) << f.describe();
  EXPECT_TRUE(one_line_naming(f.err, {"metrics.csv", "generation 2"}));

  // Control: rows after the checkpoint (written before a crash) are cut back as before.
  const std::string extra = copy("extra");
  write_file(extra + "/metrics.csv", read_file(extra + "/metrics.csv") + "5,1,1,1,1,1,0,1,1,1,0\n");
  const CliResult e = run_cli({"run", "--resume", extra, "--threads", "1", "--quiet"});
  EXPECT_EQ(e.code, 0) << e.describe();
  expect_rows_1_to(extra, 4);
}

std::vector<std::string> tiny_campaign(const std::string& out) {
  return {"bbob", "run", "--strategies", "random_search", "--functions", "1", "--instances", "1",
          "--dims",  "2", "--budget",     "5",             "--out",       out};
}

// The audit: `bbob run` overwrote an existing campaign silently, and checked --out only after the
// whole campaign was computed.
TEST(RunDir, BbobRunClaimsOutBeforeAnyWork) {
  TempDir tmp;
  const std::string out = tmp / "campaign";
  ASSERT_EQ(run_cli(tiny_campaign(out)).code, 0);
  const std::string runs = read_file(out + "/runs.csv");

  CliResult r = run_cli(tiny_campaign(out));
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"--out", out, "not empty"}));
  EXPECT_EQ(read_file(out + "/runs.csv"), runs);

  auto overwrite = tiny_campaign(out);
  overwrite.push_back("--overwrite");
  r = run_cli(overwrite);
  EXPECT_EQ(r.code, 0) << r.describe();

  // Under a regular file: no directory can be made there. Refused before the first run (no progress).
  write_file(tmp / "file", "x");
  auto bad = tiny_campaign(tmp / "file/sub");
  bad[11] = "1000000";  // a budget that would take long: the check must come first
  r = run_cli(bad, 60);
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"--out", "file/sub"}));
}

// In a death-test child: a 4 KiB file size limit, then a 1 MiB write_atomic; exits 0 when the error names
// EFBIG's reason and the .tmp, no .tmp is left and the target kept its content.
[[noreturn]] void write_under_file_size_limit(const std::string& target) {
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit lim{};
  lim.rlim_cur = lim.rlim_max = 4096;
  ::setrlimit(RLIMIT_FSIZE, &lim);
  bool ok = false;
  try {
    neuroevo::write_atomic(target, std::string(1 << 20, 'x'));
  } catch (const std::runtime_error& e) {
    ok = std::string(e.what()).find(std::strerror(EFBIG)) != std::string::npos &&
         std::string(e.what()).find("target.txt.tmp") != std::string::npos;
    if (!ok) std::fprintf(stderr, "message: %s\n", e.what());
  }
  ok = ok && !fs::exists(target + ".tmp") && read_file(target) == "old content\n";
  std::_Exit(ok ? 0 : 1);
}

// write_atomic: a failed write names the OS reason and leaves neither a .tmp nor a damaged target.
// RLIMIT_FSIZE makes write(2) fail with EFBIG even for root (a full disk cannot be staged in a test).
TEST(RunDir, FailedAtomicWriteNamesTheReasonAndLeavesNoTemporaryFile) {
  TempDir tmp;
  const std::string target = tmp / "target.txt";
  write_file(target, "old content\n");
  EXPECT_EXIT(write_under_file_size_limit(target), ::testing::ExitedWithCode(0), "");
  try {
    neuroevo::write_atomic(tmp / "no/such/dir/file", std::string("x"));
    ADD_FAILURE() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(std::strerror(ENOENT)), std::string::npos) << e.what();
  }
}

// Runs the CLI in a private mount namespace where `dir` is bind-mounted read-only over itself, so every
// write under it fails with EROFS (root ignores file modes, so chmod cannot stage this). `unshare -m`
// needs CAP_SYS_ADMIN (root in the container); otherwise `unshare -rm` maps the user to root in a new
// user namespace. If neither works the mount fails and so does the test: it never skips.
CliResult run_with_read_only(const std::string& dir, const std::vector<std::string>& args) {
  const std::vector<std::string> launcher = {
      "unshare", ::geteuid() == 0 ? "-m" : "-rm", "sh", "-c",
      "mount --bind -o ro \"$1\" \"$1\" || exit 99; shift; exec \"$@\"", "sh", dir};
  CliProcess p(args, launcher);
  return p.wait(120);
}

// The audit: no OS reason on EROFS, and the .tmp left behind. On a read-only file system: a report
// (written by write_atomic) exits 1 naming the file and strerror(EROFS) and leaves nothing in the
// directory; a resume of a read-only run directory and a run into it are refused (exit 2) with the
// reason, and the run's files are untouched.
TEST(RunDir, ReadOnlyFileSystemNamesTheReasonAndLeavesNoTemporaryFile) {
  TempDir tmp;
  write_file(tmp / "ga.toml", quick_ga_config(4, 2));
  const std::string run = tmp / "run";
  ASSERT_EQ(run_cli({"run", tmp / "ga.toml", "--out", run, "--threads", "1", "--quiet"}).code, 0);
  fs::remove(run + "/summary.json");  // as if interrupted after generation 4's checkpoint
  const std::string reason = std::strerror(EROFS);
  auto listing = [](const std::string& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  };

  const std::string ro = tmp / "ro";
  fs::create_directories(ro);
  const CliResult rep = run_with_read_only(ro, {"report", run, "--out", ro + "/report.html"});
  ASSERT_NE(rep.code, 99) << "could not mount a read-only directory: " << rep.describe();
  EXPECT_EQ(rep.code, 1) << rep.describe();
  EXPECT_TRUE(one_line_naming(rep.err, {"report.html", reason}));
  EXPECT_TRUE(listing(ro).empty());

  const auto before = listing(run);
  const std::string checkpoint = read_file(run + "/checkpoint.ckpt"), metrics = read_file(run + "/metrics.csv");
  const CliResult res = run_with_read_only(run, {"run", "--resume", run, "--threads", "1", "--quiet"});
  EXPECT_EQ(res.code, 2) << res.describe();
  EXPECT_TRUE(one_line_naming(res.err, {run, reason}));
  const CliResult sub = run_with_read_only(ro, {"run", tmp / "ga.toml", "--out", ro + "/new", "--threads", "1"});
  EXPECT_EQ(sub.code, 2) << sub.describe();
  EXPECT_TRUE(one_line_naming(sub.err, {"--out", ro + "/new", reason}));
  EXPECT_EQ(listing(run), before);
  EXPECT_EQ(read_file(run + "/checkpoint.ckpt"), checkpoint);
  EXPECT_EQ(read_file(run + "/metrics.csv"), metrics);
  EXPECT_TRUE(listing(ro).empty());
}

}  // namespace
