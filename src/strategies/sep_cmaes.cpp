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
// the best ever). No restarts and no bounds (see cmaes). The champion is the best candidate evaluated
// so far (`champion = "mean"`: the mean); before any result, the initial mean.
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

struct SepSettings {
  double sigma = 0.5;
  size_t population = 0;
  bool champion_mean = false;
};

class SepCmaes final : public Strategy {
 public:
  SepCmaes(const SepSettings& s, const StrategyContext& ctx)
      : s_(s), seed_(ctx.seed), n_(ctx.space->num_params()) {
    lambda_ = s_.population != 0 ? s_.population : cma::default_lambda(n_);
    w_ = cma::log_weights(lambda_);
    r_ = cma::default_rates(n_, w_);
    const double boost = (static_cast<double>(n_) + 2.0) / 3.0;  // Ros & Hansen 2008
    r_.c_1 = std::min(1.0, r_.c_1 * boost);
    r_.c_mu = std::min(1.0 - r_.c_1, r_.c_mu * boost);
    std::vector<float> x0(n_);
    ctx.space->init_params(stream_key(ctx.seed, 0, 0, Purpose::Init), x0);
    mean_.assign(x0.begin(), x0.end());
    best_x_ = mean_;
    sigma_ = s_.sigma;
    c_.assign(n_, 1.0);
    sd_.assign(n_, 1.0);
    p_sigma_.assign(n_, 0.0);
    p_c_.assign(n_, 0.0);
  }

  Batch ask() override { return Batch{lambda_, 0, Purpose::Episode}; }

