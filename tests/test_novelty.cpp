// Tests of novelty search and quality-diversity: k-NN novelty on hand-built archives, the exact and k-d
// tree searches giving identical values, the archive rules, MAP-Elites insertion and replacement, and
// GA-NS / NS-ES / MAP-Elites driven without environments (behaviour = the first two parameters), with
// save/load continuing exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/builtin.hpp"
#include "neuroevo/strategies/map_elites.hpp"
#include "neuroevo/strategies/novelty.hpp"

#include "point_policy.hpp"

namespace neuroevo {
namespace {

PointSet points(const std::vector<std::vector<double>>& v) {
  PointSet p;
  for (const auto& x : v) p.push_back(x);
  return p;
}

// ---- k-NN novelty ----------------------------------------------------------------------------------

TEST(Novelty, PopulationNoveltyOnAHandBuiltArchive) {
  NoveltySettings s;
  s.k = 2;
  NoveltyArchive archive(s, 1);
  archive.add(std::vector<double>{0, 0});
  archive.add(std::vector<double>{10, 0});
  // (1,0): neighbours at 1 (0,0), 1 (2,0), 2, 9 -> mean of the 2 nearest = 1
  // (2,0): 2, 8, 1 (1,0), 1 (3,0) -> 1;  (3,0): 3, 7, 2, 1 -> 1.5
  const auto nov = archive.population_novelty(points({{1, 0}, {2, 0}, {3, 0}}));
  EXPECT_EQ(nov, (std::vector<double>{1.0, 1.0, 1.5}));
}

TEST(Novelty, FewerNeighboursThanKAndDuplicates) {
  NoveltySettings s;  // k = 15
  NoveltyArchive empty(s, 1);
  // Only one neighbour each, 5 away (a 3-4-5 triangle).
  EXPECT_EQ(empty.population_novelty(points({{0, 0}, {3, 4}})), (std::vector<double>{5.0, 5.0}));
  // A member is not its own neighbour, but an identical other member is (distance 0).
  EXPECT_EQ(empty.population_novelty(points({{1, 1}, {1, 1}, {1, 4}})), (std::vector<double>{1.5, 1.5, 3.0}));
  // A population of one with an empty archive has no neighbour: novelty 0.
  EXPECT_EQ(empty.population_novelty(points({{7, 7}})), (std::vector<double>{0.0}));
}

TEST(Novelty, ArchiveNoveltyUsesTheArchiveOnly) {
  NoveltySettings s;
  s.k = 1;
  NoveltyArchive a(s, 1);
  a.add(std::vector<double>{0, 0});
  a.add(std::vector<double>{0, 2});
  const auto q = points({{0, 1}, {3, 4}, {3, 4}});  // the duplicate query does not see its twin
  EXPECT_EQ(a.archive_novelty(q), (std::vector<double>{1.0, std::sqrt(13.0), std::sqrt(13.0)}));
  NoveltySettings s3 = s;
  s3.k = 3;  // only 2 archive points
  NoveltyArchive b(s3, 1);
  b.add(std::vector<double>{0, 0});
  b.add(std::vector<double>{0, 2});
  EXPECT_EQ(b.archive_novelty(points({{3, 4}})), (std::vector<double>{(5.0 + std::sqrt(13.0)) / 2.0}));
}

TEST(Novelty, KdTreeGivesBitIdenticalValuesToBruteForce) {
  for (size_t dim : {1u, 2u, 3u}) {
    Stream rng(dim);
    PointSet ref(dim), queries(dim);
    std::vector<double> p(dim);
    for (int i = 0; i < 3000; ++i) {
      // Integer grid coordinates: many duplicates and equal distances, the hard case for ties.
      for (auto& v : p) v = i % 3 == 0 ? std::floor(rng.uniform(0, 30)) : rng.uniform(-100, 100);
      ref.push_back(p);
    }
    std::vector<size_t> excluded;
    for (int i = 0; i < 400; ++i) {
      const size_t r = rng.below(ref.size());
      queries.push_back(ref[r]);  // queries that are reference points, excluding themselves
      excluded.push_back(i % 4 == 0 ? std::numeric_limits<size_t>::max() : r);
    }
    for (size_t k : {1u, 15u, 50u}) {
      const auto exact = knn_novelty(ref, queries, excluded, k, KnnIndex::Exact);
      const auto tree = knn_novelty(ref, queries, excluded, k, KnnIndex::KdTree);
      const auto autoidx = knn_novelty(ref, queries, excluded, k, KnnIndex::Auto, 100);
      ASSERT_EQ(exact.size(), queries.size());
      for (size_t q = 0; q < exact.size(); ++q) {
        ASSERT_EQ(std::bit_cast<uint64_t>(exact[q]), std::bit_cast<uint64_t>(tree[q])) << "dim " << dim << " k " << k;
        ASSERT_EQ(std::bit_cast<uint64_t>(exact[q]), std::bit_cast<uint64_t>(autoidx[q]));
      }
      // Sanity of the brute force itself on one query.
      std::vector<double> d;
      for (size_t r = 0; r < ref.size(); ++r)
        if (r != excluded[1]) d.push_back(behaviour_distance(queries[1], ref[r]));
      std::sort(d.begin(), d.end());
      double sum = 0;
      for (size_t j = 0; j < k; ++j) sum += d[j];
      EXPECT_EQ(exact[1], sum / static_cast<double>(k));
    }
  }
}

// ---- Archive rules ---------------------------------------------------------------------------------

PointSet line_of(size_t n, double x0 = 0) {
  PointSet p;
  for (size_t i = 0; i < n; ++i) p.push_back(std::vector<double>{x0 + static_cast<double>(i), 0});
  return p;
}

TEST(NoveltyArchive, ThresholdRuleAddsAboveTheThresholdAndAdapts) {
  NoveltySettings s;  // threshold 6, stall 10, x0.95, more than 4 -> x1.2, floor 0.25
  NoveltyArchive a(s, 1);
  EXPECT_EQ(a.update(line_of(4), std::vector<double>{7, 5, 6, 6.5}, 0), (std::vector<size_t>{0, 3}));
  EXPECT_EQ(a.points().size(), 2u);
  EXPECT_EQ(a.points()[1][0], 3.0);
  EXPECT_EQ(a.threshold(), 6.0);  // 2 added: not "many"
  EXPECT_EQ(a.update(line_of(5), std::vector<double>(5, 10.0), 1).size(), 5u);
  EXPECT_DOUBLE_EQ(a.threshold(), 6.0 * 1.2);
  const double t = a.threshold();
  for (int g = 0; g < 9; ++g) a.update(line_of(3), std::vector<double>(3, 1.0), 2 + g);
  EXPECT_EQ(a.threshold(), t);  // 9 generations without an addition: unchanged
  a.update(line_of(3), std::vector<double>(3, 1.0), 11);
  EXPECT_DOUBLE_EQ(a.threshold(), t * 0.95);  // the 10th lowers it by 5%
  // An addition restarts the count.
  for (int g = 0; g < 9; ++g) a.update(line_of(3), std::vector<double>(3, 1.0), 12 + g);
  a.update(line_of(1), std::vector<double>{100.0}, 21);
  for (int g = 0; g < 9; ++g) a.update(line_of(3), std::vector<double>(3, 1.0), 22 + g);
  EXPECT_DOUBLE_EQ(a.threshold(), t * 0.95);
  // Never below the floor.
  NoveltySettings low = s;
  low.threshold = 0.26;
  NoveltyArchive b(low, 1);
  for (int g = 0; g < 10; ++g) b.update(line_of(2), std::vector<double>(2, 0.1), g);
  EXPECT_EQ(b.threshold(), 0.25);
  // NaN / -inf novelty and non-finite descriptors are never added.
  NoveltyArchive c(s, 1);
  PointSet bad = points({{1, 1}, {std::nan(""), 1}, {2, 2}});
  EXPECT_EQ(c.update(bad, std::vector<double>{std::nan(""), 50, -std::numeric_limits<double>::infinity()}, 0).size(), 0u);
}

TEST(NoveltyArchive, ProbabilityRuleIsDeterministicAndHasTheRightRate) {
  NoveltySettings s;
  s.rule = NoveltySettings::Rule::Probability;
  s.add_probability = 0.3;
  const PointSet pop = line_of(2000);
  const std::vector<double> nov(2000, 0.0);  // novelty plays no part
  NoveltyArchive a(s, 5), b(s, 5), c(s, 6);
  const auto added = a.update(pop, nov, 3);
  EXPECT_GT(added.size(), 500u);
  EXPECT_LT(added.size(), 700u);
  EXPECT_EQ(b.update(pop, nov, 3), added);  // same (seed, generation): same members
  EXPECT_NE(b.update(pop, nov, 4), added);  // another generation draws again
  EXPECT_NE(c.update(pop, nov, 3), added);  // another run seed too
  EXPECT_EQ(a.threshold(), s.threshold);    // the threshold is not used
  s.add_probability = 0.0;
  NoveltyArchive none(s, 5);
  EXPECT_TRUE(none.update(pop, nov, 3).empty());
}

TEST(NoveltyArchive, SaveLoadRoundTripContinuesIdentically) {
  NoveltySettings s;
  NoveltyArchive a(s, 1);
  a.update(line_of(6, 0.5), std::vector<double>(6, 10.0), 0);  // raises the threshold
  for (int g = 0; g < 4; ++g) a.update(line_of(2), std::vector<double>(2, 0.0), 1 + g);
  NoveltyArchive b(s, 1);
  b.load(nlohmann::json::parse(a.save().dump()));
  EXPECT_EQ(b.points().data(), a.points().data());
  EXPECT_EQ(b.threshold(), a.threshold());
  for (int g = 0; g < 6; ++g) {  // the stall counter came along: both lower at the same generation
    a.update(line_of(2), std::vector<double>(2, 0.0), 5 + g);
    b.update(line_of(2), std::vector<double>(2, 0.0), 5 + g);
    EXPECT_EQ(a.threshold(), b.threshold()) << g;
  }
  EXPECT_LT(a.threshold(), 6.0 * 1.2);
  EXPECT_THROW(b.load(nlohmann::json{{"dim", 2}, {"points", {1, 2, 3}}, {"threshold", 1}, {"stalled", 0}}),
               UsageError);
  EXPECT_THROW(b.load(nlohmann::json::object()), UsageError);
}

// ---- MAP-Elites grid -------------------------------------------------------------------------------

TEST(MapElitesGrid, CellIndices) {
  const GridIndexer g({0, 0}, {10, 10}, {2, 5});
  EXPECT_EQ(g.total(), 10u);
  EXPECT_EQ(g.cell_of(std::vector<double>{0, 0}), 0u);
  EXPECT_EQ(g.cell_of(std::vector<double>{10, 10}), 9u);  // the upper bound belongs to the last bin
  EXPECT_EQ(g.cell_of(std::vector<double>{4.99, 2}), 1u);
  EXPECT_EQ(g.cell_of(std::vector<double>{5, 0}), 5u);
  EXPECT_EQ(g.cell_of(std::vector<double>{-1, 100}), 4u);  // clamped to (0, 10)
  EXPECT_FALSE(g.cell_of(std::vector<double>{std::nan(""), 1}).has_value());
  EXPECT_FALSE(g.cell_of(std::vector<double>{1}).has_value());
  EXPECT_THROW(GridIndexer({0}, {0}, {3}), UsageError);
  EXPECT_THROW(GridIndexer({0, 0}, {1, 1}, {3}), UsageError);
}

// ---- Strategies without an environment ---------------------------------------------------------------

using test_util::PointPolicy;

// Behaviour = the first two parameters; reward = -distance of that point to (3, 3).
Result evaluate_point(std::span<const float> x) {
  Result r;
  r.behaviour = {x[0], x[1]};
  r.fitness = -std::hypot(x[0] - 3.0, x[1] - 3.0);
  r.episodes = 1;
  return r;
}

struct Log {
  std::vector<std::vector<float>> params;  // every decoded candidate of every batch, in order
  std::vector<Batch> batches;
  double best_reward = -std::numeric_limits<double>::infinity();
};

void drive(Strategy& s, size_t n, int generations, Log& log,
           const std::function<Result(std::span<const float>)>& f = evaluate_point) {
  const uint64_t end = s.generation() + static_cast<uint64_t>(generations);
  while (s.generation() < end) {
    const Batch b = s.ask();
    log.batches.push_back(b);
    std::vector<Result> results;
    for (size_t i = 0; i < b.size; ++i) {
      std::vector<float> p(n);
      s.decode(i, p);
      results.push_back(f(p));
      log.best_reward = std::max(log.best_reward, results.back().fitness);
      log.params.push_back(std::move(p));
    }
    s.tell(results);
  }
}

class NoveltyStrategies : public ::testing::Test {
 protected:
  static constexpr size_t kDim = 6;
  PointPolicy policy_{kDim};
  NoiseTable noise_{7, size_t{1} << 16};

