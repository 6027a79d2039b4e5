// End-to-end tests of the `neuroevo` command line (docs/design.md, "Command line" and "Determinism"):
// they start the built binary, capture its output and check exit codes exactly. Configs are kept small
// (small networks and populations, few generations, a 1M-value noise table) so the whole file runs in
// well under a minute of CPU time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "cli_util.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/json_binary.hpp"

namespace {

using namespace cli_test;
using nlohmann::json;

// ---------------------------------------------------------------------------------------------------
// Configs

std::string ga_config(int population, int generations, int checkpoint_every, int elite_episodes = 3,
                      const std::string& hidden = "[16, 16]", int seed = 0) {
  return "[run]\nseed = " + std::to_string(seed) + "\ngenerations = " + std::to_string(generations) +
         "\ncheckpoint_every = " + std::to_string(checkpoint_every) +
         "\neval_episodes = 5\n\n"
         "[env]\nname = \"CartPole-v1\"\n\n"
         "[policy]\ntype = \"mlp\"\nhidden = " + hidden + "\nactivation = \"tanh\"\n\n"
         "[task]\nepisodes = 1\n\n"
         "[noise]\nsize = 1048576\n\n"
         "[strategy]\nname = \"ga\"\npopulation = " + std::to_string(population) +
         "\ntruncation = 6\nsigma = 0.1\nelite_candidates = 3\nelite_episodes = " + std::to_string(elite_episodes) + "\n";
}

std::string es_config(int population, int generations, int seed, int eval_episodes, const std::string& hidden,
                      const std::string& env = "CartPole-v1") {
  return "[run]\nseed = " + std::to_string(seed) + "\ngenerations = " + std::to_string(generations) +
         "\ncheckpoint_every = 2\neval_episodes = " + std::to_string(eval_episodes) + "\n\n"
         "[env]\nname = \"" + env + "\"\n\n"
         "[policy]\ntype = \"mlp\"\nhidden = " + hidden + "\nactivation = \"tanh\"\nobs_norm = true\nobs_norm_prob = 0.25\n\n"
         "[task]\nepisodes = 1\n\n"
         "[noise]\nsize = 1048576\n\n"
         "[strategy]\nname = \"openai_es\"\npopulation = " + std::to_string(population) +
         "\nsigma = 0.05\nlearning_rate = 0.03\n";
}

std::string random_search_config() {
  return "[run]\nseed = 4\ngenerations = 5\ncheckpoint_every = 2\neval_episodes = 5\n\n"
         "[env]\nname = \"CartPole-v1\"\n\n"
         "[policy]\ntype = \"mlp\"\nhidden = [16]\n\n"
         "[noise]\nsize = 1048576\n\n"
         "[strategy]\nname = \"random_search\"\npopulation = 24\n";
}

// A strategy whose candidates are structured genomes (variable-length sparse linear policies).
std::string sparse_hc_config(int population, int generations, int episodes) {
  return "[run]\nseed = 3\ngenerations = " + std::to_string(generations) + "\ncheckpoint_every = 2\neval_episodes = 5\n\n"
         "[env]\nname = \"CartPole-v1\"\n\n"
         "[policy]\nobs_norm = true\nobs_norm_prob = 0.5\n\n"
         "[task]\nepisodes = " + std::to_string(episodes) + "\n\n"
         "[strategy]\nname = \"sparse_hc\"\npopulation = " + std::to_string(population) + "\n";
}

// NEAT on XOR (examples/neat_xor.toml at a chosen population and length).
std::string neat_config(int population, int generations) {
  return "[run]\nseed = 5\ngenerations = " + std::to_string(generations) + "\ncheckpoint_every = 2\neval_episodes = 1\n\n"
         "[env]\nname = \"xor\"\n\n[task]\nepisodes = 1\n\n"
         "[strategy]\nname = \"neat\"\npopulation = " + std::to_string(population) + "\n";
}

std::string write_config(const TempDir& tmp, const std::string& name, const std::string& text) {
  const std::string path = tmp / name;
  write_file(path, text);
  return path;
}

std::vector<std::string> run_args(const std::string& config, const std::string& out, int threads,
                                  const std::vector<std::string>& sets = {}) {
  std::vector<std::string> a = {"run", config, "--out", out, "--threads", std::to_string(threads)};
  for (const auto& s : sets) {
    a.push_back("--set");
    a.push_back(s);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------------
// Comparisons of run directories

json without(json j, const std::string& key) {
  if (j.is_object()) j.erase(key);
  return j;
}

void expect_generations_1_to_n(const Metrics& m, long long n, const std::string& what) {
  std::vector<long long> expected;
  for (long long g = 1; g <= n; ++g) expected.push_back(g);
  EXPECT_EQ(m.generations, expected) << what << ": every generation exactly once, in order";
}

// Two runs of one (config, seed): metrics rows (time columns aside), champion.bin byte for byte, the
// summary and the final checkpoint (wall time aside; and its config checksum when the run directories'
// config.toml files differ in keys left at their defaults, !same_stored_config) must all be identical.
void expect_identical_runs(const std::string& a, const std::string& b, long long generations,
                           bool same_stored_config = true) {
  const Metrics ma = read_metrics(a), mb = read_metrics(b);
  EXPECT_EQ(ma.header, mb.header);
  ASSERT_EQ(ma.rows.size(), mb.rows.size()) << a << " vs " << b;
  for (size_t i = 0; i < ma.rows.size(); ++i) EXPECT_EQ(ma.rows[i], mb.rows[i]) << "metrics row " << i + 1;
  expect_generations_1_to_n(ma, generations, a);
  expect_generations_1_to_n(mb, generations, b);

  const std::string ca = read_file(a + "/champion.bin"), cb = read_file(b + "/champion.bin");
  EXPECT_FALSE(ca.empty());
  EXPECT_TRUE(ca == cb) << "champion.bin differs between " << a << " and " << b;

  EXPECT_EQ(without(read_json(a + "/summary.json"), "wall_time_s"), without(read_json(b + "/summary.json"), "wall_time_s"));
  auto checkpoint = [&](const std::string& dir) {
    json j = without(checked_payload_json(dir + "/checkpoint.ckpt"), "wall_time");
    return same_stored_config ? j : without(j, "config_checksum");
  };
  EXPECT_EQ(checkpoint(a), checkpoint(b));

  // metrics.jsonl: one parseable line per generation.
  const auto jl = lines_of(read_file(a + "/metrics.jsonl"));
  EXPECT_EQ(jl.size(), static_cast<size_t>(generations));
  for (const auto& l : jl) EXPECT_TRUE(json::parse(l, nullptr, false).is_object()) << l;
}

void run_ok(const std::vector<std::string>& args) {
  const CliResult r = run_cli(args);
  ASSERT_EQ(r.code, 0) << r.describe();
}

void check_threads_determinism(const std::string& config_text, long long generations) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", config_text);
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, tmp / "t1", 1)));
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, tmp / "t2", 2)));
  expect_identical_runs(tmp / "t1", tmp / "t2", generations);
}

// ---------------------------------------------------------------------------------------------------
// 1. Determinism: 1 thread and 2 threads give the same run.

TEST(CliDeterminism, GaOneAndTwoThreadsIdentical) {
  check_threads_determinism(ga_config(30, 6, 2), 6);
}

TEST(CliDeterminism, OpenAiEsWithObsNormOneAndTwoThreadsIdentical) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", es_config(24, 6, 1, 5, "[16, 16]"));
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, tmp / "t1", 1)));
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, tmp / "t2", 2)));
  expect_identical_runs(tmp / "t1", tmp / "t2", 6);
  // The normaliser is really in use (and therefore covered by the comparison above).
  const json ck = checked_payload_json(tmp / "t1/checkpoint.ckpt");
  EXPECT_FALSE(ck.at("obs_norm").is_null());
}

TEST(CliDeterminism, RandomSearchOneAndTwoThreadsIdentical) {
  check_threads_determinism(random_search_config(), 5);
}

