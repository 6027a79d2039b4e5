// Restarts and bounds for the CMA-ES family, as one composition: Restarting<Model> is the strategy
// (StrategyBase: parameters, state, checkpoint), Model is one run of one algorithm (cmaes.cpp,
// sep_cmaes.cpp, lm_ma_es.cpp: its sampling, its update and its own termination criteria).
//
// What this wrapper owns, identically for every model:
//  - the generation counter (all runs; it keys the sampling streams, so streams never repeat across
//    restarts), the best candidate evaluated so far and the champion (the shared `champion` key of
//    schema.hpp: the mean by default, "best" for the best candidate evaluated so far);
//  - bounds (`lower`, `upper`, scalars applied to every coordinate): repair by projection plus a penalty
//    (Hansen's tutorial, arXiv:1604.00772, B.5). decode() returns the projected (feasible) point, which
//    is what gets evaluated and what the champion stores; the update ranks the unprojected samples by
//    fitness - gamma ||x - proj(x)||^2 with gamma = 2 IQR(fitness of the generation) / (sigma^2 v)
//    (1 / (sigma^2 v) when the IQR is zero), v being the model's mean coordinate variance (mean diag C):
//    a candidate one standard deviation outside the box loses about two inter-quartile ranges, scale
//    free and without extra state. Each run's initial mean is projected into the box;
//  - restarts (`restarts = "ipop" | "bipop"`), triggered by the termination criteria of the current run
//    (tutorial B.3; Hansen 2009, Sect. 2), costs being the negated fitness. Here:
//      MaxIter       run generations >= 100 + 50 (n+3)^2 / sqrt(lambda); BIPOP small-population runs
//                    >= 0.5 * (evaluations of the last large-population run) / lambda;
//      TolHistFun    range of the best costs of the last 10 + ceil(30 n / lambda) generations < tol_fun;
//      TolFun        ... and the range of all costs of the current generation < tol_fun as well;
//      EqualFunVals  in more than 1/3 of the last n generations the best and the ceil(0.1 + lambda/4)-th
//                    best cost were equal;
//      (the model's criteria: TolX, NoEffectCoord, TolUpSigma, ConditionCov, NoEffectAxis, as it has them)
//      Stagnation    over the last max(120 + 30 n / lambda, 20% of the run's generations) generations (at
//                    most 20000), the medians of the most recent 30% of both the best and the median
//                    costs are not better than those of the oldest 30%.
//    IPOP (Auger & Hansen, CEC 2005): each restart doubles lambda (lambda_default * 2^k) with sigma =
//    sigma_0, at most max_restarts times. BIPOP (Hansen, GECCO 2009 BBOB workshop): the first run
//    (default lambda) is not budgeted; afterwards each restart takes the regime that has used fewer
//    evaluations so far: large population (lambda_default * 2^k, sigma_0; at most max_restarts of them)
//    or small population, lambda_s = floor(lambda_default * (lambda_l / (2 lambda_default))^(u^2)) with
//    lambda_l the latest large lambda, sigma_s = sigma_0 * 10^(-2 u') (u, u' uniform from
//    Stream(seed, restart index, 0, Strategy)), and at most half the evaluations of the last large run.
//    Every run starts from x0 = space.init_params(stream_key(seed, restart index, 0, Init)), restart
//    index 0 being the first run. When the restarts are used up, the criteria are no longer checked and
//    the last run goes on. A restart only changes what the next ask() returns.
//
// A Model provides (see CmaesRun in cmaes.cpp for the fullest example):
//   using Params (derived from cma::RunParams), using State (the run's state: `mean`, `sigma` and its
//   own fields(), operator==); static const char* name;
//   Model(const Params&, size_t n, uint64_t seed);
//   void start(State&, size_t lambda, double sigma, std::vector<double> mean) const;  a fresh run
//   void derive(const State&, size_t lambda);         caches that depend on (state, lambda) only
//   void prepare(const State&, Clock);                the current population (cmaes samples it here)
//   void candidate(const State&, Clock, size_t i, std::span<double> x) const;   unprojected x_i
//   void update(State&, Clock, std::span<const size_t> order, uint64_t run_evaluations);
//   double mean_variance(const State&, std::span<const double> population) const;  for the penalty
//   const char* stop(const State&, Clock, double tol_x, double sigma0) const;   nullptr: go on
//   void validate(const State&, size_t n, size_t lambda, const std::string& name) const;  throws
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "cma_common.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/strategies/schema.hpp"
#include "search_util.hpp"

