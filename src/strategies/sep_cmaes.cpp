// Separable CMA-ES (R. Ros & N. Hansen, "A Simple Modification in CMA-ES Achieving Linear Time and
// Space Complexity", PPSN X, 2008): CMA-ES (Hansen, "The CMA Evolution Strategy: A Tutorial",
// arXiv:1604.00772, Eq. (38)-(58); see cmaes.cpp) with the covariance matrix restricted to its diagonal
// c, so B = I, D = diag(sqrt(c)) and C^{-1/2} <y>_w = <z>_w. With a diagonal model the covariance can
// learn faster: c_1 and c_mu are multiplied by (n + 2) / 3 (Ros & Hansen, Sect. 2), c_mu being capped at
// 1 - c_1. Everything else is the default CMA-ES: log weights, CSA with h_sigma, rank-one and rank-mu
// updates.
//
// Cost O(n) per candidate and O(n) memory: state in double (mean, c, p_sigma, p_c: 32 bytes per
// parameter, plus 8 for the best candidate). Candidates are not stored: decode(i) regenerates
// z_i ~ N(0, I) from Stream(seed, generation, i, Mutation) and writes x_i = m + sigma sqrt(c) * z_i
// without allocating; tell() regenerates the mu selected z's (and the best candidate, when it improves
// the best ever). The champion is the mean by default (the shared rule, schema.hpp)
// or, with `champion = "best"`, the best candidate evaluated so far (before any result, the initial mean).
//
// Bounds and IPOP/BIPOP restarts: the wrapper shared with cmaes (cma_restarts.hpp), with the
// criteria of a diagonal model (Hansen 2009's, with C = diag(c)): TolX (sigma * max_j max(|p_c,j|,
// sqrt(c_j)) < tol_x sigma_0), NoEffectCoord (m_j + 0.2 sigma sqrt(c_j) == m_j), TolUpSigma
// (sigma / sigma_0 > 1e20 sqrt(max c)) and ConditionCov (max c / min c > 1e14); NoEffectAxis is
// NoEffectCoord here (the axes are the coordinates). With bounds, the penalty's mean variance is mean(c).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cma_common.hpp"
#include "cma_restarts.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

namespace {

using SepParams = cma::RunParams;

const ParamTable<SepParams>& table() {
  static const ParamTable<SepParams> t = cma::run_table<SepParams>();
  return t;
}

struct SepRunState {
  std::vector<double> mean;
  double sigma = 0.0;
  std::vector<double> c, p_sigma, p_c;  // c: the diagonal of C
  NEUROEVO_STATE_FIELDS(SepRunState, mean, sigma, c, p_sigma, p_c)
};

class SepRun {
 public:
  using Params = SepParams;
  using State = SepRunState;
  static constexpr const char* name = "sep_cmaes";

  SepRun(const Params&, size_t n, uint64_t seed) : n_(n), seed_(seed) {}

  void start(State& s, size_t, double sigma, std::vector<double> mean) const {
    s.mean = std::move(mean);
    s.sigma = sigma;
    s.c.assign(n_, 1.0);
    s.p_sigma.assign(n_, 0.0);
    s.p_c.assign(n_, 0.0);
  }

  void derive(const State& s, size_t lambda) {
    w_ = cma::log_weights(lambda);
    r_ = cma::sep_rates(n_, w_);
    sd_.resize(n_);
    for (size_t j = 0; j < n_; ++j) sd_[j] = std::sqrt(s.c[j]);
  }

  void prepare(const State&, cma::Clock) {}

  void candidate(const State& s, cma::Clock c, size_t i, std::span<double> x) const {
    Stream st(seed_, c.key, i, Purpose::Mutation);
    for (size_t j = 0; j < n_; ++j) x[j] = s.mean[j] + s.sigma * (sd_[j] * st.normal());
  }

