// NS-ES and NSR-ES (Conti et al., "Improving Exploration in Evolution Strategies for Deep Reinforcement
// Learning via a Population of Novelty-Seeking Agents", NeurIPS 2018).
//
// A meta-population of M ES centres theta^m, each with its own Adam state, shares one novelty archive of
// behaviour descriptors. Each generation:
//   1. pick one centre m with probability proportional to its novelty (k-NN distance of its behaviour to
//      the archive); uniformly if every novelty is 0;
//   2. evaluate P antithetic perturbations theta^m +- sigma eps (as OpenAI-ES);
//   3. score each by its novelty against the archive (NS-ES), or by the mean of the centred ranks of
//      novelty and reward (NSR-ES), and update theta^m with the OpenAI-ES gradient estimate and Adam;
//   4. evaluate the updated centre (a batch of one) and add its behaviour to the archive.
// Before the first generation the M initial centres are evaluated and their behaviours archived.
// Centre evaluations are Purpose::Elite batches, so the metrics' population rows are the perturbations.
// The champion is the candidate (perturbation or centre) with the best reward seen in the run.
//
// Steps 2-3 are the OpenAI-ES sampling and update (openai_es_update.hpp), with the novelty (or mixed)
// centred ranks in place of the reward ranks. In short runs NS-ES and NSR-ES can evaluate identical
// populations: the first generations each pick a centre that has not been updated yet (their
// probabilities differ, but the draw lands on a fresh centre), and a fresh centre's perturbations are
// the same for both. tests/test_novelty.cpp (NsEsAndNsrEsShareFreshCentresAndDivergeAfterAnUpdate)
// shows this and that they differ as soon as an updated centre is sampled (e.g. centres = 1).
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/strategies/novelty.hpp"
#include "neuroevo/strategies/schema.hpp"
#include "openai_es_update.hpp"

namespace neuroevo {

namespace {

struct Params {
  size_t population = 0;
  size_t centres = 0;
  double sigma = 0.0, learning_rate = 0.0, l2 = 0.0;
  NoveltySettings novelty;
};

using Table = ParamTable<Params>;

const Table& table() {
  static const Table t =
      Table()
          .population(&Params::population, 256, 2, "perturbations per generation (antithetic pairs: even)")
          // M = 5 centres (Conti et al. 2018, the meta-population size of their experiments).
          .integer("centres", &Params::centres, 5, 1, 1 << 16, "ES centres of the meta-population")
          // sigma, step and l2 of OpenAI-ES (Salimans et al. 2017), which Conti et al. build on.
          .real("sigma", &Params::sigma, 0.02, 0.0, 1e6, "perturbation std", Table::Low)
          .real("learning_rate", &Params::learning_rate, 0.01, 0.0, 1e6, "Adam step size", Table::Low)
          .real("l2", &Params::l2, 0.005, 0.0, 1e6, "weight decay coefficient")
          .include(novelty_table(), &Params::novelty)
          .even("population", &Params::population, "antithetic pairs");
  return t;
}

enum Phase : int32_t { kInit = 0, kPopulation = 1, kCentre = 2 };

// An OpenAI-ES centre and the behaviour of its last evaluation.
struct Centre : openai_es::Centre {
  std::vector<double> behaviour;
  NEUROEVO_STATE_FIELDS(Centre, theta, adam, behaviour)
};

struct State {
  uint64_t generation = 0;
  int32_t phase = kInit;
  uint64_t current = 0;
  std::vector<Centre> centres;
  NoveltyArchiveState archive;
  double best_reward = -std::numeric_limits<double>::infinity();
  std::vector<float> best_params;  // empty until a valid result
  NEUROEVO_STATE_FIELDS(State, phase, current, centres, archive, best_reward, best_params)
};

class NsEs final : public StrategyBase<Params, State> {
 public:
  NsEs(const Params& p, const StrategyContext& ctx, size_t n, bool with_reward)
      : StrategyBase(with_reward ? "nsr_es" : "ns_es", table(), p, n),
        with_reward_(with_reward),
        seed_(ctx.seed),
        noise_(ctx.noise),
        adam_(p.learning_rate),
        archive_(p.novelty, ctx.seed) {
    (void)noise_->offset(0, n);  // fails now, with the noise table's own message
    for (size_t m = 0; m < p.centres; ++m) {
      state_.centres.push_back({openai_es::initial_centre(*ctx.space, ctx.seed, m), {}});
    }
    state_.archive = archive_.state();
    derive();
  }

  Batch ask() override { return batch(); }

  void decode(size_t i, std::span<float> params) const override {
    check_decode(i, batch().size, params.size(), num_params_);
    if (state_.phase == kInit) {
      std::copy(state_.centres[i].theta.begin(), state_.centres[i].theta.end(), params.begin());
    } else if (state_.phase == kPopulation) {
      openai_es::decode_pair(centre().theta, params_.sigma, *noise_, seeds_, i, params);
    } else {
      std::copy(centre().theta.begin(), centre().theta.end(), params.begin());
    }
  }

  bool tell(std::span<const Result> results) override {
    check_results(results.size(), batch().size);
    const PointSet b = behaviours_of(results, name_);
    const std::vector<double> reward = ranking_fitness(results);
    bool done = false;
    if (state_.phase == kInit) {
      for (size_t m = 0; m < params_.centres; ++m) {
        state_.centres[m].behaviour.assign(b[m].begin(), b[m].end());
        archive_.add(b[m]);
        offer_best(reward[m], state_.centres[m].theta);
      }
      choose_centre();
      state_.phase = kPopulation;
    } else if (state_.phase == kPopulation) {
      update_centre(b, reward);
      state_.phase = kCentre;
    } else {
      centre().behaviour.assign(b[0].begin(), b[0].end());
      archive_.add(b[0]);
      offer_best(reward[0], centre().theta);
      ++state_.generation;
      seeds_ = openai_es::pair_seeds(seed_, state_.generation, params_.population / 2);
      choose_centre();
      state_.phase = kPopulation;
      done = true;
    }
    state_.archive = archive_.state();
    return done;
  }

