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
// where t counts the completed generations.
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
// only the stored directions are rounded). The champion is the best candidate evaluated so far
// (`champion = "mean"`: the mean y); before any result, the initial mean. No restarts, no bounds.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "cma_common.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct LmSettings {
  double sigma = 0.5;
  size_t population = 0;
  size_t memory = 0;  // 0 = 4 + floor(3 ln n)
  bool champion_mean = false;
};

class LmMaEs final : public Strategy {
 public:
  LmMaEs(const LmSettings& s, const StrategyContext& ctx) : s_(s), seed_(ctx.seed), n_(ctx.space->num_params()) {
    const double n = static_cast<double>(n_);
    lambda_ = s_.population != 0 ? s_.population : cma::default_lambda(n_);
    m_ = s_.memory != 0 ? s_.memory : cma::default_lambda(n_);
    w_ = cma::log_weights(lambda_);
    const double lam = static_cast<double>(lambda_);
    c_sigma_ = std::min(1.0, 2.0 * lam / n);  // see the header on small n
    c_d_.resize(m_);
    c_c_.resize(m_);
    for (size_t j = 0; j < m_; ++j) {
      c_d_[j] = 1.0 / (std::pow(1.5, static_cast<double>(j)) * n);
      c_c_[j] = std::min(1.0, lam / (std::pow(4.0, static_cast<double>(j)) * n));
    }
    std::vector<float> x0(n_);
    ctx.space->init_params(stream_key(ctx.seed, 0, 0, Purpose::Init), x0);
    mean_.assign(x0.begin(), x0.end());
    best_x_ = mean_;
    sigma_ = s_.sigma;
    p_sigma_.assign(n_, 0.0);
    M_.assign(m_ * n_, 0.0f);
  }

  Batch ask() override { return Batch{lambda_, 0, Purpose::Episode}; }

