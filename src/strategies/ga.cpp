// Deep GA (Such et al., "Deep Neuroevolution", 2017): truncation selection, Gaussian mutation without
// crossover, one elite carried over unchanged, and genomes stored as seed chains.
//
// A generation is two batches:
//   1. the population of N: candidate 0 is the elite (from generation 1 on), candidates 1..N-1 are
//      children = a uniformly chosen parent + sigma * eps(seed); generation 0 is N random initialisations;
//   2. the top C of batch 1 re-evaluated on extra episodes; the best mean becomes the elite, which guards
//      against lucky single-episode scores (Such et al.: C = 10 candidates, 30 episodes).
// The top T of batch 1 become the next parents, the elite always among them (as parent 0).
//
// Every random choice is a pure function of (run seed, generation, candidate index, purpose), so the
// population of a generation is fully determined by the parents; the state saved is therefore only the
// parents, the generation counter and, between the two batches, the training ranking.
//
// With fitness = "novelty" (GA-NS, Such et al. 2017 after Lehman & Stanley) candidates are ranked by the
// k-nearest-neighbour novelty of their behaviour descriptors against the novelty archive plus the
// population (strategies/novelty.hpp), and the archive is updated every generation. The elite is then
// the most novel member and there is no re-evaluation batch: novelty is relative to the current archive,
// so re-scoring an elite on more episodes would not guard against luck. The champion is the member with
// the best reward seen in the whole run (the task's objective, e.g. 300 - distance to the maze's goal).
//
// Parameters of the parents are cached (bounded by cache_mb) so a child costs one noise slice and one
// add_scaled pass; the cache is rebuilt in its own buffers between generations (rebuild_cache), so the
// memory is T parameter vectors plus 8 bytes of seeds per candidate, independent of the population. Cached parameters are computed with exactly the float operations materialize() uses
// (one add_scaled per chain step, in chain order), so cached and rebuilt parameters are bit-identical.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/strategies/novelty.hpp"
#include "neuroevo/strategies/schema.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

