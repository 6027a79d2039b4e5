// The sparse_hc strategy (structured candidates of varying length): candidates rebuilt from the state are
// deterministic and thread-safe, mutations keep genomes well formed and pick new connections uniformly,
// selection follows the (1+lambda) rule, and a saved state continues exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <thread>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/sparse_linear.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {
namespace {

const Space kObs = Space::box(std::vector<double>(3, -1), std::vector<double>(3, 1));
const Space kAct = Space::discrete(2);

std::unique_ptr<Strategy> make(const std::string& toml, uint64_t seed = 5) {
  Config cfg = Config::from_string("[strategy]\n" + toml);
  ConfigSection section = cfg.section("strategy");
  StrategyContext ctx;
  ctx.seed = seed;
  ctx.observation = &kObs;
  ctx.action = &kAct;
  auto s = find_strategy("sparse_hc").make(section, ctx);
  cfg.check_unknown();
  return s;
}

SparseLinearGenome as_genome(const Candidate& c) { return sparse_linear_from_bytes(c.to_bytes()); }

std::vector<Result> results_of(const std::vector<double>& f) {
  std::vector<Result> r(f.size());
  for (size_t i = 0; i < f.size(); ++i) r[i].fitness = f[i], r[i].valid = std::isfinite(f[i]), r[i].episodes = 1;
  return r;
}

TEST(SparseHc, CandidatesAreStructuredDeterministicAndEqualFromConcurrentThreads) {
  auto s = make("population = 32\n");
  ASSERT_TRUE(s->structured());
  s->tell(results_of(std::vector<double>(32, 1.0)));  // leave generation 0, where candidate 0 is the parent
  std::vector<std::vector<uint8_t>> serial(32), parallel(32);
  for (size_t i = 0; i < 32; ++i) serial[i] = s->build(i)->to_bytes();
  {
    std::vector<std::jthread> threads;
    for (size_t t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        for (size_t i = t; i < 32; i += 4) parallel[i] = s->build(i)->to_bytes();
      });
  }
  EXPECT_EQ(serial, parallel);
  EXPECT_NE(serial[0], serial[1]) << "candidates differ";
  std::vector<float> buffer(4);
  EXPECT_THROW(s->decode(0, buffer), std::logic_error) << "structured candidates have no fixed vector";
}

TEST(SparseHc, NewConnectionsAreWellFormedAndUniformOverAbsentPairs) {
  // From the empty parent (3 inputs x 2 outputs = 6 absent pairs) every child of generation 1 with
  // add_connection = 1, remove_connection = 0 has exactly one connection, each pair with probability 1/6.
  auto s = make("population = 6000\nadd_connection = 1.0\nremove_connection = 0.0\nsigma = 0.0\n");
  s->tell(results_of(std::vector<double>(6000, 0.0)));  // equal fitness: the first child replaces the parent
  // The parent now has one connection; with it fixed, generation 1's children choose among the 5 others.
  const SparseLinearGenome parent = sparse_linear_from_bytes(s->champion().bytes);
  ASSERT_EQ(parent.connections().size(), 1u);
  std::map<std::pair<uint32_t, uint32_t>, int> counts;
  for (size_t i = 0; i < 6000; ++i) {
    const SparseLinearGenome g = as_genome(*s->build(i));
    ASSERT_NO_THROW(g.check());
    ASSERT_EQ(g.connections().size(), 2u);
    for (const auto& c : g.connections())
      if (!(c == parent.connections()[0])) ++counts[{c.in, c.out}];
  }
  ASSERT_EQ(counts.size(), 5u);
  // Binomial(6000, 1/5): mean 1200, sd 31; 5 sd either side.
  for (const auto& [pair, n] : counts) EXPECT_NEAR(n, 1200, 155) << pair.first << "->" << pair.second;
}

TEST(SparseHc, BestChildReplacesTheParentOnlyIfAtLeastAsGoodAndInvalidNeverWins) {
  auto s = make("population = 4\n");
  s->tell(results_of({10.0, 3.0, 4.0, 2.0}));  // generation 0: candidate 0 is the parent (10); no child is better
  const Genome parent = s->champion();
  EXPECT_EQ(parent, Genome(SparseLinearGenome(3, 2).genome()));
  const auto child2 = s->build(2)->to_bytes();
  s->tell(results_of({9.0, std::nan(""), 10.0, 10.0}));  // ties: the lowest index of the best wins
  EXPECT_EQ(s->champion().bytes, child2);
  const auto child1 = s->build(1)->to_bytes();
  s->tell(results_of({1.0, std::numeric_limits<double>::infinity(), 1.0, 1.0}));  // +inf is invalid: never accepted
  EXPECT_EQ(s->champion().bytes, child2);
  EXPECT_NE(child1, child2);
  EXPECT_EQ(s->generation(), 3u);
}

TEST(SparseHc, SavedStateContinuesExactlyAndForeignStateIsRejected) {
  auto a = make("population = 8\n");
  for (int g = 0; g < 5; ++g) {
    std::vector<double> f(8);
    for (size_t i = 0; i < 8; ++i) f[i] = static_cast<double>(as_genome(*a->build(i)).connections().size()) + 0.1 * i;
    a->tell(results_of(f));
  }
  auto b = make("population = 8\n");
  b->load(nlohmann::json::parse(a->save().dump()));
  EXPECT_EQ(b->save(), a->save());
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(b->build(i)->to_bytes(), a->build(i)->to_bytes());
  EXPECT_THROW(make("population = 9\n")->load(a->save()), UsageError);
  nlohmann::json foreign = a->save();
  foreign["strategy"] = "hill_climb";
  EXPECT_THROW(b->load(foreign), UsageError);
  nlohmann::json corrupt = a->save();
  corrupt["parent"]["bytes"] = "zz";
  EXPECT_THROW(b->load(corrupt), UsageError);
}

TEST(SparseHc, NeedsAnEnvironment) {
  Config cfg = Config::from_string("[strategy]\n");
  ConfigSection section = cfg.section("strategy");
  EXPECT_THROW(find_strategy("sparse_hc").make(section, StrategyContext{}), UsageError);
}

}  // namespace
}  // namespace neuroevo