TEST(CliDeterminism, StructuredGenomesOneAndTwoThreadsIdentical) {
  check_threads_determinism(sparse_hc_config(16, 6, 2), 6);
}

TEST(CliDeterminism, NeatOneAndTwoThreadsIdentical) {
  check_threads_determinism(neat_config(60, 6), 6);
}

TEST(CliDeterminism, SeedOptionChangesTheRun) {
  // The comparisons above could pass if nothing depended on the seed; --seed must change the run.
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", ga_config(20, 2, 2));
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, tmp / "s0", 2)));
  auto args = run_args(cfg, tmp / "s1", 2);
  args.insert(args.end(), {"--seed", "1"});
  ASSERT_NO_FATAL_FAILURE(run_ok(args));
  EXPECT_NE(read_metrics(tmp / "s0").rows, read_metrics(tmp / "s1").rows);
  const auto resolved = toml::parse_file(tmp / "s1/config.toml");
  EXPECT_EQ(resolved["run"]["seed"].value_or(int64_t{-1}), 1) << "the run directory's config records the seed";
}

// ---------------------------------------------------------------------------------------------------
// 2. Resume

struct KillResult {
  bool killed = false;  // false: the run ended before the condition was met
  std::optional<long long> checkpoint;
  size_t rows = 0;
};

// Starts `args`, polls the run directory and sends SIGKILL as soon as should_kill(checkpoint generation,
// metrics rows) holds.
template <class Pred>
KillResult run_and_kill(const std::vector<std::string>& args, const std::string& dir, Pred should_kill) {
  CliProcess p(args);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!p.poll()) {
    if (should_kill(checkpoint_generation(dir), metrics_rows(dir))) {
      p.kill_now();
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      p.kill_now();
      ADD_FAILURE() << "run did not reach the kill point in 120 s";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const CliResult r = p.wait();
  KillResult k;
  k.killed = p.killed_by(SIGKILL);
  if (!k.killed) {
    EXPECT_EQ(r.code, 0) << r.describe();
  }
  k.checkpoint = checkpoint_generation(dir);
  k.rows = metrics_rows(dir);
  return k;
}

// Kills a run after its checkpoint for generation >= 2, preferably once a later generation's metrics row
// is written (so resuming must also drop rows the checkpoint does not cover), resumes it with another
// thread count and compares it with an uninterrupted run of the same config. If the run is too fast to be
// caught mid-way, retries with a slower config (config_for(attempt)); never passes without having
// resumed a killed run.
void check_kill_and_resume(const std::function<std::string(int attempt)>& config_for, int generations) {
  TempDir tmp;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::string cfg = write_config(tmp, "config" + std::to_string(attempt) + ".toml", config_for(attempt));
    const std::string killed = tmp / ("killed" + std::to_string(attempt));
    const KillResult k = run_and_kill(run_args(cfg, killed, 2), killed, [](std::optional<long long> ck, size_t rows) {
      return ck && *ck >= 2 && (rows > static_cast<size_t>(*ck) || *ck >= 4);
    });
    if (::testing::Test::HasFailure()) return;
    if (!k.killed) {
      std::printf("[ note     ] attempt %d: the run finished before it could be killed; retrying slower\n", attempt);
      continue;
    }
    ASSERT_TRUE(k.checkpoint.has_value()) << "killed after a checkpoint, but none is left";
    ASSERT_GE(*k.checkpoint, 2);
    ASSERT_LT(*k.checkpoint, generations);
    ASSERT_FALSE(fs::exists(killed + "/summary.json"));
    std::printf("[ note     ] killed at checkpoint %lld with %zu metrics rows\n", *k.checkpoint, k.rows);

    const CliResult r = run_cli({"run", "--resume", killed, "--threads", "1"});
    ASSERT_EQ(r.code, 0) << r.describe();
    EXPECT_NE(r.out.find("resuming"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("from generation " + std::to_string(*k.checkpoint)), std::string::npos) << r.out;

    const std::string reference = tmp / ("reference" + std::to_string(attempt));
    ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, reference, 2)));
    expect_identical_runs(reference, killed, generations);
    return;
  }
  FAIL() << "the run finished every time before it could be killed mid-way; no resume was tested";
}

TEST(CliResume, GaKilledAfterCheckpointResumesToTheSameResult) {
  check_kill_and_resume([](int attempt) {
    return ga_config(60 << attempt, 10, 2, 5 << attempt, "[64, 64]", 3);
  }, 10);
}

// run.max_env_steps: the run stops after the first generation whose cumulative env_steps reach the budget.
// The stopping generation is read off an unbudgeted run's env_steps column (the budget is one step past
// generation 6's total, so generation 7 is the first to reach it, as it is for a budget of exactly generation
// 7's total); the budgeted run must equal that run's
// first 7 generations, keep a champion of its last generation, and a killed and resumed budgeted run must
// equal the uninterrupted one.
TEST(CliResume, FrameBudgetStopsAtTheFirstGenerationReachingItAndResumesToTheSameResult) {
  TempDir tmp;
  constexpr long long kStop = 7;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const std::string tag = std::to_string(attempt);
    const std::string cfg = write_config(tmp, "config" + tag + ".toml",
                                         ga_config(60 << attempt, 10, 2, 5 << attempt, "[64, 64]", 3));
    const std::string open = tmp / ("unbudgeted" + tag);
    ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, open, 2)));
    const Metrics full = read_metrics(open);
    const auto col = std::find(full.header.begin(), full.header.end(), "env_steps") - full.header.begin();
    ASSERT_LT(static_cast<size_t>(col), full.header.size()) << "metrics.csv has no env_steps column";
    ASSERT_EQ(full.rows.size(), 10u);
    const long long budget = std::stoll(full.rows[kStop - 2][col]) + 1;
    ASSERT_LE(budget, std::stoll(full.rows[kStop - 1][col])) << "generation " << kStop << " ran no episode";
    const std::vector<std::string> sets = {"run.max_env_steps=" + std::to_string(budget), "run.keep_champions=true"};

    const std::string reference = tmp / ("budgeted" + tag);
    ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, reference, 2, sets)));
    const Metrics part = read_metrics(reference);
    ASSERT_EQ(part.rows.size(), static_cast<size_t>(kStop));
    for (size_t i = 0; i < part.rows.size(); ++i) EXPECT_EQ(part.rows[i], full.rows[i]) << "metrics row " << i + 1;
    EXPECT_EQ(read_json(reference + "/summary.json").at("generations").get<long long>(), kStop);
    EXPECT_TRUE(fs::exists(reference + "/champions/gen000007.bin")) << "the last generation is a checkpoint";
    // A budget of exactly generation 7's total is reached by generation 7 too (reaching, not exceeding).
    const std::string exact = tmp / ("exact" + tag);
    ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, exact, 2, {"run.max_env_steps=" + full.rows[kStop - 1][col]})));
    EXPECT_EQ(read_metrics(exact).rows.size(), static_cast<size_t>(kStop));

    const std::string killed = tmp / ("killed" + tag);
    const KillResult k = run_and_kill(run_args(cfg, killed, 2, sets), killed, [](std::optional<long long> ck, size_t rows) {
      return ck && *ck >= 2 && rows > static_cast<size_t>(*ck);
    });
    if (::testing::Test::HasFailure()) return;
    if (!k.killed || !k.checkpoint || *k.checkpoint >= kStop) {
      std::printf("[ note     ] attempt %d: the run finished before it could be killed; retrying slower\n", attempt);
      continue;
    }
    ASSERT_FALSE(fs::exists(killed + "/summary.json"));
    const CliResult r = run_cli({"run", "--resume", killed, "--threads", "1"});
    ASSERT_EQ(r.code, 0) << r.describe();
    EXPECT_NE(r.out.find("from generation " + std::to_string(*k.checkpoint)), std::string::npos) << r.out;
    expect_identical_runs(reference, killed, kStop);
    return;
  }
  FAIL() << "the run finished every time before it could be killed mid-way; no resume was tested";
}