namespace {

struct Params {
  size_t population = 0;        // N
  size_t truncation = 0;        // T
  double sigma = 0.0;           // mutation power
  size_t elite_candidates = 0;  // C (clamped to N when used)
  uint32_t elite_episodes = 0;  // episodes per elite candidate
  uint64_t cache_mb = 0;        // memory bound of the parent cache, MiB
  std::string fitness;          // "reward" or "novelty" (GA-NS)
  NoveltySettings novelty;      // read always, used with fitness = "novelty"
};

using Table = ParamTable<Params>;

// Defaults: Such et al. (2017), Atari: N = 1000, T = 20, sigma = 0.002, the top 10 re-evaluated on 30
// episodes each.
const Table& table() {
  constexpr int64_t kMaxCount = int64_t{1} << 30;
  static const Table t =
      Table()
          .integer("population", &Params::population, 1000, 2, kMaxCount, "individuals per generation (N)")
          .integer("truncation", &Params::truncation, 20, 1, kMaxCount, "top individuals that become parents (T)")
          .real("sigma", &Params::sigma, 0.002, 0.0, 1e6, "mutation power (> 0 as a float32)", Table::Low)
          .integer("elite_candidates", &Params::elite_candidates, 10, 1, kMaxCount,
                   "top individuals re-evaluated for the elite (C, at most the population)")
          .integer("elite_episodes", &Params::elite_episodes, 30, 1, 1 << 20, "episodes per elite candidate")
          // A resource bound that never changes results (cached and rebuilt parameters are bit-identical),
          // so it stays out of the checkpoint's parameter record: a run may resume with another cache.
          .custom({"cache_mb", "integer", "1024", "[0, 1073741824]", "memory bound of the parents' parameter cache, MiB"},
                  [](ConfigSection& c, Params& p, const Table::Context&) {
                    p.cache_mb = static_cast<uint64_t>(c.get_int("cache_mb", 1024, 0, int64_t{1} << 30));
                  },
                  [](const Params&) { return nlohmann::json(nullptr); })
          .choice("fitness", &Params::fitness, "reward", {"reward", "novelty"},
                  "rank by reward, or by novelty (GA-NS; the novelty keys below apply)")
          .include(novelty_table(), &Params::novelty)
          .check([](ConfigSection& c, const Params& p) {
            if (p.truncation > p.population)
              throw UsageError("config key '" + c.full_key("truncation") + "' = " + std::to_string(p.truncation) +
                               " exceeds '" + c.full_key("population") + "' = " + std::to_string(p.population) +
                               "; the parents are the top truncation of the population");
            if (static_cast<float>(p.sigma) == 0.0f)  // must stay > 0 as a float32
              throw UsageError("config key '" + c.full_key("sigma") + "' must be > 0 (as a float32), got " +
                               nlohmann::json(p.sigma).dump());
          });
  return t;
}

// The population of a generation is a pure function of (seed, generation, parents), so this is the
// whole state; the seed is kept to refuse a state of another run.
struct State {
  uint64_t generation = 0;
  uint64_t seed = 0;
  int32_t phase = 0;                   // 0: population batch next, 1: elite batch next
  std::vector<Genome> parents;         // T seed chains, the elite first; empty in generation 0
  std::optional<double> elite_score;   // the elite's mean re-evaluation score (-inf if invalid); none in generation 0
  std::vector<size_t> ranks;           // training ranking of the population (phase 1 only)
  std::optional<NoveltyArchiveState> archive;  // GA-NS only
  std::optional<double> best_reward;           // GA-NS: best reward seen and its genome
  std::optional<Genome> best_reward_genome;
  NEUROEVO_STATE_FIELDS(State, seed, phase, parents, elite_score, ranks, archive, best_reward, best_reward_genome)
};

class DeepGa final : public StrategyBase<Params, State> {
 public:
  DeepGa(const Params& p, const StrategyContext& ctx)
      : StrategyBase("ga", table(), p),
        elite_candidates_(std::min(p.elite_candidates, p.population)),
        sigma_(static_cast<float>(p.sigma)), seed_(ctx.seed), policy_(ctx.space), noise_(ctx.noise), n_(ctx.num_params) {
    if (policy_ == nullptr) throw std::invalid_argument("ga: the strategy context has no policy");
    if (noise_ == nullptr) throw UsageError("the ga strategy needs a noise table");
    if (n_ != policy_->num_params())
      throw std::invalid_argument("ga: context num_params differs from the policy's");
    noise_->offset(0, n_);  // throws a UsageError naming noise.table_size if the table is too small
    const uint64_t budget = params_.cache_mb << 20;
    cache_capacity_ = n_ == 0 ? params_.truncation
                              : static_cast<size_t>(std::min<uint64_t>(params_.truncation, budget / (4 * n_)));
    state_.seed = seed_;
    if (novelty()) state_.archive = NoveltyArchive(params_.novelty, seed_).state();
    derive();
  }

  size_t batch_size() const override { return state_.phase == 0 ? params_.population : elite_candidates_; }

  Batch ask() override {
    if (state_.phase == 0) return {params_.population, 0, Purpose::Episode};  // 0: the task's episode count
    return {elite_candidates_, params_.elite_episodes, Purpose::Elite};
  }

  void decode(size_t i, std::span<float> params) const override {
    check_decode(i, batch_size(), params.size(), n_);
    write_member(state_.phase == 0 ? i : state_.ranks[i], params);
  }

