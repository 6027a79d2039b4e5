// CMA-ES with full covariance matrix: N. Hansen, "The CMA Evolution Strategy: A Tutorial",
// arXiv:1604.00772 (2016), Appendix A (equation numbers below are the tutorial's), with restarts:
// IPOP (Auger & Hansen, "A Restart CMA Evolution Strategy With Increasing Population Size", CEC 2005)
// and BIPOP (Hansen, "Benchmarking a BI-Population CMA-ES on the BBOB-2009 Function Testbed", GECCO
// 2009 workshops).
//
// One generation (everything in double precision):
//   z_k ~ N(0, I)                          (38)  from Stream(seed, generation, k, Mutation)
//   y_k = B D z_k,  x_k = m + sigma y_k    (39, 40)
//   <y>_w = sum_{i<=mu} w_i y_{i:lambda}   (41)  m <- m + sigma <y>_w  (42, c_m = 1)
//   p_sigma <- (1 - c_sigma) p_sigma + sqrt(c_sigma (2 - c_sigma) mu_eff) C^{-1/2} <y>_w      (43)
//   sigma <- sigma exp(c_sigma / d_sigma (||p_sigma|| / E||N(0,I)|| - 1))                    (44)
//   p_c <- (1 - c_c) p_c + h_sigma sqrt(c_c (2 - c_c) mu_eff) <y>_w                          (45)
//   C <- (1 + c_1 delta(h_sigma) - c_1 - c_mu) C + c_1 p_c p_c^T + c_mu sum w_i y_i y_i^T   (47)
// with the default parameters of Eq. (48)-(58) (positive weights only: no active update), and
// C^{-1/2} <y>_w = B <z>_w. The eigendecomposition C = B D^2 B^T (our own Householder + implicit QR
// solver, core/symmetric_eigen) is refreshed lazily, once more than lambda / (c_1 + c_mu) / n / 10
// evaluations have passed since the last one (the tutorial's B.2), which keeps the cost per generation
// at O(lambda n^2) amortised. For sampling the eigenvalues are floored at max eigenvalue * 1e-14.
//
// Bounds (`lower`, `upper`) and restarts (`restarts = "ipop" | "bipop"`) come from the wrapper
// Restarting<Model> (cma_restarts.hpp), which this file shares with sep_cmaes and lm_ma_es. This model
// adds the termination criteria that need the full covariance (tutorial B.3; Hansen 2009, Sect. 2):
//   TolX          sigma * max_i max(|p_c,i|, sqrt(C_ii)) < tol_x * sigma_0 (the run's initial sigma);
//   NoEffectCoord m_j + 0.2 sigma sqrt(C_jj) == m_j for some j;
//   TolUpSigma    sigma / sigma_0 > 1e20 sqrt(largest eigenvalue of C);
//   ConditionCov  condition number of C > 1e14;
//   NoEffectAxis  m + 0.1 sigma sqrt(d_i) b_i == m with i = run generation mod n.
//
// generation() counts all generations of all runs, and keys the sampling streams, so streams never
// repeat across restarts. The champion follows the shared rule (schema.hpp, ChampionRule): the current
// mean by default, or with `champion = "best"` the best candidate evaluated so far (the projected point,
// by raw fitness; before any result, the initial mean). The whole state (including B, D, the histories and the restart bookkeeping) is saved
// through the state schema with exact doubles (C and B in the checkpoint's binary section once they
// exceed 4096 entries), so a resumed run is bit-identical; the current population is a function of the
// state and is rebuilt on load.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "cma_common.hpp"
#include "cma_restarts.hpp"
#include "neuroevo/core/symmetric_eigen.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

namespace {

struct CmaesParams : cma::RunParams {
  double eigen_gap = 0.5;
};

const ParamTable<CmaesParams>& table() {
  static const ParamTable<CmaesParams> t = cma::run_table<CmaesParams>().real(
      "eigen_gap", &CmaesParams::eigen_gap, 0.5, 0.0, 10.0,
      "evaluations between eigendecompositions, in units of lambda / (c_1 + c_mu) / n");
  return t;
}

// One run of CMA-ES: mean, step size, covariance, its eigendecomposition and the evolution paths.
struct CmaesRunState {
  std::vector<double> mean;
  double sigma = 0.0;
  std::vector<double> C, B, eigenvalues;  // n x n row-major, n x n (columns = eigenvectors), n
  double condition = 1.0;                 // of the latest decomposition; inf when it had a zero eigenvalue
  std::vector<double> p_sigma, p_c;
  uint64_t eigen_evaluations = 0;  // run evaluations at the latest decomposition
  NEUROEVO_STATE_FIELDS(CmaesRunState, mean, sigma, C, B, eigenvalues, condition, p_sigma, p_c, eigen_evaluations)
};

class CmaesRun {
 public:
  using Params = CmaesParams;
  using State = CmaesRunState;
  static constexpr const char* name = "cmaes";

