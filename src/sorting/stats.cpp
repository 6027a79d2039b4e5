// Mann-Whitney U and Fisher's exact test (formulas in docs/sorting.md, "Significance tests").
#include "neuroevo/sorting/stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace neuroevo::sorting {

namespace {

// Counts of arrangements of m x's and n y's by U (number of (x, y) pairs with x > y), by the recurrence
// f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u): the largest observation is either an x (beating all
// n y's) or a y. Returned as probabilities (divided by C(m + n, m)).
std::vector<double> u_distribution(uint32_t m, uint32_t n) {
  const size_t umax = static_cast<size_t>(m) * n;
  // table[j] for the current i: distribution over u for (i, j); built row by row in i.
  std::vector<std::vector<double>> prev(n + 1), cur(n + 1);
  for (uint32_t j = 0; j <= n; ++j) prev[j] = {1.0};  // i = 0: U = 0 with one arrangement
  for (uint32_t i = 1; i <= m; ++i) {
    cur[0] = {1.0};
    for (uint32_t j = 1; j <= n; ++j) {
      std::vector<double> f(static_cast<size_t>(i) * j + 1, 0.0);
      // largest is an x: from (i - 1, j) shifted by j; largest is a y: from (i, j - 1).
      const double wx = static_cast<double>(i) / (i + j), wy = static_cast<double>(j) / (i + j);
      for (size_t u = 0; u < prev[j].size(); ++u) f[u + j] += wx * prev[j][u];
      for (size_t u = 0; u < cur[j - 1].size(); ++u) f[u] += wy * cur[j - 1][u];
      cur[j] = std::move(f);
    }
    std::swap(prev, cur);
  }
  std::vector<double> d = prev[n];
  d.resize(umax + 1, 0.0);
  return d;
}

}  // namespace

double mann_whitney_cdf(uint32_t m, uint32_t n, double u) {
  const auto d = u_distribution(m, n);
  double s = 0.0;
  for (size_t k = 0; k < d.size() && static_cast<double>(k) <= u + 1e-9; ++k) s += d[k];
  return std::min(1.0, s);
}

MannWhitney mann_whitney(std::span<const double> x, std::span<const double> y) {
  MannWhitney r;
  const size_t n1 = x.size(), n2 = y.size();
  if (n1 == 0 || n2 == 0) return r;
  // Midranks of the pooled sample.
  std::vector<std::pair<double, int>> all;
  for (double v : x) all.push_back({v, 0});
  for (double v : y) all.push_back({v, 1});
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const double N = static_cast<double>(all.size());
  double r1 = 0.0, tie_term = 0.0;
  bool ties = false;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k < j; ++k)
      if (all[k].second == 0) r1 += midrank;
    if (t > 1) {
      ties = true;
      tie_term += t * t * t - t;
    }
    i = j;
  }
  const double a = static_cast<double>(n1), b = static_cast<double>(n2);
  r.u1 = r1 - a * (a + 1.0) / 2.0;
  r.u2 = a * b - r.u1;
  if (!ties && a * b <= 2500.0) {
    r.exact = true;
    const auto d = u_distribution(static_cast<uint32_t>(n1), static_cast<uint32_t>(n2));
    const double umin = std::min(r.u1, r.u2);
    double tail = 0.0;
    for (size_t k = 0; k < d.size() && static_cast<double>(k) <= umin + 1e-9; ++k) tail += d[k];
    r.p_two_sided = std::min(1.0, 2.0 * tail);
    return r;
  }
  const double mu = a * b / 2.0;
  const double var = a * b / 12.0 * ((N + 1.0) - tie_term / (N * (N - 1.0)));
  if (var <= 0.0) {
    r.p_two_sided = 1.0;  // every observation equal
    return r;
  }
  const double dev = std::max(0.0, std::abs(r.u1 - mu) - 0.5);
  r.z = (r.u1 > mu ? dev : -dev) / std::sqrt(var);
  r.p_two_sided = std::min(1.0, std::erfc(std::abs(r.z) / std::sqrt(2.0)));
  return r;
}

Fisher fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  // With margins fixed, a follows the hypergeometric law: P(a) = C(r1, a) C(r2, c1 - a) / C(n, c1).
  const uint64_t r1 = a + b, r2 = c + d, c1 = a + c, n = r1 + r2;
  auto lchoose = [](double N, double k) { return std::lgamma(N + 1) - std::lgamma(k + 1) - std::lgamma(N - k + 1); };
  const uint64_t lo = c1 > r2 ? c1 - r2 : 0, hi = std::min(r1, c1);
  auto logp = [&](uint64_t k) {
    return lchoose(double(r1), double(k)) + lchoose(double(r2), double(c1 - k)) - lchoose(double(n), double(c1));
  };
  const double p_obs = std::exp(logp(a));
  Fisher f{0.0, 0.0, 0.0};
  for (uint64_t k = lo; k <= hi; ++k) {
    const double p = std::exp(logp(k));
    if (k >= a) f.p_greater += p;
    if (k <= a) f.p_less += p;
    if (p <= p_obs * (1.0 + 1e-7)) f.p_two_sided += p;
  }
  f.p_greater = std::min(1.0, f.p_greater);
  f.p_less = std::min(1.0, f.p_less);
  f.p_two_sided = std::min(1.0, f.p_two_sided);
  return f;
}

}  // namespace neuroevo::sorting