  bool tell(std::span<const Result> results) override {
    check_results(results.size(), batch_size());
    if (archive_) return tell_novelty(results);
    const std::vector<double> fitness = ranking_fitness(results);  // invalid -> -inf, ranked last
    if (state_.phase == 0) {
      state_.ranks = argsort_descending(fitness);  // ties by index: deterministic
      state_.phase = 1;
      return false;
    }
    // Best mean over the extra episodes; ties go to the lower batch index, i.e. the better training rank.
    const size_t best = argsort_descending(fitness).front();
    next_generation(state_.ranks[best], fitness[best]);
    return true;
  }

  Genome champion() const override {
    if (state_.best_reward_genome) return *state_.best_reward_genome;
    return state_.generation == 0 ? member_genome(0) : state_.parents.front();
  }

  std::vector<ArchiveEntry> archive() const override {
    std::vector<ArchiveEntry> out;
    if (!archive_) return out;
    const PointSet& pts = archive_->points();
    for (size_t i = 0; i < pts.size(); ++i)
      out.push_back({{pts[i].begin(), pts[i].end()}, std::numeric_limits<double>::quiet_NaN()});
    return out;
  }

 private:
  bool novelty() const { return params_.fitness == "novelty"; }

  void validate(const State& s) const override {
    if (s.seed != seed_)
      throw UsageError("ga checkpoint was saved by a run with seed " + std::to_string(s.seed) + ", this run has seed " +
                       std::to_string(seed_));
    if (s.phase != 0 && s.phase != 1) throw corrupt_checkpoint(name_, "\"phase\" must be 0 or 1");
    if (s.parents.size() != (s.generation == 0 ? 0 : params_.truncation))
      throw corrupt_checkpoint(name_, "\"parents\" must hold " + std::to_string(params_.truncation) +
                                          " genomes (none in generation 0)");
    for (const Genome& g : s.parents)
      if (g.kind != Genome::Kind::SeedChain) throw corrupt_checkpoint(name_, "parents must be seed chains");
    if (s.elite_score.has_value() != (s.generation > 0))
      throw corrupt_checkpoint(name_, "\"elite_score\" does not match \"generation\"");
    if (s.phase == 1) {
      std::vector<bool> seen(params_.population, false);
      bool permutation = s.ranks.size() == params_.population;
      for (size_t r : s.ranks) {
        permutation = permutation && r < params_.population && !seen[r];
        if (permutation) seen[r] = true;
      }
      if (!permutation) throw corrupt_checkpoint(name_, "\"ranks\" must be a permutation of the candidate indices");
    } else if (!s.ranks.empty()) {
      throw corrupt_checkpoint(name_, "\"ranks\" must be empty in phase 0");
    }
    if (s.archive.has_value() != novelty()) throw corrupt_checkpoint(name_, "\"archive\" does not match the fitness");
    if (s.archive) {
      try {
        NoveltyArchive(params_.novelty, seed_).restore(*s.archive);
      } catch (const std::invalid_argument& e) {
        throw corrupt_checkpoint(name_, std::string("\"archive\": ") + e.what());
      }
    }
    if (s.best_reward.has_value() != s.best_reward_genome.has_value())
      throw corrupt_checkpoint(name_, "\"best_reward\" and \"best_reward_genome\" must both be set or both null");
  }

  // After load() (and construction): the parents' cache from their chains (the same float operations as
  // the incremental update in tell()), the live archive and the population.
  void derive() override {
    cache_.assign(std::min(cache_capacity_, state_.parents.size()), std::vector<float>(n_));
    for (size_t k = 0; k < cache_.size(); ++k) materialize(state_.parents[k], *policy_, noise_, cache_[k]);
    archive_.reset();
    if (state_.archive) {
      archive_.emplace(params_.novelty, seed_);
      archive_->restore(*state_.archive);
    }
    build_population();
  }