  CmaesRun(const Params& p, size_t n, uint64_t seed) : eigen_gap_(p.eigen_gap), n_(n), seed_(seed) {}

  void start(State& s, size_t, double sigma, std::vector<double> mean) const {
    const size_t n = n_;
    s.mean = std::move(mean);
    s.sigma = sigma;
    s.C.assign(n * n, 0.0);
    s.B.assign(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) s.C[i * n + i] = s.B[i * n + i] = 1.0;
    s.eigenvalues.assign(n, 1.0);
    s.condition = 1.0;
    s.p_sigma.assign(n, 0.0);
    s.p_c.assign(n, 0.0);
    s.eigen_evaluations = 0;
  }

  // Weights and rates of lambda; (BD)^T with BD = B diag(sqrt(eigenvalues)).
  void derive(const State& s, size_t lambda) {
    lambda_ = lambda;
    w_ = cma::log_weights(lambda);
    r_ = cma::default_rates(n_, w_);
    eigen_interval_ = eigen_gap_ * static_cast<double>(lambda) / (r_.c_1 + r_.c_mu) / static_cast<double>(n_);
    refresh_bd(s);
  }

  // The population: z_k ~ N(0, I) (38) and y_k = BD z_k (39), kept for decode and the update.
  void prepare(const State&, cma::Clock c) {
    const size_t n = n_, lambda = lambda_;
    z_.resize(lambda * n);
    y_.resize(lambda * n);
    for (size_t i = 0; i < lambda; ++i) {
      double* z = &z_[i * n];
      double* y = &y_[i * n];
      cma::sample_normal(seed_, c.key, i, z, n);  // (38)
      // y = BD z, accumulated column by column of BD (rows of bd_t_): element-wise updates vectorise,
      // and each y[a] still sums its terms in the order b = 0, 1, ...
      std::fill_n(y, n, 0.0);
      for (size_t b = 0; b < n; ++b) {
        const double* col = &bd_t_[b * n];
        const double zb = z[b];
        for (size_t a = 0; a < n; ++a) y[a] += col[a] * zb;
      }
    }
  }

  void candidate(const State& s, cma::Clock, size_t i, std::span<double> x) const {
    const double* y = &y_[i * n_];
    for (size_t a = 0; a < n_; ++a) x[a] = s.mean[a] + s.sigma * y[a];  // (40)
  }

  void update(State& s, cma::Clock c, std::span<const size_t> order, uint64_t run_evaluations) {
    const size_t n = n_;
    const auto& w = w_.w;
    const size_t mu = w_.mu;
    const double mu_eff = w_.mu_eff;
    const auto& r = r_;
    std::vector<double> yw(n, 0.0), zw(n, 0.0);
    for (size_t k = 0; k < mu; ++k) {
      const double* y = &y_[order[k] * n];
      const double* z = &z_[order[k] * n];
      for (size_t j = 0; j < n; ++j) {
        yw[j] += w[k] * y[j];
        zw[j] += w[k] * z[j];
      }
    }
    for (size_t j = 0; j < n; ++j) s.mean[j] += s.sigma * yw[j];  // (42)
    // (43) with C^{-1/2} <y>_w = B D^{-1} B^T B D <z>_w = B <z>_w.
    const double cs = std::sqrt(r.c_sigma * (2.0 - r.c_sigma) * mu_eff);
    double ps2 = 0.0;
    for (size_t i = 0; i < n; ++i) {
      double bz = 0.0;
      for (size_t j = 0; j < n; ++j) bz += s.B[i * n + j] * zw[j];
      s.p_sigma[i] = (1.0 - r.c_sigma) * s.p_sigma[i] + cs * bz;
      ps2 += s.p_sigma[i] * s.p_sigma[i];
    }
    const double norm_ps = std::sqrt(ps2);
    const bool hs = cma::h_sigma(norm_ps, r.c_sigma, c.run + 1, n, r.chi_n);
    const double cc = hs ? std::sqrt(r.c_c * (2.0 - r.c_c) * mu_eff) : 0.0;
    for (size_t j = 0; j < n; ++j) s.p_c[j] = (1.0 - r.c_c) * s.p_c[j] + cc * yw[j];  // (45)
    // (47), positive weights summing to one; the upper triangle is computed and mirrored.
    const double delta_h = hs ? 0.0 : r.c_c * (2.0 - r.c_c);
    const double keep = 1.0 + r.c_1 * delta_h - r.c_1 - r.c_mu;
    // Row by row over contiguous memory (vectorises): first keep * C + c_1 p_c p_c^T, then the rank-mu
    // terms one selected y at a time; the lower triangle is mirrored at the end.
    for (size_t a = 0; a < n; ++a) {
      double* row = &s.C[a * n];
      const double pa = r.c_1 * s.p_c[a];
      for (size_t b = a; b < n; ++b) row[b] = keep * row[b] + pa * s.p_c[b];
    }
    for (size_t k = 0; k < mu; ++k) {
      const double* y = &y_[order[k] * n];
      const double cw = r.c_mu * w[k];
      for (size_t a = 0; a < n; ++a) {
        double* row = &s.C[a * n];
        const double ya = cw * y[a];
        for (size_t b = a; b < n; ++b) row[b] += ya * y[b];
      }
    }
    for (size_t a = 0; a < n; ++a)
      for (size_t b = a + 1; b < n; ++b) s.C[b * n + a] = s.C[a * n + b];
    s.sigma *= cma::csa_factor(norm_ps, r);  // (44)
    if (static_cast<double>(run_evaluations - s.eigen_evaluations) > eigen_interval_) decompose(s, run_evaluations);
  }