  std::unique_ptr<Strategy> make(const std::string& name, const std::string& toml) const {
    Config cfg = Config::from_string("[strategy]\nname = \"" + name + "\"\n" + toml);
    ConfigSection section = cfg.section("strategy");
    section.get_string("name", "");
    const StrategyInfo& info = find_strategy(name);
    auto s = info.make(section, StrategyContext{11, &policy_, &noise_, kDim});
    cfg.check_unknown();
    return s;
  }

  // Runs a + b generations straight, and a generations then save / load into a fresh strategy then b
  // more: every decoded candidate, the archive and the champion must be identical.
  void expect_exact_resume(const std::string& name, const std::string& toml, int a, int b) {
    auto straight = make(name, toml);
    Log full;
    drive(*straight, kDim, a + b, full);
    auto first = make(name, toml);
    Log split;
    drive(*first, kDim, a, split);
    const std::string saved = first->save().dump();
    auto second = make(name, toml);
    second->load(nlohmann::json::parse(saved));
    EXPECT_EQ(second->generation(), static_cast<uint64_t>(a));
    drive(*second, kDim, b, split);
    ASSERT_EQ(split.params.size(), full.params.size());
    for (size_t i = 0; i < full.params.size(); ++i) ASSERT_EQ(split.params[i], full.params[i]) << "candidate " << i;
    const auto aa = straight->archive(), ab = second->archive();
    ASSERT_EQ(aa.size(), ab.size());
    for (size_t i = 0; i < aa.size(); ++i) EXPECT_EQ(aa[i].behaviour, ab[i].behaviour);
    EXPECT_EQ(straight->champion(), second->champion());
    EXPECT_EQ(straight->save().dump(), second->save().dump());
  }

