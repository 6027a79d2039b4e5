// COCO's bbob data format (include/neuroevo/drivers/coco_format.hpp): trigger rules of the .dat and .tdat
// lines on hand-built sequences, and the files of a real campaign read back against its runs.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/drivers/campaign.hpp"
#include "neuroevo/drivers/coco_format.hpp"

namespace {

using neuroevo::bbob::CocoRunLog;

// The evaluation counts (first column) of the lines of a log.
std::vector<long> first_column(const std::string& text) {
  std::vector<long> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '%') out.push_back(std::stol(line));
  return out;
}

std::vector<std::vector<double>> rows(const std::string& text) {
  std::vector<std::vector<double>> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '%') continue;
    std::istringstream ls(line);
    std::vector<double> r;
    for (double v; ls >> v;) r.push_back(v);
    out.push_back(r);
  }
  return out;
}

TEST(CocoFormat, TdatAtOneThenDimTimesOneTwoFiveAndTheLastEvaluation) {
  CocoRunLog log(3, 10.0, 1e-8);
  const std::vector<double> x{0.1, 0.2, 0.3};
  for (uint64_t e = 1; e <= 100; ++e) log.observe(e, x, 1000.0 / static_cast<double>(e));
  log.finish();
  EXPECT_EQ(first_column(log.tdat()), (std::vector<long>{1, 3, 6, 15, 30, 60, 100}));
}

TEST(CocoFormat, TdatDoesNotRepeatAnAlreadyLoggedLastEvaluation) {
  CocoRunLog log(2, 0.0, 1e-8);
  const std::vector<double> x{0.0, 0.0};
  for (uint64_t e = 1; e <= 20; ++e) log.observe(e, x, 1.0);
  log.finish();
  EXPECT_EQ(first_column(log.tdat()), (std::vector<long>{1, 2, 4, 10, 20}));
}

TEST(CocoFormat, DatLinesWhenTheBestEntersANewTenthOfADecade) {
  CocoRunLog log(2, 5.0, 1e-8);
  const std::vector<double> x{1.0, -1.0};
  // buckets ceil(10 log10 v): 100 -> 20, 50 -> 17, 12 -> 11, 11 -> 11 (same), 200 (worse), 9 -> 10,
  // 1e-9 -> clamped to 1e-8 -> -80.
  const double deltas[] = {100, 50, 12, 11, 200, 9, 1e-9};
  for (size_t i = 0; i < std::size(deltas); ++i) log.observe(i + 1, x, deltas[i]);
  EXPECT_EQ(first_column(log.dat()), (std::vector<long>{1, 2, 3, 6, 7}));
  const auto r = rows(log.dat());
  ASSERT_EQ(r.size(), 5u);
  // columns: evals, f - fopt, best f - fopt, f, best f, x1, x2
  ASSERT_EQ(r[3].size(), 7u);
  EXPECT_DOUBLE_EQ(r[3][1], 9.0);
  EXPECT_DOUBLE_EQ(r[3][2], 9.0);
  EXPECT_DOUBLE_EQ(r[3][3], 14.0);
  EXPECT_DOUBLE_EQ(r[3][4], 14.0);
  EXPECT_DOUBLE_EQ(r[3][5], 1.0);
  EXPECT_DOUBLE_EQ(r[3][6], -1.0);
}

TEST(CocoFormat, NoCoordinatesAboveDimension21AndNaNIsHarmless) {
  CocoRunLog big(22, 0.0, 1e-8);
  big.observe(1, std::vector<double>(22, 0.5), std::nan(""));
  big.observe(2, std::vector<double>(22, 0.5), 3.0);
  big.finish();
  const auto r = rows(big.dat());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].size(), 5u);
  EXPECT_DOUBLE_EQ(r[1][2], 3.0);
}

TEST(CocoFormat, CampaignFilesAgreeWithItsRuns) {
  cli_test::TempDir dir;
  neuroevo::bbob::CampaignSpec spec;
  spec.strategies = {"random_search"};
  spec.functions = {1, 7};
  spec.instances = {1, 2, 3};
  spec.dims = {2, 3};
  spec.budget = 40;
  spec.threads = 2;
  const auto result = neuroevo::bbob::run_campaign(spec);
  const std::string out = dir / "camp";
  neuroevo::bbob::write_campaign(out, result);
  for (int f : spec.functions) {
    const std::string info = cli_test::read_file(out + "/coco/random_search/bbobexp_f" + std::to_string(f) + ".info");
    for (size_t d : spec.dims) {
      const std::string stem = "data_f" + std::to_string(f) + "/bbobexp_f" + std::to_string(f) + "_DIM" + std::to_string(d);
      EXPECT_NE(info.find("funcId = " + std::to_string(f) + ", DIM = " + std::to_string(d)), std::string::npos) << info;
      EXPECT_NE(info.find(stem + ".dat"), std::string::npos) << info;
      const std::string dat = cli_test::read_file(out + "/coco/random_search/" + stem + ".dat");
      const std::string tdat = cli_test::read_file(out + "/coco/random_search/" + stem + ".tdat");
      // One block per run, in instance order; the last .tdat line of a block is the run's last evaluation
      // and carries its best value.
      std::vector<std::string> blocks;
      std::istringstream in(tdat);
      for (std::string line; std::getline(in, line);) {
        if (line[0] == '%') blocks.emplace_back();
        else blocks.back() += line + "\n";
      }
      ASSERT_EQ(blocks.size(), spec.instances.size());
      for (size_t i = 0; i < blocks.size(); ++i) {
        const neuroevo::bbob::RunRecord* run = nullptr;
        for (const auto& r : result.runs)
          if (r.function == f && r.dim == d && r.instance == spec.instances[i]) run = &r;
        ASSERT_NE(run, nullptr);
        const auto r = rows(blocks[i]);
        ASSERT_FALSE(r.empty());
        EXPECT_EQ(static_cast<uint64_t>(r.back()[0]), run->evaluations);
        EXPECT_NEAR(r.back()[2], run->best_delta, 1e-9 * std::max(1.0, run->best_delta));
        char entry[64];
        std::snprintf(entry, sizeof entry, "%d:%llu|%.1e", run->instance,
                      static_cast<unsigned long long>(run->evaluations), run->best_delta);
        EXPECT_NE(info.find(entry), std::string::npos) << entry << "\n" << info;
      }
      EXPECT_EQ(std::count(dat.begin(), dat.end(), '%'), static_cast<long>(spec.instances.size()));
    }
  }
}

}  // namespace
