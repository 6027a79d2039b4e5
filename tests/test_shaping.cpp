// Tests of fitness shaping (core/shaping.hpp): centred ranks and the descending argsort.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "neuroevo/core/shaping.hpp"

namespace neuroevo {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(CenteredRanks, SpanMinusHalfToHalfAndSumToZero) {
  const std::vector<double> f = {3.0, -1.0, 10.0, 2.0, 0.5};
  const auto r = centered_ranks(f);
  // ascending order: -1 (idx 1), 0.5 (4), 2 (3), 3 (0), 10 (2) -> ranks 0..4 -> r/4 - 0.5
  const std::vector<double> expect = {0.25, -0.5, 0.5, 0.0, -0.25};
  ASSERT_EQ(r.size(), expect.size());
  double sum = 0.0;
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_DOUBLE_EQ(r[i], expect[i]) << i;
    sum += r[i];
  }
  EXPECT_DOUBLE_EQ(sum, 0.0);
}

TEST(CenteredRanks, TiesBrokenByIndex) {
  const std::vector<double> f = {1.0, 1.0, 0.0, 1.0};
  const auto r = centered_ranks(f);
  // 0.0 ranks 0; the three ties take ranks 1, 2, 3 in index order.
  EXPECT_DOUBLE_EQ(r[2], -0.5);
  EXPECT_DOUBLE_EQ(r[0], 1.0 / 3.0 - 0.5);
  EXPECT_DOUBLE_EQ(r[1], 2.0 / 3.0 - 0.5);
  EXPECT_DOUBLE_EQ(r[3], 0.5);
}

TEST(CenteredRanks, NegativeInfinityAndNaNRankLowest) {
  const std::vector<double> f = {-1e300, -kInf, 5.0, kNaN};
  const auto r = centered_ranks(f);
  // -inf and NaN (treated as -inf) tie at the bottom in index order, then -1e300, then 5.
  EXPECT_DOUBLE_EQ(r[1], -0.5);
  EXPECT_DOUBLE_EQ(r[3], 1.0 / 3.0 - 0.5);
  EXPECT_DOUBLE_EQ(r[0], 2.0 / 3.0 - 0.5);
  EXPECT_DOUBLE_EQ(r[2], 0.5);
}

TEST(CenteredRanks, DegenerateSizes) {
  EXPECT_TRUE(centered_ranks(std::vector<double>{}).empty());
  EXPECT_EQ(centered_ranks(std::vector<double>{7.0}), std::vector<double>{0.0});
  EXPECT_EQ(centered_ranks(std::vector<double>{-kInf}), std::vector<double>{0.0});
}

TEST(ArgsortDescending, OrdersByFitnessThenIndex) {
  const std::vector<double> f = {1.0, 3.0, 1.0, -kInf, 3.0, kNaN, 2.0};
  EXPECT_EQ(argsort_descending(f), (std::vector<size_t>{1, 4, 6, 0, 2, 3, 5}));
}

}  // namespace
}  // namespace neuroevo
