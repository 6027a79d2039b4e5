// Gaussian hill climbing, a (1+lambda) evolution strategy: keep one incumbent x; every generation
// evaluate `population` (lambda, default 1) children x + sigma * eps_i, eps_i ~ N(0, I), and replace x
// by the best child if it is better than or equal to x. Accepting equal fitness lets the search drift
// across plateaus (flat returns are common in control tasks); ties among children go to the lowest
// index.
//
// Step-size adaptation (adapt_sigma = true by default): Rechenberg's 1/5th success rule (Rechenberg,
// "Evolutionsstrategie", 1973), in the smooth multiplicative form used in modern statements of the
// rule: with p_s the fraction of children whose fitness is >= the incumbent's,
//   sigma <- sigma * exp((p_s - 1/5) / d),   d = sqrt(D + 1) (our damping choice),
// so sigma grows when more than a fifth of the mutations succeed and shrinks otherwise. With
// adapt_sigma = false sigma stays fixed (plain stochastic hill climbing).
//
// Generation 0 evaluates the starting point itself as candidate 0 (its fitness is needed to compare
// against) and perturbations of it as the other candidates; sigma is not adapted in generation 0.
//
// The incumbent's fitness is the value measured when it was accepted; it is not re-evaluated, so on
// noisy tasks (fresh episodes each generation) a lucky evaluation can hold the incumbent for a while.
// The champion is the incumbent, which is also the best candidate evaluated so far.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroevo/strategies/builtin.hpp"
#include "search_util.hpp"

namespace neuroevo {

namespace {

using namespace search;

struct HillClimbSettings {
  size_t population = 0;
  double sigma = 0.0;
  bool adapt_sigma = true;
};

HillClimbSettings read_settings(ConfigSection& cfg) {
  HillClimbSettings s;
  s.population = static_cast<size_t>(cfg.get_int("population", 1, 1, std::numeric_limits<int32_t>::max()));
  // 0.1: a moderate mutation for small policies; the 1/5th rule adapts it.
  s.sigma = positive(cfg, "sigma", 0.1);
  s.adapt_sigma = cfg.get_bool("adapt_sigma", true);
  return s;
}

class HillClimb final : public Strategy {
 public:
  HillClimb(const HillClimbSettings& s, const StrategyContext& ctx, size_t n)
      : s_(s), seed_(ctx.seed), n_(n), x_(initial_point(ctx, n)), sigma_(s.sigma),
        damping_(std::sqrt(static_cast<double>(n) + 1.0)) {}

  Batch ask() override { return Batch{s_.population, 0, Purpose::Episode}; }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode("hill_climb", i, s_.population, x.size(), n_);
    if (generation_ == 0 && i == 0) {
      std::copy(x_.begin(), x_.end(), x.begin());
      return;
    }
    Stream rng(seed_, generation_, i, Purpose::Mutation);
    for (size_t j = 0; j < n_; ++j) x[j] = x_[j] + sigma_ * rng.normal();
  }

  void decode(size_t i, std::span<float> params) const override {
    check_decode("hill_climb", i, s_.population, params.size(), n_);
    std::vector<double> x(n_);
    decode_double(i, x);
    to_float(x, params);
  }

  bool tell(std::span<const Result> results) override {
    check_tell("hill_climb", results.size(), s_.population);
    const std::vector<double> f = ranking_fitness(results);
    size_t first_child = 0;
    if (generation_ == 0) {
      fitness_ = f[0];  // the starting point's own fitness (-inf if invalid)
      first_child = 1;
    }
    size_t best = f.size(), successes = 0;
    double best_f = -std::numeric_limits<double>::infinity();
    for (size_t i = first_child; i < f.size(); ++i) {
      if (f[i] == -std::numeric_limits<double>::infinity()) continue;  // invalid: never accepted
      if (f[i] >= fitness_) ++successes;
      if (best == f.size() || f[i] > best_f) best = i, best_f = f[i];
    }
    const size_t children = f.size() - first_child;
    if (best != f.size() && best_f >= fitness_) {
      std::vector<double> x(n_);
      decode_double(best, x);
      x_ = std::move(x);
      fitness_ = best_f;
    }
    if (s_.adapt_sigma && children > 0) {
      const double p = static_cast<double>(successes) / static_cast<double>(children);
      sigma_ *= std::exp((p - 0.2) / damping_);
    }
    ++generation_;
    return true;
  }

  uint64_t generation() const override { return generation_; }
  Genome champion() const override { return Genome::make_dense(std::vector<float>(x_.begin(), x_.end())); }

  nlohmann::json save() const override {
    return {{"strategy", "hill_climb"}, {"num_params", n_},         {"population", s_.population},
            {"generation", generation_}, {"x", x_},                 {"fitness", fitness_to_json(fitness_)},
            {"sigma", sigma_}};
  }

  void load(const nlohmann::json& state) override {
    try {
      check_header(state, "hill_climb", n_);
      if (state.at("population").get<size_t>() != s_.population)
        throw UsageError("hill_climb checkpoint was written with population " + state.at("population").dump() +
                         "; this run has " + std::to_string(s_.population));
      auto x = vector_from_json(state.at("x"), n_, "hill_climb x");
      const double fitness = fitness_from_json(state.at("fitness"));
      const double sigma = state.at("sigma").get<double>();
      if (!(sigma > 0.0) || !std::isfinite(sigma)) throw UsageError("hill_climb checkpoint: sigma must be finite and > 0");
      const auto generation = state.at("generation").get<uint64_t>();
      x_ = std::move(x);
      fitness_ = fitness;
      sigma_ = sigma;
      generation_ = generation;
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed hill_climb checkpoint: ") + e.what());
    }
  }

 private:
  HillClimbSettings s_;
  uint64_t seed_;
  size_t n_;
  std::vector<double> x_;  // the incumbent
  double fitness_ = -std::numeric_limits<double>::infinity();
  double sigma_;
  double damping_;
  uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_hill_climb(ConfigSection& cfg, const StrategyContext& ctx) {
  const HillClimbSettings s = read_settings(cfg);
  const size_t n = search::num_params_of(ctx, "hill_climb");
  return std::make_unique<HillClimb>(s, ctx, n);
}

}  // namespace neuroevo
