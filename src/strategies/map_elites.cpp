// MAP-Elites (Mouret & Clune, "Illuminating search spaces by mapping elites", 2015): a grid over the
// behaviour descriptor keeps, in each cell, the best candidate whose descriptor falls in it.
//
// Each generation is one batch of `population` candidates. In the first `initial_generations`
// generations (and while the grid is empty) they are random initialisations; afterwards each is a copy of
// the elite of a uniformly chosen occupied cell mutated by sigma * eps, as in the Deep GA. Genomes are
// the GA's seed chains (strategies/genome.hpp): a cell stores a few bytes whatever the network size, and
// the parameters of the parents chosen for a generation are rebuilt once into a cache (bounded by
// cache_mb) so a child costs one noise slice.
//
// Insertion, in candidate order: a valid candidate with a finite descriptor goes to the cell of its
// descriptor (each coordinate clamped to [low, high] and split into `cells` equal bins) when the cell is
// empty or its fitness is strictly higher than the incumbent's (ties keep the incumbent).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/strategies/map_elites.hpp"
#include "neuroevo/strategies/schema.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo {

GridIndexer::GridIndexer(std::vector<double> low, std::vector<double> high, std::vector<int64_t> cells)
    : low_(std::move(low)), high_(std::move(high)), cells_(std::move(cells)) {
  if (low_.size() != high_.size() || low_.size() != cells_.size() || low_.empty())
    throw UsageError("map_elites: 'low', 'high' and 'cells' must have one entry per descriptor dimension");
  for (size_t d = 0; d < low_.size(); ++d) {
    if (!(high_[d] > low_[d]))
      throw UsageError("map_elites: 'high' must exceed 'low' in dimension " + std::to_string(d));
    if (cells_[d] < 1) throw UsageError("map_elites: 'cells' must be >= 1");
  }
}

size_t GridIndexer::total() const {
  size_t t = 1;
  for (int64_t c : cells_) t *= static_cast<size_t>(c);
  return t;
}

std::optional<size_t> GridIndexer::cell_of(std::span<const double> b) const {
  if (b.size() != low_.size()) return std::nullopt;
  size_t index = 0;
  for (size_t d = 0; d < b.size(); ++d) {
    if (!std::isfinite(b[d])) return std::nullopt;
    const double t = (std::clamp(b[d], low_[d], high_[d]) - low_[d]) / (high_[d] - low_[d]);
    const auto bin = std::min<int64_t>(static_cast<int64_t>(t * static_cast<double>(cells_[d])), cells_[d] - 1);
    index = index * static_cast<size_t>(cells_[d]) + static_cast<size_t>(bin);  // row-major, dimension 0 slowest
  }
  return index;
}

namespace {

struct Params {
  size_t population = 0;
  uint64_t initial_generations = 0, cache_mb = 0;
  double sigma = 0.0;
  std::vector<double> low, high;
  std::vector<int64_t> cells;
};

using Table = ParamTable<Params>;

// The descriptor bounds and cell counts have no sensible generic default: they must be given (e.g. [5, 5]
// and [200, 200] for the hard maze's final position).
template <class T>
Table& required_list(Table& t, const char* key, std::vector<T> Params::*member, const char* type, const char* doc) {
  return t.custom(
      {key, type, std::string(kComputedPrefix) + "none (required)", "one entry per descriptor dimension", doc},
      [=](ConfigSection& c, Params& p, const Table::Context&) {
        if constexpr (std::is_same_v<T, double>) p.*member = c.get_double_list(key, {}, -1e300, 1e300);
        else p.*member = c.get_int_list(key, {}, 1, 1 << 20);
      },
      [=](const Params& p) { return nlohmann::json(p.*member); });
}

const Table& table() {
  static const Table t = [] {
    Table r;
    r.population(&Params::population, 100, 1, "candidates per generation")
        .integer("initial_generations", &Params::initial_generations, 1, 0, int64_t{1} << 40,
                 "generations of random initialisations before mutating elites")
        // 0.05: our choice for networks initialised at the usual scale (the Deep GA's 0.002 is for Atari-size nets).
        .real("sigma", &Params::sigma, 0.05, 0.0, 1e6, "mutation power (> 0 as a float32)", Table::Low)
        .integer("cache_mb", &Params::cache_mb, 1024, 0, int64_t{1} << 40, "memory bound of the parent cache, MiB");
    required_list(r, "low", &Params::low, "real list", "lower bound of each descriptor coordinate");
    required_list(r, "high", &Params::high, "real list", "upper bound of each descriptor coordinate");
    required_list(r, "cells", &Params::cells, "integer list", "cells per descriptor dimension");
    r.check([](ConfigSection& c, const Params& p) {
      if (static_cast<float>(p.sigma) == 0.0f)
        throw UsageError("config key '" + c.full_key("sigma") + "' must be > 0 (as a float32)");
      if (p.low.empty() || p.high.empty() || p.cells.empty())
        throw UsageError("map_elites needs '" + c.full_key("low") + "', '" + c.full_key("high") + "' and '" +
                         c.full_key("cells") + "': the descriptor's bounds and the number of cells per dimension");
    });
    return r;
  }();
  return t;
}

// One occupied cell: its index in the grid, its elite's fitness (finite: only valid results enter),
// behaviour descriptor and genome.
struct Elite {
  uint64_t cell = 0;
  double fitness = 0.0;
  std::vector<double> behaviour;
  Genome genome;
  NEUROEVO_STATE_FIELDS(Elite, cell, fitness, behaviour, genome)
};

struct State {
  uint64_t generation = 0;
  std::vector<Elite> cells;  // the occupied cells, in ascending cell index
  NEUROEVO_STATE_FIELDS(State, cells)
};

class MapElites final : public StrategyBase<Params, State> {
 public:
  MapElites(const Params& p, const StrategyContext& ctx)
      : StrategyBase("map_elites", table(), p, ctx.num_params), grid_(p.low, p.high, p.cells),
        sigma_(static_cast<float>(p.sigma)), seed_(ctx.seed), space_(ctx.space), noise_(ctx.noise) {
    if (space_ == nullptr) throw std::invalid_argument("map_elites: the strategy context has no parameter space");
    if (noise_ == nullptr) throw UsageError("the map_elites strategy needs a noise table");
    (void)noise_->offset(0, num_params_);
    derive();
  }