// FNV-1a 64 (Fowler, Noll, Vo; offset basis 14695981039346656037, prime 1099511628211), written out
// here independently of core/files.hpp.
uint64_t fnv1a64_reference(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A run directory of an older build: its config.toml, that build's resolved config, lacks a key this build
// has (with a default), and its checkpoint's checksum is that of the file as it is. Made from a 2-generation
// run of the 4-generation config: config.toml gets generations = 4 and loses `run.keep_champions = false`,
// and the checkpoint gets the FNV-1a of the edited text. The resume must be accepted, say which key took its
// default, equal an uninterrupted run and leave config.toml as it was.
TEST(CliResume, RunDirectoryWithoutAKeyAddedSinceResumesWithItsDefaultToTheSameResult) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", ga_config(30, 4, 2));
  const std::string reference = tmp / "reference", old = tmp / "old";
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, reference, 2)));
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, old, 2, {"run.generations=2"})));
  fs::remove(old + "/summary.json");
  std::string stored = read_file(old + "/config.toml");
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"generations = 2\n", "generations = 4\n"},
                                 {"keep_champions = false\n", ""}}) {
    const auto pos = stored.find(from);
    ASSERT_NE(pos, std::string::npos) << from << " not in\n" << stored;
    stored.replace(pos, from.size(), to);
  }
  write_file(old + "/config.toml", stored);
  auto payload = neuroevo::read_checked(old + "/checkpoint.ckpt", "checkpoint");
  auto ckpt = neuroevo::unpack_json_binary(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()),
                                           "test");
  ASSERT_EQ(ckpt.at("generation").get<long long>(), 2);
  ckpt["config_checksum"] = fnv1a64_reference(stored);
  const std::string packed = neuroevo::pack_json_binary(ckpt);
  neuroevo::write_checked(old + "/checkpoint.ckpt", "checkpoint",
                          std::span(reinterpret_cast<const uint8_t*>(packed.data()), packed.size()));

  const CliResult r = run_cli({"run", "--resume", old, "--threads", "1"});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_NE(r.out.find("from generation 2"), std::string::npos) << r.out;
  const auto lines = lines_of(r.out);
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.starts_with("note: ") && l.find("config.toml") != std::string::npos &&
           l.find("default: run.keep_champions = false") != std::string::npos;
  })) << "the note names the key and its default:\n" << r.out;
  EXPECT_EQ(read_file(old + "/config.toml"), stored) << "a resume never rewrites the stored config";
  expect_identical_runs(reference, old, 4, false);
  EXPECT_EQ(checked_payload_json(old + "/checkpoint.ckpt").at("config_checksum").get<uint64_t>(),
            fnv1a64_reference(stored))
      << "the resumed run's checkpoints stay tied to the stored config.toml, so it resumes again";
  EXPECT_EQ(checked_payload_json(reference + "/checkpoint.ckpt").at("config_checksum").get<uint64_t>(),
            fnv1a64_reference(read_file(reference + "/config.toml")))
      << "a new run's checkpoint carries the checksum of the config.toml it wrote";
}

TEST(CliResume, OpenAiEsWithObsNormKilledAfterCheckpointResumesToTheSameResult) {
  // Adam's moments and the observation normaliser must survive the checkpoint.
  check_kill_and_resume([](int attempt) { return es_config(200 << attempt, 10, 2, 5, "[64, 64]"); }, 10);
}

TEST(CliResume, GpProgramsKilledAfterCheckpointResumeToTheSameResult) {
  // The GP population, its fitness and PIMP preferences are the strategy state (strategies/gp.cpp).
  check_kill_and_resume([](int attempt) {
    return "[run]\nseed = 2\ngenerations = 10\ncheckpoint_every = 1\n[task]\ntype = \"symbolic_regression\"\n"
           "problem = \"vladislavleva4\"\n[strategy]\nname = \"gp\"\nmate_choice = \"pimp\"\npopulation = " +
           std::to_string(400 << attempt) + "\n";
  }, 10);
}

TEST(CliResume, GpLexicaseWithConstantFittingKilledAfterCheckpointResumesToTheSameResult) {
  // Lexicase keeps the population's per-case errors in the state; the fitted constants live in the programs.
  check_kill_and_resume([](int attempt) {
    return "[run]\nseed = 3\ngenerations = 10\ncheckpoint_every = 1\n[task]\ntype = \"symbolic_regression\"\n"
           "problem = \"keijzer6\"\n[strategy]\nname = \"gp\"\nselection = \"lexicase\"\nconstant_fitting = \"lm\"\n"
           "population = " + std::to_string(200 << attempt) + "\n";
  }, 10);
}

TEST(CliResume, GpNsga2KilledAfterCheckpointResumesToTheSameResult) {
  // NSGA-II keeps the parents, their fronts and crowding distances in the state.
  check_kill_and_resume([](int attempt) {
    return "[run]\nseed = 4\ngenerations = 10\ncheckpoint_every = 1\n[task]\ntype = \"symbolic_regression\"\n"
           "problem = \"vladislavleva4\"\n[strategy]\nname = \"gp\"\nselection = \"nsga2\"\nmate_choice = \"pimp\"\n"
           "population = " + std::to_string(300 << attempt) + "\n";
  }, 10);
}

TEST(CliResume, StructuredGenomesKilledAfterCheckpointResumeToTheSameResult) {
  // The parent genome (a variable-length connection list) and the normaliser must survive the checkpoint.
  check_kill_and_resume([](int attempt) { return sparse_hc_config(100 << attempt, 10, 5 << attempt); }, 10);
}

TEST(CliResume, NeatKilledAfterCheckpointResumesToTheSameResult) {
  // The population, species, innovation counters and champion must survive the checkpoint.
  check_kill_and_resume([](int attempt) { return neat_config(2000 << attempt, 10); }, 10);
}

TEST(CliEval, NeatChampionReEvaluatesAndIsDrawn) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", neat_config(100, 20));
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, tmp / "run", 2)));
  const json summary = read_json(tmp / "run/summary.json");
  const CliResult r = run_cli({"eval", tmp / "run", "--episodes", "1", "--seed", "5", "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const json ev = json::parse(r.out);
  EXPECT_EQ(ev.at("mean_return"), summary.at("champion").at("mean_return"));
  EXPECT_EQ(ev.at("policy"), summary.at("policy"));
  EXPECT_NE(summary.at("policy").get<std::string>().find("NEAT feed-forward network: 2 inputs"), std::string::npos);
  const std::string svg = read_file(tmp / "run/champion.svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("<line"), std::string::npos) << "the champion's enabled connections are drawn";
}

TEST(NeatCli, BadKeysAndCorruptGenomeExitTwo) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", neat_config(20, 2));
  CliResult r = run_cli({"run", cfg, "--out", tmp / "a", "--set", "strategy.output_activation=sigmoidd"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_NE(r.err.find("output_activation"), std::string::npos) << r.err;
  r = run_cli({"run", cfg, "--out", tmp / "b", "--set", "strategy.population=0"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_NE(r.err.find("strategy.population"), std::string::npos) << r.err;
  r = run_cli({"run", cfg, "--out", tmp / "c", "--set", "env.name=parity-1"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_NE(r.err.find("parity-1"), std::string::npos) << r.err;
}

TEST(NeatCli, BadSubstrateAndRecurrentCppnExitTwoNamingTheKey) {
  // Issue 16's bad input: a substrate layer of size 0, an activation that does not exist, and a recurrent
  // genome where only feed-forward networks are possible (HyperNEAT's CPPN).
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", neat_config(20, 2));
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"strategy.substrate", {"strategy.encoding=hyperneat", "strategy.substrate=3x0"}},
      {"strategy.cppn_activations", {"strategy.encoding=hyperneat", "strategy.cppn_activations=sine,wave"}},
      {"strategy.hidden_activation", {"strategy.hidden_activation=sigmod"}},
      {"strategy.recurrent", {"strategy.encoding=hyperneat", "strategy.recurrent=true"}},
      {"strategy.weight_scheme", {"strategy.weight_scheme=neat2"}},
      {"strategy.substrate_input", {"strategy.encoding=hyperneat", "strategy.substrate_input=grid"}},  // xor: a vector
      {"strategy.fitness", {"strategy.fitness=novel"}},
  };
  int k = 0;
  for (const auto& [key, sets] : cases) {
    std::vector<std::string> args{"run", cfg, "--out", tmp / ("bad" + std::to_string(k++))};
    for (const auto& kv : sets) args.insert(args.end(), {"--set", kv});
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.code, 2) << key << ": " << r.describe();
    EXPECT_NE(r.err.find(key), std::string::npos) << key << ": " << r.err;
  }
}

TEST(NeatCli, UnparsableChampionGenomeExitsTwo) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", neat_config(20, 2));
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, tmp / "run", 1)));
  const std::string good = read_file(tmp / "run/champion.bin");
  ASSERT_GT(good.size(), 16u);
  // Truncated at several points, and every genome byte after the header overwritten: each is a clear error
  // (exit 2, the file named), never a crash.
  std::vector<std::string> broken;
  for (size_t cut : {good.size() / 4, good.size() / 2, good.size() - 1}) broken.push_back(good.substr(0, cut));
  std::string garbage = good;
  for (size_t i = good.size() / 2; i < good.size(); ++i) garbage[i] = static_cast<char>(0xff);
  broken.push_back(garbage);
  for (size_t k = 0; k < broken.size(); ++k) {
    write_file(tmp / "run/champion.bin", broken[k]);
    const CliResult r = run_cli({"eval", tmp / "run", "--episodes", "1"});
    EXPECT_EQ(r.code, 2) << "case " << k << ": " << r.describe();
    EXPECT_NE(r.err.find("champion.bin"), std::string::npos) << "case " << k << ": " << r.err;
  }
}

