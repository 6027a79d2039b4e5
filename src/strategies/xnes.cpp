// xNES, exponential natural evolution strategies with a full covariance matrix (Glasmachers, Schaul,
// Sun, Wierstra & Schmidhuber, "Exponential natural evolution strategies", GECCO 2010; Wierstra et al.,
// "Natural Evolution Strategies", JMLR 15, 2014, Algorithm 5). The search distribution is
// N(mu, sigma^2 B B^T) with det(B) = 1:
//
//   s_k ~ N(0, I),  z_k = mu + sigma * B s_k,   u_k = NES utility of z_k's rank
//   G_delta = sum_k u_k s_k,   G_M = sum_k u_k (s_k s_k^T - I)
//   G_sigma = tr(G_M) / D,     G_B = G_M - G_sigma I
//   mu <- mu + eta_mu sigma B G_delta,  sigma <- sigma exp(eta_sigma / 2 G_sigma),  B <- B expm(eta_B / 2 G_B)
//
// Defaults are the paper's (JMLR 2014, Table 1): lambda = 4 + floor(3 ln D), eta_mu = 1,
// eta_sigma = eta_B = 3 (3 + ln D) / (5 D sqrt D); sigma starts at 1 and B at the identity.
// The optional adaptation sampling of the paper is not implemented.
//
// The matrix exponential of the symmetric G_B is computed here by scaling and squaring a Taylor series
// (no linear-algebra dependency). The cost is O(lambda D^2 + D^3) per generation and D^2 doubles of
// memory, so xnes refuses more than kMaxParams parameters; snes and pgpe scale to networks.
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

constexpr size_t kMaxParams = 1000;

struct Params {
  size_t population = 0;
  double sigma = 0.0, eta_mu = 0.0, eta_sigma = 0.0, eta_b = 0.0;
  ChampionRule champion = ChampionRule::Mean;
};

using Table = ParamTable<Params>;

double default_eta(const Params&, const Table::Context& c) {
  const double d = static_cast<double>(c.dim);
  return 3.0 * (3.0 + std::log(d)) / (5.0 * d * std::sqrt(d));
}

const Table& table() {
  static const Table t =
      cma::lambda_table(&Params::population)
          .real("sigma", &Params::sigma, 1.0, 0.0, std::numeric_limits<double>::infinity(), "initial step size",
                Table::Low)
          .real("eta_mu", &Params::eta_mu, 1.0, 0.0, 10.0, "learning rate of the mean", Table::Low)
          .real("eta_sigma", &Params::eta_sigma, default_eta, "3 (3 + ln D) / (5 D sqrt D)", 0.0, 10.0,
                "learning rate of sigma", Table::Low)
          .real("eta_b", &Params::eta_b, default_eta, "3 (3 + ln D) / (5 D sqrt D)", 0.0, 10.0,
                "learning rate of the shape B", Table::Low)
          .champion(&Params::champion);
  return t;
}

struct State {
  uint64_t generation = 0;
  std::vector<double> mu;
  double sigma = 0.0;
  std::vector<double> B;  // row-major D x D, det(B) = 1
  BestSeen best;
  NEUROEVO_STATE_FIELDS(State, mu, sigma, B, best)
};

// Square matrices are row-major std::vector<double> of n * n values.
std::vector<double> matmul(const std::vector<double>& a, const std::vector<double>& b, size_t n) {
  std::vector<double> c(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t k = 0; k < n; ++k) {
      const double aik = a[i * n + k];
      for (size_t j = 0; j < n; ++j) c[i * n + j] += aik * b[k * n + j];
    }
  return c;
}

double inf_norm(const std::vector<double>& a, size_t n) {
  double m = 0.0;
  for (size_t i = 0; i < n; ++i) {
    double row = 0.0;
    for (size_t j = 0; j < n; ++j) row += std::abs(a[i * n + j]);
    m = std::max(m, row);
  }
  return m;
}

// exp(M) for a symmetric M: scale by 2^-s until ||M|| <= 1/2 (exact in binary), sum the Taylor series
// until a term is below 1e-18 of the identity, square s times, and symmetrise to remove rounding drift.
std::vector<double> expm_symmetric(const std::vector<double>& m, size_t n) {
  double scale = 1.0;
  int squarings = 0;
  const double norm = inf_norm(m, n);
  while (norm * scale > 0.5 && squarings < 1000) scale *= 0.5, ++squarings;
  std::vector<double> a(m);
  for (double& v : a) v *= scale;
  std::vector<double> result(n * n, 0.0), term(a);
  for (size_t i = 0; i < n; ++i) result[i * n + i] = 1.0;
  for (size_t i = 0; i < n * n; ++i) result[i] += a[i];
  for (int k = 2; k <= 40 && inf_norm(term, n) > 1e-18; ++k) {
    term = matmul(term, a, n);
    const double inv_k = 1.0 / static_cast<double>(k);
    for (double& v : term) v *= inv_k;
    for (size_t i = 0; i < n * n; ++i) result[i] += term[i];
  }
  for (int s = 0; s < squarings; ++s) result = matmul(result, result, n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i + 1; j < n; ++j) {
      const double v = 0.5 * (result[i * n + j] + result[j * n + i]);
      result[i * n + j] = result[j * n + i] = v;
    }
  return result;
}

