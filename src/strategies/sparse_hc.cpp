// Structural (1+lambda) hill climbing over sparse linear policies (genomes/sparse_linear.hpp): the
// smallest strategy whose candidates are structured genomes of varying length rather than fixed vectors.
//
// Keep one parent genome; every generation evaluate `population` children. Child i is the parent after,
// drawn from the counter-based stream (seed, generation, i, Mutation):
//  1. with probability add_connection, one new connection, chosen uniformly among the (input, output)
//     pairs the parent does not have yet, with weight ~ N(0, init_sigma^2) (NEAT's add-connection
//     mutation, Stanley & Miikkulainen 2002, without innovation numbers: there is no crossover here);
//  2. with probability remove_connection, one existing connection, chosen uniformly, removed;
//  3. every weight and bias perturbed by sigma * N(0, 1).
// The best child replaces the parent when it is at least as good (accepting equal fitness lets the search
// drift over plateaus, as hill_climb does); ties go to the lowest index; invalid children never win.
// Generation 0 evaluates the parent itself (no connections, zero biases) as candidate 0.
//
// Candidates are rebuilt from (parent, stream) alone, so build(i) is const, thread-safe and identical on
// every MPI rank. The champion is the parent.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/sparse_linear.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

namespace {

struct SparseHcSettings {
  size_t population = 10;
  double sigma = 0.1;
  double init_sigma = 1.0;
  double add_connection = 0.5;
  double remove_connection = 0.2;
};

class SparseHc final : public Strategy {
 public:
  SparseHc(const SparseHcSettings& s, uint64_t seed, uint32_t inputs, uint32_t outputs)
      : s_(s), seed_(seed), parent_(inputs, outputs) {}

  Batch ask() override { return Batch{s_.population, 0, Purpose::Episode}; }
  bool structured() const override { return true; }

  void decode(size_t, std::span<float>) const override {
    throw std::logic_error("sparse_hc candidates are structured genomes; use build()");
  }

  std::unique_ptr<const Candidate> build(size_t i) const override {
    return std::make_unique<SparseLinearGenome>(child(i));
  }

  bool tell(std::span<const Result> results) override {
    if (results.size() != s_.population)
      throw std::invalid_argument("sparse_hc: tell() got " + std::to_string(results.size()) + " results, expected " +
                                  std::to_string(s_.population));
    const std::vector<double> f = ranking_fitness(results);
    size_t first_child = 0;
    if (generation_ == 0) {
      fitness_ = f[0];  // the starting genome's own fitness (-inf if invalid)
      first_child = 1;
    }
    size_t best = f.size();
    for (size_t i = first_child; i < f.size(); ++i) {
      if (f[i] == -std::numeric_limits<double>::infinity()) continue;
      if (best == f.size() || f[i] > f[best]) best = i;
    }
    if (best != f.size() && f[best] >= fitness_) {
      parent_ = child(best);
      fitness_ = f[best];
    }
    ++generation_;
    return true;
  }

  uint64_t generation() const override { return generation_; }
  Genome champion() const override { return parent_.genome(); }

  // JSON has no -inf: "no valid result yet" is stored as null.
  nlohmann::json save() const override {
    return {{"strategy", "sparse_hc"},
            {"generation", generation_},
            {"population", s_.population},
            {"fitness", std::isfinite(fitness_) ? nlohmann::json(fitness_) : nlohmann::json(nullptr)},
            {"parent", parent_.genome().to_json()}};
  }

  void load(const nlohmann::json& state) override {
    try {
      if (state.at("strategy").get<std::string>() != "sparse_hc") throw UsageError("checkpoint is not a sparse_hc state");
      if (state.at("population").get<size_t>() != s_.population)
        throw UsageError("sparse_hc checkpoint was written with population " + state.at("population").dump() +
                         "; this run has " + std::to_string(s_.population));
      const Genome g = Genome::from_json(state.at("parent"));
      if (g.kind != Genome::Kind::Structured || g.type != "sparse_linear")
        throw UsageError("sparse_hc checkpoint: the parent is not a sparse_linear genome");
      SparseLinearGenome parent = sparse_linear_from_bytes(g.bytes);
      if (parent.inputs() != parent_.inputs() || parent.outputs() != parent_.outputs())
        throw UsageError("sparse_hc checkpoint: the parent genome was written for another environment");
      const auto& fit = state.at("fitness");
      const double fitness = fit.is_null() ? -std::numeric_limits<double>::infinity() : fit.get<double>();
      generation_ = state.at("generation").get<uint64_t>();
      fitness_ = fitness;
      parent_ = std::move(parent);
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed sparse_hc checkpoint: ") + e.what());
    }
  }

