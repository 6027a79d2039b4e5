// End-to-end checks of the MinAtar games and the conv policy through the CLI: a Deep GA run on
// minatar/breakout is bit-identical on 1 and 2 threads, and `eval --env ... --policy random` gives the
// random baseline with the full action set and sticky actions.
#include <gtest/gtest.h>

#include "cli_util.hpp"

namespace {

using namespace cli_test;

TEST(MinAtarCli, DeepGaRunIsIdenticalOnOneAndTwoThreads) {
  TempDir tmp;
  const std::string ex = source_dir() + "/examples/minatar_breakout_ga.toml";
  const std::vector<std::string> sets = {"run.generations=3", "run.eval_episodes=5", "strategy.population=16",
                                         "strategy.truncation=4", "strategy.elite_candidates=2",
                                         "strategy.elite_episodes=2", "noise.size=1048576"};
  std::vector<std::string> dirs;
  for (const char* threads : {"1", "2"}) {
    const std::string out = tmp / (std::string("t") + threads);
    std::vector<std::string> args = {"run", ex, "--out", out, "--threads", threads, "--quiet"};
    for (const auto& s : sets) args.insert(args.end(), {"--set", s});
    const CliResult r = run_cli(args);
    ASSERT_EQ(r.code, 0) << r.describe();
    dirs.push_back(out);
  }
  const Metrics a = read_metrics(dirs[0]), b = read_metrics(dirs[1]);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.rows.size(), 3u);
  EXPECT_EQ(read_file(dirs[0] + "/champion.bin"), read_file(dirs[1] + "/champion.bin"));
  const auto sa = read_json(dirs[0] + "/summary.json"), sb = read_json(dirs[1] + "/summary.json");
  EXPECT_EQ(sa.at("champion").at("mean_return"), sb.at("champion").at("mean_return"));
  EXPECT_EQ(sa.at("num_params").get<long long>(), 132566);
  // The champion re-evaluates from its file alone (policy section, seed chain, noise table).
  const CliResult e = run_cli({"eval", dirs[0], "--episodes", "5", "--json", "--threads", "2"});
  ASSERT_EQ(e.code, 0) << e.describe();
  EXPECT_EQ(nlohmann::json::parse(e.out).at("mean_return"), sa.at("champion").at("mean_return"));
}

TEST(MinAtarCli, RandomBaselineEval) {
  const CliResult r = run_cli({"eval", "--env", "minatar/breakout", "--policy", "random", "--episodes", "1000",
                               "--json", "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto j = nlohmann::json::parse(r.out);
  // Random Breakout scores about half a brick per episode and lasts about a dozen frames.
  EXPECT_GT(j.at("mean_return").get<double>(), 0.2);
  EXPECT_LT(j.at("mean_return").get<double>(), 1.0);
  EXPECT_GT(j.at("mean_steps").get<double>(), 5.0);
  EXPECT_LT(j.at("mean_steps").get<double>(), 30.0);
  const CliResult again = run_cli({"eval", "--env", "minatar/breakout", "--policy", "random", "--episodes", "1000",
                                   "--json", "--threads", "1"});
  ASSERT_EQ(again.code, 0) << again.describe();
  EXPECT_EQ(nlohmann::json::parse(again.out).at("mean_return"), j.at("mean_return"));
}

TEST(MinAtarCli, RolloutFromAState) {
  TempDir tmp;
  const std::string actions = tmp / "actions.txt";
  write_file(actions, "0\n");
  // Breakout: ball at (x 3, y 4) moving up-left into the bricks, paddle at 4, rows 1-3 of bricks.
  std::string state = "3,4,0,4,0,3,4";
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) state += (r >= 1 && r <= 3) ? ",1" : ",0";
  state += ",0,1";
  const CliResult r = run_cli({"env", "rollout", "minatar/breakout", "--state", state, "--actions", actions});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto j = nlohmann::json::parse(lines_of(r.out).at(0));
  EXPECT_EQ(j.at("reward").get<double>(), 1.0);
  EXPECT_EQ(j.at("obs").size(), 400u);
}

}  // namespace