  // GA-NS: rank by novelty, update the archive and the best-reward champion, start the next generation.
  bool tell_novelty(std::span<const Result> results) {
    const PointSet behaviours = behaviours_of(results, "ga with fitness = \"novelty\"");
    std::vector<double> novelty = archive_->population_novelty(behaviours);
    const std::vector<double> reward = ranking_fitness(results);
    for (size_t i = 0; i < novelty.size(); ++i)
      if (!std::isfinite(reward[i]) || std::isnan(novelty[i])) novelty[i] = -std::numeric_limits<double>::infinity();
    archive_->update(behaviours, novelty, state_.generation);
    state_.archive = archive_->state();
    const size_t top = argsort_descending(reward).front();
    if (std::isfinite(reward[top]) && (!state_.best_reward || reward[top] > *state_.best_reward)) {
      state_.best_reward = reward[top];
      state_.best_reward_genome = member_genome(top);
    }
    state_.ranks = argsort_descending(novelty);
    next_generation(state_.ranks.front(), novelty[state_.ranks.front()]);
    return true;
  }

  // Makes `elite_member` (of the current population) the elite, the top T of the ranking the parents.
  void next_generation(size_t elite_member, double elite_score) {
    const std::vector<size_t> members = choose_parents(elite_member);
    std::vector<Genome> parents;
    parents.reserve(members.size());
    for (size_t m : members) parents.push_back(member_genome(m));
    std::vector<std::vector<float>> cache = rebuild_cache(members);
    state_.parents = std::move(parents);
    cache_ = std::move(cache);
    state_.elite_score = elite_score;
    state_.ranks.clear();
    state_.phase = 0;
    ++state_.generation;
    build_population();
  }

  // Population of the current generation, as a pure function of (seed, generation, parents).
  void build_population() {
    const size_t n = params_.population;
    const uint64_t gen = state_.generation;
    init_seeds_.clear();
    parent_of_.clear();
    mutation_seeds_.clear();
    if (gen == 0) {
      init_seeds_.resize(n);
      for (size_t i = 0; i < n; ++i) init_seeds_[i] = Stream(seed_, 0, i, Purpose::Init).next_u32();
      return;
    }
    parent_of_.assign(n, 0);
    mutation_seeds_.assign(n, 0);
    for (size_t i = 1; i < n; ++i) {  // candidate 0 is the elite, unchanged
      parent_of_[i] = static_cast<uint32_t>(Stream(seed_, gen, i, Purpose::Selection).below(state_.parents.size()));
      mutation_seeds_[i] = Stream(seed_, gen, i, Purpose::Mutation).next_u32();
    }
  }

  Genome member_genome(size_t m) const {
    if (state_.generation == 0) return Genome::make_chain(init_seeds_[m]);
    if (m == 0) return state_.parents.front();
    Genome g = state_.parents[parent_of_[m]];
    g.steps.push_back({mutation_seeds_[m], sigma_});
    return g;
  }

  // Parameters of population member m. Thread-safe: reads only state that tell()/load() replace.
  void write_member(size_t m, std::span<float> out) const {
    const bool first = state_.generation == 0;
    if (!first && m == 0 && !cache_.empty()) {
      std::copy(cache_.front().begin(), cache_.front().end(), out.begin());
    } else if (!first && m > 0 && parent_of_[m] < cache_.size()) {
      add_scaled(cache_[parent_of_[m]], sigma_, noise_->for_seed(mutation_seeds_[m], n_), out);
    } else {
      materialize(member_genome(m), *policy_, noise_, out);  // uncached: correct, O(generations * n)
    }
  }

