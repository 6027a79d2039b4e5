#include "neuroevo/core/shaping.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace neuroevo {

namespace {

// NaN has no place in an order; treating it as -inf keeps the comparators strict weak orderings
// (std::sort is undefined otherwise) and matches ranking_fitness, which maps invalid results to -inf.
double rank_key(double x) { return std::isnan(x) ? -std::numeric_limits<double>::infinity() : x; }

}  // namespace

std::vector<double> centered_ranks(std::span<const double> fitness) {
  const size_t n = fitness.size();
  std::vector<double> out(n, 0.0);
  if (n < 2) return out;
  // Ascending order; a stable sort breaks ties by index (the earlier index gets the lower rank), so
  // the result depends on nothing but the input sequence.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rank_key(fitness[a]) < rank_key(fitness[b]); });
  // Salimans et al. 2017 (es_distributed/es.py, compute_centered_ranks): rank / (n - 1) - 0.5.
  const double denom = static_cast<double>(n - 1);
  for (size_t r = 0; r < n; ++r) out[order[r]] = static_cast<double>(r) / denom - 0.5;
  return out;
}

std::vector<size_t> argsort_descending(std::span<const double> fitness) {
  std::vector<size_t> order(fitness.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // Stable: equal fitness keeps ascending index order.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return rank_key(fitness[a]) > rank_key(fitness[b]); });
  return order;
}

}  // namespace neuroevo