  double mean_variance(const State& s, std::span<const double>) const {
    double mean_c = 0.0;
    for (size_t j = 0; j < n_; ++j) mean_c += s.C[j * n_ + j];
    return mean_c / static_cast<double>(n_);
  }

  const char* stop(const State& s, cma::Clock c, double tol_x, double sigma0) const {
    const size_t n = n_;
    // TolX, NoEffectCoord
    double biggest = 0.0;
    for (size_t j = 0; j < n; ++j) biggest = std::max({biggest, std::fabs(s.p_c[j]), std::sqrt(s.C[j * n + j])});
    if (s.sigma * biggest < tol_x * sigma0) return "TolX";
    for (size_t j = 0; j < n; ++j)
      if (s.mean[j] + 0.2 * s.sigma * std::sqrt(s.C[j * n + j]) == s.mean[j]) return "NoEffectCoord";
    // TolUpSigma, ConditionCov (on the latest decomposition)
    if (s.sigma / sigma0 > 1e20 * std::sqrt(s.eigenvalues[n - 1])) return "TolUpSigma";
    if (s.condition > 1e14) return "ConditionCov";
    // NoEffectAxis: one principal axis per generation.
    const size_t i = c.run % n;
    const double step = 0.1 * s.sigma * std::sqrt(s.eigenvalues[i]);
    for (size_t j = 0; j < n; ++j)
      if (s.mean[j] + step * s.B[j * n + i] != s.mean[j]) return nullptr;
    return "NoEffectAxis";
  }

  void validate(const State& s, size_t n, size_t, const std::string& name) const {
    auto sized = [&](const std::vector<double>& v, size_t size, const char* key) {
      if (v.size() != size) throw corrupt_checkpoint(name, std::string(key) + " has the wrong size");
      for (double x : v)
        if (!std::isfinite(x)) throw corrupt_checkpoint(name, std::string(key) + " is not finite");
    };
    sized(s.C, n * n, "C");
    sized(s.B, n * n, "B");
    sized(s.eigenvalues, n, "eigenvalues");
    sized(s.p_sigma, n, "p_sigma");
    sized(s.p_c, n, "p_c");
    for (double e : s.eigenvalues)
      if (!(e > 0.0)) throw corrupt_checkpoint(name, "eigenvalues must be > 0");
  }


 private:
  void refresh_bd(const State& s) {
    const size_t n = n_;
    bd_t_.resize(n * n);
    for (size_t k = 0; k < n; ++k) {
      const double d = std::sqrt(s.eigenvalues[k]);
      for (size_t i = 0; i < n; ++i) bd_t_[k * n + i] = s.B[i * n + k] * d;
    }
  }

  void decompose(State& s, uint64_t run_evaluations) {
    const size_t n = n_;
    s.eigen_evaluations = run_evaluations;
    std::vector<double> w(n), v(n * n);
    if (!symmetric_eigen(n, s.C, w, v)) return;  // keep the previous decomposition (never seen in practice)
    const double top = w[n - 1];
    if (!(top > 0.0) || !std::isfinite(top)) return;
    s.condition = w[0] > 0.0 ? top / w[0] : std::numeric_limits<double>::infinity();
    for (double& x : w) x = std::max(x, top * 1e-14);
    s.B = std::move(v);
    s.eigenvalues = std::move(w);
    refresh_bd(s);
  }

  double eigen_gap_;
  size_t n_;
  uint64_t seed_;
  // derived from (state, lambda), not saved
  size_t lambda_ = 0;
  cma::Weights w_;
  cma::Rates r_;
  double eigen_interval_ = 0.0;  // evaluations between eigendecompositions
  std::vector<double> bd_t_;
  std::vector<double> z_, y_;  // current population (lambda x n each)
};

}  // namespace

StrategyInfo cmaes_strategy() {
  return cma::restarting_strategy<CmaesRun>(
      "CMA-ES (Hansen 2016 tutorial): full covariance, CSA, optional bounds, IPOP/BIPOP restarts",
      table);
}

}  // namespace neuroevo