  std::vector<float> params_of(const Genome& g) const {
    std::vector<float> p(kDim);
    materialize(g, policy_, &noise_, p);
    return p;
  }
};

const char* kGaNs = "fitness = \"novelty\"\npopulation = 30\ntruncation = 5\nsigma = 0.3\narchive_threshold = 1.0\n";

TEST_F(NoveltyStrategies, GaNsRanksByNoveltyAndKeepsTheBestRewardAsChampion) {
  auto s = make("ga", kGaNs);
  Log log;
  for (int g = 0; g < 6; ++g) {
    const Batch b = s->ask();
    EXPECT_EQ(b.purpose, Purpose::Episode);  // one batch per generation: no elite re-evaluation
    EXPECT_EQ(b.size, 30u);
    PointSet arch;
    for (const auto& e : s->archive()) arch.push_back(e.behaviour);
    std::vector<Result> results;
    std::vector<std::vector<float>> params;
    PointSet pop;
    for (size_t i = 0; i < b.size; ++i) {
      std::vector<float> p(kDim);
      s->decode(i, p);
      results.push_back(evaluate_point(p));
      log.best_reward = std::max(log.best_reward, results.back().fitness);
      pop.push_back(results.back().behaviour);
      params.push_back(p);
    }
    // Expected novelty: 15 nearest among the archive before this generation plus the population.
    PointSet ref = arch.empty() ? PointSet(2) : arch;
    ref.append(pop);
    std::vector<size_t> self(pop.size());
    for (size_t i = 0; i < self.size(); ++i) self[i] = arch.size() + i;
    const auto nov = knn_novelty(ref, pop, self, 15, KnnIndex::Exact);
    const size_t most_novel = static_cast<size_t>(std::max_element(nov.begin(), nov.end()) - nov.begin());
    EXPECT_TRUE(s->tell(results));
    // The elite (candidate 0 of the next generation) is the most novel member.
    std::vector<float> elite(kDim);
    s->decode(0, elite);
    EXPECT_EQ(elite, params[most_novel]) << "generation " << g;
  }
  EXPECT_GT(s->archive().size(), 5u);
  // The champion is the best-reward member ever seen, not the most novel one.
  EXPECT_EQ(evaluate_point(params_of(s->champion())).fitness, log.best_reward);
  // Missing descriptors are a usage error, not a silent failure.
  auto t = make("ga", kGaNs);
  std::vector<Result> none(30);
  EXPECT_THROW(t->tell(none), UsageError);
}

TEST_F(NoveltyStrategies, GaNsResumesExactly) { expect_exact_resume("ga", kGaNs, 3, 3); }

TEST_F(NoveltyStrategies, GaNsProbabilityRuleResumesExactly) {
  expect_exact_resume("ga", std::string(kGaNs) + "archive_rule = \"probability\"\narchive_probability = 0.1\n", 3, 3);
}

TEST_F(NoveltyStrategies, GaNsStateIsCheckedAgainstTheConfig) {
  auto ns = make("ga", kGaNs);
  auto reward = make("ga", "population = 30\ntruncation = 5\nsigma = 0.3\n");
  EXPECT_THROW(reward->load(ns->save()), UsageError);
  EXPECT_THROW(ns->load(reward->save()), UsageError);
}

const char* kNsEs = "population = 20\ncentres = 3\nsigma = 0.1\nlearning_rate = 0.05\nnovelty_k = 5\n";

TEST_F(NoveltyStrategies, NsEsBatchesArchiveAndChampion) {
  auto s = make("ns_es", kNsEs);
  Log log;
  drive(*s, kDim, 4, log);
  // Initial centres (3, Elite), then per generation 20 perturbations (Episode) and the centre (Elite).
  ASSERT_EQ(log.batches.size(), 1u + 2u * 4u);
  EXPECT_EQ(log.batches[0].size, 3u);
  EXPECT_EQ(log.batches[0].purpose, Purpose::Elite);
  for (int g = 0; g < 4; ++g) {
    EXPECT_EQ(log.batches[1 + 2 * g].size, 20u);
    EXPECT_EQ(log.batches[1 + 2 * g].purpose, Purpose::Episode);
    EXPECT_EQ(log.batches[2 + 2 * g].size, 1u);
  }
  // Perturbations come in antithetic pairs around the chosen centre.
  const auto& p0 = log.params[3], &p1 = log.params[4];
  for (size_t j = 0; j < kDim; ++j) EXPECT_NEAR(0.5f * (p0[j] + p1[j]), 0.5f * (log.params[5][j] + log.params[6][j]), 1e-5);
  EXPECT_EQ(s->archive().size(), 3u + 4u);  // the initial centres, then one centre per generation
  EXPECT_EQ(evaluate_point(params_of(s->champion())).fitness, log.best_reward);
}

TEST_F(NoveltyStrategies, NsEsAndNsrEsResumeExactly) {
  expect_exact_resume("ns_es", kNsEs, 3, 3);
  expect_exact_resume("nsr_es", kNsEs, 3, 3);
}

TEST_F(NoveltyStrategies, NsrEsFollowsRewardMoreThanNsEs) {
  // Same seeds: NSR-ES's reward term pulls its centres towards (3, 3) faster than pure novelty does.
  auto ns = make("ns_es", kNsEs), nsr = make("nsr_es", kNsEs);
  Log a, b;
  drive(*ns, kDim, 30, a);
  drive(*nsr, kDim, 30, b);
  EXPECT_GT(b.best_reward, a.best_reward);
}

// Why ns_es and nsr_es can report identical populations in short runs (3 generations of the hard-maze
// examples): each generation perturbs the centre it draws, and a centre that has not been updated yet is
// the same initial point in both, with the same perturbation seeds. Only an updated centre differs (its
// step used novelty ranks or the mean of novelty and reward ranks). With one centre, generation 1 already
// samples an updated centre, so the populations must differ there while generation 0's are equal.
TEST_F(NoveltyStrategies, NsEsAndNsrEsShareFreshCentresAndDivergeAfterAnUpdate) {
  const char* one = "population = 20\ncentres = 1\nsigma = 0.1\nlearning_rate = 0.05\nnovelty_k = 5\n";
  auto ns = make("ns_es", one), nsr = make("nsr_es", one);
  Log a, b;
  drive(*ns, kDim, 2, a);
  drive(*nsr, kDim, 2, b);
  ASSERT_EQ(a.params.size(), 1u + 2u * (20u + 1u));
  ASSERT_EQ(b.params.size(), a.params.size());
  for (size_t i = 0; i < 1 + 20; ++i) EXPECT_EQ(a.params[i], b.params[i]) << "initial centre and generation 0";
  EXPECT_NE(a.params[21], b.params[21]) << "the updated centres are equal: the reward ranks were ignored";
  for (size_t i = 22; i < 42; ++i) EXPECT_NE(a.params[i], b.params[i]) << "generation 1, candidate " << i - 22;
}

const char* kMapElites = "population = 4\nsigma = 0.01\nlow = [0, 0]\nhigh = [10, 10]\ncells = [2, 2]\n";

TEST_F(NoveltyStrategies, MapElitesInsertionAndReplacement) {
  auto s = make("map_elites", kMapElites);
  auto result = [](std::vector<double> b, double f) {
    Result r;
    r.behaviour = std::move(b);
    r.fitness = f;
    r.valid = std::isfinite(f);
    return r;
  };
  std::vector<std::vector<float>> gen0(4, std::vector<float>(kDim));
  for (size_t i = 0; i < 4; ++i) s->decode(i, gen0[i]);
  // Cell 0 gets (1,1) f 5, then (2,2) f 7 replaces it; (9,1) f 3 goes to cell 2; an invalid result is
  // never inserted.
  s->tell(std::vector<Result>{result({1, 1}, 5), result({2, 2}, 7), result({9, 1}, 3),
                              result({9, 9}, std::nan(""))});
  auto arch = s->archive();
  ASSERT_EQ(arch.size(), 2u);
  EXPECT_EQ(arch[0].behaviour, (std::vector<double>{2, 2}));
  EXPECT_EQ(arch[0].fitness, 7.0);
  EXPECT_EQ(arch[1].behaviour, (std::vector<double>{9, 1}));
  EXPECT_EQ(params_of(s->champion()), gen0[1]);
  // Generation 1: children of the two elites (sigma 0.01: each within 0.1 of one of them).
  std::vector<std::vector<float>> gen1(4, std::vector<float>(kDim));
  for (size_t i = 0; i < 4; ++i) {
    s->decode(i, gen1[i]);
    double nearest = 1e9;
    for (size_t e : {1u, 2u}) {
      double d = 0;
      for (size_t j = 0; j < kDim; ++j) d += (gen1[i][j] - gen0[e][j]) * (gen1[i][j] - gen0[e][j]);
      nearest = std::min(nearest, std::sqrt(d));
    }
    EXPECT_LT(nearest, 0.1) << "child " << i;
    EXPECT_GT(nearest, 0.0) << "child " << i;
  }
  // A tie keeps the incumbent; outside the bounds is clamped into the edge cell; better replaces.
  s->tell(std::vector<Result>{result({3, 3}, 7), result({-5, 20}, 10), result({9, 2}, 4), result({2, 2}, 6)});
  arch = s->archive();
  ASSERT_EQ(arch.size(), 3u);
  EXPECT_EQ(arch[0].behaviour, (std::vector<double>{2, 2}));  // cell 0: the tie (3,3) f 7 did not replace
  EXPECT_EQ(arch[1].behaviour, (std::vector<double>{-5, 20}));  // cell 1 (x low, y high)
  EXPECT_EQ(arch[2].behaviour, (std::vector<double>{9, 2}));   // cell 2: 4 > 3 replaced
  EXPECT_EQ(params_of(s->champion()), gen1[1]);
}

TEST_F(NoveltyStrategies, MapElitesResumesExactly) {
  expect_exact_resume("map_elites", "population = 10\nsigma = 0.2\nlow = [-3, -3]\nhigh = [3, 3]\ncells = [5, 5]\n", 3, 3);
}

// A state in the hand-written format of earlier builds (no "version") is refused by name, exit 2.
TEST_F(NoveltyStrategies, MapElitesRefusesAnUnversionedCheckpoint) {
  auto s = make("map_elites", kMapElites);
  const nlohmann::json old = {{"strategy", "map_elites"}, {"seed", 0},  {"generation", 1},
                              {"population", 4},          {"grid", 4}, {"cells", nlohmann::json::array()}};
  try {
    s->load(old);
    ADD_FAILURE() << "an unversioned map_elites state was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("map_elites state: no format version"), std::string::npos) << e.what();
  }
  EXPECT_EQ(s->generation(), 0u);
}

TEST_F(NoveltyStrategies, MapElitesNeedsTheGrid) {
  EXPECT_THROW(make("map_elites", "population = 4\n"), UsageError);
  EXPECT_THROW(make("map_elites", "low = [0]\nhigh = [1, 1]\ncells = [2, 2]\n"), UsageError);
  EXPECT_THROW(make("map_elites", "low = [0, 0]\nhigh = [1, 1]\ncells = [2, 2]\nsigmaa = 1\n"), UsageError);
}

TEST(NoveltyConfig, BadKeysAreUsageErrors) {
  auto read = [](const std::string& toml) {
    Config cfg = Config::from_string("[strategy]\n" + toml);
    ConfigSection s = cfg.section("strategy");
    return read_novelty_settings(s);
  };
  EXPECT_EQ(read("").k, 15u);
  EXPECT_EQ(read("").threshold, 6.0);
  EXPECT_THROW(read("novelty_k = 0\n"), UsageError);
  EXPECT_THROW(read("archive_rule = \"sometimes\"\n"), UsageError);
  EXPECT_THROW(read("novelty_index = \"ball\"\n"), UsageError);
  EXPECT_THROW(read("archive_probability = 1.5\n"), UsageError);
  EXPECT_THROW(read("archive_threshold = 1\narchive_floor = 2\n"), UsageError);
}

}  // namespace
}  // namespace neuroevo
