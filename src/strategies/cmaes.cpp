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
// Bounds (optional scalar keys `lower`, `upper`, applied to every coordinate): repair by projection
// plus a penalty (the tutorial's B.5). decode() returns the projected (feasible) point, which is what
// gets evaluated and what the champion stores; the update uses the unprojected sample, ranked by
// fitness - gamma ||x - proj(x)||^2 with gamma = 2 IQR(fitness of the generation) / (sigma^2 mean(diag C))
// (1 / (sigma^2 mean(diag C)) when the IQR is zero), so that a candidate one standard deviation outside
// the box loses about two inter-quartile ranges: scale free and without extra state. The initial mean
// is projected into the box.
//
// Restarts (`restarts = "ipop" | "bipop"`) are triggered by these termination criteria of the current
// run (tutorial B.3; Hansen 2009, Sect. 2), costs being the negated fitness:
//   MaxIter       run generations >= 100 + 50 (n+3)^2 / sqrt(lambda); BIPOP small-population runs
//                 >= 0.5 * (evaluations of the last large-population run) / lambda;
//   TolHistFun    range of the best costs of the last 10 + ceil(30 n / lambda) generations < tol_fun;
//   TolFun        ... and the range of all costs of the current generation < tol_fun as well;
//   EqualFunVals  in more than 1/3 of the last n generations the best and the ceil(0.1 + lambda/4)-th best
//                 cost were equal;
//   TolX          sigma * max_i max(|p_c,i|, sqrt(C_ii)) < tol_x * sigma_0 (the run's initial sigma);
//   TolUpSigma    sigma / sigma_0 > 1e20 sqrt(largest eigenvalue of C);
//   ConditionCov  condition number of C > 1e14;
//   NoEffectAxis  m + 0.1 sigma sqrt(d_i) b_i == m with i = generation mod n;
//   NoEffectCoord m_j + 0.2 sigma sqrt(C_jj) == m_j for some j;
//   Stagnation    over the last max(120 + 30 n / lambda, 20% of the run's generations) generations (at
//                 most 20000), the medians of the most recent 30% of both the best and the median costs
//                 are not better than those of the oldest 30%.
// IPOP: each restart doubles lambda (lambda_default * 2^k) with sigma = sigma_0, at most max_restarts
// times. BIPOP: the first run (default lambda) is not budgeted; afterwards each restart takes the
// regime that has used fewer evaluations so far: large population (lambda_default * 2^k, sigma_0; at
// most max_restarts of them) or small population, lambda_s = floor(lambda_default * (lambda_l / (2
// lambda_default))^(u^2)) with lambda_l the latest large lambda, sigma_s = sigma_0 * 10^(-2 u') (u, u'
// uniform from Stream(seed, restart index, 0, Strategy)), and at most half the evaluations of the last
// large run. Every run starts from x0 = space.init_params(stream_key(seed, restart index, 0, Init)),
// restart index 0 being the first run. When the restarts are used up, the criteria are no longer
// checked and the last run goes on. A restart only changes what the next ask() returns.
//
// generation() counts all generations of all runs, and keys the sampling streams, so streams never
// repeat across restarts. The champion is the best candidate evaluated so far (the projected point,
// by raw fitness; `champion = "mean"` selects the current mean instead); before any result it is the
// initial mean. The whole state (including B, D, the histories and the restart bookkeeping) is saved
// as JSON with exact doubles, so a resumed run is bit-identical; the current population is a function
// of the state and is rebuilt on load.
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
#include "neuroevo/core/symmetric_eigen.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

