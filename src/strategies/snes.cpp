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

#include "neuroevo/strategies/schema.hpp"
#include "cma_common.hpp"
#include "search_util.hpp"

namespace neuroevo {

namespace {

using namespace search;

struct Params {
  size_t population = 0;
  double sigma = 0.0, eta_mu = 0.0, eta_sigma = 0.0;
  ChampionRule champion = ChampionRule::Mean;
};

using Table = ParamTable<Params>;

const Table& table() {
  static const Table t =
      cma::lambda_table(&Params::population)
          .real("sigma", &Params::sigma, 1.0, 0.0, Table::kInf, "initial std of every coordinate", Table::Low)
          .real("eta_mu", &Params::eta_mu, 1.0, 0.0, 10.0, "learning rate of the mean", Table::Low)
          .real("eta_sigma", &Params::eta_sigma,
                [](const Params&, const Table::Context& c) {
                  const double d = static_cast<double>(c.dim);
                  return (3.0 + std::log(d)) / (5.0 * std::sqrt(d));
                },
                "(3 + ln D) / (5 sqrt D)", 0.0, 10.0, "learning rate of the stds", Table::Low)
          .champion(&Params::champion);
  return t;
}

struct State {
  uint64_t generation = 0;
  std::vector<double> mu, sigma;
  BestSeen best;
  NEUROEVO_STATE_FIELDS(State, mu, sigma, best)
};

class Snes final : public DoubleStrategyBase<Params, State> {
 public:
  Snes(const Params& p, const StrategyContext& ctx, size_t n) : DoubleStrategyBase("snes", table(), p, n), seed_(ctx.seed) {
    state_.mu = initial_point(ctx, n);
    state_.sigma.assign(n, p.sigma);
    state_.best.x = state_.mu;
  }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode(i, x.size());
    Stream rng(seed_, state_.generation, i, Purpose::Mutation);
    for (size_t j = 0; j < num_params_; ++j) x[j] = state_.mu[j] + state_.sigma[j] * rng.normal();
  }

  Genome champion() const override { return centre_champion(state_.mu); }

 private:
  void update(std::span<const Result>, std::span<const double> f) override {
    const size_t n = num_params_;
    const std::vector<double> u = nes_utilities(f);
    std::vector<double> g_mu(n, 0.0), g_sigma(n, 0.0), s(n);
    for (size_t k = 0; k < params_.population; ++k) {
      if (u[k] == 0.0) continue;
      Stream rng(seed_, state_.generation, k, Purpose::Mutation);
      fill_normal(rng, s);
      for (size_t j = 0; j < n; ++j) {
        g_mu[j] += u[k] * s[j];
        g_sigma[j] += u[k] * (s[j] * s[j] - 1.0);
      }
    }
    for (size_t j = 0; j < n; ++j) {
      state_.mu[j] += params_.eta_mu * state_.sigma[j] * g_mu[j];
      state_.sigma[j] *= std::exp(0.5 * params_.eta_sigma * g_sigma[j]);
    }
  }

  void validate(const State& s) const override {
    require(s.mu, num_params_, "mu");
    require(s.sigma, num_params_, "sigma");
  }

  uint64_t seed_;
};

}  // namespace

StrategyInfo snes_strategy() {
  return space_strategy<Snes>("snes", "SNES (Schaul et al. 2011): separable natural evolution strategy, NES utilities",
                              table);
}

}  // namespace neuroevo