  void decode(size_t i, std::span<float> params) const override {
    check_decode(i, params.size());
    const Candidate& c = batch_[i];
    if (c.parent_cell != kNoParent) {
      const auto it = cache_.find(c.parent_cell);
      if (it != cache_.end()) {
        add_scaled(it->second, sigma_, noise_->for_seed(c.genome.steps.back().seed, num_params_), params);
        return;
      }
    }
    materialize(c.genome, *space_, noise_, params);
  }

  // The fittest elite (lowest cell index among equals); before any insertion, candidate 0.
  Genome champion() const override {
    const Elite* best = nullptr;
    for (const auto& e : state_.cells)
      if (best == nullptr || e.fitness > best->fitness) best = &e;
    return best ? best->genome : batch_.front().genome;
  }

  std::vector<ArchiveEntry> archive() const override {
    std::vector<ArchiveEntry> out;
    for (const auto& e : state_.cells) out.push_back({e.behaviour, e.fitness});
    return out;
  }

 private:
  static constexpr size_t kNoParent = std::numeric_limits<size_t>::max();

  struct Candidate {
    Genome genome;
    size_t parent_cell = kNoParent;
  };

  void update(std::span<const Result> results, std::span<const double>) override {
    for (size_t i = 0; i < results.size(); ++i) insert(std::move(batch_[i].genome), results[i]);
  }

  void validate(const State& s) const override {
    for (size_t k = 0; k < s.cells.size(); ++k) {
      const Elite& e = s.cells[k];
      if (e.cell >= grid_.total()) throw corrupt_checkpoint(name_, "cell index out of the grid");
      if (k > 0 && e.cell <= s.cells[k - 1].cell) throw corrupt_checkpoint(name_, "cells are not in ascending order");
      if (!std::isfinite(e.fitness)) throw corrupt_checkpoint(name_, "an elite's fitness is not finite");
      if (e.genome.kind != Genome::Kind::SeedChain) throw corrupt_checkpoint(name_, "an elite is not a seed chain");
    }
  }

  void insert(Genome genome, const Result& r) {
    if (!r.valid || !std::isfinite(r.fitness)) return;
    const auto cell = grid_.cell_of(r.behaviour);
    if (!cell) return;
    const auto it = std::lower_bound(state_.cells.begin(), state_.cells.end(), uint64_t{*cell},
                                     [](const Elite& e, uint64_t c) { return e.cell < c; });
    Elite fresh{*cell, r.fitness, r.behaviour, std::move(genome)};
    if (it == state_.cells.end() || it->cell != *cell) state_.cells.insert(it, std::move(fresh));
    else if (r.fitness > it->fitness) *it = std::move(fresh);  // ties keep the incumbent
  }

  // The batch of the current generation, a pure function of (seed, generation, grid).
  void derive() override {
    const size_t population = params_.population, n = num_params_;
    const uint64_t gen = state_.generation;
    batch_.assign(population, {});
    cache_.clear();
    if (gen < params_.initial_generations || state_.cells.empty()) {
      for (size_t i = 0; i < population; ++i)
        batch_[i].genome = Genome::make_chain(Stream(seed_, gen, i, Purpose::Init).next_u32());
      return;
    }
    const uint64_t budget = params_.cache_mb << 20;
    const size_t capacity = n == 0 ? population : static_cast<size_t>(budget / (4 * n));
    for (size_t i = 0; i < population; ++i) {
      const Elite& parent = state_.cells[Stream(seed_, gen, i, Purpose::Selection).below(state_.cells.size())];
      Genome g = parent.genome;
      g.steps.push_back({Stream(seed_, gen, i, Purpose::Mutation).next_u32(), sigma_});
      batch_[i] = {std::move(g), parent.cell};
      if (!cache_.contains(parent.cell) && cache_.size() < capacity) {
        std::vector<float> x(n);
        materialize(parent.genome, *space_, noise_, x);
        cache_.emplace(parent.cell, std::move(x));
      }
    }
  }

  GridIndexer grid_;
  float sigma_;
  uint64_t seed_;
  const ParamSpace* space_;
  const NoiseTable* noise_;
  std::vector<Candidate> batch_;
  std::map<size_t, std::vector<float>> cache_;  // parameters of this generation's parent elites
};

std::unique_ptr<Strategy> make(ConfigSection& cfg, const StrategyContext& ctx) {
  return std::make_unique<MapElites>(table().read(cfg), ctx);
}

}  // namespace

StrategyInfo map_elites_strategy() {
  return {"map_elites", "MAP-Elites (Mouret & Clune 2015): best candidate per cell of a behaviour grid, seed chains",
          true, make, [] { return table().docs(); }};
}

}  // namespace neuroevo
