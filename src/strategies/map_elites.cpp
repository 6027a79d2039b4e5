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

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/strategies/map_elites.hpp"

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

struct MapElitesSettings {
  size_t population = 100;
  uint64_t initial_generations = 1;
  double sigma = 0.05;
  uint64_t cache_mb = 1024;
  std::vector<double> low, high;
  std::vector<int64_t> cells;
};

struct Elite {
  Genome genome;
  double fitness = 0.0;
  std::vector<double> behaviour;
};

nlohmann::json fitness_json(double f) { return std::isfinite(f) ? nlohmann::json(f) : nlohmann::json(nullptr); }

class MapElites final : public Strategy {
 public:
  MapElites(MapElitesSettings s, const StrategyContext& ctx)
      : s_(std::move(s)), grid_(s_.low, s_.high, s_.cells), sigma_(static_cast<float>(s_.sigma)), seed_(ctx.seed),
        space_(ctx.space), noise_(ctx.noise), n_(ctx.num_params) {
    if (space_ == nullptr) throw std::invalid_argument("map_elites: the strategy context has no parameter space");
    if (noise_ == nullptr) throw UsageError("the map_elites strategy needs a noise table");
    (void)noise_->offset(0, n_);
    build_batch();
  }

  Batch ask() override { return {s_.population, 0, Purpose::Episode}; }

  void decode(size_t i, std::span<float> params) const override {
    if (i >= s_.population || params.size() != n_)
      throw std::invalid_argument("map_elites: decode(" + std::to_string(i) + ") out of range or wrong size");
    const Candidate& c = batch_[i];
    if (c.parent_cell != kNoParent) {
      const auto it = cache_.find(c.parent_cell);
      if (it != cache_.end()) {
        add_scaled(it->second, sigma_, noise_->for_seed(c.genome.steps.back().seed, n_), params);
        return;
      }
    }
    materialize(c.genome, *space_, noise_, params);
  }

  bool tell(std::span<const Result> results) override {
    if (results.size() != s_.population) throw std::invalid_argument("map_elites: tell got a batch of the wrong size");
    for (size_t i = 0; i < results.size(); ++i) insert(std::move(batch_[i].genome), results[i]);
    ++gen_;
    build_batch();
    return true;
  }

  uint64_t generation() const override { return gen_; }

  // The fittest elite (lowest cell index among equals); before any insertion, candidate 0.
  Genome champion() const override {
    const Elite* best = nullptr;
    for (const auto& [cell, e] : cells_)
      if (best == nullptr || e.fitness > best->fitness) best = &e;
    return best ? best->genome : batch_.front().genome;
  }

  std::vector<ArchiveEntry> archive() const override {
    std::vector<ArchiveEntry> out;
    for (const auto& [cell, e] : cells_) out.push_back({e.behaviour, e.fitness});
    return out;
  }