namespace neuroevo::cma {

// The keys every CMA-family strategy has (add_run_keys declares them).
struct RunParams {
  double sigma = 0.5;
  size_t population = 0;  // 0 = default lambda
  std::string restarts = "none";
  int64_t max_restarts = 9;
  double lower = -std::numeric_limits<double>::infinity(), upper = std::numeric_limits<double>::infinity();
  ChampionRule champion = ChampionRule::Mean;
  double tol_fun = 1e-12, tol_x = 1e-12;
};

// Bounds are optional keys: absent means unbounded, and nothing is written into the run's config.toml for
// them (a written default of -inf would not read back: config reals must be finite).
inline ParamDoc bound_doc(const char* key, const char* doc) {
  return {key, "real", std::string(kComputedPrefix) + "none (unbounded)", "finite", doc};
}
template <class P>
auto read_bound(double P::*member, const char* key, double none) {
  return [=](ConfigSection& c, P& p, const auto&) { p.*member = c.has(key) ? c.get_double(key, 0.0) : none; };
}
template <class P>
auto bound_value(double P::*member) {
  return [=](const P& p) {
    const double x = p.*member;
    return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(x > 0 ? "inf" : "-inf");
  };
}

template <class P>
ParamTable<P>& add_run_keys(ParamTable<P>& t) {
  constexpr double kMax = std::numeric_limits<double>::max();
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // sigma 0.5: a quarter of the typical [-1, 1] range of network weights (Hansen recommends a fifth to
  // a quarter of the search range); BBOB campaigns set 2 for the [-5, 5] box.
  t.real("sigma", &P::sigma, 0.5, 0.0, kMax, "initial step size", ParamTable<P>::Low)
      .template integer<size_t>("population", &P::population, 0, 0, int64_t{1} << 24,
                                "lambda; 0 = 4 + floor(3 ln n), else >= 2")
      .choice("restarts", &P::restarts, "none", {"none", "ipop", "bipop"},
              "restart strategy (Auger & Hansen 2005; Hansen 2009)")
      // 9 large-population restarts (lambda up to 512 lambda_default) as in Hansen 2009.
      .template integer<int64_t>("max_restarts", &P::max_restarts, 9, 0, 20, "large-population restarts at most")
      .custom(bound_doc("lower", "lower bound of every coordinate (absent: none)"), read_bound(&P::lower, "lower", -kInf),
              bound_value(&P::lower))
      .custom(bound_doc("upper", "upper bound of every coordinate (absent: none)"), read_bound(&P::upper, "upper", kInf),
              bound_value(&P::upper))
      .champion(&P::champion)
      .real("tol_fun", &P::tol_fun, 1e-12, 0.0, kMax, "TolFun / TolHistFun threshold (restarts)", ParamTable<P>::Low)
      .real("tol_x", &P::tol_x, 1e-12, 0.0, kMax, "TolX threshold, relative to the run's initial sigma",
            ParamTable<P>::Low);
  return t;
}

// A CMA-family key table: the run keys above, to which a model appends its own.
template <class P>
ParamTable<P> run_table() {
  ParamTable<P> t;
  add_run_keys(t);
  return t;
}

// The checks a field table cannot express; `cfg` names the keys.
inline void check_run_params(const RunParams& p, ConfigSection& cfg) {
  if (p.population == 1)
    throw UsageError("config key '" + cfg.full_key("population") + "' must be 0 (default) or >= 2, got 1");
  if (!(p.lower < p.upper) || std::isnan(p.lower) || std::isnan(p.upper))
    throw UsageError("config keys '" + cfg.full_key("lower") + "' and '" + cfg.full_key("upper") +
                     "' must satisfy lower < upper, got " + search::show(p.lower) + " and " + search::show(p.upper));
}

// Which generation a model samples: `key` = all generations of all runs (the stream key), `run` = the
// completed generations of the current run.
struct Clock {
  uint64_t key = 0, run = 0;
};

template <class ModelState>
struct RestartState {
  uint64_t generation = 0;
  // whole search
  double best_fitness = -std::numeric_limits<double>::infinity();
  std::vector<double> best_x;
  // current run
  uint64_t lambda = 0;
  double sigma0 = 0.0;
  uint64_t run_generation = 0, run_evaluations = 0;
  double max_iter = std::numeric_limits<double>::infinity();
  bool large_run = true;
  std::vector<double> history_best, history_median;
  std::vector<uint8_t> equal_flags;
  // restarts
  uint64_t restart_count = 0, large_restarts = 0, budget_large = 0, budget_small = 0, last_large_evaluations = 0;
  bool exhausted = false;
  std::string last_stop;
  ModelState model;

