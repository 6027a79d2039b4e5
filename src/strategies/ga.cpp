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
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/strategies/novelty.hpp"

namespace neuroevo {

namespace {

constexpr int kStateVersion = 1;

struct GaSettings {
  size_t population = 1000;      // N (Such et al., Atari)
  size_t truncation = 20;        // T (Such et al., Atari)
  double sigma = 0.002;          // mutation power (Such et al., Atari)
  size_t elite_candidates = 10;  // C, clamped to N (Such et al.: top 10 re-evaluated)
  uint32_t elite_episodes = 30;  // episodes per elite candidate (Such et al.: 30)
  uint64_t cache_mb = 1024;      // memory bound of the parent cache, MiB
  bool novelty = false;          // fitness = "novelty": GA-NS
  NoveltySettings novelty_settings;
  std::string section;           // config path, for error messages naming keys
  std::string key(const std::string& k) const { return section.empty() ? k : section + "." + k; }
};

GaSettings read_settings(ConfigSection& cfg) {
  constexpr int64_t kMaxCount = int64_t{1} << 30;
  GaSettings s;
  s.section = cfg.path();
  s.population = static_cast<size_t>(cfg.get_int("population", 1000, 2, kMaxCount));
  s.truncation = static_cast<size_t>(cfg.get_int("truncation", 20, 1, kMaxCount));
  s.sigma = cfg.get_double("sigma", 0.002, 0.0, 1e6);
  const int64_t candidates = cfg.get_int("elite_candidates", 10, 1, kMaxCount);
  s.elite_episodes = static_cast<uint32_t>(cfg.get_int("elite_episodes", 30, 1, 1 << 20));
  s.cache_mb = static_cast<uint64_t>(cfg.get_int("cache_mb", 1024, 0, kMaxCount));
  s.novelty = cfg.get_string("fitness", "reward", {"reward", "novelty"}) == "novelty";
  if (s.novelty) s.novelty_settings = read_novelty_settings(cfg);
  if (s.truncation > s.population)
    throw UsageError("config key '" + s.key("truncation") + "' = " + std::to_string(s.truncation) + " exceeds '" +
                     s.key("population") + "' = " + std::to_string(s.population) +
                     "; the parents are the top truncation of the population");
  if (!(s.sigma > 0.0) || static_cast<float>(s.sigma) == 0.0f)  // must stay > 0 as a float32
    throw UsageError("config key '" + s.key("sigma") + "' must be > 0 (as a float32), got " + nlohmann::json(s.sigma).dump());
  s.elite_candidates = std::min(static_cast<size_t>(candidates), s.population);
  return s;
}

uint64_t json_u64(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer() || (!it->is_number_unsigned() && it->get<int64_t>() < 0))
    throw UsageError(std::string("GA state: \"") + key + "\" must be a non-negative integer");
  return it->get<uint64_t>();
}

nlohmann::json score_to_json(const std::optional<double>& s) {
  if (!s) return nullptr;
  if (std::isfinite(*s)) return *s;
  return *s > 0 ? "inf" : "-inf";  // ranking_fitness never yields NaN
}

std::optional<double> score_from_json(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  if (j.is_number()) return j.get<double>();
  if (j == "-inf") return -std::numeric_limits<double>::infinity();
  if (j == "inf") return std::numeric_limits<double>::infinity();
  throw UsageError("GA state: \"elite_score\" must be a number, \"-inf\" or null, got " + j.dump());
}

class DeepGa final : public Strategy {
 public:
  DeepGa(GaSettings s, const StrategyContext& ctx)
      : cfg_(std::move(s)), sigma_(static_cast<float>(cfg_.sigma)), seed_(ctx.seed), policy_(ctx.space),
        noise_(ctx.noise), n_(ctx.num_params) {
    if (policy_ == nullptr) throw std::invalid_argument("ga: the strategy context has no policy");
    if (noise_ == nullptr) throw UsageError("the ga strategy needs a noise table");
    if (n_ != policy_->num_params())
      throw std::invalid_argument("ga: context num_params differs from the policy's");
    noise_->offset(0, n_);  // throws a UsageError naming noise.table_size if the table is too small
    const uint64_t budget = cfg_.cache_mb << 20;
    cache_capacity_ = n_ == 0 ? cfg_.truncation
                              : static_cast<size_t>(std::min<uint64_t>(cfg_.truncation, budget / (4 * n_)));
    if (cfg_.novelty) archive_.emplace(cfg_.novelty_settings, seed_);
    build_population();
  }