  nlohmann::json save() const override {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& [cell, e] : cells_)
      cells.push_back({{"cell", cell}, {"fitness", fitness_json(e.fitness)}, {"behaviour", e.behaviour},
                       {"genome", e.genome.to_json()}});
    return {{"strategy", "map_elites"}, {"seed", seed_},     {"generation", gen_},
            {"population", s_.population}, {"grid", grid_.total()}, {"cells", std::move(cells)}};
  }

  void load(const nlohmann::json& state) override {
    try {
      if (state.at("strategy").get<std::string>() != "map_elites")
        throw UsageError("checkpoint is not a map_elites state");
      if (state.at("seed").get<uint64_t>() != seed_ || state.at("population").get<size_t>() != s_.population ||
          state.at("grid").get<size_t>() != grid_.total())
        throw UsageError("map_elites checkpoint was written with another seed, population or grid");
      std::map<size_t, Elite> cells;
      for (const auto& c : state.at("cells")) {
        const auto cell = c.at("cell").get<size_t>();
        if (cell >= grid_.total()) throw UsageError("map_elites checkpoint: cell index out of the grid");
        const auto& f = c.at("fitness");
        cells[cell] = Elite{Genome::from_json(c.at("genome")),
                            f.is_null() ? -std::numeric_limits<double>::infinity() : f.get<double>(),
                            c.at("behaviour").get<std::vector<double>>()};
      }
      gen_ = state.at("generation").get<uint64_t>();
      cells_ = std::move(cells);
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed map_elites checkpoint: ") + e.what());
    }
    build_batch();
  }

 private:
  static constexpr size_t kNoParent = std::numeric_limits<size_t>::max();

  struct Candidate {
    Genome genome;
    size_t parent_cell = kNoParent;
  };

  void insert(Genome genome, const Result& r) {
    if (!r.valid || !std::isfinite(r.fitness)) return;
    const auto cell = grid_.cell_of(r.behaviour);
    if (!cell) return;
    const auto it = cells_.find(*cell);
    if (it != cells_.end() && !(r.fitness > it->second.fitness)) return;
    cells_[*cell] = Elite{std::move(genome), r.fitness, r.behaviour};
  }

  // The batch of the current generation, a pure function of (seed, generation, grid).
  void build_batch() {
    batch_.assign(s_.population, {});
    cache_.clear();
    if (gen_ < s_.initial_generations || cells_.empty()) {
      for (size_t i = 0; i < s_.population; ++i)
        batch_[i].genome = Genome::make_chain(Stream(seed_, gen_, i, Purpose::Init).next_u32());
      return;
    }
    std::vector<size_t> occupied;
    for (const auto& [cell, e] : cells_) occupied.push_back(cell);  // ascending cell order
    const uint64_t budget = s_.cache_mb << 20;
    const size_t capacity = n_ == 0 ? s_.population : static_cast<size_t>(budget / (4 * n_));
    for (size_t i = 0; i < s_.population; ++i) {
      const size_t cell = occupied[Stream(seed_, gen_, i, Purpose::Selection).below(occupied.size())];
      Genome g = cells_.at(cell).genome;
      g.steps.push_back({Stream(seed_, gen_, i, Purpose::Mutation).next_u32(), sigma_});
      batch_[i] = {std::move(g), cell};
      if (!cache_.contains(cell) && cache_.size() < capacity) {
        std::vector<float> p(n_);
        materialize(cells_.at(cell).genome, *space_, noise_, p);
        cache_.emplace(cell, std::move(p));
      }
    }
  }

  MapElitesSettings s_;
  GridIndexer grid_;
  float sigma_;
  uint64_t seed_;
  const ParamSpace* space_;
  const NoiseTable* noise_;
  size_t n_;
  uint64_t gen_ = 0;
  std::map<size_t, Elite> cells_;  // occupied cells by index
  std::vector<Candidate> batch_;
  std::map<size_t, std::vector<float>> cache_;  // parameters of this generation's parent elites
};

}  // namespace

std::unique_ptr<Strategy> make_map_elites(ConfigSection& cfg, const StrategyContext& ctx) {
  MapElitesSettings s;
  s.population = static_cast<size_t>(cfg.get_int("population", 100, 1, int64_t{1} << 30));
  s.initial_generations = static_cast<uint64_t>(cfg.get_int("initial_generations", 1, 0, int64_t{1} << 40));
  s.sigma = cfg.get_double("sigma", 0.05, 0.0, 1e6);
  if (!(s.sigma > 0.0) || static_cast<float>(s.sigma) == 0.0f)
    throw UsageError("config key '" + cfg.full_key("sigma") + "' must be > 0 (as a float32)");
  s.cache_mb = static_cast<uint64_t>(cfg.get_int("cache_mb", 1024, 0, int64_t{1} << 40));
  // The descriptor bounds have no sensible generic default: they must be given (e.g. [5, 5] and
  // [200, 200] for the hard maze's final position).
  s.low = cfg.get_double_list("low", {}, -1e300, 1e300);
  s.high = cfg.get_double_list("high", {}, -1e300, 1e300);
  s.cells = cfg.get_int_list("cells", {}, 1, 1 << 20);
  if (s.low.empty() || s.high.empty() || s.cells.empty())
    throw UsageError("map_elites needs '" + cfg.full_key("low") + "', '" + cfg.full_key("high") + "' and '" +
                     cfg.full_key("cells") + "': the descriptor's bounds and the number of cells per dimension");
  return std::make_unique<MapElites>(std::move(s), ctx);
}

StrategyInfo map_elites_strategy() {
  return {"map_elites", "MAP-Elites (Mouret & Clune 2015): best candidate per cell of a behaviour grid, seed chains",
          true, make_map_elites};
}

}  // namespace neuroevo
