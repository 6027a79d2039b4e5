// Pieces shared by the CMA-ES family (cmaes.cpp, sep_cmaes.cpp, lm_ma_es.cpp; snes and xnes use the
// default population size): default population size and recombination weights, the CMA-ES learning
// rates, the sampling stream, the median. Config keys, bounds and restarts: cma_restarts.hpp; generic
// helpers (show, num_params_of, ...): search_util.hpp.
// Internal to src/strategies; equation numbers refer to N. Hansen, "The CMA Evolution Strategy: A
// Tutorial", arXiv:1604.00772 (2016).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/strategies/schema.hpp"

namespace neuroevo::cma {

// Eq. (48): lambda = 4 + floor(3 ln n).
inline size_t default_lambda(size_t n) {
  return 4 + static_cast<size_t>(std::floor(3.0 * std::log(static_cast<double>(std::max<size_t>(n, 1)))));
}

// A key table that starts with `population`, defaulting to default_lambda(D) (the NES strategies use
// the CMA-ES default: Wierstra et al. 2014, Table 1); the strategy appends its own keys.
template <class P>
ParamTable<P> lambda_table(size_t P::*population) {
  return ParamTable<P>().integer(
      "population", population,
      [](const P&, const typename ParamTable<P>::Context& c) { return static_cast<int64_t>(default_lambda(c.dim)); },
      "4 + floor(3 ln D)", 2, std::numeric_limits<int32_t>::max(), "candidates per generation (lambda)");
}

// Positive recombination weights, Eq. (49) and (53) restricted to i <= mu: w'_i = ln((lambda+1)/2) - ln i
// for i = 1..mu with mu = floor(lambda/2), normalised to sum 1; mu_eff = 1 / sum w_i^2. (No negative
// weights: the classic (mu/mu_W, lambda)-CMA-ES without the active update.)
struct Weights {
  size_t mu = 0;
  std::vector<double> w;
  double mu_eff = 0.0;
};

inline Weights log_weights(size_t lambda) {
  Weights r;
  r.mu = lambda / 2;
  r.w.resize(r.mu);
  double sum = 0.0;
  for (size_t i = 0; i < r.mu; ++i) {
    r.w[i] = std::log((static_cast<double>(lambda) + 1.0) / 2.0) - std::log(static_cast<double>(i + 1));
    sum += r.w[i];
  }
  double sq = 0.0;
  for (double& x : r.w) {
    x /= sum;
    sq += x * x;
  }
  r.mu_eff = 1.0 / sq;
  return r;
}

// The default learning rates of the tutorial's Table 1 for dimension n and weights w.
struct Rates {
  double c_sigma = 0.0, d_sigma = 0.0, c_c = 0.0, c_1 = 0.0, c_mu = 0.0, chi_n = 0.0;
};

inline Rates default_rates(size_t n_, const Weights& w) {
  const double n = static_cast<double>(n_), me = w.mu_eff;
  Rates r;
  r.c_sigma = (me + 2.0) / (n + me + 5.0);                                                      // Eq. (55)
  r.d_sigma = 1.0 + 2.0 * std::max(0.0, std::sqrt((me - 1.0) / (n + 1.0)) - 1.0) + r.c_sigma;  // Eq. (55)
  r.c_c = (4.0 + me / n) / (n + 4.0 + 2.0 * me / n);                                            // Eq. (56)
  const double alpha_cov = 2.0;
  r.c_1 = alpha_cov / ((n + 1.3) * (n + 1.3) + me);  // Eq. (57)
  r.c_mu = std::min(1.0 - r.c_1,
                    alpha_cov * (me - 2.0 + 1.0 / me) / ((n + 2.0) * (n + 2.0) + alpha_cov * me / 2.0));  // Eq. (58)
  // E||N(0, I)||, the approximation on p. 28 of the tutorial.
  r.chi_n = std::sqrt(n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
  return r;
}

// sep-CMA-ES (Ros & Hansen 2008, Sect. 2): with a diagonal model c_1 and c_mu are multiplied by
// (n + 2) / 3, c_mu being capped at 1 - c_1.
inline Rates sep_rates(size_t n, const Weights& w) {
  Rates r = default_rates(n, w);
  const double boost = (static_cast<double>(n) + 2.0) / 3.0;
  r.c_1 = std::min(1.0, r.c_1 * boost);
  r.c_mu = std::min(1.0 - r.c_1, r.c_mu * boost);
  return r;
}

// LM-MA-ES (Loshchilov, Glasmachers & Beyer 2019, Algorithm 1): c_sigma = 2 lambda / n,
// c_d,j = 1 / (1.5^(j-1) n), c_c,j = lambda / (4^(j-1) n), j = 1..m, with c_sigma and c_c,j capped at 1
// (lm_ma_es.cpp explains the cap at small n).
struct LmRates {
  double c_sigma = 0.0;
  std::vector<double> c_d, c_c;
};

inline LmRates lm_rates(size_t n_, size_t lambda, size_t m) {
  const double n = static_cast<double>(n_), lam = static_cast<double>(lambda);
  LmRates r;
  r.c_sigma = std::min(1.0, 2.0 * lam / n);
  r.c_d.resize(m);
  r.c_c.resize(m);
  for (size_t j = 0; j < m; ++j) {
    r.c_d[j] = 1.0 / (std::pow(1.5, static_cast<double>(j)) * n);
    r.c_c[j] = std::min(1.0, lam / (std::pow(4.0, static_cast<double>(j)) * n));
  }
  return r;
}

// h_sigma (p. 28): stalls the rank-one update while ||p_sigma|| is large, i.e. while sigma is increasing
// fast. `updates` counts the p_sigma updates so far, including the current one (g + 1 in the tutorial).
inline bool h_sigma(double norm_ps, double c_sigma, uint64_t updates, size_t n, double chi_n) {
  const double denom = std::sqrt(1.0 - std::pow(1.0 - c_sigma, 2.0 * static_cast<double>(updates)));
  return norm_ps / denom < (1.4 + 2.0 / (static_cast<double>(n) + 1.0)) * chi_n;
}

// sigma <- sigma * exp(min(1, c_sigma/d_sigma (||p_sigma|| / chi_n - 1))), Eq. (44). The cap at one
// e-fold per generation is a safeguard against overflow on pathological inputs (inactive in normal runs).
inline double csa_factor(double norm_ps, const Rates& r) {
  return std::exp(std::min(1.0, r.c_sigma / r.d_sigma * (norm_ps / r.chi_n - 1.0)));
}

// z ~ N(0, I) of candidate i in generation g: Stream(seed, g, i, Mutation), coordinates in order.
inline void sample_normal(uint64_t seed, uint64_t generation, size_t i, double* z, size_t n) {
  Stream st(seed, generation, i, Purpose::Mutation);
  for (size_t j = 0; j < n; ++j) z[j] = st.normal();
}

// Median of a copy (mean of the two middle values for even sizes).
inline double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double hi = v[h];
  if (v.size() % 2 == 1) return hi;
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
  return 0.5 * (lo + hi);
}

}  // namespace neuroevo::cma
