// LM-MA-ES: I. Loshchilov, T. Glasmachers & H.-G. Beyer, "Large Scale Black-box Optimization by
// Limited-Memory Matrix Adaptation", IEEE Transactions on Evolutionary Computation 23(2):353-358, 2019
// (arXiv:1705.06693, 2017), Algorithm 1. The covariance is represented implicitly by m direction vectors
// M_1..M_m; sampling costs O(m n) per candidate and the state O(m n) memory.
//
//   lambda = 4 + floor(3 ln n), mu = floor(lambda / 2), log weights w_i, mu_w = 1 / sum w_i^2 (as CMA-ES)
//   m = 4 + floor(3 ln n)                        (key `memory`)
//   c_sigma = 2 lambda / n,  c_d,j = 1 / (1.5^(j-1) n),  c_c,j = lambda / (4^(j-1) n)      (j = 1..m)
//   for each candidate i:  z_i ~ N(0, I);  d_i = z_i;
//       for j = 1..min(t, m):  d_i <- (1 - c_d,j) d_i + c_d,j M_j (M_j^T d_i)
//       x_i = y + sigma d_i
//   p_sigma <- (1 - c_sigma) p_sigma + sqrt(mu_w c_sigma (2 - c_sigma)) sum_i w_i z_{i:lambda}
//   M_j <- (1 - c_c,j) M_j + sqrt(mu_w c_c,j (2 - c_c,j)) sum_i w_i z_{i:lambda}          (j = 1..m)
//   y <- y + sigma sum_i w_i d_{i:lambda}
//   sigma <- sigma exp(c_sigma / 2 (||p_sigma||^2 / n - 1))
// where t counts the completed generations of the current run.
//
// Small n: the paper's rates are designed for large n and leave (0, 1] when lambda > n / 2 (c_sigma) or
// lambda > 4^(j-1) n (c_c,j); e.g. n = 10 gives c_sigma = 2, for which the path update degenerates
// (p_sigma <- -p_sigma). We cap all of them at 1 (a memoryless path), so the rates are exactly the
// paper's for n >= 2 lambda (n >= 28 with the default lambda). Measured on the 10-D sphere, the cap
// at 1 beat caps at 0.2, 0.3 and 0.5 (1400 vs 2400, 1900 and 1600 evaluations to 1e-8).
//
// Because d_i = A z_i with the same linear map A for all candidates of a generation,
// sum_i w_i d_{i:lambda} = A (sum_i w_i z_{i:lambda}); tell() regenerates only the mu selected z's
// (from their streams) and applies A once. Candidates are not stored: decode(i) regenerates z_i from
// Stream(seed, generation, i, Mutation) and transforms it in place (decode_double allocates nothing;
// decode() uses one thread-local buffer of n doubles). Storage: the mean and p_sigma in double, the
// direction vectors M in float (m n floats: 180 MB for n = 10^6 and m = 45; the arithmetic is in double,
// only the stored directions are rounded). The champion is the mean y by default (the
// shared rule, schema.hpp) or, with `champion = "best"`, the best candidate evaluated so far (before any
// result, the initial mean).
//
// Bounds and IPOP/BIPOP restarts: the wrapper shared with cmaes (cma_restarts.hpp). The paper defines
// no termination criteria; without an explicit covariance this model checks only those that need
// sigma and the mean: TolX (sigma < tol_x sigma_0), NoEffectCoord (m_j + 0.2 sigma == m_j) and
// TolUpSigma (sigma / sigma_0 > 1e20), besides the wrapper's fitness-based ones. With bounds, the
// penalty's mean variance (trace(C) / n, which the model does not hold) is estimated from the generation
// itself: sum_i ||x_i - y||^2 / (lambda n sigma^2) over the unprojected samples.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cma_common.hpp"
#include "cma_restarts.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

namespace {

struct LmParams : cma::RunParams {
  size_t memory = 0;  // 0 = 4 + floor(3 ln n)
};

const ParamTable<LmParams>& table() {
  static const ParamTable<LmParams> t = cma::run_table<LmParams>().integer(
      "memory", &LmParams::memory, 0, 0, 10000, "direction vectors m; 0 = 4 + floor(3 ln n)");
  return t;
}

struct LmRunState {
  std::vector<double> mean, p_sigma;
  double sigma = 0.0;
  std::vector<float> M;  // m x n, row k = direction vector M_{k+1}
  NEUROEVO_STATE_FIELDS(LmRunState, mean, sigma, p_sigma, M)
};

class LmRun {
 public:
  using Params = LmParams;
  using State = LmRunState;
  static constexpr const char* name = "lm_ma_es";
  // No MaxIter: CMA-ES's bound (100 + 50 (n+3)^2 / sqrt(lambda) generations) cut IPOP runs on BBOB f2 in
  // 5-D short of the optimum (best 0.6 after 8,000 generations, against 3e-9 without restarts).
  static constexpr bool kMaxIter = false;

  LmRun(const Params& p, size_t n, uint64_t seed)
      : n_(n), m_(p.memory != 0 ? p.memory : cma::default_lambda(n)), seed_(seed) {}

  void start(State& s, size_t, double sigma, std::vector<double> mean) const {
    s.mean = std::move(mean);
    s.sigma = sigma;
    s.p_sigma.assign(n_, 0.0);
    s.M.assign(m_ * n_, 0.0f);
  }

