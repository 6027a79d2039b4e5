// `neuroevo bbob run` end to end (through the built CLI) and the campaign library: output files and
// their columns, aRT recomputed by hand from runs.csv, identical results for any thread count, bad
// input exiting with code 2, and (when `cmaes` is registered) CMA-ES solving f1 and f2 in 5-D.
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/drivers/campaign.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace {

using cli_test::lines_of;
using cli_test::read_file;
using cli_test::run_cli;
using cli_test::split;
using cli_test::TempDir;
namespace fs = std::filesystem;

bool registered(const std::string& name) {
  for (const auto& s : neuroevo::strategy_registry())
    if (s.name == name) return true;
  return false;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& path, const std::string& header) {
  const auto lines = lines_of(read_file(path));
  EXPECT_FALSE(lines.empty()) << path;
  if (lines.empty()) return {};
  EXPECT_EQ(lines[0], header) << path;
  std::vector<std::vector<std::string>> rows;
  const size_t cols = split(header, ',').size();
  for (size_t i = 1; i < lines.size(); ++i) {
    rows.push_back(split(lines[i], ','));
    EXPECT_EQ(rows.back().size(), cols) << path << " line " << i + 1;
  }
  return rows;
}

std::vector<std::string> small_campaign(const std::string& out, int threads) {
  return {"bbob",   "run",         "--strategies", "random_search", "--functions", "1",  "--instances", "1-3",
          "--dims", "2",           "--budget",     "50",            "--seed",      "7",  "--threads",   std::to_string(threads),
          "--out",  out};
}

TEST(BbobRun, FilesColumnsAndRowCounts) {
  TempDir dir;
  const auto out = dir / "camp";
  const auto r = run_cli(small_campaign(out, 1));
  ASSERT_EQ(r.code, 0) << r.describe();
  EXPECT_NE(r.out.find("sphere"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("3/3 runs"), std::string::npos) << r.err;

  const auto runs = csv_rows(out + "/runs.csv", "strategy,function,instance,dim,evaluations,best_delta_f,reached");
  ASSERT_EQ(runs.size(), 3u);
  for (size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i][0], "random_search");
    EXPECT_EQ(runs[i][1], "1");
    EXPECT_EQ(runs[i][2], std::to_string(i + 1));  // job order
    EXPECT_EQ(runs[i][3], "2");
    const long evals = std::stol(runs[i][4]);
    EXPECT_GE(evals, 1);
    EXPECT_LE(evals, 100);  // budget 50 * D
    const double delta = std::stod(runs[i][5]);
    EXPECT_GE(delta, 0.0);
    EXPECT_EQ(runs[i][6], delta <= 1e-8 ? "1" : "0");
    if (runs[i][6] == "0") {
      EXPECT_EQ(evals, 100);
    }
  }
  const auto ert = csv_rows(out + "/ert.csv", "strategy,function,dim,runs,successes,total_evaluations,aRT,aRT_per_dim");
  ASSERT_EQ(ert.size(), 1u);
  const auto ecdf = csv_rows(out + "/ecdf.csv", "strategy,dim,evaluations_per_dim,fraction");
  // 10 points per decade below the budget multiplier 50 (1 .. 10^1.6), then 50 itself.
  ASSERT_EQ(ecdf.size(), 18u);
  double prev = 0;
  for (const auto& row : ecdf) {
    const double f = std::stod(row[3]);
    EXPECT_GE(f, prev);
    EXPECT_LE(f, 1.0);
    prev = f;
  }
  EXPECT_DOUBLE_EQ(std::stod(ecdf.back()[2]), 50.0);
  const auto traces = csv_rows(out + "/traces.csv", "strategy,function,instance,dim,evaluations,best_delta_f");
  EXPECT_GE(traces.size(), 3u);
  EXPECT_TRUE(fs::exists(out + "/ecdf.svg"));
  EXPECT_TRUE(fs::exists(out + "/campaign.toml"));
}