namespace {

// Cost histories hold +inf for generations whose candidates were all invalid; JSON has no infinity, so
// they are written as null and read back as +inf.
nlohmann::json costs_to_json(const std::vector<double>& costs) {
  nlohmann::json j = nlohmann::json::array();
  for (double c : costs) j.push_back(std::isfinite(c) ? nlohmann::json(c) : nlohmann::json(nullptr));
  return j;
}
std::vector<double> costs_from_json(const nlohmann::json& j) {
  std::vector<double> costs;
  for (const auto& c : j) costs.push_back(c.is_null() ? std::numeric_limits<double>::infinity() : c.get<double>());
  return costs;
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr size_t kHistoryCap = 20000;  // Stagnation looks back at most 20000 generations

enum class Restarts { None, Ipop, Bipop };

const char* restarts_name(Restarts r) {
  switch (r) {
    case Restarts::Ipop: return "ipop";
    case Restarts::Bipop: return "bipop";
    default: return "none";
  }
}

struct CmaesSettings {
  double sigma = 0.5;
  size_t population = 0;  // 0 = default lambda
  Restarts restarts = Restarts::None;
  int64_t max_restarts = 9;
  double lower = -kInf, upper = kInf;
  bool champion_mean = false;
  double tol_fun = 1e-12, tol_x = 1e-12;
  double eigen_gap = 0.5;
};

CmaesSettings read_settings(ConfigSection& cfg) {
  CmaesSettings s;
  // 0.5: a quarter of the typical [-1, 1] range of network weights (Hansen recommends a fifth to a
  // quarter of the search range); BBOB runs set 2 for the [-5, 5] box.
  s.sigma = cma::positive(cfg, "sigma", 0.5);
  s.population = cma::read_population(cfg);
  const std::string r = cfg.get_string("restarts", "none", {"none", "ipop", "bipop"});
  s.restarts = r == "ipop" ? Restarts::Ipop : r == "bipop" ? Restarts::Bipop : Restarts::None;
  // 9 large-population restarts (lambda up to 512 lambda_default) as in Hansen 2009.
  s.max_restarts = cfg.get_int("max_restarts", 9, 0, 20);
  if (cfg.has("lower")) s.lower = cfg.get_double("lower", 0.0);
  if (cfg.has("upper")) s.upper = cfg.get_double("upper", 0.0);
  if (!(s.lower < s.upper) || std::isnan(s.lower) || std::isnan(s.upper))
    throw UsageError("config keys '" + cfg.full_key("lower") + "' and '" + cfg.full_key("upper") +
                     "' must satisfy lower < upper, got " + cma::show(s.lower) + " and " + cma::show(s.upper));
  s.champion_mean = cma::read_champion_is_mean(cfg);
  s.tol_fun = cma::positive(cfg, "tol_fun", 1e-12);
  s.tol_x = cma::positive(cfg, "tol_x", 1e-12);
  s.eigen_gap = cfg.get_double("eigen_gap", 0.5, 0.0, 10.0);
  return s;
}

// Everything that depends only on (n, lambda).
struct RunParams {
  size_t lambda = 0;
  cma::Weights w;
  cma::Rates r;
  double eigen_interval = 0.0;  // evaluations between eigendecompositions
};

RunParams make_params(size_t n, size_t lambda, double eigen_gap) {
  RunParams p;
  p.lambda = lambda;
  p.w = cma::log_weights(lambda);
  p.r = cma::default_rates(n, p.w);
  p.eigen_interval = eigen_gap * static_cast<double>(lambda) / (p.r.c_1 + p.r.c_mu) / static_cast<double>(n);
  return p;
}

class Cmaes final : public Strategy {
 public:
  Cmaes(const CmaesSettings& s, const StrategyContext& ctx)
      : s_(s), seed_(ctx.seed), space_(ctx.space), n_(ctx.space->num_params()) {
    lambda_default_ = s_.population != 0 ? s_.population : cma::default_lambda(n_);
    start_run(lambda_default_, s_.sigma, kInf, initial_mean(0));
    large_run_ = true;
    if (s_.restarts != Restarts::None) max_iter_ = max_iter_large(n_, lambda_default_);
    best_x_ = mean_;
    sample_population();
  }

  Batch ask() override { return Batch{p_.lambda, 0, Purpose::Episode}; }

  void decode(size_t i, std::span<float> params) const override {
    check_decode(i, params.size());
    const double* x = &x_[i * n_];
    for (size_t j = 0; j < n_; ++j) params[j] = static_cast<float>(x[j]);
  }

  void decode_double(size_t i, std::span<double> out) const override {
    check_decode(i, out.size());
    std::copy_n(&x_[i * n_], n_, out.begin());
  }

  bool tell(std::span<const Result> results) override {
    const size_t lambda = p_.lambda, n = n_;
    if (results.size() != lambda)
      throw std::invalid_argument("cmaes: tell() got " + std::to_string(results.size()) + " results, expected " +
                                  std::to_string(lambda));
    const std::vector<double> f = ranking_fitness(results);
    // Best ever, by raw fitness, in candidate order (ties keep the earlier one).
    for (size_t i = 0; i < lambda; ++i)
      if (f[i] > best_f_) {
        best_f_ = f[i];
        best_x_.assign(&x_[i * n], &x_[i * n] + n);
      }
    const std::vector<size_t> order = argsort_descending(penalised(f));
    const auto& w = p_.w.w;
    const size_t mu = p_.w.mu;
    const double mu_eff = p_.w.mu_eff;
    const auto& r = p_.r;

    std::vector<double> yw(n, 0.0), zw(n, 0.0);
    for (size_t k = 0; k < mu; ++k) {
      const double* y = &y_[order[k] * n];
      const double* z = &z_[order[k] * n];
      for (size_t j = 0; j < n; ++j) {
        yw[j] += w[k] * y[j];
        zw[j] += w[k] * z[j];
      }
    }
    for (size_t j = 0; j < n; ++j) mean_[j] += sigma_ * yw[j];  // (42)
    // (43) with C^{-1/2} <y>_w = B D^{-1} B^T B D <z>_w = B <z>_w.
    const double cs = std::sqrt(r.c_sigma * (2.0 - r.c_sigma) * mu_eff);
    double ps2 = 0.0;
    for (size_t i = 0; i < n; ++i) {
      double bz = 0.0;
      for (size_t j = 0; j < n; ++j) bz += B_[i * n + j] * zw[j];
      p_sigma_[i] = (1.0 - r.c_sigma) * p_sigma_[i] + cs * bz;
      ps2 += p_sigma_[i] * p_sigma_[i];
    }
    const double norm_ps = std::sqrt(ps2);
    const bool hs = cma::h_sigma(norm_ps, r.c_sigma, run_gen_ + 1, n, r.chi_n);
    const double cc = hs ? std::sqrt(r.c_c * (2.0 - r.c_c) * mu_eff) : 0.0;
    for (size_t j = 0; j < n; ++j) p_c_[j] = (1.0 - r.c_c) * p_c_[j] + cc * yw[j];  // (45)
    // (47), positive weights summing to one; the upper triangle is computed and mirrored.
    const double delta_h = hs ? 0.0 : r.c_c * (2.0 - r.c_c);
    const double keep = 1.0 + r.c_1 * delta_h - r.c_1 - r.c_mu;
    // Row by row over contiguous memory (vectorises): first keep * C + c_1 p_c p_c^T, then the rank-mu
    // terms one selected y at a time; the lower triangle is mirrored at the end.
    for (size_t a = 0; a < n; ++a) {
      double* row = &C_[a * n];
      const double pa = r.c_1 * p_c_[a];
      for (size_t b = a; b < n; ++b) row[b] = keep * row[b] + pa * p_c_[b];
    }
    for (size_t k = 0; k < mu; ++k) {
      const double* y = &y_[order[k] * n];
      const double cw = r.c_mu * w[k];
      for (size_t a = 0; a < n; ++a) {
        double* row = &C_[a * n];
        const double ya = cw * y[a];
        for (size_t b = a; b < n; ++b) row[b] += ya * y[b];
      }
    }
    for (size_t a = 0; a < n; ++a)
      for (size_t b = a + 1; b < n; ++b) C_[b * n + a] = C_[a * n + b];
    sigma_ *= cma::csa_factor(norm_ps, r);  // (44)

    // Bookkeeping of the run, then termination and restart.
    ++run_gen_;
    ++generation_;
    run_evals_ += lambda;
    if (static_cast<double>(run_evals_ - eigen_evals_) > p_.eigen_interval) decompose();
    if (s_.restarts != Restarts::None && !exhausted_) {
      record_history(f);
      if (const char* why = stop_reason()) restart(why);
    }
    sample_population();
    return true;
  }

  uint64_t generation() const override { return generation_; }

  Genome champion() const override {
    const std::vector<double>& src = s_.champion_mean ? mean_ : best_x_;
    std::vector<float> out(src.size());
    for (size_t j = 0; j < src.size(); ++j) out[j] = static_cast<float>(src[j]);
    return Genome::make_dense(std::move(out));
  }

  nlohmann::json save() const override {
    nlohmann::json j = {{"strategy", "cmaes"},
                        {"num_params", n_},
                        {"lambda_default", lambda_default_},
                        {"restarts", restarts_name(s_.restarts)},
                        {"generation", generation_},
                        {"best_fitness", cma::fitness_to_json(best_f_)},
                        {"best_x", best_x_},
                        // the current run
                        {"lambda", p_.lambda},
                        {"mu", p_.w.mu},
                        {"weights", p_.w.w},
                        {"mu_eff", p_.w.mu_eff},
                        {"c_sigma", p_.r.c_sigma},
                        {"d_sigma", p_.r.d_sigma},
                        {"c_c", p_.r.c_c},
                        {"c_1", p_.r.c_1},
                        {"c_mu", p_.r.c_mu},
                        {"mean", mean_},
                        {"sigma", sigma_},
                        {"sigma0", sigma0_},
                        {"C", C_},
                        {"B", B_},
                        {"eigenvalues", eig_},
                        {"condition", std::isfinite(cond_) ? nlohmann::json(cond_) : nlohmann::json(nullptr)},
                        {"p_sigma", p_sigma_},
                        {"p_c", p_c_},
                        {"run_generation", run_gen_},
                        {"run_evaluations", run_evals_},
                        {"eigen_evaluations", eigen_evals_},
                        {"max_iter", std::isfinite(max_iter_) ? nlohmann::json(max_iter_) : nlohmann::json(nullptr)},
                        {"large_run", large_run_},
                        {"history_best", costs_to_json(hist_best_)},
                        {"history_median", costs_to_json(hist_median_)},
                        {"equal_flags", equal_flags_},
                        // restarts
                        {"restart_count", restart_count_},
                        {"large_restarts", large_restarts_},
                        {"budget_large", budget_large_},
                        {"budget_small", budget_small_},
                        {"last_large_evaluations", last_large_evals_},
                        {"exhausted", exhausted_},
                        {"last_stop", last_stop_}};
    return j;
  }

  void load(const nlohmann::json& st) override {
    const std::string what = "cmaes";
    try {
      if (st.at("strategy").get<std::string>() != "cmaes") throw UsageError("checkpoint is not a cmaes state");
      if (st.at("num_params").get<size_t>() != n_ || st.at("lambda_default").get<size_t>() != lambda_default_ ||
          st.at("restarts").get<std::string>() != restarts_name(s_.restarts))
        throw UsageError("cmaes checkpoint was written with " + st.at("num_params").dump() + " parameters, population " +
                         st.at("lambda_default").dump() + " and restarts " + st.at("restarts").dump() +
                         "; this run has " + std::to_string(n_) + ", " + std::to_string(lambda_default_) + " and \"" +
                         restarts_name(s_.restarts) + "\"");
      const auto lambda = st.at("lambda").get<size_t>();
      if (lambda < 2 || lambda > (size_t{1} << 40)) throw UsageError("cmaes checkpoint: bad lambda");
      const size_t n = n_;
      auto mean = cma::read_vector<double>(st, "mean", n, what);
      auto C = cma::read_vector<double>(st, "C", n * n, what);
      auto B = cma::read_vector<double>(st, "B", n * n, what);
      auto eig = cma::read_vector<double>(st, "eigenvalues", n, what);
      auto ps = cma::read_vector<double>(st, "p_sigma", n, what);
      auto pc = cma::read_vector<double>(st, "p_c", n, what);
      auto best_x = cma::read_vector<double>(st, "best_x", n, what);
      auto hist_best = costs_from_json(st.at("history_best"));
      auto hist_median = costs_from_json(st.at("history_median"));
      auto equal_flags = st.at("equal_flags").get<std::vector<uint8_t>>();
      const double sigma = st.at("sigma").get<double>(), sigma0 = st.at("sigma0").get<double>();
      if (!(sigma > 0.0) || !(sigma0 > 0.0) || !std::isfinite(sigma) || !std::isfinite(sigma0))
        throw UsageError("cmaes checkpoint: sigma must be finite and > 0");
      for (double e : eig)
        if (!(e > 0.0)) throw UsageError("cmaes checkpoint: eigenvalues must be > 0");
      // All parsed and checked: commit.
      generation_ = st.at("generation").get<uint64_t>();
      best_f_ = cma::fitness_from_json(st.at("best_fitness"));
      cond_ = st.at("condition").is_null() ? kInf : st.at("condition").get<double>();
      run_gen_ = st.at("run_generation").get<uint64_t>();
      run_evals_ = st.at("run_evaluations").get<uint64_t>();
      eigen_evals_ = st.at("eigen_evaluations").get<uint64_t>();
      max_iter_ = st.at("max_iter").is_null() ? kInf : st.at("max_iter").get<double>();
      large_run_ = st.at("large_run").get<bool>();
      restart_count_ = st.at("restart_count").get<uint64_t>();
      large_restarts_ = st.at("large_restarts").get<uint64_t>();
      budget_large_ = st.at("budget_large").get<uint64_t>();
      budget_small_ = st.at("budget_small").get<uint64_t>();
      last_large_evals_ = st.at("last_large_evaluations").get<uint64_t>();
      exhausted_ = st.at("exhausted").get<bool>();
      last_stop_ = st.at("last_stop").get<std::string>();
      p_ = make_params(n, lambda, s_.eigen_gap);
      mean_ = std::move(mean);
      C_ = std::move(C);
      B_ = std::move(B);
      eig_ = std::move(eig);
      p_sigma_ = std::move(ps);
      p_c_ = std::move(pc);
      best_x_ = std::move(best_x);
      hist_best_ = std::move(hist_best);
      hist_median_ = std::move(hist_median);
      equal_flags_ = std::move(equal_flags);
      sigma_ = sigma;
      sigma0_ = sigma0;
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed cmaes checkpoint: ") + e.what());
    }
    refresh_bd();
    sample_population();
  }

 private:
  void check_decode(size_t i, size_t size) const {
    if (i >= p_.lambda || size != n_)
      throw std::invalid_argument("cmaes: decode(" + std::to_string(i) + ") out of range or wrong size");
  }

  // x0 of run `index`, projected into the bounds.
  std::vector<double> initial_mean(uint64_t index) const {
    std::vector<float> x0(n_);
    space_->init_params(stream_key(seed_, index, 0, Purpose::Init), x0);
    std::vector<double> m(n_);
    for (size_t j = 0; j < n_; ++j) m[j] = std::clamp(static_cast<double>(x0[j]), s_.lower, s_.upper);
    return m;
  }

  void start_run(size_t lambda, double sigma, double max_iter, std::vector<double> mean) {
    const size_t n = n_;
    p_ = make_params(n, lambda, s_.eigen_gap);
    mean_ = std::move(mean);
    sigma_ = sigma0_ = sigma;
    C_.assign(n * n, 0.0);
    B_.assign(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) C_[i * n + i] = B_[i * n + i] = 1.0;
    eig_.assign(n, 1.0);
    cond_ = 1.0;
    p_sigma_.assign(n, 0.0);
    p_c_.assign(n, 0.0);
    run_gen_ = run_evals_ = eigen_evals_ = 0;
    max_iter_ = max_iter;
    hist_best_.clear();
    hist_median_.clear();
    equal_flags_.clear();
    refresh_bd();
  }

  // (BD)^T with BD = B diag(sqrt(eigenvalues)): derived from the saved B and eigenvalues, so not saved.
  void refresh_bd() {
    const size_t n = n_;
    bd_t_.resize(n * n);
    for (size_t k = 0; k < n; ++k) {
      const double d = std::sqrt(eig_[k]);
      for (size_t i = 0; i < n; ++i) bd_t_[k * n + i] = B_[i * n + k] * d;
    }
  }

  void decompose() {
    const size_t n = n_;
    eigen_evals_ = run_evals_;
    std::vector<double> w(n), v(n * n);
    if (!symmetric_eigen(n, C_, w, v)) return;  // keep the previous decomposition (never seen in practice)
    const double top = w[n - 1];
    if (!(top > 0.0) || !std::isfinite(top)) return;
    cond_ = w[0] > 0.0 ? top / w[0] : kInf;
    for (double& x : w) x = std::max(x, top * 1e-14);
    B_ = std::move(v);
    eig_ = std::move(w);
    refresh_bd();
  }

  // Ranking values: the fitness, minus the boundary penalty when bounds are set (see the header).
  std::vector<double> penalised(const std::vector<double>& f) const {
    if (!std::isfinite(s_.lower) && !std::isfinite(s_.upper)) return f;
    const size_t n = n_, lambda = p_.lambda;
    std::vector<double> dist(lambda, 0.0);
    bool any = false;
    for (size_t i = 0; i < lambda; ++i) {
      double d2 = 0.0;
      for (size_t j = 0; j < n; ++j) {
        const double d = mean_[j] + sigma_ * y_[i * n + j] - x_[i * n + j];
        d2 += d * d;
      }
      dist[i] = d2;
      any = any || d2 > 0.0;
    }
    if (!any) return f;
    std::vector<double> valid;
    for (double v : f)
      if (std::isfinite(v)) valid.push_back(v);
    double iqr = 0.0;
    if (valid.size() >= 2) {
      std::sort(valid.begin(), valid.end());
      const double last = static_cast<double>(valid.size() - 1);
      iqr = valid[static_cast<size_t>(std::floor(0.75 * last))] - valid[static_cast<size_t>(std::ceil(0.25 * last))];
    }
    double mean_c = 0.0;
    for (size_t j = 0; j < n; ++j) mean_c += C_[j * n + j];
    mean_c /= static_cast<double>(n);
    const double gamma = (iqr > 0.0 ? 2.0 * iqr : 1.0) / (sigma_ * sigma_ * mean_c);
    std::vector<double> g(f);
    for (size_t i = 0; i < lambda; ++i) g[i] -= gamma * dist[i];  // -inf stays -inf
    return g;
  }

  void sample_population() {
    const size_t n = n_, lambda = p_.lambda;
    z_.resize(lambda * n);
    y_.resize(lambda * n);
    x_.resize(lambda * n);
    for (size_t i = 0; i < lambda; ++i) {
      double* z = &z_[i * n];
      double* y = &y_[i * n];
      double* x = &x_[i * n];
      cma::sample_normal(seed_, generation_, i, z, n);  // (38)
      // (39) y = BD z, accumulated column by column of BD (rows of bd_t_): element-wise updates vectorise,
      // and each y[a] still sums its terms in the order b = 0, 1, ...
      std::fill_n(y, n, 0.0);
      for (size_t b = 0; b < n; ++b) {
        const double* col = &bd_t_[b * n];
        const double zb = z[b];
        for (size_t a = 0; a < n; ++a) y[a] += col[a] * zb;
      }
      for (size_t a = 0; a < n; ++a) x[a] = std::clamp(mean_[a] + sigma_ * y[a], s_.lower, s_.upper);  // (40)
    }
  }

  // ---- termination and restarts ----

  void record_history(const std::vector<double>& fitness) {
    std::vector<double> cost(fitness.size());
    for (size_t i = 0; i < cost.size(); ++i) cost[i] = -fitness[i];  // invalid -> +inf
    std::sort(cost.begin(), cost.end());
    hist_best_.push_back(cost.front());
    hist_median_.push_back(cma::median(cost));
    if (hist_best_.size() > kHistoryCap) {
      hist_best_.erase(hist_best_.begin());
      hist_median_.erase(hist_median_.begin());
    }
    const size_t k = static_cast<size_t>(std::ceil(0.1 + static_cast<double>(p_.lambda) / 4.0));
    equal_flags_.push_back(cost.front() == cost[std::min(k, cost.size()) - 1] ? 1 : 0);
    if (equal_flags_.size() > n_) equal_flags_.erase(equal_flags_.begin());
    gen_costs_ = std::move(cost);
  }

  const char* stop_reason() const {
    const size_t n = n_;
    const double lambda = static_cast<double>(p_.lambda), nd = static_cast<double>(n);
    if (static_cast<double>(run_gen_) >= max_iter_) return "MaxIter";
    // TolHistFun / TolFun
    const size_t window = 10 + static_cast<size_t>(std::ceil(30.0 * nd / lambda));
    if (hist_best_.size() >= window) {
      const auto first = hist_best_.end() - static_cast<std::ptrdiff_t>(window);
      const auto [lo, hi] = std::minmax_element(first, hist_best_.end());
      if (*hi - *lo < s_.tol_fun) {
        const double cur = gen_costs_.back() - gen_costs_.front();
        return cur < s_.tol_fun ? "TolFun" : "TolHistFun";
      }
    }
    // EqualFunVals
    if (run_gen_ > n && equal_flags_.size() == n) {
      size_t equal = 0;
      for (uint8_t e : equal_flags_) equal += e;
      if (3 * equal > n) return "EqualFunVals";
    }
    // TolX, NoEffectCoord
    double biggest = 0.0;
    for (size_t j = 0; j < n; ++j) {
      const double sd = std::sqrt(C_[j * n + j]);
      biggest = std::max({biggest, std::fabs(p_c_[j]), sd});
    }
    if (sigma_ * biggest < s_.tol_x * sigma0_) return "TolX";
    for (size_t j = 0; j < n; ++j)
      if (mean_[j] + 0.2 * sigma_ * std::sqrt(C_[j * n + j]) == mean_[j]) return "NoEffectCoord";
    // TolUpSigma, ConditionCov (on the latest decomposition)
    if (sigma_ / sigma0_ > 1e20 * std::sqrt(eig_[n - 1])) return "TolUpSigma";
    if (cond_ > 1e14) return "ConditionCov";
    // NoEffectAxis: one principal axis per generation.
    {
      const size_t i = run_gen_ % n;
      const double step = 0.1 * sigma_ * std::sqrt(eig_[i]);
      bool moved = false;
      for (size_t j = 0; j < n && !moved; ++j) moved = mean_[j] + step * B_[j * n + i] != mean_[j];
      if (!moved) return "NoEffectAxis";
    }
    // Stagnation
    {
      const double floor_len = 120.0 + std::ceil(30.0 * nd / lambda);
      const auto w = static_cast<size_t>(
          std::min(std::max(std::ceil(0.2 * static_cast<double>(run_gen_)), floor_len), static_cast<double>(kHistoryCap)));
      if (hist_best_.size() >= w) {
        const auto k = static_cast<std::ptrdiff_t>(std::ceil(0.3 * static_cast<double>(w)));
        auto slice_median = [&](const std::vector<double>& h, bool recent) {
          const auto begin = recent ? h.end() - k : h.end() - static_cast<std::ptrdiff_t>(w);
          return cma::median(std::vector<double>(begin, begin + k));
        };
        if (slice_median(hist_best_, true) >= slice_median(hist_best_, false) &&
            slice_median(hist_median_, true) >= slice_median(hist_median_, false))
          return "Stagnation";
      }
    }
    return nullptr;
  }

  static double max_iter_large(size_t n, size_t lambda) {
    const double n3 = static_cast<double>(n) + 3.0;
    return 100.0 + 50.0 * n3 * n3 / std::sqrt(static_cast<double>(lambda));
  }

  void restart(const char* why) {
    last_stop_ = why;
    // Budgets: the first run is not counted (Hansen 2009).
    if (restart_count_ > 0) (large_run_ ? budget_large_ : budget_small_) += run_evals_;
    if (large_run_) last_large_evals_ = run_evals_;
    const bool small = s_.restarts == Restarts::Bipop && budget_small_ < budget_large_;
    size_t lambda = 0;
    double sigma = s_.sigma, max_iter = 0.0;
    if (!small) {
      if (large_restarts_ >= static_cast<uint64_t>(s_.max_restarts)) {
        exhausted_ = true;
        return;
      }
      ++large_restarts_;
      lambda = lambda_default_ << large_restarts_;
      max_iter = max_iter_large(n_, lambda);
    } else {
      Stream u(seed_, restart_count_ + 1, 0, Purpose::Strategy);
      const double u1 = u.uniform(), u2 = u.uniform();
      const double lambda_l = static_cast<double>(lambda_default_ << large_restarts_);
      const double ld = static_cast<double>(lambda_default_);
      lambda = static_cast<size_t>(std::floor(ld * std::pow(0.5 * lambda_l / ld, u1 * u1)));
      lambda = std::max<size_t>(lambda, 2);
      sigma = s_.sigma * std::pow(10.0, -2.0 * u2);
      max_iter = std::max(1.0, std::floor(0.5 * static_cast<double>(last_large_evals_) / static_cast<double>(lambda)));
    }
    ++restart_count_;
    start_run(lambda, sigma, max_iter, initial_mean(restart_count_));
    large_run_ = !small;
  }

  CmaesSettings s_;
  uint64_t seed_;
  const ParamSpace* space_;
  size_t n_;
  size_t lambda_default_ = 0;

  // current run
  RunParams p_;
  std::vector<double> mean_, C_, B_, eig_, p_sigma_, p_c_;
  double sigma_ = 0.0, sigma0_ = 0.0, cond_ = 1.0;
  uint64_t run_gen_ = 0, run_evals_ = 0, eigen_evals_ = 0;
  double max_iter_ = kInf;
  bool large_run_ = true;
  std::vector<double> hist_best_, hist_median_;
  std::vector<uint8_t> equal_flags_;

  // restarts
  uint64_t restart_count_ = 0, large_restarts_ = 0, budget_large_ = 0, budget_small_ = 0, last_large_evals_ = 0;
  bool exhausted_ = false;
  std::string last_stop_;

  // whole run
  uint64_t generation_ = 0;
  double best_f_ = -kInf;
  std::vector<double> best_x_;

  // derived, not saved
  std::vector<double> bd_t_;
  std::vector<double> z_, y_, x_;  // current population (lambda x n each); x_ is what decode returns
  std::vector<double> gen_costs_;  // sorted costs of the generation being told
};

}  // namespace

std::unique_ptr<Strategy> make_cmaes(ConfigSection& cfg, const StrategyContext& ctx) {
  const CmaesSettings s = read_settings(cfg);
  if (ctx.space == nullptr) throw std::invalid_argument("cmaes needs a parameter space");
  if (ctx.num_params != 0 && ctx.num_params != ctx.space->num_params())
    throw std::invalid_argument("cmaes: context num_params differs from the space's");
  if (ctx.space->num_params() == 0) throw UsageError("cmaes: the parameter space has no parameters");
  return std::make_unique<Cmaes>(s, ctx);
}

}  // namespace neuroevo
