// Random search baseline: every generation draws `population` fresh policy initialisations and the
// strategy remembers the best one ever seen. Useful as the floor any learning strategy must beat
// (Such et al. 2017 report it as a surprisingly strong Atari baseline).
#include <limits>

#include "neuroevo/core/param_space.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/strategies/schema.hpp"

namespace neuroevo {

namespace {

struct Params {
  size_t population = 0;
};

const ParamTable<Params>& table() {
  // Default 100: an arbitrary but common baseline budget per generation; any value >= 1 is meaningful.
  static const ParamTable<Params> t =
      ParamTable<Params>().population(&Params::population, 100, 1, "candidates per generation");
  return t;
}

struct State {
  uint64_t generation = 0;
  uint32_t best_seed = 0;  // init seed of the best candidate so far
  double best_fitness = -std::numeric_limits<double>::infinity();
  NEUROEVO_STATE_FIELDS(State, best_seed, best_fitness)
};

class RandomSearch final : public StrategyBase<Params, State> {
 public:
  RandomSearch(const Params& p, const StrategyContext& ctx)
      : StrategyBase("random_search", table(), p), seed_(ctx.seed), policy_(ctx.space) {
    refresh_seeds();
    state_.best_seed = seeds_[0];  // before any result the champion is generation 0's first candidate
  }

  // The same call materialize() makes for a seed-chain genome without steps, so the champion genome
  // rebuilds exactly the parameters that were evaluated.
  void decode(size_t i, std::span<float> params) const override {
    check_index(i, params_.population);
    if (params.size() != policy_->num_params()) throw std::invalid_argument("random_search: decode() of the wrong size");
    policy_->init_params(seeds_[i], params);
  }

  Genome champion() const override { return Genome::make_chain(state_.best_seed); }

 private:
  void update(std::span<const Result>, std::span<const double> f) override {
    // Strict improvement in candidate order: ties keep the earlier candidate; invalid (-inf) never wins.
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i] > state_.best_fitness) {
        state_.best_fitness = f[i];
        state_.best_seed = seeds_[i];
      }
    }
  }
  void derive() override { refresh_seeds(); }
  void refresh_seeds() {
    seeds_.resize(params_.population);
    for (size_t i = 0; i < seeds_.size(); ++i) seeds_[i] = Stream(seed_, state_.generation, i, Purpose::Init).next_u32();
  }

  uint64_t seed_;
  const ParamSpace* policy_;
  std::vector<uint32_t> seeds_;  // init seed of each candidate of the current generation
};

std::unique_ptr<Strategy> make(ConfigSection& cfg, const StrategyContext& ctx) {
  const Params p = table().read(cfg);
  if (ctx.space == nullptr) throw std::invalid_argument("random_search needs a policy");
  return std::make_unique<RandomSearch>(p, ctx);
}

}  // namespace

StrategyInfo random_search_strategy() {
  return {"random_search", "Random search: fresh random initialisations every generation, keeps the best (baseline)",
          false, make, [] { return table().docs(); }};
}

}  // namespace neuroevo