  Genome champion() const override {
    return Genome::make_dense(state_.best_params.empty() ? state_.centres[0].theta : state_.best_params);
  }

  std::vector<ArchiveEntry> archive() const override {
    std::vector<ArchiveEntry> out;
    const PointSet& pts = archive_.points();
    for (size_t i = 0; i < pts.size(); ++i)
      out.push_back({{pts[i].begin(), pts[i].end()}, std::numeric_limits<double>::quiet_NaN()});
    return out;
  }

 private:
  Centre& centre() { return state_.centres[state_.current]; }
  const Centre& centre() const { return state_.centres[state_.current]; }

  Batch batch() const {
    if (state_.phase == kInit) return {params_.centres, 0, Purpose::Elite};
    if (state_.phase == kPopulation) return {params_.population, 0, Purpose::Episode};
    return {1, 0, Purpose::Elite};
  }

  void validate(const State& s) const override {
    if (s.phase < kInit || s.phase > kCentre) throw corrupt_checkpoint(name_, "bad phase " + std::to_string(s.phase));
    if (s.centres.size() != params_.centres || s.current >= params_.centres)
      throw corrupt_checkpoint(name_, "bad number of centres or current centre");
    for (const auto& c : s.centres) {
      require(c.theta, num_params_, "a centre's theta");
      require(c.adam.m, num_params_, "a centre's adam m");
      require(c.adam.v, num_params_, "a centre's adam v");
    }
    if (!s.best_params.empty()) require(s.best_params, num_params_, "best_params");
    try {
      NoveltyArchive(params_.novelty, seed_).restore(s.archive);
    } catch (const std::invalid_argument& e) {
      throw corrupt_checkpoint(name_, e.what());
    }
  }
  void derive() override {
    archive_.restore(state_.archive);
    seeds_ = openai_es::pair_seeds(seed_, state_.generation, params_.population / 2);
  }

  // Step 1: a centre drawn with probability proportional to its novelty against the archive.
  void choose_centre() {
    PointSet centres;
    for (const auto& c : state_.centres) centres.push_back(c.behaviour);
    std::vector<double> nov = archive_.archive_novelty(centres);
    double total = 0.0;
    for (double& v : nov) {
      if (!std::isfinite(v) || v < 0.0) v = 0.0;
      total += v;
    }
    Stream rng(seed_, state_.generation, 0, Purpose::Selection);
    if (!(total > 0.0)) {
      state_.current = rng.below(params_.centres);
      return;
    }
    const double u = rng.uniform() * total;
    double acc = 0.0;
    state_.current = params_.centres - 1;
    for (size_t m = 0; m < params_.centres; ++m) {
      acc += nov[m];
      if (u < acc) {
        state_.current = m;
        break;
      }
    }
  }

  // Steps 2-3: score the perturbations and move the chosen centre with the OpenAI-ES step.
  void update_centre(const PointSet& b, const std::vector<double>& reward) {
    std::vector<double> novelty = archive_.archive_novelty(b);
    for (size_t i = 0; i < novelty.size(); ++i)
      if (!std::isfinite(reward[i]) || std::isnan(novelty[i])) novelty[i] = -std::numeric_limits<double>::infinity();
    std::vector<double> w = centered_ranks(novelty);
    if (with_reward_) {
      const std::vector<double> wr = centered_ranks(reward);
      for (size_t i = 0; i < w.size(); ++i) w[i] = 0.5 * (w[i] + wr[i]);
    }
    // The best-reward perturbation, for the champion, before the centre moves.
    const size_t top = argsort_descending(reward).front();
    if (reward[top] > state_.best_reward) {
      std::vector<float> p(num_params_);
      decode(top, p);
      offer_best(reward[top], p);
    }
    openai_es::step(w, seeds_, *noise_, params_.l2, adam_, centre());
  }

  void offer_best(double reward, std::span<const float> params) {
    if (std::isfinite(reward) && reward > state_.best_reward) {
      state_.best_reward = reward;
      state_.best_params.assign(params.begin(), params.end());
    }
  }

  bool with_reward_;
  uint64_t seed_;
  const NoiseTable* noise_;
  Adam adam_;
  NoveltyArchive archive_;       // the live archive; state_.archive is its value after each tell()
  std::vector<uint32_t> seeds_;  // noise seed of each antithetic pair of the current generation
};

std::unique_ptr<Strategy> make(ConfigSection& cfg, const StrategyContext& ctx, bool with_reward) {
  const Params p = table().read(cfg);
  if (ctx.space == nullptr || ctx.noise == nullptr)
    throw std::invalid_argument("ns_es / nsr_es need a parameter space and a noise table");
  return std::make_unique<NsEs>(p, ctx, ctx.space->num_params(), with_reward);
}

}  // namespace

StrategyInfo ns_es_strategy() {
  return {"ns_es", "NS-ES (Conti et al. 2018): a meta-population of ES centres following the novelty gradient", true,
          [](ConfigSection& c, const StrategyContext& x) { return make(c, x, false); }, [] { return table().docs(); }};
}

StrategyInfo nsr_es_strategy() {
  return {"nsr_es", "NSR-ES (Conti et al. 2018): NS-ES stepping on the mean of novelty and reward ranks", true,
          [](ConfigSection& c, const StrategyContext& x) { return make(c, x, true); }, [] { return table().docs(); }};
}

}  // namespace neuroevo
