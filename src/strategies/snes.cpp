// SNES, separable natural evolution strategies (Schaul, Glasmachers & Schmidhuber, "High dimensions and
// heavy tails for natural evolution strategies", GECCO 2011; Wierstra et al., "Natural Evolution
// Strategies", JMLR 15, 2014, Algorithm 6). The search distribution is N(mu, diag(sigma^2)):
//
//   s_k ~ N(0, I),  z_k = mu + sigma * s_k                          (k = 0 .. lambda-1, elementwise)
//   u_k = NES utility of z_k's rank (see search_util.hpp)
//   mu    <- mu + eta_mu * sigma * sum_k u_k s_k
//   sigma <- sigma * exp(eta_sigma / 2 * sum_k u_k (s_k^2 - 1))
//
// Defaults are the paper's (JMLR 2014, Table 1): lambda = 4 + floor(3 ln D), eta_mu = 1,
// eta_sigma = (3 + ln D) / (5 sqrt D). The initial sigma defaults to 1, the paper's identity start.
//
// s_k comes from Stream(seed, generation, k, Mutation) (no noise table), so decode() regenerates it and
// the state is mu, sigma, the generation and the best candidate. Candidates with equal fitness share
// their utility (averaged), so a batch of ties does not move the distribution.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroevo/strategies/builtin.hpp"
#include "cma_common.hpp"
#include "search_util.hpp"

namespace neuroevo {

namespace {

using namespace search;

struct SnesSettings {
  size_t population = 0;
  double sigma = 0.0;
  double eta_mu = 0.0;
  double eta_sigma = 0.0;
  ChampionKind champion = ChampionKind::Mean;
};

SnesSettings read_settings(ConfigSection& cfg, size_t dim) {
  SnesSettings s;
  const double d = static_cast<double>(dim);
  const auto default_pop = static_cast<int64_t>(cma::default_lambda(dim));
  s.population = static_cast<size_t>(cfg.get_int("population", default_pop, 2, std::numeric_limits<int32_t>::max()));
  s.sigma = positive(cfg, "sigma", 1.0);
  s.eta_mu = positive(cfg, "eta_mu", 1.0, 10.0);
  s.eta_sigma = positive(cfg, "eta_sigma", (3.0 + std::log(d)) / (5.0 * std::sqrt(d)), 10.0);
  s.champion = read_champion_kind(cfg);
  return s;
}

class Snes final : public Strategy {
 public:
  Snes(const SnesSettings& s, const StrategyContext& ctx, size_t n)
      : s_(s), seed_(ctx.seed), n_(n), mu_(initial_point(ctx, n)), sigma_(n, s.sigma) {
    best_.x = mu_;
  }

  Batch ask() override { return Batch{s_.population, 0, Purpose::Episode}; }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode("snes", i, s_.population, x.size(), n_);
    Stream rng(seed_, generation_, i, Purpose::Mutation);
    for (size_t j = 0; j < n_; ++j) x[j] = mu_[j] + sigma_[j] * rng.normal();
  }

  void decode(size_t i, std::span<float> params) const override {
    check_decode("snes", i, s_.population, params.size(), n_);
    std::vector<double> x(n_);
    decode_double(i, x);
    to_float(x, params);
  }

  bool tell(std::span<const Result> results) override {
    check_tell("snes", results.size(), s_.population);
    const std::vector<double> f = ranking_fitness(results);
    best_.update(f, [&](size_t i, std::span<double> out) { decode_double(i, out); });
    const std::vector<double> u = nes_utilities(f);
    std::vector<double> g_mu(n_, 0.0), g_sigma(n_, 0.0), s(n_);
    for (size_t k = 0; k < s_.population; ++k) {
      if (u[k] == 0.0) continue;
      Stream rng(seed_, generation_, k, Purpose::Mutation);
      fill_normal(rng, s);
      for (size_t j = 0; j < n_; ++j) {
        g_mu[j] += u[k] * s[j];
        g_sigma[j] += u[k] * (s[j] * s[j] - 1.0);
      }
    }
    for (size_t j = 0; j < n_; ++j) {
      mu_[j] += s_.eta_mu * sigma_[j] * g_mu[j];
      sigma_[j] *= std::exp(0.5 * s_.eta_sigma * g_sigma[j]);
    }
    ++generation_;
    return true;
  }

  uint64_t generation() const override { return generation_; }

  // The mean mu (default), or the best candidate evaluated so far (champion = "best").
  Genome champion() const override {
    const std::vector<double>& x = s_.champion == ChampionKind::Best ? best_.x : mu_;
    return Genome::make_dense(std::vector<float>(x.begin(), x.end()));
  }

  nlohmann::json save() const override {
    return {{"strategy", "snes"}, {"num_params", n_}, {"population", s_.population}, {"generation", generation_},
            {"mu", mu_},          {"sigma", sigma_},  {"best", best_.to_json()}};
  }

  void load(const nlohmann::json& state) override {
    try {
      check_header(state, "snes", n_);
      if (state.at("population").get<size_t>() != s_.population)
        throw UsageError("snes checkpoint was written with population " + state.at("population").dump() +
                         "; this run has " + std::to_string(s_.population));
      auto mu = vector_from_json(state.at("mu"), n_, "snes mu");
      auto sigma = vector_from_json(state.at("sigma"), n_, "snes sigma");
      BestSoFar best;
      best.from_json(state.at("best"), n_);
      const auto generation = state.at("generation").get<uint64_t>();
      mu_ = std::move(mu);
      sigma_ = std::move(sigma);
      best_ = std::move(best);
      generation_ = generation;
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed snes checkpoint: ") + e.what());
    }
  }

 private:
  SnesSettings s_;
  uint64_t seed_;
  size_t n_;
  std::vector<double> mu_, sigma_;
  BestSoFar best_;
  uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_snes(ConfigSection& cfg, const StrategyContext& ctx) {
  const size_t n = search::num_params_of(ctx, "snes");
  const SnesSettings s = read_settings(cfg, n);
  return std::make_unique<Snes>(s, ctx, n);
}

}  // namespace neuroevo
