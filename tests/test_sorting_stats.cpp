// Significance tests of the sorting experiments (src/sorting/stats.cpp) against textbook values: the
// critical values of the Mann-Whitney U table (two-sided alpha = 0.05: U <= 2 for n1 = n2 = 5, 13 for 8,
// 23 for 10), a brute-force enumeration of the U distribution, Fisher's tea-tasting table (Fisher 1935:
// 3/1/1/3, one-sided p = 17/70) and the 1/9/11/3 example (two-sided p = 0.00276).
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neuroevo/sorting/stats.hpp"

using namespace neuroevo::sorting;

TEST(SortStats, MannWhitneyCriticalValuesFromTheTable) {
  // U_crit is the largest U with one-tailed P(U <= U_crit) <= 0.025.
  for (auto [n, crit] : {std::pair{5u, 2.0}, std::pair{8u, 13.0}, std::pair{10u, 23.0}}) {
    EXPECT_LE(mann_whitney_cdf(n, n, crit), 0.025) << n;
    EXPECT_GT(mann_whitney_cdf(n, n, crit + 1), 0.025) << n;
  }
  EXPECT_NEAR(mann_whitney_cdf(3, 3, 0), 1.0 / 20.0, 1e-15);  // one arrangement of C(6, 3) = 20
}

TEST(SortStats, MannWhitneyDistributionMatchesEnumeration) {
  // All C(9, 4) = 126 ways to place 4 x's among 9 ranks; U counts (x, y) pairs with x above y.
  std::vector<int> count(21, 0);
  for (unsigned mask = 0; mask < (1u << 9); ++mask) {
    if (__builtin_popcount(mask) != 4) continue;
    int u = 0, ys_below = 0;
    for (int r = 0; r < 9; ++r) {
      if (mask & (1u << r)) u += ys_below;
      else ++ys_below;
    }
    ++count[u];
  }
  double cum = 0.0;
  for (int u = 0; u <= 20; ++u) {
    cum += count[u] / 126.0;
    EXPECT_NEAR(mann_whitney_cdf(4, 5, u), cum, 1e-12) << u;
  }
}

TEST(SortStats, MannWhitneyStatisticAndPValue) {
  // Complete separation of 5 and 5: U1 = 25 (every x above every y), exact p = 2 / C(10, 5) = 2/252.
  const std::vector<double> x{6, 7, 8, 9, 10}, y{1, 2, 3, 4, 5};
  const MannWhitney r = mann_whitney(x, y);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u1, 25.0);
  EXPECT_DOUBLE_EQ(r.u2, 0.0);
  EXPECT_NEAR(r.p_two_sided, 2.0 / 252.0, 1e-12);
  // Ties: x = {1, 2, 2}, y = {2, 3}: pairs x > y: none; ties (2,2) twice count 1/2 each -> U1 = 1.
  const std::vector<double> a{1, 2, 2}, b{2, 3};
  const MannWhitney t = mann_whitney(a, b);
  EXPECT_FALSE(t.exact);
  EXPECT_DOUBLE_EQ(t.u1, 1.0);
  // Without ties and above the exact-size limit, the normal approximation is close to the exact law.
  std::vector<double> p, q;
  for (int i = 0; i < 60; ++i) {
    p.push_back(2 * i + (i % 3 == 0 ? 7 : 0) + 0.5);
    q.push_back(2 * i);
  }
  const MannWhitney big = mann_whitney(p, q);
  EXPECT_FALSE(big.exact);
  const double umin = std::min(big.u1, big.u2);
  EXPECT_NEAR(big.p_two_sided, std::min(1.0, 2.0 * mann_whitney_cdf(60, 60, umin)), 0.005);
}

TEST(SortStats, FisherExactTextbookTables) {
  const Fisher tea = fisher_exact(3, 1, 1, 3);
  EXPECT_NEAR(tea.p_greater, 17.0 / 70.0, 1e-12);
  EXPECT_NEAR(tea.p_two_sided, 34.0 / 70.0, 1e-12);
  const Fisher f = fisher_exact(1, 9, 11, 3);
  EXPECT_NEAR(f.p_two_sided, 0.0027594561852200836, 1e-9);
  EXPECT_NEAR(fisher_exact(5, 5, 5, 5).p_two_sided, 1.0, 1e-12);
}