  NEUROEVO_FIELD_LIST(restart_fields, best_fitness, best_x, lambda, sigma0, run_generation, run_evaluations, max_iter,
                      large_run, history_best, history_median, equal_flags, restart_count, large_restarts,
                      budget_large, budget_small, last_large_evaluations, exhausted, last_stop)
  template <class S, class V>
  static void fields(S& s, V& v) {
    restart_fields(s, v);
    ModelState::fields(s.model, v);  // the model's fields at the same level
  }
  bool operator==(const RestartState&) const = default;
};

template <class Model>
class Restarting final : public StrategyBase<typename Model::Params, RestartState<typename Model::State>> {
  using Params = typename Model::Params;
  using State = RestartState<typename Model::State>;
  using Base = StrategyBase<Params, State>;
  static constexpr size_t kHistoryCap = 20000;  // Stagnation looks back at most 20000 generations
  static constexpr double kInf = std::numeric_limits<double>::infinity();

 public:
  Restarting(const ParamTable<Params>& table, const Params& p, const StrategyContext& ctx)
      : Base(Model::name, table, p), model_(p, ctx.space->num_params(), ctx.seed), seed_(ctx.seed), space_(ctx.space),
        n_(ctx.space->num_params()), restarts_(p.restarts == "ipop" ? 1 : p.restarts == "bipop" ? 2 : 0),
        bounded_(std::isfinite(p.lower) || std::isfinite(p.upper)) {
    lambda_default_ = p.population != 0 ? p.population : default_lambda(n_);
    start_run(lambda_default_, p.sigma, kInf, initial_mean(0));
    st().large_run = true;
    if (restarts_ != 0) st().max_iter = max_iter_large(n_, lambda_default_);
    st().best_x = st().model.mean;
    refresh();
  }

  Batch ask() override { return Batch{st().lambda, 0, Purpose::Episode}; }

  void decode(size_t i, std::span<float> params) const override {
    check_decode(i, params.size());
    thread_local std::vector<double> buffer;
    buffer.resize(n_);
    feasible(i, buffer);
    for (size_t j = 0; j < n_; ++j) params[j] = static_cast<float>(buffer[j]);
  }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode(i, x.size());
    feasible(i, x);
  }