  void decode(size_t i, std::span<float> params) const override {
    check_decode(i, params.size());
    Stream st(seed_, generation_, i, Purpose::Mutation);
    for (size_t j = 0; j < n_; ++j) params[j] = static_cast<float>(mean_[j] + sigma_ * (sd_[j] * st.normal()));
  }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode(i, x.size());
    Stream st(seed_, generation_, i, Purpose::Mutation);
    for (size_t j = 0; j < n_; ++j) x[j] = mean_[j] + sigma_ * (sd_[j] * st.normal());
  }

  bool tell(std::span<const Result> results) override {
    const size_t n = n_;
    if (results.size() != lambda_)
      throw std::invalid_argument("sep_cmaes: tell() got " + std::to_string(results.size()) + " results, expected " +
                                  std::to_string(lambda_));
    const std::vector<double> f = ranking_fitness(results);
    const std::vector<size_t> order = argsort_descending(f);
    if (f[order[0]] > best_f_) {  // ties keep the earlier candidate: argsort breaks ties by index
      best_f_ = f[order[0]];
      decode_double(order[0], best_x_);
    }
    // <z>_w and the rank-mu term sum_i w_i y_ij^2, regenerating the selected z's.
    std::vector<double> zw(n, 0.0), rank_mu(n, 0.0);
    for (size_t k = 0; k < w_.mu; ++k) {
      Stream st(seed_, generation_, order[k], Purpose::Mutation);
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
      mean_[j] += sigma_ * (sd_[j] * zw[j]);                       // (42), <y>_w = sqrt(c) * <z>_w
      p_sigma_[j] = (1.0 - r_.c_sigma) * p_sigma_[j] + cs * zw[j];  // (43)
      ps2 += p_sigma_[j] * p_sigma_[j];
    }
    const double norm_ps = std::sqrt(ps2);
    ++generation_;  // = number of p_sigma updates so far
    const bool hs = cma::h_sigma(norm_ps, r_.c_sigma, generation_, n, r_.chi_n);
    const double cc = hs ? std::sqrt(r_.c_c * (2.0 - r_.c_c) * w_.mu_eff) : 0.0;
    const double keep = 1.0 + r_.c_1 * (hs ? 0.0 : r_.c_c * (2.0 - r_.c_c)) - r_.c_1 - r_.c_mu;
    for (size_t j = 0; j < n; ++j) {
      p_c_[j] = (1.0 - r_.c_c) * p_c_[j] + cc * (sd_[j] * zw[j]);                     // (45)
      c_[j] = keep * c_[j] + r_.c_1 * p_c_[j] * p_c_[j] + r_.c_mu * rank_mu[j];      // (47), diagonal
      sd_[j] = std::sqrt(c_[j]);
    }
    sigma_ *= cma::csa_factor(norm_ps, r_);  // (44)
    return true;
  }

  uint64_t generation() const override { return generation_; }

  Genome champion() const override {
    const std::vector<double>& src = s_.champion_mean ? mean_ : best_x_;
    return Genome::make_dense(std::vector<float>(src.begin(), src.end()));
  }

  nlohmann::json save() const override {
    return {{"strategy", "sep_cmaes"}, {"num_params", n_},     {"lambda", lambda_},  {"mu", w_.mu},
            {"weights", w_.w},         {"mu_eff", w_.mu_eff},  {"c_sigma", r_.c_sigma}, {"d_sigma", r_.d_sigma},
            {"c_c", r_.c_c},           {"c_1", r_.c_1},        {"c_mu", r_.c_mu},    {"generation", generation_},
            {"mean", mean_},           {"sigma", sigma_},      {"c", c_},            {"p_sigma", p_sigma_},
            {"p_c", p_c_},             {"best_fitness", cma::fitness_to_json(best_f_)}, {"best_x", best_x_}};
  }

  void load(const nlohmann::json& st) override {
    const std::string what = "sep_cmaes";
    try {
      if (st.at("strategy").get<std::string>() != "sep_cmaes") throw UsageError("checkpoint is not a sep_cmaes state");
      if (st.at("num_params").get<size_t>() != n_ || st.at("lambda").get<size_t>() != lambda_)
        throw UsageError("sep_cmaes checkpoint was written with " + st.at("num_params").dump() +
                         " parameters and population " + st.at("lambda").dump() + "; this run has " +
                         std::to_string(n_) + " and " + std::to_string(lambda_));
      auto mean = cma::read_vector<double>(st, "mean", n_, what);
      auto c = cma::read_vector<double>(st, "c", n_, what);
      auto ps = cma::read_vector<double>(st, "p_sigma", n_, what);
      auto pc = cma::read_vector<double>(st, "p_c", n_, what);
      auto best_x = cma::read_vector<double>(st, "best_x", n_, what);
      const double sigma = st.at("sigma").get<double>();
      if (!(sigma > 0.0) || !std::isfinite(sigma)) throw UsageError("sep_cmaes checkpoint: bad sigma");
      for (double x : c)
        if (!(x > 0.0)) throw UsageError("sep_cmaes checkpoint: variances must be > 0");
      const auto generation = st.at("generation").get<uint64_t>();
      const double best_f = cma::fitness_from_json(st.at("best_fitness"));
      generation_ = generation;
      best_f_ = best_f;
      sigma_ = sigma;
      mean_ = std::move(mean);
      c_ = std::move(c);
      p_sigma_ = std::move(ps);
      p_c_ = std::move(pc);
      best_x_ = std::move(best_x);
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed sep_cmaes checkpoint: ") + e.what());
    }
    for (size_t j = 0; j < n_; ++j) sd_[j] = std::sqrt(c_[j]);
  }

 private:
  void check_decode(size_t i, size_t size) const {
    if (i >= lambda_ || size != n_)
      throw std::invalid_argument("sep_cmaes: decode(" + std::to_string(i) + ") out of range or wrong size");
  }

  SepSettings s_;
  uint64_t seed_;
  size_t n_;
  size_t lambda_ = 0;
  cma::Weights w_;
  cma::Rates r_;
  std::vector<double> mean_, c_, sd_, p_sigma_, p_c_;  // sd_ = sqrt(c_), derived
  double sigma_ = 0.0;
  uint64_t generation_ = 0;
  double best_f_ = -kInf;
  std::vector<double> best_x_;
};

}  // namespace

std::unique_ptr<Strategy> make_sep_cmaes(ConfigSection& cfg, const StrategyContext& ctx) {
  SepSettings s;
  s.sigma = cma::positive(cfg, "sigma", 0.5);  // as cmaes
  s.population = cma::read_population(cfg);
  s.champion_mean = cma::read_champion_is_mean(cfg);
  if (ctx.space == nullptr) throw std::invalid_argument("sep_cmaes needs a parameter space");
  if (ctx.num_params != 0 && ctx.num_params != ctx.space->num_params())
    throw std::invalid_argument("sep_cmaes: context num_params differs from the space's");
  if (ctx.space->num_params() == 0) throw UsageError("sep_cmaes: the parameter space has no parameters");
  return std::make_unique<SepCmaes>(s, ctx);
}

}  // namespace neuroevo
