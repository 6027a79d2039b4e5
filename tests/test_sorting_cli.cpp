// `neuroevo sort` as a user runs it: outputs of `sort run`, identical files at any thread count, and bad
// input (exit 2 with the option named).
#include <gtest/gtest.h>

#include "cli_util.hpp"

using namespace cli_test;

TEST(SortCli, RunWritesCsvSvgAndIsThreadInvariant) {
  TempDir d;
  const std::vector<std::string> base = {"sort", "run", "--algotypes", "bubble,selection", "--size", "30", "--frozen", "2",
                                         "--frozen-kind", "immovable", "--runs", "12", "--seed", "4"};
  auto a1 = base, a2 = base;
  a1.insert(a1.end(), {"--threads", "1", "--out", d / "t1"});
  a2.insert(a2.end(), {"--threads", "2", "--out", d / "t2"});
  const CliResult r1 = run_cli(a1), r2 = run_cli(a2);
  ASSERT_EQ(r1.code, 0) << r1.describe();
  ASSERT_EQ(r2.code, 0) << r2.describe();
  for (const char* f : {"runs.csv", "steps.csv", "sortedness.svg", "summary.json"}) {
    EXPECT_EQ(read_file(d / "t1" + "/" + f), read_file(d / "t2" + "/" + f)) << f;
  }
  const auto lines = lines_of(read_file(d / "t1" + "/runs.csv"));
  EXPECT_EQ(lines.size(), 13u);
  EXPECT_NE(read_file(d / "t1" + "/sortedness.svg").find("<svg"), std::string::npos);
  const auto j = read_json(d / "t1" + "/summary.json");
  EXPECT_EQ(j["runs"], 12);
}

TEST(SortCli, BadInputExitsTwoNamingTheOption) {
  TempDir d;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--algotypes", "bubble,quick"}, "--algotypes"},
      {{"--size", "1"}, "--size"},
      {{"--size", "3", "--frozen", "5"}, "--frozen"},
      {{"--runs", "-1"}, "--runs"},
      {{"--frozen-kind", "sticky", "--frozen", "1"}, "--frozen-kind"},
      {{"--algotypes", "mixed", "--mix", "1,0,x,0"}, "--mix"},
      {{"--algotypes", "bubble", "--traditional", "--frozen", "-2"}, "--frozen"},
  };
  for (const auto& [extra, option] : cases) {
    std::vector<std::string> args = {"sort", "run", "--out", d / "x"};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_TRUE(one_line_naming(r.err, {option})) << r.describe();
  }
  const CliResult g = run_cli({"sort", "grid", "--runs", "-3", "--out", d / "g"});
  EXPECT_EQ(g.code, 2) << g.describe();
  EXPECT_TRUE(one_line_naming(g.err, {"--runs"})) << g.describe();
  const CliResult e = run_cli({"sort", "evolve", "--strategy", "cmaess", "--seeds", "1", "--budget", "2", "--size", "10",
                               "--frozen", "1", "--test-arrays", "1", "--train-arrays", "1", "--out", d / "e"});
  EXPECT_EQ(e.code, 2) << e.describe();
}