TEST(CliEval, StructuredChampionReEvaluatesToTheRunsSummary) {
  // `eval` rebuilds the policy from the champion file alone (genome type + bytes) and must reproduce the
  // run's own final evaluation: same seed (run.seed) and episode count as the summary's.
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", sparse_hc_config(16, 6, 2));
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, tmp / "run", 2)));
  const json summary = read_json(tmp / "run/summary.json");
  const CliResult r = run_cli({"eval", tmp / "run", "--episodes", "5", "--seed", "3", "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const json ev = json::parse(r.out);
  EXPECT_EQ(ev.at("mean_return"), summary.at("champion").at("mean_return"));
  EXPECT_EQ(ev.at("policy"), summary.at("policy"));
  EXPECT_EQ(ev.at("num_params"), summary.at("num_params"));
  EXPECT_NE(summary.at("policy").get<std::string>().find("sparse linear 4-2"), std::string::npos) << summary.dump();
}

TEST(CliResume, KilledBeforeFirstCheckpointStartsOver) {
  TempDir tmp;
  constexpr int kGenerations = 8;
  for (int attempt = 0; attempt < 4; ++attempt) {
    const int population = 60 << attempt, elite_episodes = 5 << attempt;
    // checkpoint_every > generations: the only checkpoint is the final one.
    const std::string cfg = write_config(tmp, "config" + std::to_string(attempt) + ".toml",
                                         ga_config(population, kGenerations, 1000, elite_episodes, "[64, 64]", 5));
    const std::string killed = tmp / ("killed" + std::to_string(attempt));
    const KillResult k = run_and_kill(run_args(cfg, killed, 2), killed,
                                      [](std::optional<long long> ck, size_t rows) { return !ck && rows >= 2; });
    if (::testing::Test::HasFailure()) return;
    if (!k.killed || k.checkpoint) {
      std::printf("[ note     ] attempt %d: the run got to its checkpoint before it was killed; retrying slower\n", attempt);
      continue;
    }
    ASSERT_GE(k.rows, 2u);
    ASSERT_TRUE(fs::exists(killed + "/config.toml"));
    ASSERT_FALSE(fs::exists(killed + "/summary.json"));

    const CliResult r = run_cli({"run", "--resume", killed, "--threads", "2"});
    ASSERT_EQ(r.code, 0) << r.describe();
    EXPECT_NE(r.out.find("from generation 0"), std::string::npos) << r.out;

    const std::string reference = tmp / ("reference" + std::to_string(attempt));
    ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, reference, 1)));
    expect_identical_runs(reference, killed, kGenerations);
    return;
  }
  FAIL() << "the run reached its checkpoint every time before it could be killed; nothing was tested";
}

TEST(CliResume, FinishedRunSaysSoAndChangesNothing) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", ga_config(12, 2, 1));
  const std::string dir = tmp / "run";
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, dir, 2)));
  const std::string champion = read_file(dir + "/champion.bin"), metrics = read_file(dir + "/metrics.csv");
  const CliResult r = run_cli({"run", "--resume", dir});
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_NE(r.out.find("finished"), std::string::npos) << r.out;
  EXPECT_EQ(read_file(dir + "/champion.bin"), champion);
  EXPECT_EQ(read_file(dir + "/metrics.csv"), metrics);
}

TEST(CliResume, ExistingRunDirectoryIsNotOverwritten) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", ga_config(12, 1, 1));
  const std::string dir = tmp / "run";
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, dir, 1)));
  const std::string champion = read_file(dir + "/champion.bin");
  const CliResult r = run_cli(run_args(cfg, dir, 1, {"run.seed=9"}));
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {dir, "--resume"}));
  EXPECT_EQ(read_file(dir + "/champion.bin"), champion);
}

// ---------------------------------------------------------------------------------------------------
// 3. Bad input: exit code 2 and a one-line message naming the offending key, value, file or line.

class CliBadInput : public ::testing::Test {
 protected:
  void SetUp() override { config_ = write_config(tmp_, "good.toml", ga_config(12, 1, 1)); }

  // Runs `run` on the good config plus `sets`; expects exit 2 and a one-line message with all needles.
  void expect_set_rejected(const std::vector<std::string>& sets, const std::vector<std::string>& needles) {
    const std::string out = tmp_ / ("out" + std::to_string(++count_));
    const CliResult r = run_cli(run_args(config_, out, 1, sets));
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_TRUE(one_line_naming(r.err, needles)) << "for --set " << ::testing::PrintToString(sets);
    EXPECT_FALSE(fs::exists(out + "/metrics.csv")) << "a rejected config must not start a run";
  }

  void expect_usage(const std::vector<std::string>& args, const std::vector<std::string>& needles) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args) << "\n" << r.describe();
    EXPECT_TRUE(one_line_naming(r.err, needles)) << ::testing::PrintToString(args);
  }

  // A small finished run, shared by the file-corruption tests.
  std::string small_run() {
    const std::string dir = tmp_ / "small";
    if (!fs::exists(dir + "/summary.json")) {
      const std::string cfg = write_config(tmp_, "small.toml", ga_config(12, 4, 2));
      run_ok(run_args(cfg, dir, 2));
    }
    return dir;
  }

  TempDir tmp_;
  std::string config_;
  int count_ = 0;
};

TEST_F(CliBadInput, GoodConfigIsAccepted) {
  // The control for every test below: the base config itself runs.
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(config_, tmp_ / "ok", 1)));
  EXPECT_TRUE(fs::exists(tmp_ / "ok/summary.json"));
}

TEST_F(CliBadInput, UnknownKeyWithSuggestion) {
  expect_set_rejected({"strategy.sigam=0.1"}, {"strategy.sigam", "did you mean 'strategy.sigma'"});
  expect_set_rejected({"run.generatoins=3"}, {"run.generatoins", "did you mean 'run.generations'"});
  // The same typo written in the file itself.
  const std::string cfg = write_config(tmp_, "typo.toml", ga_config(12, 1, 1) + "sigam = 0.2\n");
  const CliResult r = run_cli(run_args(cfg, tmp_ / "typo", 1));
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"strategy.sigam", "did you mean 'strategy.sigma'"}));
}