TEST(BbobRun, ErtMatchesRunsByHand) {
  TempDir dir;
  const auto out = dir / "camp";
  // 2-D sphere with enough budget that random search sometimes reaches a loose target.
  const auto r = run_cli({"bbob", "run", "--strategies", "random_search", "--functions", "1,2", "--instances", "1-4",
                          "--dims", "2,3", "--budget", "200", "--target", "0.1", "--out", out, "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto runs = csv_rows(out + "/runs.csv", "strategy,function,instance,dim,evaluations,best_delta_f,reached");
  ASSERT_EQ(runs.size(), 16u);
  std::map<std::pair<std::string, std::string>, std::pair<double, int>> by;  // (f, dim) -> (evals, successes)
  for (const auto& row : runs) {
    auto& e = by[{row[1], row[3]}];
    e.first += std::stod(row[4]);
    e.second += row[6] == "1" ? 1 : 0;
  }
  const auto ert = csv_rows(out + "/ert.csv", "strategy,function,dim,runs,successes,total_evaluations,aRT,aRT_per_dim");
  ASSERT_EQ(ert.size(), 4u);
  int total_successes = 0;
  for (const auto& row : ert) {
    const auto& [evals, succ] = by.at({row[1], row[2]});
    EXPECT_EQ(std::stoi(row[3]), 4);
    EXPECT_EQ(std::stoi(row[4]), succ);
    EXPECT_EQ(std::stod(row[5]), evals);
    total_successes += succ;
    if (succ == 0) {
      EXPECT_EQ(row[6], "inf");
    } else {
      EXPECT_NEAR(std::stod(row[6]), evals / succ, 1e-9 * evals);
      EXPECT_NEAR(std::stod(row[7]), evals / succ / std::stod(row[2]), 1e-9 * evals);
    }
  }
  EXPECT_GT(total_successes, 0) << "the test should exercise a finite aRT";
}

TEST(BbobRun, SameResultsForAnyThreadCount) {
  TempDir dir;
  std::string files[2][3];
  for (int t = 1; t <= 2; ++t) {
    const auto out = dir / ("t" + std::to_string(t));
    const auto r = run_cli({"bbob", "run", "--strategies", registered("cmaes") ? "random_search,cmaes" : "random_search",
                            "--functions", "1,3,8", "--instances", "1-2", "--dims", "2,3", "--budget", "100", "--seed",
                            "11", "--threads", std::to_string(t), "--out", out});
    ASSERT_EQ(r.code, 0) << r.describe();
    files[t - 1][0] = read_file(out + "/runs.csv");
    files[t - 1][1] = read_file(out + "/traces.csv");
    files[t - 1][2] = read_file(out + "/ecdf.csv");
  }
  for (int k = 0; k < 3; ++k) EXPECT_EQ(files[0][k], files[1][k]);
}

TEST(BbobRun, BadInputExits2) {
  TempDir dir;
  const std::vector<std::vector<std::string>> bad = {
      {"--strategies", "random_search", "--functions", "0-3"},
      {"--strategies", "random_search", "--functions", "25"},
      {"--strategies", "random_search", "--functions", "3-1"},
      {"--strategies", "random_search", "--functions", "1-"},
      {"--strategies", "random_search", "--functions", "x"},
      {"--strategies", "random_search", "--dims", "1"},
      {"--strategies", "random_search", "--budget", "0"},
      {"--strategies", "random_search", "--budget", "-3"},
      {"--strategies", "random_search", "--target", "0"},
      {"--strategies", "random_serch"},
      {"--strategies", "random_search", "--set", "strategy.no_such_key=1"},
      {"--strategies", "random_search", "--set", "population=3"},
  };
  for (const auto& args : bad) {
    std::vector<std::string> full = {"bbob", "run", "--out", dir / "bad"};
    full.insert(full.end(), args.begin(), args.end());
    if (std::find(args.begin(), args.end(), "--dims") == args.end()) full.insert(full.end(), {"--dims", "2"});
    const auto r = run_cli(full);
    std::string joined;
    for (const auto& a : args) joined += a + " ";
    EXPECT_EQ(r.code, 2) << joined << "\n" << r.describe();
    EXPECT_FALSE(r.err.empty()) << joined;
  }
  const auto r = run_cli({"bbob", "run", "--strategies", "random_serch", "--dims", "2", "--out", dir / "bad"});
  EXPECT_NE(r.err.find("did you mean 'random_search'"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "bad"));
}

// A campaign repeats from the campaign.toml it wrote; flags override the file; bad files exit 2.
TEST(BbobRun, ConfigFileRepeatsACampaign) {
  TempDir dir;
  const auto first = dir / "first";
  ASSERT_EQ(run_cli(small_campaign(first, 1)).code, 0);
  const auto again = run_cli({"bbob", "run", "--config", first + "/campaign.toml", "--out", dir / "again"});
  ASSERT_EQ(again.code, 0) << again.describe();
  EXPECT_EQ(read_file(first + "/runs.csv"), read_file(dir / "again" + "/runs.csv"));
  const auto over = run_cli({"bbob", "run", "--config", first + "/campaign.toml", "--instances", "2", "--out", dir / "over"});
  ASSERT_EQ(over.code, 0) << over.describe();
  EXPECT_EQ(csv_rows(dir / "over" + "/runs.csv", "strategy,function,instance,dim,evaluations,best_delta_f,reached").size(), 1u);

  cli_test::write_file(dir / "typo.toml", "strategies = [\"random_search\"]\nbudgett = 5\n");
  const auto typo = run_cli({"bbob", "run", "--config", dir / "typo.toml", "--out", dir / "typo"});
  EXPECT_EQ(typo.code, 2);
  EXPECT_NE(typo.err.find("did you mean 'budget'"), std::string::npos) << typo.err;
  cli_test::write_file(dir / "type.toml", "strategies = \"random_search\"\n");
  EXPECT_EQ(run_cli({"bbob", "run", "--config", dir / "type.toml", "--out", dir / "type"}).code, 2);
  cli_test::write_file(dir / "name.toml", "strategies = [\"random_serch\"]\n");
  const auto name = run_cli({"bbob", "run", "--config", dir / "name.toml", "--out", dir / "name"});
  EXPECT_EQ(name.code, 2);
  EXPECT_NE(name.err.find("did you mean 'random_search'"), std::string::npos) << name.err;
  EXPECT_EQ(run_cli({"bbob", "run", "--config", dir / "missing.toml", "--out", dir / "m"}).code, 2);
}

TEST(BbobRun, SetSuggestsTheNearestKey) {
  TempDir dir;
  const auto r = run_cli({"bbob", "run", "--strategies", "random_search", "--dims", "2", "--set",
                          "random_search.populaton=5", "--out", dir / "x"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("did you mean 'strategy.population'"), std::string::npos) << r.err;
}

TEST(BbobRun, LibraryRejectsBadSpecs) {
  neuroevo::bbob::CampaignSpec spec;
  spec.strategies = {"random_search"};
  spec.functions = {1};
  spec.instances = {1};
  spec.dims = {2};
  EXPECT_NO_THROW(neuroevo::bbob::validate(spec));
  auto bad = spec;
  bad.functions = {25};
  EXPECT_THROW(neuroevo::bbob::validate(bad), neuroevo::UsageError);
  bad = spec;
  bad.budget = -1;
  EXPECT_THROW(neuroevo::bbob::validate(bad), neuroevo::UsageError);
  EXPECT_THROW(neuroevo::bbob::parse_int_list("1--3", "--x", 1, 24), neuroevo::UsageError);
  EXPECT_THROW(neuroevo::bbob::parse_int_list("1,,3", "--x", 1, 24), neuroevo::UsageError);
  EXPECT_EQ(neuroevo::bbob::parse_int_list("1-3, 7", "--x", 1, 24), (std::vector<int64_t>{1, 2, 3, 7}));
  const auto t = neuroevo::bbob::ecdf_targets();
  ASSERT_EQ(t.size(), 51u);
  EXPECT_DOUBLE_EQ(t.front(), 100.0);
  EXPECT_NEAR(t.back(), 1e-8, 1e-22);
}

// BBOB-standard CMA-ES (sigma0 = 2, x0 uniform in [-4, 4]^D, default lambda) solves the sphere and the
// separable ellipsoid in 5-D to 1e-8 within 1000 * D evaluations, on every instance tried.
TEST(BbobRun, CmaesSolvesF1F2In5D) {
  if (!registered("cmaes")) GTEST_SKIP() << "strategy 'cmaes' is not registered in this build";
  neuroevo::bbob::CampaignSpec spec;
  spec.strategies = {"cmaes"};
  spec.functions = {1, 2};
  spec.instances = {1, 2, 3};
  spec.dims = {5};
  spec.budget = 1000;
  spec.precision = 1e-8;
  spec.threads = 2;
  const auto result = neuroevo::bbob::run_campaign(spec);
  ASSERT_EQ(result.runs.size(), 6u);
  for (const auto& r : result.runs) {
    EXPECT_TRUE(r.reached) << "f" << r.function << " i" << r.instance << ": best f - fopt " << r.best_delta << " after "
                           << r.evaluations;
    EXPECT_LE(r.evaluations, 5000u);
    EXPECT_LE(r.best_delta, 1e-8);
  }
}

}  // namespace