  Batch ask() override {
    if (phase_ == 0) return {cfg_.population, 0, Purpose::Episode};  // 0: the task's episode count
    return {cfg_.elite_candidates, cfg_.elite_episodes, Purpose::Elite};
  }

  void decode(size_t i, std::span<float> params) const override {
    if (i >= ask_size()) throw std::invalid_argument("ga: decode index out of range of the current batch");
    if (params.size() != n_) throw std::invalid_argument("ga: decode buffer has the wrong size");
    write_member(phase_ == 0 ? i : ranks_[i], params);
  }

  bool tell(std::span<const Result> results) override {
    if (results.size() != ask_size()) throw std::invalid_argument("ga: tell got a batch of the wrong size");
    if (archive_) return tell_novelty(results);
    const std::vector<double> fitness = ranking_fitness(results);  // invalid -> -inf, ranked last
    if (phase_ == 0) {
      ranks_ = argsort_descending(fitness);  // ties by index: deterministic
      phase_ = 1;
      return false;
    }
    // Best mean over the extra episodes; ties go to the lower batch index, i.e. the better training rank.
    const size_t best = argsort_descending(fitness).front();
    next_generation(ranks_[best], fitness[best]);
    return true;
  }

  uint64_t generation() const override { return gen_; }

  Genome champion() const override {
    if (best_reward_genome_) return *best_reward_genome_;
    return gen_ == 0 ? member_genome(0) : parents_.front();
  }

  std::vector<ArchiveEntry> archive() const override {
    std::vector<ArchiveEntry> out;
    if (!archive_) return out;
    const PointSet& pts = archive_->points();
    for (size_t i = 0; i < pts.size(); ++i)
      out.push_back({{pts[i].begin(), pts[i].end()}, std::numeric_limits<double>::quiet_NaN()});
    return out;
  }

  nlohmann::json save() const override {
    nlohmann::json j;
    j["strategy"] = "ga";
    j["version"] = kStateVersion;
    j["seed"] = seed_;
    j["population"] = cfg_.population;
    j["truncation"] = cfg_.truncation;
    j["sigma"] = cfg_.sigma;
    j["elite_candidates"] = cfg_.elite_candidates;
    j["generation"] = gen_;
    j["phase"] = phase_;
    auto parents = nlohmann::json::array();
    for (const auto& p : parents_) parents.push_back(p.to_json());
    j["parents"] = std::move(parents);  // parent 0 is the elite
    // The elite's mean over its re-evaluation episodes (-inf if invalid), null before generation 1.
    j["elite_score"] = score_to_json(elite_score_);
    j["ranks"] = ranks_;  // training ranking, only between the two batches of a generation
    if (archive_) {  // GA-NS only, so the states of reward runs are unchanged
      j["fitness"] = "novelty";
      j["archive"] = archive_->save();
      j["best_reward"] = score_to_json(best_reward_);
      j["best_reward_genome"] = best_reward_genome_ ? best_reward_genome_->to_json() : nlohmann::json(nullptr);
    }
    return j;
  }

  void load(const nlohmann::json& state) override;

 private:
  size_t ask_size() const { return phase_ == 0 ? cfg_.population : cfg_.elite_candidates; }

  // GA-NS: rank by novelty, update the archive and the best-reward champion, start the next generation.
  bool tell_novelty(std::span<const Result> results) {
    const PointSet behaviours = behaviours_of(results, "ga with fitness = \"novelty\"");
    std::vector<double> novelty = archive_->population_novelty(behaviours);
    const std::vector<double> reward = ranking_fitness(results);
    for (size_t i = 0; i < novelty.size(); ++i)
      if (!std::isfinite(reward[i]) || std::isnan(novelty[i])) novelty[i] = -std::numeric_limits<double>::infinity();
    archive_->update(behaviours, novelty, gen_);
    const size_t top = argsort_descending(reward).front();
    if (std::isfinite(reward[top]) && (!best_reward_ || reward[top] > *best_reward_)) {
      best_reward_ = reward[top];
      best_reward_genome_ = member_genome(top);
    }
    ranks_ = argsort_descending(novelty);
    next_generation(ranks_.front(), novelty[ranks_.front()]);
    return true;
  }