  bool tell(std::span<const Result> results) override {
    State& s = st();
    const size_t lambda = s.lambda;
    this->check_results(results.size(), lambda);
    const std::vector<double> f = ranking_fitness(results);
    // Best ever, by raw fitness, in candidate order (ties keep the earlier one; invalid never wins).
    size_t best = lambda;
    for (size_t i = 0; i < lambda; ++i)
      if (f[i] > (best == lambda ? s.best_fitness : f[best])) best = i;
    if (best != lambda) {
      s.best_fitness = f[best];
      feasible(best, s.best_x);
    }
    const std::vector<size_t> order = argsort_descending(bounded_ ? penalised(f) : f);
    const Clock c = clock();
    s.run_evaluations += lambda;
    model_.update(s.model, c, order, s.run_evaluations);
    ++s.run_generation;
    ++s.generation;
    if (restarts_ != 0 && !s.exhausted) {
      record_history(f);
      if (const char* why = stop_reason()) restart(why);
    }
    model_.prepare(s.model, clock());
    return true;
  }

  Genome champion() const override {
    return dense_genome(this->params_.champion == ChampionRule::Mean ? st().model.mean : st().best_x);
  }

 private:
  State& st() { return this->state_; }
  const State& st() const { return this->state_; }
  Clock clock() const { return {st().generation, st().run_generation}; }

  void check_decode(size_t i, size_t size) const {
    this->check_index(i, st().lambda);
    if (size != n_)
      throw std::invalid_argument(this->name_ + ": decode() of " + std::to_string(size) + " values, expected " +
                                  std::to_string(n_));
  }

  // Candidate i as evaluated: the model's sample, projected into the bounds.
  void feasible(size_t i, std::span<double> x) const {
    model_.candidate(st().model, clock(), i, x);
    if (bounded_)
      for (double& v : x) v = std::clamp(v, this->params_.lower, this->params_.upper);
  }

  std::vector<double> initial_mean(uint64_t index) const {
    std::vector<float> x0(n_);
    space_->init_params(stream_key(seed_, index, 0, Purpose::Init), x0);
    std::vector<double> m(n_);
    for (size_t j = 0; j < n_; ++j) m[j] = std::clamp(static_cast<double>(x0[j]), this->params_.lower, this->params_.upper);
    return m;
  }

  void start_run(size_t lambda, double sigma, double max_iter, std::vector<double> mean) {
    State& s = st();
    s.lambda = lambda;
    s.sigma0 = sigma;
    s.run_generation = s.run_evaluations = 0;
    s.max_iter = max_iter;
    s.history_best.clear();
    s.history_median.clear();
    s.equal_flags.clear();
    model_.start(s.model, lambda, sigma, std::move(mean));
    model_.derive(s.model, lambda);
  }

  void refresh() {
    model_.derive(st().model, st().lambda);
    model_.prepare(st().model, clock());
  }

  void validate(const State& s) const override {
    const std::string& name = this->name_;
    if ((s.lambda) < 2 || s.lambda > (uint64_t{1} << 40)) throw corrupt_checkpoint(name, "lambda out of range");
    if (s.best_x.size() != n_) throw corrupt_checkpoint(name, "best_x has the wrong size");
    for (double x : s.best_x)
      if (!std::isfinite(x)) throw corrupt_checkpoint(name, "best_x is not finite");
    if (!(s.sigma0 > 0.0) || !std::isfinite(s.sigma0)) throw corrupt_checkpoint(name, "sigma0 must be finite and > 0");
    if (s.history_best.size() != s.history_median.size() || s.history_best.size() > kHistoryCap ||
        s.equal_flags.size() > n_)
      throw corrupt_checkpoint(name, "inconsistent termination histories");
    if (s.model.mean.size() != n_) throw corrupt_checkpoint(name, "mean has the wrong size");
    for (double x : s.model.mean)
      if (!std::isfinite(x)) throw corrupt_checkpoint(name, "mean is not finite");
    if (!(s.model.sigma > 0.0) || !std::isfinite(s.model.sigma))
      throw corrupt_checkpoint(name, "sigma must be finite and > 0");
    model_.validate(s.model, n_, s.lambda, name);
  }