TEST_F(CliBadInput, WrongType) {
  expect_set_rejected({"strategy.population=\"ten\""}, {"strategy.population", "integer"});
  expect_set_rejected({"strategy.population=ten"}, {"strategy.population", "integer"});
  expect_set_rejected({"policy.obs_norm=3"}, {"policy.obs_norm", "boolean"});
  expect_set_rejected({"policy.hidden=[16, \"x\"]"}, {"policy.hidden"});
}

TEST_F(CliBadInput, OutOfRange) {
  expect_set_rejected({"strategy.population=1"}, {"strategy.population", "1"});
  expect_set_rejected({"strategy.sigma=-0.1"}, {"strategy.sigma", "-0.1"});
  expect_set_rejected({"strategy.truncation=13"}, {"strategy.truncation", "13"});
  expect_set_rejected({"run.generations=0"}, {"run.generations"});
  expect_set_rejected({"run.eval_episodes=-3"}, {"run.eval_episodes"});
  expect_set_rejected({"run.max_env_steps=0"}, {"run.max_env_steps"});
  expect_set_rejected({"run.max_env_steps=-5"}, {"run.max_env_steps", "-5"});
  expect_set_rejected({"run.max_env_steps=2.5"}, {"run.max_env_steps", "integer"});
}

TEST_F(CliBadInput, OpenAiEsRanges) {
  const std::string cfg = write_config(tmp_, "es.toml", es_config(10, 1, 0, 2, "[8]"));
  const CliResult neg = run_cli(run_args(cfg, tmp_ / "es1", 1, {"strategy.sigma=-0.5"}));
  EXPECT_EQ(neg.code, 2) << neg.describe();
  EXPECT_TRUE(one_line_naming(neg.err, {"strategy.sigma", "-0.5"}));
  const CliResult odd = run_cli(run_args(cfg, tmp_ / "es2", 1, {"strategy.population=11"}));
  EXPECT_EQ(odd.code, 2) << odd.describe();
  EXPECT_TRUE(one_line_naming(odd.err, {"strategy.population", "11"}));
}

TEST_F(CliBadInput, UnknownEnvironmentPolicyAndStrategyWithSuggestion) {
  expect_set_rejected({"env.name=\"CartPol-v1\""}, {"CartPol-v1", "did you mean 'CartPole-v1'"});
  expect_set_rejected({"strategy.name=\"opneai_es\""}, {"opneai_es", "did you mean 'openai_es'"});
  expect_set_rejected({"policy.type=\"mpl\""}, {"mpl", "did you mean 'mlp'"});
  expect_usage({"eval", "--env", "Pendulum-v2", "--policy", "random"}, {"Pendulum-v2", "did you mean 'Pendulum-v1'"});
}

TEST_F(CliBadInput, MissingConfigFile) {
  const std::string missing = tmp_ / "no_such_config.toml";
  expect_usage({"run", missing, "--out", tmp_ / "m"}, {"no_such_config.toml"});
  EXPECT_FALSE(fs::exists(tmp_ / "m"));
}

TEST_F(CliBadInput, TomlSyntaxErrorNamesFileAndLine) {
  const std::string cfg = write_config(tmp_, "broken.toml", "[run]\nseed = 0\ngenerations = = 3\n");
  expect_usage({"run", cfg, "--out", tmp_ / "b"}, {"broken.toml", "line 3"});
}

TEST_F(CliBadInput, MalformedSet) {
  expect_set_rejected({"novalue"}, {"--set", "novalue"});
  expect_set_rejected({"=3"}, {"--set", "=3"});
  expect_set_rejected({"strategy..sigma=0.1"}, {"--set", "strategy..sigma"});
  expect_set_rejected({"run.seed.x=1"}, {"run.seed"});
}

TEST_F(CliBadInput, CorruptCheckpoint) {
  const std::string run = small_run();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  // An interrupted run: no summary yet, a checkpoint to resume from. Control: it resumes fine.
  auto interrupted = [&](const std::string& name) {
    const std::string dir = tmp_ / name;
    fs::copy(run, dir, fs::copy_options::recursive);
    fs::remove(dir + "/summary.json");
    return dir;
  };
  const std::string intact = interrupted("intact");
  const CliResult ok = run_cli({"run", "--resume", intact});
  EXPECT_EQ(ok.code, 0) << ok.describe();

  const std::string flipped = interrupted("flipped");
  std::string bytes = read_file(flipped + "/checkpoint.ckpt");
  bytes[bytes.size() / 2] ^= 0x04;
  write_file(flipped + "/checkpoint.ckpt", bytes);
  const CliResult r = run_cli({"run", "--resume", flipped});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"checkpoint.ckpt", "corrupt"}));
  EXPECT_TRUE(r.err.find("checksum") != std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(flipped + "/summary.json"));

  const std::string cut = interrupted("cut");
  bytes = read_file(cut + "/checkpoint.ckpt");
  write_file(cut + "/checkpoint.ckpt", bytes.substr(0, bytes.size() - 7));
  const CliResult t = run_cli({"run", "--resume", cut});
  EXPECT_EQ(t.code, 2) << t.describe();
  EXPECT_TRUE(one_line_naming(t.err, {"checkpoint.ckpt", "truncated"}));

  // A well-formed container whose counters are out-of-range floats (found by fuzz_checkpoint): a
  // conversion to uint64 would be undefined, so each must be refused by type.
  for (const char* key : {"config_checksum", "generation", "episodes"}) {
    const std::string dir = interrupted(std::string("float_") + key);
    const auto payload = neuroevo::read_checked(dir + "/checkpoint.ckpt", "checkpoint");
    auto j = neuroevo::unpack_json_binary(std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()),
                                          "test");
    j[key] = 2.5e120;
    const std::string packed = neuroevo::pack_json_binary(j);
    neuroevo::write_checked(dir + "/checkpoint.ckpt", "checkpoint",
                            std::span(reinterpret_cast<const uint8_t*>(packed.data()), packed.size()));
    const CliResult f = run_cli({"run", "--resume", dir});
    EXPECT_EQ(f.code, 2) << key << ": " << f.describe();
    EXPECT_TRUE(one_line_naming(f.err, {"checkpoint.ckpt", "corrupt", key})) << f.err;
  }

  // A config edited after the checkpoint was written.
  const std::string edited = interrupted("edited");
  std::string cfg = read_file(edited + "/config.toml");
  const auto pos = cfg.find("population = 12");
  ASSERT_NE(pos, std::string::npos) << cfg;
  cfg[pos + 14] = '4';  // population = 14
  write_file(edited + "/config.toml", cfg);
  const CliResult e = run_cli({"run", "--resume", edited});
  EXPECT_EQ(e.code, 2) << e.describe();
  EXPECT_TRUE(one_line_naming(e.err, {"checkpoint.ckpt"}));
}

TEST_F(CliBadInput, TruncatedOrMissingChampion) {
  const std::string run = small_run();
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string good = tmp_ / "good.bin", cut = tmp_ / "cut.bin";
  fs::copy_file(run + "/champion.bin", good);
  const std::string bytes = read_file(good);
  write_file(cut, bytes.substr(0, bytes.size() - 3));
  const CliResult ok = run_cli({"eval", good, "--episodes", "2"});
  EXPECT_EQ(ok.code, 0) << ok.describe();
  expect_usage({"eval", cut, "--episodes", "2"}, {"cut.bin", "truncated"});
  // Only the header left.
  write_file(cut, bytes.substr(0, bytes.find('\n') + 1));
  expect_usage({"eval", cut, "--episodes", "2"}, {"cut.bin"});
  // No champion at all: a missing file, and a directory without champion.bin.
  expect_usage({"eval", tmp_ / "nothing.bin"}, {"nothing.bin"});
  fs::create_directories(tmp_ / "emptyrun");
  expect_usage({"eval", tmp_ / "emptyrun"}, {"emptyrun/champion.bin"});
}

TEST_F(CliBadInput, ResumeMisuse) {
  expect_usage({"run", "--resume", tmp_ / "no_such_run"}, {"no_such_run"});
  expect_usage({"run", "--resume", tmp_.path(), "--set", "run.seed=1"}, {"--resume"});
  expect_usage({"run"}, {"--resume"});
}