 private:
  SparseLinearGenome child(size_t i) const {
    if (i >= s_.population) throw std::invalid_argument("sparse_hc: candidate " + std::to_string(i) + " out of range");
    SparseLinearGenome g = parent_;
    if (generation_ == 0 && i == 0) return g;
    Stream rng(seed_, generation_, i, Purpose::Mutation);
    auto& links = g.connections();
    const uint64_t pairs = uint64_t{g.inputs()} * g.outputs();
    if (rng.uniform() < s_.add_connection && links.size() < pairs) {
      // The k-th absent pair in (out, in) order; `links` is sorted in that order, so walk both together.
      uint64_t k = static_cast<uint64_t>(rng.uniform() * static_cast<double>(pairs - links.size()));
      k = std::min<uint64_t>(k, pairs - links.size() - 1);
      size_t pos = 0;
      uint64_t key = 0;
      for (;; ++key) {
        const bool present = pos < links.size() && uint64_t{links[pos].out} * g.inputs() + links[pos].in == key;
        if (present) {
          ++pos;
        } else if (k-- == 0) {
          break;
        }
      }
      const SparseConnection added{static_cast<uint32_t>(key % g.inputs()), static_cast<uint32_t>(key / g.inputs()),
                                   static_cast<float>(s_.init_sigma * rng.normal())};
      links.insert(links.begin() + static_cast<std::ptrdiff_t>(pos), added);
    }
    if (rng.uniform() < s_.remove_connection && !links.empty()) {
      const size_t r = std::min(links.size() - 1, static_cast<size_t>(rng.uniform() * static_cast<double>(links.size())));
      links.erase(links.begin() + static_cast<std::ptrdiff_t>(r));
    }
    for (auto& c : links) c.weight = static_cast<float>(c.weight + s_.sigma * rng.normal());
    for (float& b : g.bias()) b = static_cast<float>(b + s_.sigma * rng.normal());
    return g;
  }

  SparseHcSettings s_;
  uint64_t seed_;
  SparseLinearGenome parent_;
  double fitness_ = -std::numeric_limits<double>::infinity();
  uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_sparse_hc(ConfigSection& cfg, const StrategyContext& ctx) {
  SparseHcSettings s;
  s.population = static_cast<size_t>(cfg.get_int("population", 10, 1, std::numeric_limits<int32_t>::max()));
  // Our defaults: a moderate perturbation of existing weights, unit-variance new weights (weights start
  // on the scale of normalised observations), and growth more likely than pruning.
  s.sigma = cfg.get_double("sigma", 0.1, 0.0, 1e6);
  s.init_sigma = cfg.get_double("init_sigma", 1.0, 0.0, 1e6);
  s.add_connection = cfg.get_double("add_connection", 0.5, 0.0, 1.0);
  s.remove_connection = cfg.get_double("remove_connection", 0.2, 0.0, 1.0);
  if (ctx.observation == nullptr || ctx.action == nullptr)
    throw UsageError("strategy 'sparse_hc' builds policies, so it needs an environment (not a black-box function)");
  if (ctx.observation->is_discrete()) throw UsageError("strategy 'sparse_hc' needs a vector observation space");
  const size_t outputs = ctx.action->is_discrete() ? static_cast<size_t>(ctx.action->n) : ctx.action->dim();
  return std::make_unique<SparseHc>(s, ctx.seed, static_cast<uint32_t>(ctx.observation->dim()),
                                    static_cast<uint32_t>(outputs));
}

}  // namespace neuroevo
