#include "neuroevo/strategies/lexicase.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace neuroevo {

namespace {

double finite_or_inf(double e) { return std::isnan(e) ? std::numeric_limits<double>::infinity() : e; }

// The median as numpy computes it: the middle value, or the mean of the two middle values.
double median(std::vector<double>& v) {
  const size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double hi = v[h];
  if (v.size() % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
  return lo + (hi - lo) / 2;
}

}  // namespace

std::vector<double> lexicase_epsilons(std::span<const double> errors, size_t n, size_t m) {
  if (errors.size() != n * m) throw std::invalid_argument("lexicase_epsilons: errors is not n x m");
  std::vector<double> eps(m, 0.0), col;
  col.reserve(n);
  for (size_t t = 0; t < m; ++t) {
    col.clear();
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(errors[i * m + t])) col.push_back(errors[i * m + t]);
    if (col.empty()) continue;
    const double med = median(col);
    for (double& e : col) e = std::abs(e - med);
    eps[t] = median(col);
  }
  return eps;
}

size_t epsilon_lexicase_select(std::span<const double> errors, size_t n, size_t m, std::span<const double> epsilons,
                               Stream& rng, std::vector<size_t>& pool, std::vector<size_t>& order) {
  if (n == 0 || errors.size() != n * m || epsilons.size() != m)
    throw std::invalid_argument("epsilon_lexicase_select: errors is not n x m or epsilons not m");
  pool.resize(n);
  std::iota(pool.begin(), pool.end(), size_t{0});
  order.resize(m);
  std::iota(order.begin(), order.end(), size_t{0});
  // Lazy Fisher-Yates: the k-th case is drawn only when the pool still holds several candidates.
  for (size_t k = 0; k < m && pool.size() > 1; ++k) {
    std::swap(order[k], order[k + static_cast<size_t>(rng.below(m - k))]);
    const size_t t = order[k];
    double best = std::numeric_limits<double>::infinity();
    for (size_t i : pool) best = std::min(best, finite_or_inf(errors[i * m + t]));
    const double limit = best + epsilons[t];
    size_t kept = 0;
    for (size_t i : pool)
      if (finite_or_inf(errors[i * m + t]) <= limit) pool[kept++] = i;
    pool.resize(kept);
  }
  return pool.size() == 1 ? pool[0] : pool[static_cast<size_t>(rng.below(pool.size()))];
}

}  // namespace neuroevo
