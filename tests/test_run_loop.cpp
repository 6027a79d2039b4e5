// The experiment loop (src/drivers/run_loop.cpp, src/drivers/experiment.cpp): what its observers see,
// and a run stopped between generations (RunOptions::stop_requested) that resumes to the results of an
// uninterrupted run.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/drivers/experiment.hpp"
#include "neuroevo/drivers/run_loop.hpp"
#include "neuroevo/runtime/batch_runner.hpp"
#include "neuroevo/runtime/setup.hpp"

namespace neuroevo {
namespace {

// The GA evaluates its population and then re-evaluates its elite: two batches per generation.
constexpr const char* kGaConfig =
    "[run]\ngenerations = 4\ncheckpoint_every = 3\neval_episodes = 3\n[env]\nname = \"CartPole-v1\"\n"
    "[policy]\nhidden = [8]\nobs_norm = true\nobs_norm_prob = 0.5\n[noise]\nsize = 65536\n"
    "[strategy]\nname = \"ga\"\npopulation = 12\ntruncation = 4\nelite_candidates = 3\nelite_episodes = 2\n";

// Records everything the loop hands to an observer.
struct Recording {
  struct BatchSeen {
    uint64_t generation;
    Purpose purpose;
    std::vector<Result> results;
  };
  std::vector<BatchSeen> batches;
  std::vector<GenerationReport> reports;
  std::vector<RunTotals> totals;
};

class RecordingObserver final : public RunObserver {
 public:
  explicit RecordingObserver(Recording& r) : r_(r) {}
  void on_batch(uint64_t generation, const Batch& batch, std::span<const Result> results) override {
    r_.batches.push_back({generation, batch.purpose, {results.begin(), results.end()}});
  }
  void on_generation(const GenerationReport& report, const RunTotals& totals) override {
    r_.reports.push_back(report);
    r_.totals.push_back(totals);
  }