  void derive() override { refresh(); }

  // Ranking values: the fitness minus the boundary penalty (see the header).
  std::vector<double> penalised(const std::vector<double>& f) const {
    const size_t n = n_, lambda = st().lambda;
    const auto& p = this->params_;
    std::vector<double> u(lambda * n), dist(lambda, 0.0);
    bool any = false;
    for (size_t i = 0; i < lambda; ++i) {
      double* x = &u[i * n];
      model_.candidate(st().model, clock(), i, std::span<double>(x, n));
      double d2 = 0.0;
      for (size_t j = 0; j < n; ++j) {
        const double d = x[j] - std::clamp(x[j], p.lower, p.upper);
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
    const double sigma = st().model.sigma;
    const double gamma = (iqr > 0.0 ? 2.0 * iqr : 1.0) / (sigma * sigma * model_.mean_variance(st().model, u));
    std::vector<double> g(f);
    for (size_t i = 0; i < lambda; ++i) g[i] -= gamma * dist[i];  // -inf stays -inf
    return g;
  }

  // ---- termination and restarts ----

  void record_history(const std::vector<double>& fitness) {
    State& s = st();
    std::vector<double> cost(fitness.size());
    for (size_t i = 0; i < cost.size(); ++i) cost[i] = -fitness[i];  // invalid -> +inf
    std::sort(cost.begin(), cost.end());
    s.history_best.push_back(cost.front());
    s.history_median.push_back(median(cost));
    if (s.history_best.size() > kHistoryCap) {
      s.history_best.erase(s.history_best.begin());
      s.history_median.erase(s.history_median.begin());
    }
    const size_t k = static_cast<size_t>(std::ceil(0.1 + static_cast<double>(s.lambda) / 4.0));
    s.equal_flags.push_back(cost.front() == cost[std::min(k, cost.size()) - 1] ? 1 : 0);
    if (s.equal_flags.size() > n_) s.equal_flags.erase(s.equal_flags.begin());
    gen_costs_ = std::move(cost);
  }

  const char* stop_reason() const {
    const State& s = st();
    const size_t n = n_;
    const double lambda = static_cast<double>(s.lambda), nd = static_cast<double>(n);
    if (static_cast<double>(s.run_generation) >= s.max_iter) return "MaxIter";
    // TolHistFun / TolFun
    const size_t window = 10 + static_cast<size_t>(std::ceil(30.0 * nd / lambda));
    if (s.history_best.size() >= window) {
      const auto first = s.history_best.end() - static_cast<std::ptrdiff_t>(window);
      const auto [lo, hi] = std::minmax_element(first, s.history_best.end());
      if (*hi - *lo < this->params_.tol_fun) {
        const double cur = gen_costs_.back() - gen_costs_.front();
        return cur < this->params_.tol_fun ? "TolFun" : "TolHistFun";
      }
    }
    // EqualFunVals
    if (s.run_generation > n && s.equal_flags.size() == n) {
      size_t equal = 0;
      for (uint8_t e : s.equal_flags) equal += e;
      if (3 * equal > n) return "EqualFunVals";
    }
    if (const char* why = model_.stop(s.model, clock(), this->params_.tol_x, s.sigma0)) return why;
    // Stagnation
    const double floor_len = 120.0 + std::ceil(30.0 * nd / lambda);
    const auto w = static_cast<size_t>(std::min(
        std::max(std::ceil(0.2 * static_cast<double>(s.run_generation)), floor_len), static_cast<double>(kHistoryCap)));
    if (s.history_best.size() >= w) {
      const auto k = static_cast<std::ptrdiff_t>(std::ceil(0.3 * static_cast<double>(w)));
      auto slice_median = [&](const std::vector<double>& h, bool recent) {
        const auto begin = recent ? h.end() - k : h.end() - static_cast<std::ptrdiff_t>(w);
        return median(std::vector<double>(begin, begin + k));
      };
      if (slice_median(s.history_best, true) >= slice_median(s.history_best, false) &&
          slice_median(s.history_median, true) >= slice_median(s.history_median, false))
        return "Stagnation";
    }
    return nullptr;
  }

  static double max_iter_large(size_t n, size_t lambda) {
    // A model may opt out of MaxIter (Model::kMaxIter = false): the bound is CMA-ES's (Hansen 2009), and a
    // model that learns its metric more slowly (LM-MA-ES) would be restarted before it converges.
    if constexpr (requires { Model::kMaxIter; }) {
      if (!Model::kMaxIter) return std::numeric_limits<double>::infinity();
    }
    const double n3 = static_cast<double>(n) + 3.0;
    return 100.0 + 50.0 * n3 * n3 / std::sqrt(static_cast<double>(lambda));
  }

  void restart(const char* why) {
    State& s = st();
    s.last_stop = why;
    // Budgets: the first run is not counted (Hansen 2009).
    if (s.restart_count > 0) (s.large_run ? s.budget_large : s.budget_small) += s.run_evaluations;
    if (s.large_run) s.last_large_evaluations = s.run_evaluations;
    const bool small = restarts_ == 2 && s.budget_small < s.budget_large;
    const double sigma_0 = this->params_.sigma;
    size_t lambda = 0;
    double sigma = sigma_0, max_iter = 0.0;
    if (!small) {
      if (s.large_restarts >= static_cast<uint64_t>(this->params_.max_restarts)) {
        s.exhausted = true;
        return;
      }
      ++s.large_restarts;
      lambda = lambda_default_ << s.large_restarts;
      max_iter = max_iter_large(n_, lambda);
    } else {
      Stream u(seed_, s.restart_count + 1, 0, Purpose::Strategy);
      const double u1 = u.uniform(), u2 = u.uniform();
      const double lambda_l = static_cast<double>(lambda_default_ << s.large_restarts);
      const double ld = static_cast<double>(lambda_default_);
      lambda = static_cast<size_t>(std::floor(ld * std::pow(0.5 * lambda_l / ld, u1 * u1)));
      lambda = std::max<size_t>(lambda, 2);
      sigma = sigma_0 * std::pow(10.0, -2.0 * u2);
      max_iter = std::max(1.0, std::floor(0.5 * static_cast<double>(s.last_large_evaluations) / static_cast<double>(lambda)));
    }
    ++s.restart_count;
    start_run(lambda, sigma, max_iter, initial_mean(s.restart_count));
    s.large_run = !small;
  }

  Model model_;  // derived caches only: everything saved is in state_.model
  uint64_t seed_;
  const ParamSpace* space_;
  size_t n_;
  int restarts_;  // 0 none, 1 ipop, 2 bipop
  bool bounded_;
  size_t lambda_default_ = 0;
  std::vector<double> gen_costs_;  // sorted costs of the generation being told
};

// The factory of a CMA-family strategy: reads `table`, checks the context and builds Restarting<Model>.
template <class Model>
std::unique_ptr<Strategy> make_restarting(const ParamTable<typename Model::Params>& table, ConfigSection& cfg,
                                          const StrategyContext& ctx) {
  const typename Model::Params p = table.read(cfg);
  check_run_params(p, cfg);
  search::num_params_of(ctx, Model::name);
  return std::make_unique<Restarting<Model>>(table, p, ctx);
}

// The registry entry of a CMA-family strategy (its name is Model::name).
template <class Model>
StrategyInfo restarting_strategy(const char* description, const ParamTable<typename Model::Params>& (*table)()) {
  return {Model::name, description, false,
          [table](ConfigSection& cfg, const StrategyContext& ctx) { return make_restarting<Model>(table(), cfg, ctx); },
          [table] { return table().docs(); }};
}

}  // namespace neuroevo::cma
