#include "neuroevo/strategies/nsga2.hpp"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace neuroevo {

bool dominates(std::span<const double> a, std::span<const double> b) {
  bool better = false;
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] > b[k]) return false;
    if (a[k] < b[k]) better = true;
  }
  return better;
}

std::vector<std::vector<size_t>> fast_non_dominated_sort(std::span<const double> objectives, size_t n, size_t m) {
  if (objectives.size() != n * m) throw std::invalid_argument("fast_non_dominated_sort: objectives is not n x m");
  auto row = [&](size_t i) { return objectives.subspan(i * m, m); };
  std::vector<std::vector<size_t>> dominated(n);  // S_p: the solutions p dominates
  std::vector<size_t> count(n, 0);                // n_p: how many dominate p
  std::vector<std::vector<size_t>> fronts(1);
  for (size_t p = 0; p < n; ++p) {
    for (size_t q = p + 1; q < n; ++q) {
      if (dominates(row(p), row(q))) {
        dominated[p].push_back(q);
        ++count[q];
      } else if (dominates(row(q), row(p))) {
        dominated[q].push_back(p);
        ++count[p];
      }
    }
  }
  for (size_t p = 0; p < n; ++p)
    if (count[p] == 0) fronts[0].push_back(p);
  while (!fronts.back().empty()) {
    std::vector<size_t> next;
    for (size_t p : fronts.back())
      for (size_t q : dominated[p])
        if (--count[q] == 0) next.push_back(q);
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(next));
  }
  fronts.pop_back();
  return fronts;
}

std::vector<double> crowding_distance(std::span<const double> objectives, size_t m, std::span<const size_t> front) {
  const size_t l = front.size();
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::vector<double> d(l, 0.0);
  if (l <= 2) {
    std::fill(d.begin(), d.end(), inf);
    return d;
  }
  std::vector<size_t> order(l);
  for (size_t k = 0; k < m; ++k) {
    std::iota(order.begin(), order.end(), size_t{0});
    auto f = [&](size_t j) { return objectives[front[j] * m + k]; };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return f(a) < f(b); });
    d[order.front()] = inf;
    d[order.back()] = inf;
    const double range = f(order.back()) - f(order.front());
    if (!(range > 0) || range == inf) continue;  // all equal (or unbounded): no interior contribution
    for (size_t j = 1; j + 1 < l; ++j) d[order[j]] += (f(order[j + 1]) - f(order[j - 1])) / range;
  }
  return d;
}

bool crowded_better(size_t rank_a, double crowding_a, size_t rank_b, double crowding_b) {
  return rank_a < rank_b || (rank_a == rank_b && crowding_a > crowding_b);
}

Nsga2Survivors nsga2_survivors(std::span<const double> objectives, size_t n, size_t m, size_t keep) {
  if (keep > n) throw std::invalid_argument("nsga2_survivors: keep exceeds the set");
  Nsga2Survivors s;
  const auto fronts = fast_non_dominated_sort(objectives, n, m);
  for (size_t r = 0; r < fronts.size() && s.chosen.size() < keep; ++r) {
    const auto& front = fronts[r];
    const std::vector<double> d = crowding_distance(objectives, m, front);
    std::vector<size_t> order(front.size());
    std::iota(order.begin(), order.end(), size_t{0});
    if (s.chosen.size() + front.size() > keep)  // the last front: the least crowded first
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return d[a] > d[b]; });
    for (size_t j = 0; j < order.size() && s.chosen.size() < keep; ++j) {
      s.chosen.push_back(front[order[j]]);
      s.rank.push_back(r);
      s.crowding.push_back(d[order[j]]);
    }
  }
  return s;
}

size_t crowded_tournament(std::span<const size_t> rank, std::span<const double> crowding, Stream& rng) {
  const size_t n = rank.size();
  const size_t a = static_cast<size_t>(rng.below(n)), b = static_cast<size_t>(rng.below(n));
  return crowded_better(rank[b], crowding[b], rank[a], crowding[a]) ? b : a;
}

}  // namespace neuroevo
