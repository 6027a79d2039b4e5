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

#include "neuroevo/strategies/builtin.hpp"
#include "cma_common.hpp"
#include "search_util.hpp"

namespace neuroevo {

namespace {

using namespace search;

constexpr size_t kMaxParams = 1000;

struct XnesSettings {
  size_t population = 0;
  double sigma = 0.0;
  double eta_mu = 0.0;
  double eta_sigma = 0.0;
  double eta_b = 0.0;
  ChampionKind champion = ChampionKind::Mean;
};

XnesSettings read_settings(ConfigSection& cfg, size_t dim) {
  XnesSettings s;
  const double d = static_cast<double>(dim);
  const auto default_pop = static_cast<int64_t>(cma::default_lambda(dim));
  s.population = static_cast<size_t>(cfg.get_int("population", default_pop, 2, std::numeric_limits<int32_t>::max()));
  s.sigma = positive(cfg, "sigma", 1.0);
  s.eta_mu = positive(cfg, "eta_mu", 1.0, 10.0);
  const double eta = 3.0 * (3.0 + std::log(d)) / (5.0 * d * std::sqrt(d));
  s.eta_sigma = positive(cfg, "eta_sigma", eta, 10.0);
  s.eta_b = positive(cfg, "eta_b", eta, 10.0);
  s.champion = read_champion_kind(cfg);
  return s;
}

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

class Xnes final : public Strategy {
 public:
  Xnes(const XnesSettings& s, const StrategyContext& ctx, size_t n)
      : s_(s), seed_(ctx.seed), n_(n), mu_(initial_point(ctx, n)), sigma_(s.sigma), b_(n * n, 0.0) {
    for (size_t i = 0; i < n_; ++i) b_[i * n_ + i] = 1.0;
    best_.x = mu_;
  }

  Batch ask() override { return Batch{s_.population, 0, Purpose::Episode}; }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode("xnes", i, s_.population, x.size(), n_);
    std::vector<double> s(n_);
    Stream rng(seed_, generation_, i, Purpose::Mutation);
    fill_normal(rng, s);
    for (size_t r = 0; r < n_; ++r) {
      double bs = 0.0;
      for (size_t c = 0; c < n_; ++c) bs += b_[r * n_ + c] * s[c];
      x[r] = mu_[r] + sigma_ * bs;
    }
  }

  void decode(size_t i, std::span<float> params) const override {
    check_decode("xnes", i, s_.population, params.size(), n_);
    std::vector<double> x(n_);
    decode_double(i, x);
    to_float(x, params);
  }

  bool tell(std::span<const Result> results) override {
    check_tell("xnes", results.size(), s_.population);
    const std::vector<double> f = ranking_fitness(results);
    best_.update(f, [&](size_t i, std::span<double> out) { decode_double(i, out); });
    const std::vector<double> u = nes_utilities(f);
    std::vector<double> g_delta(n_, 0.0), g_m(n_ * n_, 0.0), s(n_);
    double u_sum = 0.0;
    for (size_t k = 0; k < s_.population; ++k) {
      u_sum += u[k];
      if (u[k] == 0.0) continue;
      Stream rng(seed_, generation_, k, Purpose::Mutation);
      fill_normal(rng, s);
      for (size_t r = 0; r < n_; ++r) {
        g_delta[r] += u[k] * s[r];
        const double us = u[k] * s[r];
        for (size_t c = 0; c < n_; ++c) g_m[r * n_ + c] += us * s[c];
      }
    }
    // sum_k u_k (s s^T - I) = sum_k u_k s s^T - (sum_k u_k) I; the utilities sum to zero up to rounding.
    for (size_t r = 0; r < n_; ++r) g_m[r * n_ + r] -= u_sum;
    double trace = 0.0;
    for (size_t r = 0; r < n_; ++r) trace += g_m[r * n_ + r];
    const double g_sigma = trace / static_cast<double>(n_);
    for (size_t r = 0; r < n_; ++r) g_m[r * n_ + r] -= g_sigma;  // now G_B

    for (size_t r = 0; r < n_; ++r) {
      double bg = 0.0;
      for (size_t c = 0; c < n_; ++c) bg += b_[r * n_ + c] * g_delta[c];
      mu_[r] += s_.eta_mu * sigma_ * bg;
    }
    sigma_ *= std::exp(0.5 * s_.eta_sigma * g_sigma);
    for (double& v : g_m) v *= 0.5 * s_.eta_b;
    b_ = matmul(b_, expm_symmetric(g_m, n_), n_);
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
    return {{"strategy", "xnes"}, {"num_params", n_}, {"population", s_.population}, {"generation", generation_},
            {"mu", mu_},          {"sigma", sigma_},  {"B", b_},                      {"best", best_.to_json()}};
  }

  void load(const nlohmann::json& state) override {
    try {
      check_header(state, "xnes", n_);
      if (state.at("population").get<size_t>() != s_.population)
        throw UsageError("xnes checkpoint was written with population " + state.at("population").dump() +
                         "; this run has " + std::to_string(s_.population));
      auto mu = vector_from_json(state.at("mu"), n_, "xnes mu");
      auto b = vector_from_json(state.at("B"), n_ * n_, "xnes B");
      const double sigma = state.at("sigma").get<double>();
      if (!(sigma > 0.0) || !std::isfinite(sigma)) throw UsageError("xnes checkpoint: sigma must be finite and > 0");
      BestSoFar best;
      best.from_json(state.at("best"), n_);
      const auto generation = state.at("generation").get<uint64_t>();
      mu_ = std::move(mu);
      b_ = std::move(b);
      sigma_ = sigma;
      best_ = std::move(best);
      generation_ = generation;
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed xnes checkpoint: ") + e.what());
    }
  }

 private:
  XnesSettings s_;
  uint64_t seed_;
  size_t n_;
  std::vector<double> mu_;
  double sigma_;
  std::vector<double> b_;  // row-major D x D
  BestSoFar best_;
  uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_xnes(ConfigSection& cfg, const StrategyContext& ctx) {
  const size_t n = search::num_params_of(ctx, "xnes");
  const XnesSettings s = read_settings(cfg, n);
  if (n > kMaxParams)
    throw UsageError("xnes keeps a full " + std::to_string(n) + " x " + std::to_string(n) +
                     " matrix and costs O(D^3) per generation; it is limited to " + std::to_string(kMaxParams) +
                     " parameters (use snes, pgpe or openai_es for larger policies)");
  return std::make_unique<Xnes>(s, ctx, n);
}

}  // namespace neuroevo
