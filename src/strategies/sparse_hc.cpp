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

#include "neuroevo/genomes/sparse_linear.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/strategies/schema.hpp"
#include "search_util.hpp"

namespace neuroevo {

// The parent genome in the checkpoint: its structured-genome JSON.
NEUROEVO_GENOME_CODEC(SparseLinearGenome, "sparse_linear", sparse_linear_from_bytes)

namespace {

struct Params {
  size_t population = 0;
  double sigma = 0.0, init_sigma = 0.0, add_connection = 0.0, remove_connection = 0.0;
};

// Our defaults: a moderate perturbation of existing weights, unit-variance new weights (weights start on
// the scale of normalised observations), and growth more likely than pruning.
using Table = ParamTable<Params>;

const Table& table() {
  static const Table t =
      Table()
          .population(&Params::population, 10, 1, "children per generation (lambda)")
          .real("sigma", &Params::sigma, 0.1, 0.0, 1e6, "std of the Gaussian perturbation of every weight and bias")
          .real("init_sigma", &Params::init_sigma, 1.0, 0.0, 1e6, "std of a new connection's weight")
          .probability("add_connection", &Params::add_connection, 0.5, "probability a child adds a connection")
          .probability("remove_connection", &Params::remove_connection, 0.2,
                       "probability a child removes a connection");
  return t;
}

struct State {
  uint64_t generation = 0;
  SparseLinearGenome parent{0, 0};
  double fitness = -std::numeric_limits<double>::infinity();  // the parent's, -inf before any valid result
  NEUROEVO_STATE_FIELDS(State, parent, fitness)
};

class SparseHc final : public StrategyBase<Params, State> {
 public:
  SparseHc(const Params& p, uint64_t seed, uint32_t inputs, uint32_t outputs)
      : StrategyBase("sparse_hc", table(), p), seed_(seed) {
    state_.parent = SparseLinearGenome(inputs, outputs);
  }

  bool structured() const override { return true; }

  void decode(size_t, std::span<float>) const override {
    throw std::logic_error("sparse_hc candidates are structured genomes; use build()");
  }

  std::unique_ptr<const Candidate> build(size_t i) const override {
    return std::make_unique<SparseLinearGenome>(child(i));
  }

  Genome champion() const override { return state_.parent.genome(); }

 private:
  void update(std::span<const Result>, std::span<const double> f) override {
    const search::PlusSelection sel = search::plus_selection(f, state_.generation, state_.fitness);
    if (sel.accept) {
      state_.parent = child(sel.best);
      state_.fitness = f[sel.best];
    }
  }

  void validate(const State& s) const override {
    if (s.parent.inputs() != state_.parent.inputs() || s.parent.outputs() != state_.parent.outputs())
      throw corrupt_checkpoint(name_, "the parent genome was written for another environment");
  }

  SparseLinearGenome child(size_t i) const {
    check_index(i, params_.population);
    SparseLinearGenome g = state_.parent;
    if (state_.generation == 0 && i == 0) return g;
    Stream rng(seed_, state_.generation, i, Purpose::Mutation);
    auto& links = g.connections();
    const uint64_t pairs = uint64_t{g.inputs()} * g.outputs();
    if (rng.uniform() < params_.add_connection && links.size() < pairs) {
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
                                   static_cast<float>(params_.init_sigma * rng.normal())};
      links.insert(links.begin() + static_cast<std::ptrdiff_t>(pos), added);
    }
    if (rng.uniform() < params_.remove_connection && !links.empty()) {
      const size_t r = std::min(links.size() - 1, static_cast<size_t>(rng.uniform() * static_cast<double>(links.size())));
      links.erase(links.begin() + static_cast<std::ptrdiff_t>(r));
    }
    for (auto& c : links) c.weight = static_cast<float>(c.weight + params_.sigma * rng.normal());
    for (float& b : g.bias()) b = static_cast<float>(b + params_.sigma * rng.normal());
    return g;
  }

  uint64_t seed_;
};

std::unique_ptr<Strategy> make(ConfigSection& cfg, const StrategyContext& ctx) {
  const Params p = table().read(cfg);
  const PolicyShape shape = policy_shape(ctx, "sparse_hc");
  return std::make_unique<SparseHc>(p, ctx.seed, shape.inputs, shape.outputs);
}

}  // namespace

StrategyInfo sparse_hc_strategy() {
  return {"sparse_hc", "Structural (1+lambda) hill climbing over sparse linear policies of varying length (structured genomes)",
          false, make, [] { return table().docs(); }, true};
}

}  // namespace neuroevo
