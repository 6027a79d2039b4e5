// NSGA-II's building blocks (strategies/nsga2.hpp): the fast non-dominated sort against a naive O(n^3)
// peeling of the non-dominated set, fronts and crowding distances worked out by hand, the (mu + lambda)
// survivors and the crowded tournament.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "neuroevo/strategies/nsga2.hpp"

using namespace neuroevo;

namespace {

// Naive reference: repeatedly take every remaining point no remaining point dominates.
std::vector<std::vector<size_t>> naive_fronts(const std::vector<double>& obj, size_t n, size_t m) {
  auto dom = [&](size_t a, size_t b) {
    bool strictly = false;
    for (size_t k = 0; k < m; ++k) {
      if (obj[a * m + k] > obj[b * m + k]) return false;
      if (obj[a * m + k] < obj[b * m + k]) strictly = true;
    }
    return strictly;
  };
  std::vector<bool> left(n, true);
  std::vector<std::vector<size_t>> fronts;
  for (size_t done = 0; done < n;) {
    std::vector<size_t> f;
    for (size_t i = 0; i < n; ++i) {
      if (!left[i]) continue;
      bool dominated = false;
      for (size_t j = 0; j < n && !dominated; ++j) dominated = left[j] && dom(j, i);
      if (!dominated) f.push_back(i);
    }
    for (size_t i : f) left[i] = false;
    done += f.size();
    fronts.push_back(f);
  }
  return fronts;
}

}  // namespace

TEST(Nsga2, FastNonDominatedSortMatchesNaivePeeling) {
  for (size_t m : {2u, 3u}) {
    for (uint64_t seed = 0; seed < 20; ++seed) {
      Stream rng(seed);
      const size_t n = 10 + static_cast<size_t>(rng.below(60));
      std::vector<double> obj(n * m);
      for (double& v : obj) v = static_cast<double>(rng.below(8));  // coarse values: ties and duplicates
      EXPECT_EQ(fast_non_dominated_sort(obj, n, m), naive_fronts(obj, n, m)) << "m " << m << " seed " << seed;
    }
  }
}

TEST(Nsga2, FrontsByHand) {
  // (1,5) (2,3) (3,1) are mutually non-dominated; (2,4) is dominated by (2,3), (3,3) by (2,3); (4,4) by
  // (2,4) and (3,3); (2,3) duplicated is on the first front twice.
  const std::vector<double> obj = {1, 5, 2, 3, 3, 1, 2, 4, 4, 4, 3, 3, 2, 3};
  const auto f = fast_non_dominated_sort(obj, 7, 2);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0], (std::vector<size_t>{0, 1, 2, 6}));
  EXPECT_EQ(f[1], (std::vector<size_t>{3, 5}));
  EXPECT_EQ(f[2], (std::vector<size_t>{4}));
}

TEST(Nsga2, CrowdingDistanceByHand) {
  // a = (0, 4), b = (1, 2), c = (3, 1), d = (4, 0); both ranges are 4.
  // b: objective 1 neighbours a, c: (3 - 0) / 4; objective 2 neighbours c, a: (4 - 1) / 4; total 1.5.
  // c: objective 1 neighbours b, d: (4 - 1) / 4; objective 2 neighbours d, b: (2 - 0) / 4; total 1.25.
  const std::vector<double> obj = {0, 4, 1, 2, 3, 1, 4, 0};
  const std::vector<size_t> front = {0, 1, 2, 3};
  const auto d = crowding_distance(obj, 2, front);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(d[0], inf);
  EXPECT_DOUBLE_EQ(d[1], 1.5);
  EXPECT_DOUBLE_EQ(d[2], 1.25);
  EXPECT_EQ(d[3], inf);
  // Two points or fewer: all boundary.
  EXPECT_EQ(crowding_distance(obj, 2, std::vector<size_t>{1, 2}), (std::vector<double>{inf, inf}));
  // An objective with no spread adds nothing: along the other, b and c as (x, 7): (3 - 0) / 4 and (4 - 1) / 4.
  const std::vector<double> flat = {0, 7, 1, 7, 3, 7, 4, 7};
  const auto g = crowding_distance(flat, 2, front);
  EXPECT_DOUBLE_EQ(g[1], 0.75);
  EXPECT_DOUBLE_EQ(g[2], 0.75);
}

TEST(Nsga2, SurvivorsFillByFrontsThenCrowding) {
  // e = (-1, -1) dominates a, b, c, d of the crowding example: front 0 = {e}, front 1 = {a, b, c, d}.
  const std::vector<double> obj = {0, 4, 1, 2, 3, 1, 4, 0, -1, -1};
  const auto s = nsga2_survivors(obj, 5, 2, 4);
  // e, then from the last front the largest distances: a, d (infinite, in index order), b (1.5 > 1.25).
  EXPECT_EQ(s.chosen, (std::vector<size_t>{4, 0, 3, 1}));
  EXPECT_EQ(s.rank, (std::vector<size_t>{0, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(s.crowding[3], 1.5);
  // keep = all: every point, fronts in order.
  EXPECT_EQ(nsga2_survivors(obj, 5, 2, 5).chosen.size(), 5u);
  EXPECT_THROW(nsga2_survivors(obj, 5, 2, 6), std::invalid_argument);
}

TEST(Nsga2, CrowdedTournamentPicksTheBetterOfTwoDraws) {
  const std::vector<size_t> rank = {0, 0, 1, 2, 1};
  const std::vector<double> crowd = {0.5, 2.0, 9.0, 9.0, std::numeric_limits<double>::infinity()};
  for (uint64_t k = 0; k < 500; ++k) {
    Stream a(k), b(k);
    const size_t i = static_cast<size_t>(b.below(5)), j = static_cast<size_t>(b.below(5));
    const size_t expect = (rank[j] < rank[i] || (rank[j] == rank[i] && crowd[j] > crowd[i])) ? j : i;
    EXPECT_EQ(crowded_tournament(rank, crowd, a), expect);
  }
  EXPECT_TRUE(crowded_better(0, 0.0, 1, 100.0));
  EXPECT_TRUE(crowded_better(1, 3.0, 1, 2.0));
  EXPECT_FALSE(crowded_better(1, 2.0, 1, 2.0));
}