 private:
  Recording& r_;
};

TEST(RunLoop, ObserversSeeEveryBatchAndReportsReduceThemInCandidateOrder) {
  neuroevo::Setup s = build_setup(Config::from_string(kGaConfig), 1);
  LocalRunner runner(2);
  RunLoop loop(s, runner, 0.0);
  Recording rec;
  loop.observe(std::make_unique<RecordingObserver>(rec));
  RunTotals totals;
  for (int g = 0; g < 3; ++g) loop.generation(totals);

  ASSERT_EQ(rec.reports.size(), 3u);
  ASSERT_EQ(rec.batches.size(), 6u) << "population + elite re-evaluation per generation";
  uint64_t episodes = 0, steps = 0;
  for (size_t g = 0; g < 3; ++g) {
    const auto& pop = rec.batches[2 * g];
    const auto& elite = rec.batches[2 * g + 1];
    EXPECT_EQ(pop.generation, g);
    EXPECT_EQ(elite.generation, g);
    EXPECT_EQ(pop.purpose, Purpose::Episode);
    EXPECT_NE(elite.purpose, Purpose::Episode);
    EXPECT_EQ(pop.results.size(), 12u);
    // The report's population: the valid fitnesses of the population batch, in candidate order.
    std::vector<double> expected;
    uint64_t gen_steps = 0, gen_episodes = 0, with_stats = 0;
    for (const Result& r : pop.results) {
      if (r.valid) expected.push_back(r.fitness);
      with_stats += r.obs_stats.has_value();
    }
    for (const auto* b : {&pop, &elite})
      for (const Result& r : b->results) gen_steps += r.steps, gen_episodes += r.episodes;
    const GenerationReport& report = rec.reports[g];
    EXPECT_EQ(report.generation, g + 1);
    EXPECT_EQ(report.population, expected);
    EXPECT_EQ(report.steps, gen_steps);
    EXPECT_EQ(report.episodes, gen_episodes);
    EXPECT_EQ(report.episodes, 12u + 3u * 2u);
    // Observation statistics come from the population only, one observation per step of its rollouts.
    double counted = 0;
    for (const Result& r : pop.results)
      if (r.obs_stats) counted += r.obs_stats->count;
    EXPECT_EQ(report.obs_stats.count, counted);
    EXPECT_GT(with_stats, 0u) << "obs_norm_prob = 0.5 of 12 rollouts";
    for (const Result& r : elite.results) EXPECT_FALSE(r.obs_stats.has_value());
    episodes += gen_episodes;
    steps += gen_steps;
    EXPECT_EQ(rec.totals[g].episodes, episodes);
    EXPECT_EQ(rec.totals[g].env_steps, steps);
  }
  EXPECT_EQ(s.strategy->generation(), 3u);
}

RunOptions options(const std::string& config, const std::string& out) {
  RunOptions o;
  o.config_path = config;
  o.out_dir = out;
  o.threads = 2;
  o.quiet = true;
  return o;
}

// Runs the GA config whole, then again with a stop asked for at the `stop_at`-th question (asked before
// each generation, so after stop_at - 1 generations), checks what the stop left, resumes it on another
// thread count and compares with the whole run.
void expect_stopped_run_resumes_to_the_uninterrupted_results(int stop_at) {
  cli_test::TempDir tmp;
  const std::string cfg = tmp / "ga.toml";
  cli_test::write_file(cfg, kGaConfig);
  ASSERT_EQ(run_experiment(options(cfg, tmp / "whole")), 0);

  int asked = 0;
  RunOptions stopped = options(cfg, tmp / "stopped");
  stopped.stop_requested = [&] { return ++asked == stop_at; };
  ASSERT_EQ(run_experiment(stopped), 0);
  EXPECT_EQ(asked, stop_at);
  EXPECT_EQ(cli_test::metrics_rows(tmp / "stopped"), static_cast<size_t>(stop_at - 1));
  EXPECT_EQ(cli_test::checkpoint_generation(tmp / "stopped").value_or(-1), stop_at - 1);
  EXPECT_FALSE(cli_test::fs::exists(tmp / "stopped/summary.json"));

  RunOptions resume;
  resume.resume_dir = tmp / "stopped";
  resume.threads = 1;
  resume.quiet = true;
  ASSERT_EQ(run_experiment(resume), 0);
  cli_test::expect_same_results(tmp / "whole", tmp / "stopped");
}

// Stopped before the third generation (after two, which is not a checkpoint generation).
TEST(RunLoop, RunStoppedBetweenGenerationsResumesToTheUninterruptedResults) {
  expect_stopped_run_resumes_to_the_uninterrupted_results(3);
}

// A stop before the first generation (a signal during set-up or generation 1) writes a generation-0
// checkpoint and says "resume with": the resume must take it and give the uninterrupted results.
TEST(RunLoop, RunStoppedBeforeTheFirstGenerationResumesToTheUninterruptedResults) {
  expect_stopped_run_resumes_to_the_uninterrupted_results(1);
}

// task.reward_shift subtracts shift x steps from each return the strategy ranks (ARS's survival-bonus
// shift). CartPole pays exactly 1 per step, so with shift 2 a candidate's ranked fitness is minus its
// episode length: random search then keeps the candidate that falls over fastest, whose evaluation
// return (the environment's own reward, unshifted) is near the shortest possible episode (about 8-10
// steps), while the unshifted run keeps a long-balancing one.
TEST(RunLoop, RewardShiftChangesWhatTheStrategyRanksButNotTheReportedReturns) {
  cli_test::TempDir tmp;
  auto run = [&](const std::string& name, double shift) {
    const std::string cfg = tmp / (name + ".toml");
    cli_test::write_file(cfg, "[run]\nseed = 1\ngenerations = 5\neval_episodes = 5\n[env]\nname = \"CartPole-v1\"\n"
                              "[policy]\nhidden = []\n[task]\nreward_shift = " + std::to_string(shift) +
                              "\n[strategy]\nname = \"random_search\"\npopulation = 32\n");
    const std::string out = tmp / name;
    EXPECT_EQ(run_experiment(options(cfg, out)), 0);
    return cli_test::read_json(out + "/summary.json");
  };
  const nlohmann::json plain = run("plain", 0.0), shift2 = run("shifted", 2.0);
  EXPECT_GT(plain["champion"]["mean_return"].get<double>(), 100.0);
  EXPECT_LT(shift2["champion"]["mean_return"].get<double>(), 20.0);
  // The metrics are the environment's returns: generation 1 (the same 32 random candidates in both
  // runs, as random search samples independently of fitness) has the same best return.
  const std::string a = cli_test::read_file(tmp / "plain/metrics.csv"), b = cli_test::read_file(tmp / "shifted/metrics.csv");
  const auto row1 = [](const std::string& m) {
    const size_t l1 = m.find('\n') + 1;
    const std::string row = m.substr(l1, m.find('\n', l1) - l1);
    size_t c = row.find(',');
    for (int k = 0; k < 2; ++k) c = row.find(',', c + 1);  // generation, episodes, env_steps, best
    return row.substr(0, row.find(',', c + 1));
  };
  EXPECT_EQ(row1(a), row1(b));
}

// A shift makes no difference to a rank-based strategy when every episode has the same length
// (Pendulum-v1 always runs 200 steps): the shifted fitnesses are the returns less one constant.
TEST(RunLoop, RewardShiftIsInvisibleToRanksWhenEpisodesHaveEqualLength) {
  cli_test::TempDir tmp;
  auto cfg = [&](const std::string& name, double shift) {
    const std::string path = tmp / (name + ".toml");
    cli_test::write_file(path, "[run]\nseed = 3\ngenerations = 3\neval_episodes = 2\n[env]\nname = \"Pendulum-v1\"\n"
                               "[policy]\nhidden = [4]\n[task]\nreward_shift = " + std::to_string(shift) +
                               "\n[noise]\nsize = 65536\n[strategy]\nname = \"openai_es\"\npopulation = 8\n");
    return path;
  };
  ASSERT_EQ(run_experiment(options(cfg("a", 0.0), tmp / "a")), 0);
  ASSERT_EQ(run_experiment(options(cfg("b", 7.5), tmp / "b")), 0);
  cli_test::expect_same_results(tmp / "a", tmp / "b");
}

}  // namespace
}  // namespace neuroevo