  void decode(size_t i, std::span<float> params) const override {
    check_decode(i, params.size());
    thread_local std::vector<double> buffer;
    buffer.resize(n_);
    candidate(i, buffer);
    for (size_t j = 0; j < n_; ++j) params[j] = static_cast<float>(buffer[j]);
  }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode(i, x.size());
    candidate(i, x);
  }

  bool tell(std::span<const Result> results) override {
    const size_t n = n_;
    if (results.size() != lambda_)
      throw std::invalid_argument("lm_ma_es: tell() got " + std::to_string(results.size()) + " results, expected " +
                                  std::to_string(lambda_));
    const std::vector<double> f = ranking_fitness(results);
    const std::vector<size_t> order = argsort_descending(f);
    if (f[order[0]] > best_f_) {
      best_f_ = f[order[0]];
      candidate(order[0], best_x_);
    }
    std::vector<double> zw(n, 0.0);
    for (size_t k = 0; k < w_.mu; ++k) {
      Stream st(seed_, generation_, order[k], Purpose::Mutation);
      const double wk = w_.w[k];
      for (size_t j = 0; j < n; ++j) zw[j] += wk * st.normal();
    }
    std::vector<double> dw(zw);
    transform(dw);  // A <z>_w with the directions used for sampling
    double ps2 = 0.0;
    const double cs = std::sqrt(w_.mu_eff * c_sigma_ * (2.0 - c_sigma_));
    for (size_t j = 0; j < n; ++j) {
      mean_[j] += sigma_ * dw[j];
      p_sigma_[j] = (1.0 - c_sigma_) * p_sigma_[j] + cs * zw[j];
      ps2 += p_sigma_[j] * p_sigma_[j];
    }
    for (size_t k = 0; k < m_; ++k) {
      const double keep = 1.0 - c_c_[k], add = std::sqrt(w_.mu_eff * c_c_[k] * (2.0 - c_c_[k]));
      float* mk = &M_[k * n];
      for (size_t j = 0; j < n; ++j) mk[j] = static_cast<float>(keep * static_cast<double>(mk[j]) + add * zw[j]);
    }
    // A cap of one e-fold per generation, as in cmaes (a safeguard against overflow).
    sigma_ *= std::exp(std::min(1.0, 0.5 * c_sigma_ * (ps2 / static_cast<double>(n) - 1.0)));
    ++generation_;
    return true;
  }

  uint64_t generation() const override { return generation_; }

  Genome champion() const override {
    const std::vector<double>& src = s_.champion_mean ? mean_ : best_x_;
    return Genome::make_dense(std::vector<float>(src.begin(), src.end()));
  }

  nlohmann::json save() const override {
    return {{"strategy", "lm_ma_es"}, {"num_params", n_},    {"lambda", lambda_},        {"mu", w_.mu},
            {"memory", m_},           {"weights", w_.w},     {"mu_eff", w_.mu_eff},      {"c_sigma", c_sigma_},
            {"c_d", c_d_},            {"c_c", c_c_},         {"generation", generation_}, {"mean", mean_},
            {"sigma", sigma_},        {"p_sigma", p_sigma_}, {"M", M_},
            {"best_fitness", cma::fitness_to_json(best_f_)}, {"best_x", best_x_}};
  }

  void load(const nlohmann::json& st) override {
    const std::string what = "lm_ma_es";
    try {
      if (st.at("strategy").get<std::string>() != "lm_ma_es") throw UsageError("checkpoint is not an lm_ma_es state");
      if (st.at("num_params").get<size_t>() != n_ || st.at("lambda").get<size_t>() != lambda_ ||
          st.at("memory").get<size_t>() != m_)
        throw UsageError("lm_ma_es checkpoint was written with " + st.at("num_params").dump() + " parameters, population " +
                         st.at("lambda").dump() + " and memory " + st.at("memory").dump() + "; this run has " +
                         std::to_string(n_) + ", " + std::to_string(lambda_) + " and " + std::to_string(m_));
      auto mean = cma::read_vector<double>(st, "mean", n_, what);
      auto ps = cma::read_vector<double>(st, "p_sigma", n_, what);
      auto M = cma::read_vector<float>(st, "M", m_ * n_, what);
      auto best_x = cma::read_vector<double>(st, "best_x", n_, what);
      const double sigma = st.at("sigma").get<double>();
      if (!(sigma > 0.0) || !std::isfinite(sigma)) throw UsageError("lm_ma_es checkpoint: bad sigma");
      const auto generation = st.at("generation").get<uint64_t>();
      const double best_f = cma::fitness_from_json(st.at("best_fitness"));
      generation_ = generation;
      best_f_ = best_f;
      sigma_ = sigma;
      mean_ = std::move(mean);
      p_sigma_ = std::move(ps);
      M_ = std::move(M);
      best_x_ = std::move(best_x);
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed lm_ma_es checkpoint: ") + e.what());
    }
  }

 private:
  void check_decode(size_t i, size_t size) const {
    if (i >= lambda_ || size != n_)
      throw std::invalid_argument("lm_ma_es: decode(" + std::to_string(i) + ") out of range or wrong size");
  }

  // d <- A d: the first min(t, m) direction vectors, in order.
  void transform(std::span<double> d) const {
    const size_t n = n_;
    const size_t used = static_cast<size_t>(std::min<uint64_t>(generation_, m_));
    for (size_t k = 0; k < used; ++k) {
      const float* mk = &M_[k * n];
      double dot = 0.0;
      for (size_t j = 0; j < n; ++j) dot += static_cast<double>(mk[j]) * d[j];
      const double keep = 1.0 - c_d_[k], scale = c_d_[k] * dot;
      for (size_t j = 0; j < n; ++j) d[j] = keep * d[j] + scale * static_cast<double>(mk[j]);
    }
  }

  // x_i = y + sigma A z_i, computed in place in x.
  void candidate(size_t i, std::span<double> x) const {
    cma::sample_normal(seed_, generation_, i, x.data(), n_);
    transform(x);
    for (size_t j = 0; j < n_; ++j) x[j] = mean_[j] + sigma_ * x[j];
  }

  LmSettings s_;
  uint64_t seed_;
  size_t n_;
  size_t lambda_ = 0, m_ = 0;
  cma::Weights w_;
  double c_sigma_ = 0.0;
  std::vector<double> c_d_, c_c_;
  std::vector<double> mean_, p_sigma_;
  std::vector<float> M_;  // m x n, row k = direction vector M_{k+1}
  double sigma_ = 0.0;
  uint64_t generation_ = 0;
  double best_f_ = -kInf;
  std::vector<double> best_x_;
};

}  // namespace

std::unique_ptr<Strategy> make_lm_ma_es(ConfigSection& cfg, const StrategyContext& ctx) {
  LmSettings s;
  s.sigma = cma::positive(cfg, "sigma", 0.5);  // as cmaes
  s.population = cma::read_population(cfg);
  s.memory = static_cast<size_t>(cfg.get_int("memory", 0, 0, 10000));
  s.champion_mean = cma::read_champion_is_mean(cfg);
  if (ctx.space == nullptr) throw std::invalid_argument("lm_ma_es needs a parameter space");
  if (ctx.num_params != 0 && ctx.num_params != ctx.space->num_params())
    throw std::invalid_argument("lm_ma_es: context num_params differs from the space's");
  if (ctx.space->num_params() == 0) throw UsageError("lm_ma_es: the parameter space has no parameters");
  return std::make_unique<LmMaEs>(s, ctx);
}

}  // namespace neuroevo
