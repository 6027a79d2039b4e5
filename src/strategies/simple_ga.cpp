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
// search_util.hpp, ChampionKind); more episodes per candidate (task.episodes) reduce the effect.
#include <algorithm>
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

enum class Crossover { Uniform, Blend };

struct SimpleGaSettings {
  size_t population = 0;
  size_t elite = 0;
  size_t tournament_size = 0;
  Crossover crossover = Crossover::Uniform;
  double crossover_rate = 0.0;
  double blend_alpha = 0.0;
  double mutation_rate = 0.0;
  double sigma = 0.0;
  double sigma_decay = 0.0;
  double sigma_min = 0.0;
};

SimpleGaSettings read_settings(ConfigSection& cfg) {
  SimpleGaSettings s;
  const int64_t p = cfg.get_int("population", 100, 2, std::numeric_limits<int32_t>::max());
  s.population = static_cast<size_t>(p);
  s.elite = static_cast<size_t>(cfg.get_int("elite", 1, 0, p - 1));
  s.tournament_size = static_cast<size_t>(cfg.get_int("tournament_size", 3, 1, p));
  s.crossover = cfg.get_string("crossover", "uniform", {"uniform", "blend"}) == "uniform" ? Crossover::Uniform
                                                                                         : Crossover::Blend;
  s.crossover_rate = cfg.get_double("crossover_rate", 0.5, 0.0, 1.0);
  s.blend_alpha = cfg.get_double("blend_alpha", 0.5, 0.0, 10.0);
  s.mutation_rate = cfg.get_double("mutation_rate", 1.0, 0.0, 1.0);
  s.sigma = positive(cfg, "sigma", 0.1);
  s.sigma_decay = positive(cfg, "sigma_decay", 1.0, 1.0);
  s.sigma_min = cfg.get_double("sigma_min", 0.0, 0.0);
  return s;
}

class SimpleGa final : public Strategy {
 public:
  SimpleGa(const SimpleGaSettings& s, const StrategyContext& ctx, size_t n)
      : s_(s), seed_(ctx.seed), n_(n), pop_(s.population), sigma_(s.sigma) {
    for (size_t i = 0; i < s_.population; ++i) pop_[i] = initial_point(ctx, n, i);
    best_.x = pop_[0];
  }

  Batch ask() override { return Batch{s_.population, 0, Purpose::Episode}; }

  void decode_double(size_t i, std::span<double> x) const override {
    check_decode("simple_ga", i, s_.population, x.size(), n_);
    std::copy(pop_[i].begin(), pop_[i].end(), x.begin());
  }

  void decode(size_t i, std::span<float> params) const override {
    check_decode("simple_ga", i, s_.population, params.size(), n_);
    to_float(pop_[i], params);
  }

  bool tell(std::span<const Result> results) override {
    check_tell("simple_ga", results.size(), s_.population);
    const std::vector<double> f = ranking_fitness(results);
    best_.update(f, [&](size_t i, std::span<double> out) { decode_double(i, out); });
    const std::vector<size_t> order = argsort_descending(f);  // order[r] = individual of rank r
    const size_t p = s_.population;

    std::vector<std::vector<double>> next(p);
    for (size_t i = 0; i < s_.elite; ++i) next[i] = pop_[order[i]];
    for (size_t i = s_.elite; i < p; ++i) {
      Stream sel(seed_, generation_, i, Purpose::Selection);
      const auto tournament = [&] {
        uint64_t winner = sel.below(p);  // a rank: the lowest drawn rank wins
        for (size_t t = 1; t < s_.tournament_size; ++t) winner = std::min(winner, sel.below(p));
        return &pop_[order[winner]];
      };
      const std::vector<double>& a = *tournament();
      std::vector<double> child = a;
      if (sel.uniform() < s_.crossover_rate) {
        const std::vector<double>& b = *tournament();
        for (size_t j = 0; j < n_; ++j) {
          if (s_.crossover == Crossover::Uniform) {
            if (sel.uniform() < 0.5) child[j] = b[j];
          } else {
            const double lo = std::min(a[j], b[j]), hi = std::max(a[j], b[j]);
            const double ext = s_.blend_alpha * (hi - lo);
            child[j] = sel.uniform(lo - ext, hi + ext);
          }
        }
      }
      Stream mut(seed_, generation_, i, Purpose::Mutation);
      for (size_t j = 0; j < n_; ++j) {
        const double z = mut.normal();
        if (s_.mutation_rate >= 1.0 || mut.uniform() < s_.mutation_rate) child[j] += sigma_ * z;
      }
      next[i] = std::move(child);
    }
    pop_ = std::move(next);
    sigma_ = std::max(s_.sigma_min, sigma_ * s_.sigma_decay);
    ++generation_;
    return true;
  }

  uint64_t generation() const override { return generation_; }
  Genome champion() const override { return Genome::make_dense(std::vector<float>(best_.x.begin(), best_.x.end())); }

  nlohmann::json save() const override {
    return {{"strategy", "simple_ga"}, {"num_params", n_}, {"population_size", s_.population},
            {"generation", generation_}, {"population", pop_}, {"sigma", sigma_},
            {"best", best_.to_json()}};
  }

  void load(const nlohmann::json& state) override {
    try {
      check_header(state, "simple_ga", n_);
      if (state.at("population_size").get<size_t>() != s_.population)
        throw UsageError("simple_ga checkpoint was written with population " + state.at("population_size").dump() +
                         "; this run has " + std::to_string(s_.population));
      const auto& jp = state.at("population");
      if (!jp.is_array() || jp.size() != s_.population)
        throw UsageError("simple_ga checkpoint: population has the wrong size");
      std::vector<std::vector<double>> pop(s_.population);
      for (size_t i = 0; i < s_.population; ++i) pop[i] = vector_from_json(jp[i], n_, "simple_ga individual");
      const double sigma = state.at("sigma").get<double>();
      if (!(sigma >= 0.0) || !std::isfinite(sigma)) throw UsageError("simple_ga checkpoint: bad sigma");
      BestSoFar best;
      best.from_json(state.at("best"), n_);
      const auto generation = state.at("generation").get<uint64_t>();
      pop_ = std::move(pop);
      sigma_ = sigma;
      best_ = std::move(best);
      generation_ = generation;
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed simple_ga checkpoint: ") + e.what());
    }
  }

 private:
  SimpleGaSettings s_;
  uint64_t seed_;
  size_t n_;
  std::vector<std::vector<double>> pop_;  // the individuals of the current generation
  double sigma_;
  BestSoFar best_;
  uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_simple_ga(ConfigSection& cfg, const StrategyContext& ctx) {
  const SimpleGaSettings s = read_settings(cfg);
  const size_t n = search::num_params_of(ctx, "simple_ga");
  return std::make_unique<SimpleGa>(s, ctx, n);
}

}  // namespace neuroevo
