// A simple real-valued genetic algorithm: a population of parameter vectors, tournament selection,
// uniform or blend crossover, Gaussian mutation and elitism. Each generation:
//   - the `elite` best individuals are copied unchanged (and evaluated again with the others, which on
//     noisy tasks re-tests them on fresh episodes);
//   - every other child: parent 1 by tournament; with probability crossover_rate a second parent by
//     tournament and a crossover of the two, otherwise a copy of parent 1; then each gene is mutated
//     with probability mutation_rate by adding sigma * N(0, 1).
//   - sigma <- max(sigma_min, sigma * sigma_decay) (no decay by default).
//
// Defaults and where they come from:
//   tournament_size = 3, crossover_rate = 0.5: DEAP's eaSimple as used in its examples (selTournament
//     with tournsize=3, cxpb=0.5; Fortin et al., "DEAP: evolutionary algorithms made easy", JMLR 2012);
//   crossover = "uniform": each gene from either parent with probability 1/2 (Syswerda 1989);
//     "blend" is BLX-alpha (Eshelman & Schaffer 1993), gene uniform in [lo - a (hi - lo), hi + a (hi - lo)],
//     blend_alpha = 0.5 as in their paper and DEAP's cxBlend examples;
//   mutation_rate = 1 (every gene) and a fixed sigma: the Gaussian mutation of evosax's SimpleGA and of
//     the Deep GA (Such et al. 2017); sigma = 0.1 is our choice for small policies;
//   elite = 1: the elitist model (De Jong 1975); population = 100: ours.
//
// Tournament ties go to the better-ranked individual (rank order: fitness, then index). The initial
// population is drawn from the parameter space with one key per individual,
// stream_key(seed, 0, i, Init). Selection and crossover draw from Stream(seed, generation, i, Selection),
// mutation from Stream(seed, generation, i, Mutation). The champion is the best individual evaluated
// so far, judged by its single measurement: on noisy tasks that favours a lucky evaluation (see
// schema.hpp, ChampionRule); more episodes per candidate (task.episodes) reduce the effect.
#include <algorithm>
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
  size_t population = 0, elite = 0, tournament_size = 0;
  std::string crossover;  // "uniform" or "blend"
  double crossover_rate = 0.0, blend_alpha = 0.0, mutation_rate = 0.0;
  double sigma = 0.0, sigma_decay = 0.0, sigma_min = 0.0;
};

using Table = ParamTable<Params>;

const Table& table() {
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  static const Table t =
      Table()
          .population(&Params::population, 100, 2, "individuals per generation")
          .integer("elite", &Params::elite, 1, 0, kMax - 1, "best individuals copied unchanged (< population)")
          .integer("tournament_size", &Params::tournament_size, 3, 1, kMax, "individuals per tournament (<= population)")
          .choice("crossover", &Params::crossover, "uniform", {"uniform", "blend"}, "uniform or BLX-alpha")
          .probability("crossover_rate", &Params::crossover_rate, 0.5, "chance a child has two parents")
          .real("blend_alpha", &Params::blend_alpha, 0.5, 0.0, 10.0, "BLX-alpha's extension")
          .probability("mutation_rate", &Params::mutation_rate, 1.0, "chance each gene is mutated")
          .real("sigma", &Params::sigma, 0.1, 0.0, Table::kInf, "mutation std", Table::Low)
          .real("sigma_decay", &Params::sigma_decay, 1.0, 0.0, 1.0, "factor on sigma per generation", Table::Low)
          .real("sigma_min", &Params::sigma_min, 0.0, 0.0, Table::kInf, "floor of the decayed sigma")
          .check([](ConfigSection& c, const Params& p) {
            if (p.elite > p.population - 1)
              throw UsageError("config key '" + c.full_key("elite") + "' must be in [0, " +
                               std::to_string(p.population - 1) + "] (below 'population'), got " + std::to_string(p.elite));
            if (p.tournament_size > p.population)
              throw UsageError("config key '" + c.full_key("tournament_size") + "' must be in [1, " +
                               std::to_string(p.population) + "] (at most 'population'), got " +
                               std::to_string(p.tournament_size));
          });
  return t;
}

struct State {
  uint64_t generation = 0;
  std::vector<std::vector<double>> population;  // the individuals of the current generation
  double sigma = 0.0;
  BestSeen best;
  NEUROEVO_STATE_FIELDS(State, population, sigma, best)
};

class SimpleGa final : public DoubleStrategyBase<Params, State> {
 public:
  SimpleGa(const Params& p, const StrategyContext& ctx, size_t n)
      : DoubleStrategyBase("simple_ga", table(), p, n), seed_(ctx.seed) {
    for (size_t i = 0; i < p.population; ++i) state_.population.push_back(initial_point(ctx, n, i));
    state_.sigma = p.sigma;
    state_.best.x = state_.population[0];
  }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode(i, x.size());
    std::copy(state_.population[i].begin(), state_.population[i].end(), x.begin());
  }

  Genome champion() const override { return state_.best.genome(); }

 private:
  void update(std::span<const Result>, std::span<const double> f) override {
    const std::vector<size_t> order = argsort_descending(f);  // order[r] = individual of rank r
    const size_t p = params_.population;
    const bool uniform = params_.crossover == "uniform";

    std::vector<std::vector<double>> next(p);
    for (size_t i = 0; i < params_.elite; ++i) next[i] = state_.population[order[i]];
    for (size_t i = params_.elite; i < p; ++i) {
      Stream sel(seed_, state_.generation, i, Purpose::Selection);
      const auto tournament = [&] {
        uint64_t winner = sel.below(p);  // a rank: the lowest drawn rank wins
        for (size_t t = 1; t < params_.tournament_size; ++t) winner = std::min(winner, sel.below(p));
        return &state_.population[order[winner]];
      };
      const std::vector<double>& a = *tournament();
      std::vector<double> child = a;
      if (sel.uniform() < params_.crossover_rate) {
        const std::vector<double>& b = *tournament();
        for (size_t j = 0; j < num_params_; ++j) {
          if (uniform) {
            if (sel.uniform() < 0.5) child[j] = b[j];
          } else {
            const double lo = std::min(a[j], b[j]), hi = std::max(a[j], b[j]);
            const double ext = params_.blend_alpha * (hi - lo);
            child[j] = sel.uniform(lo - ext, hi + ext);
          }
        }
      }
      Stream mut(seed_, state_.generation, i, Purpose::Mutation);
      for (size_t j = 0; j < num_params_; ++j) {
        const double z = mut.normal();
        if (params_.mutation_rate >= 1.0 || mut.uniform() < params_.mutation_rate) child[j] += state_.sigma * z;
      }
      next[i] = std::move(child);
    }
    state_.population = std::move(next);
    state_.sigma = std::max(params_.sigma_min, state_.sigma * params_.sigma_decay);
  }

  void validate(const State& s) const override {
    if (s.population.size() != params_.population) throw corrupt_checkpoint(name_, "population has the wrong size");
    for (const auto& x : s.population) require(x, num_params_, "an individual");
    if (!(s.sigma >= 0.0) || !std::isfinite(s.sigma)) throw corrupt_checkpoint(name_, "bad sigma");
  }

  uint64_t seed_;
};

}  // namespace

StrategyInfo simple_ga_strategy() {
  return space_strategy<SimpleGa>(
      "simple_ga", "Real-valued GA: tournament selection, uniform/blend crossover, Gaussian mutation, elitism", table);
}

}  // namespace neuroevo