class Xnes final : public DoubleStrategyBase<Params, State> {
 public:
  Xnes(const Params& p, const StrategyContext& ctx, size_t n) : DoubleStrategyBase("xnes", table(), p, n), seed_(ctx.seed) {
    state_.mu = initial_point(ctx, n);
    state_.sigma = p.sigma;
    state_.B.assign(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) state_.B[i * n + i] = 1.0;
    state_.best.x = state_.mu;
  }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode(i, x.size());
    std::vector<double> s(num_params_);
    Stream rng(seed_, state_.generation, i, Purpose::Mutation);
    fill_normal(rng, s);
    for (size_t r = 0; r < num_params_; ++r) {
      double bs = 0.0;
      for (size_t c = 0; c < num_params_; ++c) bs += state_.B[r * num_params_ + c] * s[c];
      x[r] = state_.mu[r] + state_.sigma * bs;
    }
  }

  Genome champion() const override { return centre_champion(state_.mu); }

 private:
  void update(std::span<const Result>, std::span<const double> f) override {
    const std::vector<double> u = nes_utilities(f);
    std::vector<double> g_delta(num_params_, 0.0), g_m(num_params_ * num_params_, 0.0), s(num_params_);
    double u_sum = 0.0;
    for (size_t k = 0; k < params_.population; ++k) {
      u_sum += u[k];
      if (u[k] == 0.0) continue;
      Stream rng(seed_, state_.generation, k, Purpose::Mutation);
      fill_normal(rng, s);
      for (size_t r = 0; r < num_params_; ++r) {
        g_delta[r] += u[k] * s[r];
        const double us = u[k] * s[r];
        for (size_t c = 0; c < num_params_; ++c) g_m[r * num_params_ + c] += us * s[c];
      }
    }
    // sum_k u_k (s s^T - I) = sum_k u_k s s^T - (sum_k u_k) I; the utilities sum to zero up to rounding.
    for (size_t r = 0; r < num_params_; ++r) g_m[r * num_params_ + r] -= u_sum;
    double trace = 0.0;
    for (size_t r = 0; r < num_params_; ++r) trace += g_m[r * num_params_ + r];
    const double g_sigma = trace / static_cast<double>(num_params_);
    for (size_t r = 0; r < num_params_; ++r) g_m[r * num_params_ + r] -= g_sigma;  // now G_B

    for (size_t r = 0; r < num_params_; ++r) {
      double bg = 0.0;
      for (size_t c = 0; c < num_params_; ++c) bg += state_.B[r * num_params_ + c] * g_delta[c];
      state_.mu[r] += params_.eta_mu * state_.sigma * bg;
    }
    state_.sigma *= std::exp(0.5 * params_.eta_sigma * g_sigma);
    for (double& v : g_m) v *= 0.5 * params_.eta_b;
    state_.B = matmul(state_.B, expm_symmetric(g_m, num_params_), num_params_);
  }

  void validate(const State& s) const override {
    require(s.mu, num_params_, "mu");
    require(s.B, num_params_ * num_params_, "B");
    require_step(s.sigma, "sigma");
  }

  uint64_t seed_;
};

std::unique_ptr<Strategy> make(ConfigSection& cfg, const StrategyContext& ctx) {
  const size_t n = search::num_params_of(ctx, "xnes");
  const Params s = table().read(cfg, {n});
  if (n > kMaxParams)
    throw UsageError("xnes keeps a full " + std::to_string(n) + " x " + std::to_string(n) +
                     " matrix and costs O(D^3) per generation; it is limited to " + std::to_string(kMaxParams) +
                     " parameters (use snes, pgpe or openai_es for larger policies)");
  return std::make_unique<Xnes>(s, ctx, n);
}

}  // namespace

StrategyInfo xnes_strategy() {
  return {"xnes", "xNES (Glasmachers et al. 2010): natural evolution strategy with full covariance (up to 1000 parameters)",
          false, make,
          [] { return table().docs(); }};
}

}  // namespace neuroevo
