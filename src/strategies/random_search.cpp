// Random search baseline: every generation draws `population` fresh policy initialisations and the
// strategy remembers the best one ever seen. Useful as the floor any learning strategy must beat
// (Such et al. 2017 report it as a surprisingly strong Atari baseline).
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

namespace {

class RandomSearch final : public Strategy {
 public:
  RandomSearch(size_t population, const StrategyContext& ctx)
      : population_(population), seed_(ctx.seed), policy_(ctx.space) {
    refresh_seeds();
    best_seed_ = seeds_[0];  // before any result the champion is generation 0's first candidate
  }

  // episodes = 0: each candidate runs the task's configured number of episodes.
  Batch ask() override { return Batch{population_, 0, Purpose::Episode}; }

  // The same call materialize() makes for a seed-chain genome without steps, so the champion genome
  // rebuilds exactly the parameters that were evaluated.
  void decode(size_t i, std::span<float> params) const override {
    if (i >= population_ || params.size() != policy_->num_params())
      throw std::invalid_argument("random_search: decode(" + std::to_string(i) + ") out of range or wrong size");
    policy_->init_params(seeds_[i], params);
  }

  bool tell(std::span<const Result> results) override {
    if (results.size() != population_)
      throw std::invalid_argument("random_search: tell() got " + std::to_string(results.size()) +
                                  " results, expected " + std::to_string(population_));
    const std::vector<double> f = ranking_fitness(results);
    // Strict improvement in candidate order: ties keep the earlier candidate; invalid (-inf) never wins.
    for (size_t i = 0; i < f.size(); ++i) {
      if (f[i] > best_fitness_) {
        best_fitness_ = f[i];
        best_seed_ = seeds_[i];
      }
    }
    ++generation_;
    refresh_seeds();
    return true;
  }

  uint64_t generation() const override { return generation_; }
  Genome champion() const override { return Genome::make_chain(best_seed_); }

  // JSON has no -inf: "no valid result yet" is stored as null.
  nlohmann::json save() const override {
    nlohmann::json best = std::isfinite(best_fitness_) ? nlohmann::json(best_fitness_) : nlohmann::json(nullptr);
    return {{"strategy", "random_search"}, {"generation", generation_}, {"population", population_},
            {"best_seed", best_seed_},     {"best_fitness", best}};
  }

  void load(const nlohmann::json& state) override {
    try {
      if (state.at("strategy").get<std::string>() != "random_search")
        throw UsageError("checkpoint is not a random_search state");
      if (state.at("population").get<size_t>() != population_)
        throw UsageError("random_search checkpoint was written with population " + state.at("population").dump() +
                         "; this run has " + std::to_string(population_));
      const auto generation = state.at("generation").get<uint64_t>();
      const auto best_seed = state.at("best_seed").get<uint32_t>();
      const auto& best = state.at("best_fitness");
      best_fitness_ = best.is_null() ? -std::numeric_limits<double>::infinity() : best.get<double>();
      generation_ = generation;
      best_seed_ = best_seed;
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed random_search checkpoint: ") + e.what());
    }
    refresh_seeds();
  }

 private:
  void refresh_seeds() {
    seeds_.resize(population_);
    for (size_t i = 0; i < population_; ++i) seeds_[i] = Stream(seed_, generation_, i, Purpose::Init).next_u32();
  }

  size_t population_;
  uint64_t seed_;
  const ParamSpace* policy_;
  uint64_t generation_ = 0;
  std::vector<uint32_t> seeds_;  // init seed of each candidate of the current generation
  uint32_t best_seed_ = 0;
  double best_fitness_ = -std::numeric_limits<double>::infinity();
};

}  // namespace

std::unique_ptr<Strategy> make_random_search(ConfigSection& cfg, const StrategyContext& ctx) {
  // Default 100: an arbitrary but common baseline budget per generation; any value >= 1 is meaningful.
  const int64_t p = cfg.get_int("population", 100, 1, std::numeric_limits<int32_t>::max());
  if (ctx.space == nullptr) throw std::invalid_argument("random_search needs a policy");
  return std::make_unique<RandomSearch>(static_cast<size_t>(p), ctx);
}

}  // namespace neuroevo