TEST_F(CliBadInput, RolloutBadActionsAndState) {
  write_file(tmp_ / "bad_value.txt", "0\n1\nx\n0\n");
  const CliResult r = run_cli({"env", "rollout", "CartPole-v1", "--actions", tmp_ / "bad_value.txt"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"bad_value.txt", "line 3"}));
  EXPECT_EQ(r.out, "") << "bad input must not produce partial output";

  write_file(tmp_ / "bad_index.txt", "0\n2\n");
  expect_usage({"env", "rollout", "CartPole-v1", "--actions", tmp_ / "bad_index.txt"}, {"bad_index.txt", "line 2"});
  write_file(tmp_ / "bad_arity.txt", "0.5\n0.1, 0.2\n");
  expect_usage({"env", "rollout", "Pendulum-v1", "--actions", tmp_ / "bad_arity.txt"}, {"bad_arity.txt", "line 2"});
  write_file(tmp_ / "inf.txt", "inf\n");
  expect_usage({"env", "rollout", "Pendulum-v1", "--actions", tmp_ / "inf.txt"}, {"inf.txt", "line 1"});

  write_file(tmp_ / "ok.txt", "0\n1\n");
  expect_usage({"env", "rollout", "CartPole-v1", "--state", "0,0,0", "--actions", tmp_ / "ok.txt"}, {"--state"});
  expect_usage({"env", "rollout", "CartPole-v1", "--state", "0,0,nan,0", "--actions", tmp_ / "ok.txt"}, {"--state"});
  expect_usage({"env", "rollout", "CartPole-v1", "--actions", tmp_ / "missing.txt"}, {"missing.txt"});
  expect_usage({"env", "rollout", "CartPoles-v1", "--actions", tmp_ / "ok.txt"}, {"CartPoles-v1", "CartPole-v1"});
}

TEST_F(CliBadInput, CommandLineParsingErrorsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {"frobnicate"},
      {"run", "--bogus"},
      {"run", config_, "--threads", "-1"},
      {"run", config_, "--seed", "abc"},
      {"eval", "--episodes", "0", "--env", "CartPole-v1", "--policy", "random"},
      {"env"},
      {"env", "rollout", "CartPole-v1"},
      {"list", "extra"},
  };
  for (const auto& args : cases) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args) << "\n" << r.describe();
    EXPECT_FALSE(r.err.empty()) << ::testing::PrintToString(args);
  }
  const CliResult flag = run_cli({"run", "--bogus"});
  EXPECT_NE(flag.err.find("--bogus"), std::string::npos) << flag.err;
}

// The progress line (runtime/recorder.cpp): "gen G/N ... ETA" for a run bounded by run.generations; with
// run.max_env_steps = 20,000 and a generation count it never reaches (as bench/minatar_curves.py sets
// it), every line shows the frames as a fraction of the budget ("frames .../20k") and no generation
// denominator, and the line of the generation reaching the budget is the last one.
TEST(CliProgress, LineCountsTheFrameBudgetWhenItEndsTheRun) {
  TempDir tmp;
  const std::string cfg = write_config(tmp, "config.toml", ga_config(12, 3, 1, 1, "[8]"));
  const CliResult plain = run_cli(run_args(cfg, tmp / "plain", 1));
  ASSERT_EQ(plain.code, 0) << plain.describe();
  std::vector<std::string> lines;
  for (const auto& l : lines_of(plain.out))
    if (l.starts_with("gen ")) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3u) << plain.out;
  for (size_t g = 1; g <= 3; ++g) {
    EXPECT_TRUE(lines[g - 1].starts_with("gen     " + std::to_string(g) + "/3  best ")) << lines[g - 1];
    EXPECT_NE(lines[g - 1].find("  ETA "), std::string::npos) << lines[g - 1];
    EXPECT_EQ(lines[g - 1].find("frames"), std::string::npos) << lines[g - 1];
  }

  const CliResult budgeted =
      run_cli(run_args(cfg, tmp / "budgeted", 1, {"run.generations=1000000", "run.max_env_steps=20000"}));
  ASSERT_EQ(budgeted.code, 0) << budgeted.describe();
  EXPECT_NE(budgeted.out.find("or 20000 env steps"), std::string::npos) << budgeted.out;
  lines.clear();
  for (const auto& l : lines_of(budgeted.out))
    if (l.starts_with("gen ")) lines.push_back(l);
  const Metrics m = read_metrics(tmp / "budgeted");
  ASSERT_EQ(lines.size(), m.rows.size()) << budgeted.out;
  ASSERT_FALSE(lines.empty());
  for (const auto& l : lines) {
    EXPECT_NE(l.find("/20k  best "), std::string::npos) << l;
    EXPECT_NE(l.find("  frames "), std::string::npos) << l;
    EXPECT_EQ(l.find("/1000000"), std::string::npos) << "the generation count does not end this run: " << l;
  }
  EXPECT_NE(lines.back().find("ETA 0.0s"), std::string::npos) << "the budget is reached: " << lines.back();
}

TEST(CliHelp, EverySubcommandHasHelp) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--help"}, "run"},
      {{"run", "--help"}, "--resume"},
      {{"eval", "--help"}, "--episodes"},
      {{"list", "--help"}, "list"},
      {{"env", "--help"}, "rollout"},
      {{"env", "rollout", "--help"}, "--actions"},
      {{"bench", "--help"}, "bench"},
  };
  for (const auto& [args, needle] : cases) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.code, 0) << ::testing::PrintToString(args) << "\n" << r.describe();
    EXPECT_NE(r.out.find(needle), std::string::npos) << ::testing::PrintToString(args) << "\n" << r.out;
  }
}

TEST(CliList, ShowsEnvironmentsPoliciesAndStrategies) {
  const CliResult r = run_cli({"list"});
  ASSERT_EQ(r.code, 0) << r.describe();
  for (const char* name : {"CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1",
                           "mlp", "random", "ga", "openai_es", "random_search"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
}

// ---------------------------------------------------------------------------------------------------
// 4. eval

TEST(CliEval, JsonMatchesTheRunsFinalEvaluation) {
  TempDir tmp;
  // OpenAI-ES with observation normalisation: the champion must carry the normaliser exactly. Pendulum's
  // returns are continuous, so any difference in parameters or normaliser shows in the mean.
  constexpr int kSeed = 11, kEpisodes = 7;
  const std::string cfg = write_config(tmp, "config.toml", es_config(16, 3, kSeed, kEpisodes, "[8]", "Pendulum-v1"));
  const std::string dir = tmp / "run";
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, dir, 2)));
  const json summary = read_json(dir + "/summary.json");

  const CliResult r = run_cli({"eval", dir, "--json", "--seed", std::to_string(kSeed), "--episodes",
                               std::to_string(kEpisodes), "--threads", "1"});
  ASSERT_EQ(r.code, 0) << r.describe();
  ASSERT_EQ(lines_of(r.out).size(), 1u) << "one JSON object on one line:\n" << r.out;
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  ASSERT_TRUE(j.contains("episodes") && j["episodes"].is_number_integer()) << r.out;
  ASSERT_TRUE(j.contains("mean_return") && j["mean_return"].is_number()) << r.out;
  ASSERT_TRUE(j.contains("std_return") && j["std_return"].is_number()) << r.out;
  ASSERT_TRUE(j.contains("num_params") && j["num_params"].is_number_integer()) << r.out;
  ASSERT_TRUE(j.contains("genome_bytes") && j["genome_bytes"].is_number_integer()) << r.out;
  EXPECT_EQ(j["episodes"].get<int>(), kEpisodes);
  EXPECT_EQ(j["num_params"], summary["num_params"]);
  EXPECT_EQ(j["num_params"].get<int>(), 3 * 8 + 8 + 8 * 1 + 1);
  EXPECT_EQ(j["genome_bytes"], summary["champion"]["genome_bytes"]);
  EXPECT_GE(j["std_return"].get<double>(), 0.0);
  // Exactly the run's final evaluation (same seed, same episodes), bit for bit.
  EXPECT_EQ(j["mean_return"].get<double>(), summary["champion"]["mean_return"].get<double>());
  EXPECT_EQ(j["std_return"].get<double>(), summary["champion"]["std_return"].get<double>());

  // The champion file itself, and another thread count, give the same numbers.
  const CliResult f = run_cli({"eval", dir + "/champion.bin", "--json", "--seed", std::to_string(kSeed), "--episodes",
                               std::to_string(kEpisodes), "--threads", "2"});
  ASSERT_EQ(f.code, 0) << f.describe();
  EXPECT_EQ(json::parse(f.out)["mean_return"], j["mean_return"]);

  // The seed matters (so the equality above is not a coincidence of a seed-independent result).
  const CliResult other = run_cli({"eval", dir, "--json", "--seed", std::to_string(kSeed + 1), "--episodes",
                                   std::to_string(kEpisodes)});
  ASSERT_EQ(other.code, 0) << other.describe();
  EXPECT_NE(json::parse(other.out)["mean_return"], j["mean_return"]);

  // Text output without --json.
  const CliResult t = run_cli({"eval", dir, "--episodes", "3"});
  ASSERT_EQ(t.code, 0) << t.describe();
  EXPECT_NE(t.out.find("mean return"), std::string::npos) << t.out;
}