  // The new parents' parameters from the old cache, O(T n), in the old cache's own buffers: an old parent
  // no child of which survives lends its buffer to another new parent, and the last surviving child of
  // an old parent is mutated in place. So the cache never holds more than cache_capacity_ vectors, even
  // during the swap (memory is T x 4n bytes plus the per-candidate seeds, whatever the population size).
  // The in-place update performs exactly add_scaled's float operations, so the values do not change.
  std::vector<std::vector<float>> rebuild_cache(const std::vector<size_t>& members) {
    constexpr size_t kRebuild = std::numeric_limits<size_t>::max();
    const size_t count = std::min(cache_capacity_, members.size());
    std::vector<size_t> source(count, kRebuild), uses(cache_.size(), 0);
    for (size_t k = 0; k < count; ++k) {
      const size_t m = members[k];
      const size_t p = state_.generation == 0 ? kRebuild : (m == 0 ? 0 : parent_of_[m]);
      if (p < cache_.size()) {
        source[k] = p;
        ++uses[p];
      }
    }
    std::vector<std::vector<float>> spare;  // buffers of old parents without a surviving child
    for (size_t p = 0; p < cache_.size(); ++p)
      if (uses[p] == 0) spare.push_back(std::move(cache_[p]));
    auto take = [&] {
      if (spare.empty()) return std::vector<float>(n_);
      std::vector<float> b = std::move(spare.back());
      spare.pop_back();
      return b;
    };
    std::vector<std::vector<float>> fresh(count);
    for (size_t k = 0; k < count; ++k) {
      const size_t m = members[k], p = source[k];
      if (p == kRebuild) {
        fresh[k] = take();
        materialize(member_genome(m), *policy_, noise_, fresh[k]);
        continue;
      }
      const bool last = --uses[p] == 0;
      if (m == 0) {  // the previous elite, unchanged
        if (last) {
          fresh[k] = std::move(cache_[p]);
        } else {
          fresh[k] = take();
          std::copy(cache_[p].begin(), cache_[p].end(), fresh[k].begin());
        }
        continue;
      }
      const std::span<const float> eps = noise_->for_seed(mutation_seeds_[m], n_);
      if (last) {
        fresh[k] = std::move(cache_[p]);
        float* x = fresh[k].data();
        const float* e = eps.data();
        for (size_t i = 0; i < n_; ++i) x[i] = x[i] + sigma_ * e[i];  // add_scaled's expression, in place
      } else {
        fresh[k] = take();
        add_scaled(cache_[p], sigma_, eps, fresh[k]);
      }
    }
    cache_.clear();
    return fresh;
  }

  // Top T of the training ranking, with the elite moved to the front (it replaces the T-th parent when
  // elite_candidates > truncation let it rank below T), so the elite is always a parent (Such et al.).
  std::vector<size_t> choose_parents(size_t elite_member) const {
    std::vector<size_t> members(state_.ranks.begin(), state_.ranks.begin() + static_cast<ptrdiff_t>(params_.truncation));
    auto it = std::find(members.begin(), members.end(), elite_member);
    if (it == members.end()) {
      members.back() = elite_member;
      it = members.end() - 1;
    }
    std::rotate(members.begin(), it, it + 1);
    return members;
  }

  size_t elite_candidates_;  // C, clamped to N
  float sigma_;              // the mutation power as stored in chain steps
  uint64_t seed_;
  const ParamSpace* policy_;
  const NoiseTable* noise_;
  size_t n_;
  size_t cache_capacity_ = 0;  // floor(cache_mb MiB / (4 n)), at most T

  // Derived from the state (derive(), and kept up to date by tell()).
  std::vector<uint32_t> init_seeds_;                  // generation 0
  std::vector<uint32_t> parent_of_, mutation_seeds_;  // generations >= 1, indexed by candidate
  std::vector<std::vector<float>> cache_;             // parameters of state_.parents[0 .. cache_.size())
  std::optional<NoveltyArchive> archive_;             // GA-NS only: the live archive (state_.archive its value)
};

}  // namespace

std::unique_ptr<Strategy> make_ga(ConfigSection& cfg, const StrategyContext& ctx) {
  return std::make_unique<DeepGa>(table().read(cfg), ctx);
}

StrategyInfo ga_strategy() {
  return {"ga", "Deep GA (Such et al. 2017): truncation selection, Gaussian mutation, seed-chain genomes, re-evaluated elite",
          true, make_ga, [] { return table().docs(); }};
}

}  // namespace neuroevo
