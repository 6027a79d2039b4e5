// Epsilon-lexicase selection (strategies/lexicase.hpp): the MAD epsilons against values worked out by
// hand, and the selection frequencies against the exact probabilities of a naive reference that
// enumerates every case order (the semi-dynamic rule written out directly, no lazy shuffle).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "neuroevo/strategies/lexicase.hpp"

using namespace neuroevo;

namespace {

// Exact selection probabilities: every permutation of the cases equally likely; along it the pool keeps
// the members within epsilon_t of the pool's best on case t; the survivors share the probability.
std::vector<double> reference_probabilities(const std::vector<double>& e, size_t n, size_t m, const std::vector<double>& eps) {
  std::vector<size_t> perm(m);
  std::iota(perm.begin(), perm.end(), size_t{0});
  std::vector<double> p(n, 0.0);
  double orders = 0;
  do {
    std::vector<size_t> pool(n);
    std::iota(pool.begin(), pool.end(), size_t{0});
    for (size_t t : perm) {
      auto err = [&](size_t i) { return std::isnan(e[i * m + t]) ? INFINITY : e[i * m + t]; };
      double best = INFINITY;
      for (size_t i : pool) best = std::min(best, err(i));
      std::vector<size_t> next;
      for (size_t i : pool)
        if (err(i) <= best + eps[t]) next.push_back(i);
      pool = next;
    }
    for (size_t i : pool) p[i] += 1.0 / static_cast<double>(pool.size());
    orders += 1;
  } while (std::next_permutation(perm.begin(), perm.end()));
  for (double& v : p) v /= orders;
  return p;
}

std::vector<double> frequencies(const std::vector<double>& e, size_t n, size_t m, const std::vector<double>& eps, size_t draws) {
  std::vector<double> f(n, 0.0);
  std::vector<size_t> pool, order;
  for (size_t k = 0; k < draws; ++k) {
    Stream rng(1234 + k);
    f[epsilon_lexicase_select(e, n, m, eps, rng, pool, order)] += 1.0 / static_cast<double>(draws);
  }
  return f;
}

void expect_close_to(const std::vector<double>& freq, const std::vector<double>& p, size_t draws) {
  ASSERT_EQ(freq.size(), p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    const double sigma = std::sqrt(p[i] * (1 - p[i]) / static_cast<double>(draws));
    EXPECT_NEAR(freq[i], p[i], 5 * sigma + 1e-12) << "candidate " << i;
  }
}

}  // namespace

TEST(LexicaseEpsilons, MedianAbsoluteDeviationPerCaseByHand) {
  // Case 0: {1, 2, 3, 4, 100}: median 3, deviations {2, 1, 0, 1, 97}: MAD 1.
  // Case 1: {0, 0, 0, 1, 5}: median 0, deviations {0, 0, 0, 1, 5}: MAD 0.
  // Case 2: {inf, 2, 4, 10, NaN}: the finite {2, 4, 10}: median 4, deviations {2, 0, 6}: MAD 2.
  const double inf = std::numeric_limits<double>::infinity(), nan = std::nan("");
  const std::vector<double> e = {1, 0, inf, 2, 0, 2, 3, 0, 4, 4, 1, 10, 100, 5, nan};
  const auto eps = lexicase_epsilons(e, 5, 3);
  ASSERT_EQ(eps.size(), 3u);
  EXPECT_DOUBLE_EQ(eps[0], 1.0);
  EXPECT_DOUBLE_EQ(eps[1], 0.0);
  EXPECT_DOUBLE_EQ(eps[2], 2.0);
  // An even count: {1, 2, 4, 10}: median 3, deviations {2, 1, 1, 7}: MAD (1 + 2) / 2.
  EXPECT_DOUBLE_EQ(lexicase_epsilons(std::vector<double>{1, 2, 4, 10}, 4, 1)[0], 1.5);
  // No finite error on a case: epsilon 0.
  EXPECT_DOUBLE_EQ(lexicase_epsilons(std::vector<double>{inf, nan}, 2, 1)[0], 0.0);
}

TEST(EpsilonLexicase, SemiDynamicProbabilitiesByHand) {
  // A = (0, 10), B = (1, 0), C = (1, 0.4); epsilons (0, 0.5).
  // Order (case 0, case 1): case 0's best is 0, A alone passes: A.
  // Order (case 1, case 0): case 1 keeps B and C (0.4 <= 0 + 0.5); on case 0 the *pool's* best is 1, so both
  // stay (a static epsilon-lexicase, measuring from the population's best 0, would keep neither): B or C.
  // So P(A) = 1/2, P(B) = P(C) = 1/4.
  const std::vector<double> e = {0, 10, 1, 0, 1, 0.4};
  const std::vector<double> eps = {0, 0.5};
  const size_t draws = 40000;
  expect_close_to(frequencies(e, 3, 2, eps, draws), {0.5, 0.25, 0.25}, draws);
  expect_close_to(reference_probabilities(e, 3, 2, eps), {0.5, 0.25, 0.25}, 1u << 30);
}

TEST(EpsilonLexicase, FrequenciesMatchTheEnumeratedReference) {
  // 7 candidates x 4 cases, with ties, an invalid (NaN) row and MAD epsilons.
  const double nan = std::nan("");
  const std::vector<double> e = {
      0.1, 2.0, 0.5, 3.0,   //
      0.3, 0.2, 0.9, 0.1,   //
      1.5, 0.0, 0.4, 0.8,   //
      0.2, 0.7, 0.0, 2.5,   //
      0.1, 2.0, 0.5, 3.0,   // a duplicate of the first
      2.0, 2.0, 2.0, 0.05,  //
      nan, nan, nan, nan,   // never selected
  };
  const size_t n = 7, m = 4;
  const auto eps = lexicase_epsilons(e, n, m);
  const auto p = reference_probabilities(e, n, m, eps);
  EXPECT_DOUBLE_EQ(p[6], 0.0);
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12);
  const size_t draws = 40000;
  expect_close_to(frequencies(e, n, m, eps, draws), p, draws);
  // Plain lexicase (epsilons 0) too.
  const std::vector<double> zero(m, 0.0);
  expect_close_to(frequencies(e, n, m, zero, draws), reference_probabilities(e, n, m, zero), draws);
}

TEST(EpsilonLexicase, RejectsMisshapenInput) {
  std::vector<size_t> pool, order;
  Stream rng(1);
  EXPECT_THROW(epsilon_lexicase_select(std::vector<double>{1, 2, 3}, 2, 2, std::vector<double>{0, 0}, rng, pool, order),
               std::invalid_argument);
  EXPECT_THROW(lexicase_epsilons(std::vector<double>{1, 2, 3}, 2, 2), std::invalid_argument);
}