// run.keep_champions keeps each checkpoint's champion (for ARS: the centre) as champions/gen<G>.bin, with
// the observation normaliser and its options (here ARS's filter: no variance floor, no clip): the kept
// file of the last generation, evaluated by `neuroevo eval`, gives the run's own final evaluation.
TEST(CliEval, KeptChampionsAreTheCentresOfTheirGenerations) {
  TempDir tmp;
  constexpr int kSeed = 5, kEpisodes = 4;
  const std::string cfg = write_config(
      tmp, "config.toml",
      "[run]\nseed = " + std::to_string(kSeed) + "\ngenerations = 4\ncheckpoint_every = 2\nkeep_champions = true\n"
      "eval_episodes = " + std::to_string(kEpisodes) + "\n\n[env]\nname = \"Pendulum-v1\"\n\n"
      "[policy]\ntype = \"linear\"\nobs_norm = true\nobs_norm_prob = 1.0\nobs_norm_var_floor = 0.0\nobs_norm_clip = 0.0\n\n"
      "[task]\nreward_shift = 1.0\n\n[strategy]\nname = \"ars\"\ndirections = 4\ntop = 2\n");
  const std::string dir = tmp / "run";
  ASSERT_NO_FATAL_FAILURE(run_ok(run_args(cfg, dir, 2)));
  std::vector<std::string> kept;
  for (const auto& e : fs::directory_iterator(dir + "/champions")) kept.push_back(e.path().filename().string());
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<std::string>{"gen000002.bin", "gen000004.bin"}));
  const json summary = read_json(dir + "/summary.json");
  auto eval = [&](const std::string& file) {
    const CliResult r = run_cli({"eval", dir + "/champions/" + file, "--json", "--seed", std::to_string(kSeed),
                                 "--episodes", std::to_string(kEpisodes), "--threads", "1"});
    EXPECT_EQ(r.code, 0) << r.describe();
    return json::parse(r.out)["mean_return"].get<double>();
  };
  EXPECT_EQ(eval("gen000004.bin"), summary["champion"]["mean_return"].get<double>());
  EXPECT_NE(eval("gen000002.bin"), summary["champion"]["mean_return"].get<double>());  // an earlier centre
}