  // Makes `elite_member` (of the current population) the elite, the top T of ranks_ the parents.
  void next_generation(size_t elite_member, double elite_score) {
    const std::vector<size_t> members = choose_parents(elite_member);
    std::vector<Genome> parents;
    parents.reserve(members.size());
    for (size_t m : members) parents.push_back(member_genome(m));
    std::vector<std::vector<float>> cache = rebuild_cache(members);
    parents_ = std::move(parents);
    cache_ = std::move(cache);
    elite_score_ = elite_score;
    ranks_.clear();
    phase_ = 0;
    ++gen_;
    build_population();
  }

  // Population of the current generation, as a pure function of (seed, generation, parents).
  void build_population() {
    const size_t n = cfg_.population;
    init_seeds_.clear();
    parent_of_.clear();
    mutation_seeds_.clear();
    if (gen_ == 0) {
      init_seeds_.resize(n);
      for (size_t i = 0; i < n; ++i) init_seeds_[i] = Stream(seed_, 0, i, Purpose::Init).next_u32();
      return;
    }
    parent_of_.assign(n, 0);
    mutation_seeds_.assign(n, 0);
    for (size_t i = 1; i < n; ++i) {  // candidate 0 is the elite, unchanged
      parent_of_[i] = static_cast<uint32_t>(Stream(seed_, gen_, i, Purpose::Selection).below(parents_.size()));
      mutation_seeds_[i] = Stream(seed_, gen_, i, Purpose::Mutation).next_u32();
    }
  }

  Genome member_genome(size_t m) const {
    if (gen_ == 0) return Genome::make_chain(init_seeds_[m]);
    if (m == 0) return parents_.front();
    Genome g = parents_[parent_of_[m]];
    g.steps.push_back({mutation_seeds_[m], sigma_});
    return g;
  }

