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

#include "neuroevo/strategies/schema.hpp"
#include "search_util.hpp"

namespace neuroevo {

namespace {

using namespace search;

struct Params {
  size_t population = 0;
  double sigma = 0.0;
  bool adapt_sigma = true;
};

using Table = ParamTable<Params>;

const Table& table() {
  static const Table t =
      Table()
          .population(&Params::population, 1, 1, "children per generation (lambda)")
          // 0.1: a moderate mutation for small policies; the 1/5th rule adapts it.
          .real("sigma", &Params::sigma, 0.1, 0.0, std::numeric_limits<double>::infinity(),
                "initial mutation std", Table::Low)
          .flag("adapt_sigma", &Params::adapt_sigma, true, "adapt sigma by the 1/5th success rule");
  return t;
}

struct State {
  uint64_t generation = 0;
  std::vector<double> x;  // the incumbent
  double fitness = -std::numeric_limits<double>::infinity();
  double sigma = 0.0;
  NEUROEVO_STATE_FIELDS(State, x, fitness, sigma)
};

class HillClimb final : public DoubleStrategyBase<Params, State> {
 public:
  HillClimb(const Params& p, const StrategyContext& ctx, size_t n)
      : DoubleStrategyBase("hill_climb", table(), p, n), seed_(ctx.seed), damping_(std::sqrt(static_cast<double>(n) + 1.0)) {
    state_.x = initial_point(ctx, n);
    state_.sigma = p.sigma;
  }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode(i, x.size());
    if (state_.generation == 0 && i == 0) {
      std::copy(state_.x.begin(), state_.x.end(), x.begin());
      return;
    }
    Stream rng(seed_, state_.generation, i, Purpose::Mutation);
    for (size_t j = 0; j < num_params_; ++j) x[j] = state_.x[j] + state_.sigma * rng.normal();
  }

  Genome champion() const override { return dense_genome(state_.x); }

 private:
  void update(std::span<const Result>, std::span<const double> f) override {
    const PlusSelection sel = plus_selection(f, state_.generation, state_.fitness);
    if (sel.accept) {
      std::vector<double> x(num_params_);
      decode_double(sel.best, x);
      state_.x = std::move(x);
      state_.fitness = f[sel.best];
    }
    if (params_.adapt_sigma && sel.children > 0) {
      const double p = static_cast<double>(sel.successes) / static_cast<double>(sel.children);
      state_.sigma *= std::exp((p - 0.2) / damping_);
    }
  }

  void validate(const State& s) const override {
    require(s.x, num_params_, "x");
    require_step(s.sigma, "sigma");
  }

  uint64_t seed_;
  double damping_;
};

}  // namespace

StrategyInfo hill_climb_strategy() {
  return space_strategy<HillClimb>(
      "hill_climb", "Gaussian (1+lambda) hill climbing, accepts better-or-equal, 1/5th success rule for sigma", table);
}

}  // namespace neuroevo