TEST(CliEval, RandomBaseline) {
  const CliResult r = run_cli({"eval", "--env", "CartPole-v1", "--policy", "random", "--episodes", "50", "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j.at("num_params").get<int>(), 0);
  EXPECT_EQ(j.at("episodes").get<int>(), 50);
  // Uniform random actions balance CartPole for about 22 steps on average (std about 12).
  const double mean = j.at("mean_return").get<double>();
  EXPECT_GT(mean, 14.0);
  EXPECT_LT(mean, 32.0);
  EXPECT_GT(j.at("std_return").get<double>(), 0.0);
  // Deterministic in the seed.
  const CliResult again = run_cli({"eval", "--env", "CartPole-v1", "--policy", "random", "--episodes", "50", "--json"});
  ASSERT_EQ(again.code, 0) << again.describe();
  EXPECT_EQ(json::parse(again.out)["mean_return"], j["mean_return"]);
}

// ---------------------------------------------------------------------------------------------------
// 5. env rollout

std::vector<json> parse_rollout(const std::string& out, size_t obs_dim) {
  std::vector<json> steps;
  for (const auto& line : lines_of(out)) {
    json j = json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object()) << line;
    if (!j.is_object()) continue;
    EXPECT_TRUE(j.contains("obs") && j["obs"].is_array() && j["obs"].size() == obs_dim) << line;
    if (j.contains("obs") && j["obs"].is_array()) {
      for (const auto& v : j["obs"]) EXPECT_TRUE(v.is_number()) << line;
    }
    EXPECT_TRUE(j.contains("reward") && j["reward"].is_number()) << line;
    EXPECT_TRUE(j.contains("terminated") && j["terminated"].is_boolean()) << line;
    EXPECT_TRUE(j.contains("truncated") && j["truncated"].is_boolean()) << line;
    steps.push_back(std::move(j));
  }
  return steps;
}

TEST(CliEnvRollout, CartPoleStopsAtTheTerminatingStep) {
  TempDir tmp;
  std::string actions;
  for (int i = 0; i < 50; ++i) actions += "0\n";
  write_file(tmp / "actions.txt", actions);
  const CliResult r =
      run_cli({"env", "rollout", "CartPole-v1", "--state", "0,0,0.2,0", "--actions", tmp / "actions.txt"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto steps = parse_rollout(r.out, 4);
  ASSERT_FALSE(::testing::Test::HasFailure()) << r.out;
  ASSERT_GE(steps.size(), 1u);
  ASSERT_LT(steps.size(), 50u) << "the pole starts near the limit and is pushed over; the rollout must stop";
  // Explicit Euler from the given state: the cart has not moved yet after the first step.
  EXPECT_EQ(steps[0]["obs"][0].get<double>(), 0.0);
  EXPECT_NEAR(steps[0]["obs"][2].get<double>(), 0.2, 1e-6);
  const double kThetaLimit = 12 * 2 * M_PI / 360, kXLimit = 2.4;
  for (size_t t = 0; t < steps.size(); ++t) {
    const double x = steps[t]["obs"][0].get<double>(), theta = steps[t]["obs"][2].get<double>();
    const bool out_of_bounds = std::abs(x) > kXLimit || std::abs(theta) > kThetaLimit;
    const bool last = t + 1 == steps.size();
    EXPECT_EQ(steps[t]["terminated"].get<bool>(), last) << "step " << t + 1;
    EXPECT_EQ(out_of_bounds, last) << "step " << t + 1 << ": terminated exactly when the state leaves the bounds";
    EXPECT_FALSE(steps[t]["truncated"].get<bool>());
    EXPECT_EQ(steps[t]["reward"].get<double>(), 1.0);
  }
}

TEST(CliEnvRollout, MountainCarTruncatesAfter200Steps) {
  TempDir tmp;
  std::string actions;
  for (int i = 0; i < 300; ++i) actions += "0\n";
  write_file(tmp / "zeros.txt", actions);
  for (const std::vector<std::string>& start : {std::vector<std::string>{"--state", "-0.5,0"},
                                               std::vector<std::string>{"--seed", "3"}}) {
    std::vector<std::string> args = {"env", "rollout", "MountainCar-v0", "--actions", tmp / "zeros.txt"};
    args.insert(args.end(), start.begin(), start.end());
    const CliResult r = run_cli(args);
    ASSERT_EQ(r.code, 0) << r.describe();
    const auto steps = parse_rollout(r.out, 2);
    ASSERT_EQ(steps.size(), 200u) << "MountainCar-v0 is truncated after 200 steps";
    for (size_t t = 0; t < steps.size(); ++t) {
      EXPECT_FALSE(steps[t]["terminated"].get<bool>()) << "step " << t + 1;
      EXPECT_EQ(steps[t]["truncated"].get<bool>(), t + 1 == steps.size()) << "step " << t + 1;
      EXPECT_EQ(steps[t]["reward"].get<double>(), -1.0);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// 6. Seed chains: the genome's size depends on the number of generations, not on the network's.

TEST(CliSeedChain, LargeNetworkChampionIsCompact) {
  TempDir tmp;
  // Pendulum's returns are continuous, so mutants regularly beat the elite and the chain keeps growing
  // (on CartPole with a short step limit every candidate ties and the elite would never change).
  // 3-320-320-1: 3*320+320 + 320*320+320 + 320+1 = 104,321 parameters.
  const std::string cfg = write_config(tmp, "config.toml",
                                       "[run]\nseed = 0\ngenerations = 50\ncheckpoint_every = 50\neval_episodes = 2\n"
                                       "[env]\nname = \"Pendulum-v1\"\n"
                                       "[policy]\nhidden = [320, 320]\n"
                                       "[task]\nmax_steps = 20\n"
                                       "[noise]\nsize = 1048576\n"
                                       "[strategy]\nname = \"ga\"\npopulation = 12\ntruncation = 3\nsigma = 0.05\n"
                                       "elite_candidates = 2\nelite_episodes = 1\n");
  const std::string dir = tmp / "run";
  ASSERT_NO_FATAL_FAILURE(run_ok({"run", cfg, "--out", dir, "--threads", "2", "--quiet"}));
  const CliResult r = run_cli({"eval", dir, "--json", "--episodes", "2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const json j = json::parse(r.out);
  EXPECT_GE(j.at("num_params").get<long long>(), 100000);
  EXPECT_LE(j.at("genome_bytes").get<long long>(), 500);
  // ... and it really is a chain of many mutations, not a bare initialisation seed.
  EXPECT_GT(j.at("genome_bytes").get<long long>(), 100);
  EXPECT_LE(static_cast<long long>(fs::file_size(dir + "/champion.bin")), 2000);
}

// ---------------------------------------------------------------------------------------------------
// 7. Every example config is accepted (with small overrides so each runs in a moment).

TEST(CliExamples, EveryExampleRuns) {
  TempDir tmp;
  std::vector<fs::path> examples;
  for (const auto& e : fs::directory_iterator(source_dir() + "/examples"))
    if (e.path().extension() == ".toml") examples.push_back(e.path());
  std::sort(examples.begin(), examples.end());
  ASSERT_FALSE(examples.empty());
  for (const auto& ex : examples) {
    SCOPED_TRACE(ex.string());
    const toml::table t = toml::parse_file(ex.string());
#ifndef NEUROEVO_WITH_MUJOCO
    // MuJoCo examples need a build with MuJoCo (the Gymnasium "-v4" tasks and the NCAP swimmer).
    const std::string env_name = t.at_path("env.name").value_or(std::string());
    if (env_name.ends_with("-v4") || env_name.starts_with("ncap_swimmer")) continue;
#endif
    std::vector<std::string> sets = {"run.generations=1", "run.eval_episodes=2", "noise.size=4194304"};
    // Shrink only what the example sets, keeping its constraints (truncation <= population, ...).
    auto shrink = [&](const char* key, int64_t to) {
      if (auto v = t.at_path(key).value<int64_t>(); v && *v > to) sets.push_back(std::string(key) + "=" + std::to_string(to));
    };
    shrink("strategy.population", 10);
    // ARS: 2 x directions episodes per generation (230 for Humanoid); top <= directions holds after both.
    shrink("strategy.directions", 4);
    shrink("strategy.top", 4);
    shrink("strategy.truncation", 4);
    shrink("strategy.elite_candidates", 2);
    shrink("strategy.elite_episodes", 2);
    shrink("task.episodes", 2);
    // A data file named relative to the repository root (where the README runs examples from).
    if (auto data = t.at_path("task.data").value<std::string>(); data && !data->starts_with("/"))
      sets.push_back("task.data=\"" + source_dir() + "/" + *data + "\"");
    const std::string out = tmp / ex.stem().string();
    const CliResult r = run_cli(run_args(ex.string(), out, 2, sets));
    EXPECT_EQ(r.code, 0) << r.describe();
    EXPECT_TRUE(fs::exists(out + "/summary.json"));
  }
}

// ---------------------------------------------------------------------------------------------------
// 8. NaN and infinite returns are ranked last; they never abort a run.

TEST(CliRobustness, DivergingPolicyDoesNotAbortTheRun) {
  TempDir tmp;
  // A deep ReLU network with mutation power 1e6 overflows to inf and then NaN; on Pendulum the NaN
  // becomes the torque, and so the return.
  const std::string cfg = write_config(tmp, "config.toml",
                                       "[run]\ngenerations = 3\ncheckpoint_every = 1\neval_episodes = 3\n"
                                       "[env]\nname = \"Pendulum-v1\"\n"
                                       "[policy]\nhidden = [16, 16, 16, 16, 16, 16, 16, 16, 16, 16]\nactivation = \"relu\"\n"
                                       "[noise]\nsize = 1048576\n"
                                       "[strategy]\nname = \"ga\"\npopulation = 10\ntruncation = 3\nsigma = 1000000.0\n"
                                       "elite_candidates = 2\nelite_episodes = 1\n");
  const std::string dir = tmp / "ga";
  const CliResult r = run_cli({"run", cfg, "--out", dir, "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const Metrics m = read_metrics(dir);
  const auto col = std::find(m.header.begin(), m.header.end(), "invalid") - m.header.begin();
  ASSERT_LT(static_cast<size_t>(col), m.header.size());
  long long invalid = 0;
  for (const auto& row : m.rows) invalid += std::stoll(row[col]);
  EXPECT_GT(invalid, 0) << "the config was meant to provoke NaN returns";
  EXPECT_TRUE(std::isfinite(read_json(dir + "/summary.json")["champion"]["mean_return"].get<double>()))
      << "the champion is the best valid candidate";
  for (const auto& l : lines_of(read_file(dir + "/metrics.jsonl"))) EXPECT_TRUE(json::parse(l, nullptr, false).is_object()) << l;
}

TEST(CliRobustness, DivergedChampionCanStillBeEvaluatedAndResumed) {
  TempDir tmp;
  // OpenAI-ES with an absurd step size: after one update every candidate, and the centre itself,
  // produces NaN actions, so the champion's final evaluation is NaN.
  const std::string cfg = write_config(tmp, "config.toml",
                                       "[run]\ngenerations = 3\ncheckpoint_every = 1\neval_episodes = 3\n"
                                       "[env]\nname = \"Pendulum-v1\"\n"
                                       "[policy]\nhidden = [16, 16, 16, 16]\nactivation = \"relu\"\n"
                                       "[noise]\nsize = 1048576\n"
                                       "[strategy]\nname = \"openai_es\"\npopulation = 10\nlearning_rate = 1e30\n");
  const std::string dir = tmp / "es";
  const CliResult r = run_cli({"run", cfg, "--out", dir, "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const json summary = read_json(dir + "/summary.json");
  EXPECT_TRUE(summary["champion"]["mean_return"].is_null()) << "expected a diverged champion: " << summary.dump();

  const CliResult e = run_cli({"eval", dir, "--json", "--episodes", "2"});
  EXPECT_EQ(e.code, 0) << e.describe();
  const json j = json::parse(e.out, nullptr, false);
  EXPECT_TRUE(j.is_object()) << e.out;

  // The checkpoint (huge parameters) still loads.
  fs::remove(dir + "/summary.json");
  const CliResult again = run_cli({"run", "--resume", dir});
  EXPECT_EQ(again.code, 0) << again.describe();
}

}  // namespace