  void derive(const State&, size_t lambda) {
    w_ = cma::log_weights(lambda);
    cma::LmRates r = cma::lm_rates(n_, lambda, m_);  // capped at 1 for small n: see the header
    c_sigma_ = r.c_sigma;
    c_d_ = std::move(r.c_d);
    c_c_ = std::move(r.c_c);
  }

  void prepare(const State&, cma::Clock) {}

  // x_i = y + sigma A z_i, computed in place in x.
  void candidate(const State& s, cma::Clock c, size_t i, std::span<double> x) const {
    cma::sample_normal(seed_, c.key, i, x.data(), n_);
    transform(s, c, x);
    for (size_t j = 0; j < n_; ++j) x[j] = s.mean[j] + s.sigma * x[j];
  }

  void update(State& s, cma::Clock c, std::span<const size_t> order, uint64_t) {
    const size_t n = n_;
    std::vector<double> zw(n, 0.0);
    for (size_t k = 0; k < w_.mu; ++k) {
      Stream st(seed_, c.key, order[k], Purpose::Mutation);
      const double wk = w_.w[k];
      for (size_t j = 0; j < n; ++j) zw[j] += wk * st.normal();
    }
    std::vector<double> dw(zw);
    transform(s, c, dw);  // A <z>_w with the directions used for sampling
    double ps2 = 0.0;
    const double cs = std::sqrt(w_.mu_eff * c_sigma_ * (2.0 - c_sigma_));
    for (size_t j = 0; j < n; ++j) {
      s.mean[j] += s.sigma * dw[j];
      s.p_sigma[j] = (1.0 - c_sigma_) * s.p_sigma[j] + cs * zw[j];
      ps2 += s.p_sigma[j] * s.p_sigma[j];
    }
    for (size_t k = 0; k < m_; ++k) {
      const double keep = 1.0 - c_c_[k], add = std::sqrt(w_.mu_eff * c_c_[k] * (2.0 - c_c_[k]));
      float* mk = &s.M[k * n];
      for (size_t j = 0; j < n; ++j) mk[j] = static_cast<float>(keep * static_cast<double>(mk[j]) + add * zw[j]);
    }
    // A cap of one e-fold per generation, as in cmaes (a safeguard against overflow).
    s.sigma *= std::exp(std::min(1.0, 0.5 * c_sigma_ * (ps2 / static_cast<double>(n) - 1.0)));
  }

  // trace(C) / n estimated from the generation's unprojected samples (see the header).
  double mean_variance(const State& s, std::span<const double> population) const {
    const size_t lambda = population.size() / n_;
    double sum = 0.0;
    for (size_t i = 0; i < lambda; ++i)
      for (size_t j = 0; j < n_; ++j) {
        const double d = population[i * n_ + j] - s.mean[j];
        sum += d * d;
      }
    const double v = sum / (static_cast<double>(lambda * n_) * s.sigma * s.sigma);
    return v > 0.0 && std::isfinite(v) ? v : 1.0;
  }

  const char* stop(const State& s, cma::Clock, double tol_x, double sigma0) const {
    if (s.sigma < tol_x * sigma0) return "TolX";
    for (size_t j = 0; j < n_; ++j)
      if (s.mean[j] + 0.2 * s.sigma == s.mean[j]) return "NoEffectCoord";
    if (s.sigma / sigma0 > 1e20) return "TolUpSigma";
    return nullptr;
  }

  void validate(const State& s, size_t n, size_t, const std::string& name) const {
    if (s.p_sigma.size() != n || s.M.size() != m_ * n)
      throw corrupt_checkpoint(name, "p_sigma or M has the wrong size");
    for (double x : s.p_sigma)
      if (!std::isfinite(x)) throw corrupt_checkpoint(name, "p_sigma is not finite");
    for (float x : s.M)
      if (!std::isfinite(x)) throw corrupt_checkpoint(name, "M is not finite");
  }

 private:
  // d <- A d: the first min(t, m) direction vectors, in order (t: completed generations of the run).
  void transform(const State& s, cma::Clock c, std::span<double> d) const {
    const size_t n = n_;
    const size_t used = static_cast<size_t>(std::min<uint64_t>(c.run, m_));
    for (size_t k = 0; k < used; ++k) {
      const float* mk = &s.M[k * n];
      double dot = 0.0;
      for (size_t j = 0; j < n; ++j) dot += static_cast<double>(mk[j]) * d[j];
      const double keep = 1.0 - c_d_[k], scale = c_d_[k] * dot;
      for (size_t j = 0; j < n; ++j) d[j] = keep * d[j] + scale * static_cast<double>(mk[j]);
    }
  }

  size_t n_, m_;
  uint64_t seed_;
  // derived from lambda, not saved
  cma::Weights w_;
  double c_sigma_ = 0.0;
  std::vector<double> c_d_, c_c_;
};

}  // namespace

StrategyInfo lm_ma_es_strategy() {
  return cma::restarting_strategy<LmRun>(
      "LM-MA-ES (Loshchilov, Glasmachers & Beyer 2019): limited-memory matrix adaptation, O(m n); optional bounds, IPOP/BIPOP restarts",
      table);
}

}  // namespace neuroevo