  void update(State& s, cma::Clock c, std::span<const size_t> order, uint64_t) {
    const size_t n = n_;
    // <z>_w and the rank-mu term sum_i w_i y_ij^2, regenerating the selected z's.
    std::vector<double> zw(n, 0.0), rank_mu(n, 0.0);
    for (size_t k = 0; k < w_.mu; ++k) {
      Stream st(seed_, c.key, order[k], Purpose::Mutation);
      const double wk = w_.w[k];
      for (size_t j = 0; j < n; ++j) {
        const double z = st.normal();
        const double y = sd_[j] * z;
        zw[j] += wk * z;
        rank_mu[j] += wk * y * y;
      }
    }
    const double cs = std::sqrt(r_.c_sigma * (2.0 - r_.c_sigma) * w_.mu_eff);
    double ps2 = 0.0;
    for (size_t j = 0; j < n; ++j) {
      s.mean[j] += s.sigma * (sd_[j] * zw[j]);                        // (42), <y>_w = sqrt(c) * <z>_w
      s.p_sigma[j] = (1.0 - r_.c_sigma) * s.p_sigma[j] + cs * zw[j];  // (43)
      ps2 += s.p_sigma[j] * s.p_sigma[j];
    }
    const double norm_ps = std::sqrt(ps2);
    const bool hs = cma::h_sigma(norm_ps, r_.c_sigma, c.run + 1, n, r_.chi_n);
    const double cc = hs ? std::sqrt(r_.c_c * (2.0 - r_.c_c) * w_.mu_eff) : 0.0;
    const double keep = 1.0 + r_.c_1 * (hs ? 0.0 : r_.c_c * (2.0 - r_.c_c)) - r_.c_1 - r_.c_mu;
    for (size_t j = 0; j < n; ++j) {
      s.p_c[j] = (1.0 - r_.c_c) * s.p_c[j] + cc * (sd_[j] * zw[j]);                 // (45)
      s.c[j] = keep * s.c[j] + r_.c_1 * s.p_c[j] * s.p_c[j] + r_.c_mu * rank_mu[j];  // (47), diagonal
      sd_[j] = std::sqrt(s.c[j]);
    }
    s.sigma *= cma::csa_factor(norm_ps, r_);  // (44)
  }

  double mean_variance(const State& s, std::span<const double>) const {
    double sum = 0.0;
    for (double v : s.c) sum += v;
    return sum / static_cast<double>(n_);
  }

  const char* stop(const State& s, cma::Clock, double tol_x, double sigma0) const {
    double biggest = 0.0, lo = s.c[0], hi = s.c[0];
    for (size_t j = 0; j < n_; ++j) {
      biggest = std::max({biggest, std::fabs(s.p_c[j]), sd_[j]});
      lo = std::min(lo, s.c[j]);
      hi = std::max(hi, s.c[j]);
    }
    if (s.sigma * biggest < tol_x * sigma0) return "TolX";
    for (size_t j = 0; j < n_; ++j)
      if (s.mean[j] + 0.2 * s.sigma * sd_[j] == s.mean[j]) return "NoEffectCoord";
    if (s.sigma / sigma0 > 1e20 * std::sqrt(hi)) return "TolUpSigma";
    if (hi > 1e14 * lo) return "ConditionCov";
    return nullptr;
  }

  void validate(const State& s, size_t n, size_t, const std::string& name) const {
    for (const auto* v : {&s.c, &s.p_sigma, &s.p_c}) {
      if (v->size() != n) throw corrupt_checkpoint(name, "a vector of the run has the wrong size");
      for (double x : *v)
        if (!std::isfinite(x)) throw corrupt_checkpoint(name, "a vector of the run is not finite");
    }
    for (double x : s.c)
      if (!(x > 0.0)) throw corrupt_checkpoint(name, "variances must be > 0");
  }

 private:
  size_t n_;
  uint64_t seed_;
  // derived from (state, lambda), not saved
  cma::Weights w_;
  cma::Rates r_;
  std::vector<double> sd_;  // sqrt(c)
};

}  // namespace

StrategyInfo sep_cmaes_strategy() {
  return cma::restarting_strategy<SepRun>(
      "sep-CMA-ES (Ros & Hansen 2008): diagonal covariance, O(n) per candidate; optional bounds, IPOP/BIPOP restarts",
      table);
}

}  // namespace neuroevo