  // Parameters of population member m. Thread-safe: reads only state that tell()/load() replace.
  void write_member(size_t m, std::span<float> out) const {
    if (gen_ > 0 && m == 0 && !cache_.empty()) {
      std::copy(cache_.front().begin(), cache_.front().end(), out.begin());
    } else if (gen_ > 0 && m > 0 && parent_of_[m] < cache_.size()) {
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
      const size_t p = gen_ == 0 ? kRebuild : (m == 0 ? 0 : parent_of_[m]);
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
    std::vector<size_t> members(ranks_.begin(), ranks_.begin() + static_cast<ptrdiff_t>(cfg_.truncation));
    auto it = std::find(members.begin(), members.end(), elite_member);
    if (it == members.end()) {
      members.back() = elite_member;
      it = members.end() - 1;
    }
    std::rotate(members.begin(), it, it + 1);
    return members;
  }

  void check_same(const nlohmann::json& state, const char* key, const nlohmann::json& ours) const {
    const auto it = state.find(key);
    if (it == state.end() || *it != ours)
      throw UsageError("GA state was saved with '" + cfg_.key(key) + "' = " +
                       (it == state.end() ? std::string("(missing)") : it->dump()) + " but the config has " +
                       ours.dump());
  }

  GaSettings cfg_;
  float sigma_;  // the mutation power as stored in chain steps
  uint64_t seed_;
  const ParamSpace* policy_;
  const NoiseTable* noise_;
  size_t n_;
  size_t cache_capacity_ = 0;  // floor(cache_mb MiB / (4 n)), at most T

  uint64_t gen_ = 0;
  int phase_ = 0;                  // 0: population batch next, 1: elite batch next
  std::vector<Genome> parents_;    // T parents, the elite first; empty in generation 0
  std::optional<double> elite_score_;
  std::vector<size_t> ranks_;      // training ranking of the population (phase 1 only)
  std::vector<uint32_t> init_seeds_;                  // generation 0
  std::vector<uint32_t> parent_of_, mutation_seeds_;  // generations >= 1, indexed by candidate
  std::vector<std::vector<float>> cache_;             // parameters of parents_[0 .. cache_.size())
  std::optional<NoveltyArchive> archive_;             // GA-NS only
  std::optional<double> best_reward_;                 // GA-NS: best reward seen and its genome
  std::optional<Genome> best_reward_genome_;
};

void DeepGa::load(const nlohmann::json& state) {
  if (!state.is_object() || !state.contains("strategy") || state["strategy"] != "ga")
    throw UsageError("GA state: not a state saved by the ga strategy");
  if (json_u64(state, "version") != kStateVersion)
    throw UsageError("GA state: unsupported version " + state["version"].dump());
  if (json_u64(state, "seed") != seed_)
    throw UsageError("GA state was saved by a run with seed " + state["seed"].dump() + ", this run has seed " +
                     std::to_string(seed_));
  check_same(state, "population", cfg_.population);
  check_same(state, "truncation", cfg_.truncation);
  check_same(state, "sigma", cfg_.sigma);
  check_same(state, "elite_candidates", cfg_.elite_candidates);

  // Parse everything into locals first so a bad state leaves this strategy unchanged.
  const uint64_t gen = json_u64(state, "generation");
  const uint64_t phase = json_u64(state, "phase");
  if (phase > 1) throw UsageError("GA state: \"phase\" must be 0 or 1");
  const auto& pj = state.contains("parents") ? state["parents"] : nlohmann::json();
  if (!pj.is_array() || pj.size() != (gen == 0 ? 0 : cfg_.truncation))
    throw UsageError("GA state: \"parents\" must be an array of " + cfg_.key("truncation") + " genomes");
  std::vector<Genome> parents;
  for (const auto& g : pj) {
    parents.push_back(Genome::from_json(g));
    if (parents.back().kind != Genome::Kind::SeedChain) throw UsageError("GA state: parents must be seed chains");
  }
  const std::optional<double> score = score_from_json(state.contains("elite_score") ? state["elite_score"] : nullptr);
  if (score.has_value() != (gen > 0)) throw UsageError("GA state: \"elite_score\" does not match \"generation\"");
  std::vector<size_t> ranks;
  if (phase == 1) {
    const auto& rj = state.contains("ranks") ? state["ranks"] : nlohmann::json();
    if (!rj.is_array() || rj.size() != cfg_.population)
      throw UsageError("GA state: \"ranks\" must list the " + std::to_string(cfg_.population) + " candidates");
    std::vector<bool> seen(cfg_.population, false);
    for (const auto& r : rj) {
      if (!r.is_number_unsigned() || r.get<uint64_t>() >= cfg_.population || seen[r.get<size_t>()])
        throw UsageError("GA state: \"ranks\" must be a permutation of the candidate indices");
      seen[r.get<size_t>()] = true;
      ranks.push_back(r.get<size_t>());
    }
  }

  const bool novelty = state.contains("fitness") && state["fitness"] == "novelty";
  if (novelty != cfg_.novelty)
    throw UsageError("GA state was saved with '" + cfg_.key("fitness") + "' = " + (novelty ? "novelty" : "reward") +
                     " but the config has " + (cfg_.novelty ? "novelty" : "reward"));
  std::optional<NoveltyArchive> archive;
  std::optional<double> best_reward;
  std::optional<Genome> best_genome;
  if (novelty) {
    archive.emplace(cfg_.novelty_settings, seed_);
    archive->load(state.contains("archive") ? state["archive"] : nlohmann::json());
    best_reward = score_from_json(state.contains("best_reward") ? state["best_reward"] : nullptr);
    const auto& bg = state.contains("best_reward_genome") ? state["best_reward_genome"] : nlohmann::json();
    if (!bg.is_null()) best_genome = Genome::from_json(bg);
    if (best_reward.has_value() != best_genome.has_value())
      throw UsageError("GA state: \"best_reward\" and \"best_reward_genome\" must both be set or both null");
  }

  // Rebuild the cache from the chains: the same float operations as the incremental update in tell().
  std::vector<std::vector<float>> cache(std::min(cache_capacity_, parents.size()), std::vector<float>(n_));
  for (size_t k = 0; k < cache.size(); ++k) materialize(parents[k], *policy_, noise_, cache[k]);

  gen_ = gen;
  phase_ = static_cast<int>(phase);
  parents_ = std::move(parents);
  cache_ = std::move(cache);
  elite_score_ = score;
  ranks_ = std::move(ranks);
  archive_ = std::move(archive);
  best_reward_ = best_reward;
  best_reward_genome_ = std::move(best_genome);
  build_population();
}

}  // namespace

std::unique_ptr<Strategy> make_ga(ConfigSection& cfg, const StrategyContext& ctx) {
  return std::make_unique<DeepGa>(read_settings(cfg), ctx);
}

StrategyInfo ga_strategy() {
  return {"ga", "Deep GA (Such et al. 2017): truncation selection, Gaussian mutation, seed-chain genomes, re-evaluated elite",
          true, make_ga};
}

}  // namespace neuroevo
