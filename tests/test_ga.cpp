// Tests of the seed-chain genome and the Deep GA (Such et al. 2017), without environments: the policy's
// parameters are the point itself and fitness is computed here.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/builtin.hpp"
#include "neuroevo/strategies/genome.hpp"

#include "point_policy.hpp"

namespace neuroevo {
namespace {

using test_util::PointPolicy;

std::vector<uint32_t> bits(std::span<const float> v) {
  std::vector<uint32_t> b;
  for (float x : v) b.push_back(std::bit_cast<uint32_t>(x));
  return b;
}
std::vector<uint32_t> bits(const Genome& g, const Policy& p, const NoiseTable& t) {
  std::vector<float> out(p.num_params());
  materialize(g, p, &t, out);
  return bits(out);
}

// f(x) = -||x - 1||^2, maximised at x = (1, ..., 1).
double sphere(std::span<const float> x) {
  double s = 0.0;
  for (float v : x) s += (v - 1.0) * (v - 1.0);
  return -s;
}

Result result_of(double fitness) {
  Result r;
  r.fitness = fitness;
  r.valid = std::isfinite(fitness);
  r.episodes = 1;
  return r;
}

// Decoded parameters of both batches of one generation.
struct GenerationLog {
  std::vector<std::vector<float>> population, elites;
};

// Fitness of candidate i of a batch with these parameters.
using FitnessFn = std::function<Result(std::span<const float> params, const Batch& batch, size_t i)>;

GenerationLog run_generation(Strategy& s, size_t n, const FitnessFn& f) {
  GenerationLog log;
  for (int b = 0; b < 2; ++b) {
    const Batch batch = s.ask();
    std::vector<std::vector<float>> params(batch.size, std::vector<float>(n));
    std::vector<Result> results;
    for (size_t i = 0; i < batch.size; ++i) {
      s.decode(i, params[i]);
      results.push_back(f(params[i], batch, i));
    }
    const bool done = s.tell(results);
    EXPECT_EQ(done, b == 1);
    (b == 0 ? log.population : log.elites) = std::move(params);
  }
  return log;
}

FitnessFn sphere_fitness() {
  return [](std::span<const float> x, const Batch&, size_t) { return result_of(sphere(x)); };
}

class GaTest : public ::testing::Test {
 protected:
  static constexpr size_t kDim = 5;
  static constexpr uint64_t kSeed = 42;
  PointPolicy policy_{kDim};
  NoiseTable noise_{7, size_t{1} << 16};

  std::unique_ptr<Strategy> make(const std::string& toml, uint64_t seed = kSeed) const {
    return make_with(toml, policy_, noise_, seed);
  }
  static std::unique_ptr<Strategy> make_with(const std::string& toml, const Policy& policy, const NoiseTable& noise,
                                             uint64_t seed = kSeed) {
    Config cfg = Config::from_string("[strategy]\n" + toml);
    ConfigSection section = cfg.section("strategy");
    return find_strategy("ga").make(section, StrategyContext{seed, &policy, &noise, policy.num_params()});
  }
};

// ---- Genome encodings ------------------------------------------------------------------------------

Genome random_chain(size_t steps, uint64_t seed) {
  Stream s(seed);
  Genome g = Genome::make_chain(s.next_u32());
  for (size_t k = 0; k < steps; ++k) g.steps.push_back({s.next_u32(), static_cast<float>(s.uniform(1e-4, 1.0))});
  return g;
}

TEST(GenomeBytes, ChainIsLittleEndianAndEightBytesPerStep) {
  const Genome g = Genome::make_chain(0x04030201u, {{0x08070605u, 1.0f}});
  const std::vector<uint8_t> expected = {2, 1, 2, 3, 4, 1, 0, 0, 0, 5, 6, 7, 8, 0x00, 0x00, 0x80, 0x3f};
  EXPECT_EQ(g.to_bytes(), expected);

  const Genome g50 = random_chain(50, 3);
  const auto bytes = g50.to_bytes();
  EXPECT_EQ(bytes.size(), 409u);  // 1 kind + 4 init seed + 4 count + 50 * 8: no dependence on network size
  EXPECT_EQ(Genome::from_bytes(bytes), g50);
}

TEST(GenomeBytes, DenseRoundTripIsBitExact) {
  const std::vector<float> v = {0.0f, -0.0f, 1.5f, std::numeric_limits<float>::denorm_min(),
                                std::numeric_limits<float>::max(), -std::numeric_limits<float>::infinity(),
                                std::numeric_limits<float>::quiet_NaN()};
  const auto bytes = Genome::make_dense(v).to_bytes();
  EXPECT_EQ(bytes.size(), 1 + 4 + 4 * v.size());
  const Genome back = Genome::from_bytes(bytes);
  EXPECT_EQ(back.kind, Genome::Kind::Dense);
  EXPECT_EQ(bits(back.dense), bits(v));
}

TEST(GenomeBytes, TruncatedOrMalformedInputThrowsUsageError) {
  for (const Genome& g : {random_chain(4, 1), Genome::make_dense({1.0f, 2.0f, 3.0f})}) {
    const auto bytes = g.to_bytes();
    for (size_t len = 0; len < bytes.size(); ++len)
      EXPECT_THROW(Genome::from_bytes(std::span(bytes).first(len)), UsageError) << "prefix of " << len << " bytes";
    auto longer = bytes;
    longer.push_back(0);
    EXPECT_THROW(Genome::from_bytes(longer), UsageError) << "trailing byte";
  }
  for (uint8_t kind : {0, 3, 255}) {
    const std::vector<uint8_t> b = {kind, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_THROW(Genome::from_bytes(b), UsageError);
  }
  // Huge counts with nothing behind them must fail before allocating.
  EXPECT_THROW(Genome::from_bytes(std::vector<uint8_t>{1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}), UsageError);
  EXPECT_THROW(Genome::from_bytes(std::vector<uint8_t>{2, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 2}), UsageError);
  // Random garbage: either a UsageError or a genome that encodes back to the same bytes.
  Stream s(99);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> b(s.below(40));
    for (auto& x : b) x = static_cast<uint8_t>(s.below(trial % 2 ? 4 : 256));
    try {
      EXPECT_EQ(Genome::from_bytes(b).to_bytes(), b);
    } catch (const UsageError&) {
    }
  }
}

TEST(GenomeJson, RoundTripIsExact) {
  Stream s(5);
  Genome chain = random_chain(30, 8);
  for (auto& step : chain.steps) {  // arbitrary finite float32 bit patterns as sigmas
    float f;
    do f = std::bit_cast<float>(s.next_u32()); while (!std::isfinite(f));
    step.sigma = f;
  }
  chain.steps.push_back({0xffffffffu, 0.002f});
  const Genome back = Genome::from_json(nlohmann::json::parse(chain.to_json().dump()));
  ASSERT_EQ(back.steps.size(), chain.steps.size());
  EXPECT_EQ(back.init_seed, chain.init_seed);
  for (size_t k = 0; k < chain.steps.size(); ++k) {
    EXPECT_EQ(back.steps[k].seed, chain.steps[k].seed);
    EXPECT_EQ(std::bit_cast<uint32_t>(back.steps[k].sigma), std::bit_cast<uint32_t>(chain.steps[k].sigma));
  }
  EXPECT_NE(chain.to_json().dump().find("0.002]"), std::string::npos) << "sigmas are written in short form";

  const std::vector<float> v = {0.1f, -0.0f, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max(),
                                std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                                std::numeric_limits<float>::quiet_NaN()};
  const Genome dense = Genome::from_json(nlohmann::json::parse(Genome::make_dense(v).to_json().dump()));
  EXPECT_EQ(dense.kind, Genome::Kind::Dense);
  EXPECT_EQ(bits(dense.dense), bits(v));
}

TEST(GenomeJson, MalformedStructureThrowsUsageError) {
  const char* bad[] = {
      R"([])", R"(3)", R"({})", R"({"kind": "weird"})", R"({"kind": 2})", R"({"kind": "dense"})",
      R"({"kind": "dense", "params": 3})", R"({"kind": "dense", "params": ["x"]})",
      R"({"kind": "dense", "params": [1e300]})", R"({"kind": "dense", "params": [null]})",
      R"({"kind": "seed_chain", "steps": []})", R"({"kind": "seed_chain", "init_seed": -1, "steps": []})",
      R"({"kind": "seed_chain", "init_seed": 4294967296, "steps": []})",
      R"({"kind": "seed_chain", "init_seed": 1.5, "steps": []})", R"({"kind": "seed_chain", "init_seed": "1", "steps": []})",
      R"({"kind": "seed_chain", "init_seed": 1})", R"({"kind": "seed_chain", "init_seed": 1, "steps": {}})",
      R"({"kind": "seed_chain", "init_seed": 1, "steps": [[1]]})",
      R"({"kind": "seed_chain", "init_seed": 1, "steps": [[1, 0.1, 2]]})",
      R"({"kind": "seed_chain", "init_seed": 1, "steps": [["1", 0.1]]})",
      R"({"kind": "seed_chain", "init_seed": 1, "steps": [[1, "big"]]})",
      R"({"kind": "seed_chain", "init_seed": 1, "steps": [{"seed": 1, "sigma": 0.1}]})",
  };
  for (const char* text : bad) EXPECT_THROW(Genome::from_json(nlohmann::json::parse(text)), UsageError) << text;
}

// ---- materialize ----------------------------------------------------------------------------------

TEST_F(GaTest, MaterializeChainEqualsManualReplay) {
  const PointPolicy policy(37);
  const Genome g = random_chain(6, 11);
  std::vector<float> expected(37);
  policy.init_params(g.init_seed, expected);
  for (const auto& step : g.steps) {
    const auto eps = noise_.for_seed(step.seed, expected.size());
    for (size_t i = 0; i < expected.size(); ++i) expected[i] = expected[i] + step.sigma * eps[i];
  }
  EXPECT_EQ(bits(g, policy, noise_), bits(expected));

  // Without steps the chain is just the initialisation and needs no noise table.
  std::vector<float> init(37), direct(37);
  materialize(Genome::make_chain(g.init_seed), policy, nullptr, init);
  policy.init_params(g.init_seed, direct);
  EXPECT_EQ(bits(init), bits(direct));
}

TEST_F(GaTest, MaterializeChecksSizesAndNoise) {
  std::vector<float> out(kDim);
  materialize(Genome::make_dense({1, 2, 3, 4, 5}), policy_, nullptr, out);
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4, 5}));
  EXPECT_THROW(materialize(Genome::make_dense({1, 2}), policy_, nullptr, out), UsageError);
  std::vector<float> wrong(kDim + 1);
  EXPECT_THROW(materialize(random_chain(2, 1), policy_, &noise_, wrong), UsageError);
  EXPECT_THROW(materialize(random_chain(2, 1), policy_, nullptr, out), UsageError);
}

// ---- Deep GA ----------------------------------------------------------------------------------------

TEST_F(GaTest, BatchesFollowTheGenerationProtocol) {
  auto ga = make("population = 12\ntruncation = 3\nelite_candidates = 4\nelite_episodes = 7\n");
  const Batch b1 = ga->ask();
  EXPECT_EQ(b1.size, 12u);
  EXPECT_EQ(b1.episodes, 0u);
  EXPECT_EQ(b1.purpose, Purpose::Episode);
  // Generation 0 is N random initialisations keyed by (seed, 0, i, Init).
  for (size_t i = 0; i < b1.size; ++i) {
    std::vector<float> got(kDim), want(kDim);
    ga->decode(i, got);
    policy_.init_params(Stream(kSeed, 0, i, Purpose::Init).next_u32(), want);
    EXPECT_EQ(bits(got), bits(want)) << i;
  }
  EXPECT_FALSE(ga->tell(std::vector<Result>(12, result_of(0.0))));
  const Batch b2 = ga->ask();
  EXPECT_EQ(b2.size, 4u);
  EXPECT_EQ(b2.episodes, 7u);
  EXPECT_EQ(b2.purpose, Purpose::Elite);
  EXPECT_EQ(ga->generation(), 0u);
  EXPECT_TRUE(ga->tell(std::vector<Result>(4, result_of(0.0))));
  EXPECT_EQ(ga->generation(), 1u);
  EXPECT_EQ(ga->ask().size, 12u);

  // More elite candidates than the population re-evaluates the whole population.
  auto small = make("population = 5\ntruncation = 2\nelite_candidates = 10\n");
  small->tell(std::vector<Result>(5, result_of(1.0)));
  EXPECT_EQ(small->ask().size, 5u);
}

TEST_F(GaTest, ImprovesSteadilyOnSphere) {
  auto ga = make("population = 40\ntruncation = 8\nsigma = 0.05\nelite_candidates = 5\nelite_episodes = 2\n");
  std::vector<double> scores;
  for (int g = 0; g <= 25; ++g) {
    run_generation(*ga, kDim, sphere_fitness());
    const double score = ga->save()["elite_score"].get<double>();
    // The elite's score is its true fitness (deterministic here)...
    std::vector<float> champion(kDim);
    materialize(ga->champion(), policy_, &noise_, champion);
    EXPECT_EQ(score, sphere(champion));
    // ...and never gets worse: the elite is carried over and re-ranked with the population.
    if (!scores.empty()) {
      EXPECT_GE(score, scores.back()) << "generation " << g;
    }
    scores.push_back(score);
  }
  EXPECT_LT(scores[0], -1.0);  // the best of 40 random points in 5-D is far from (1, ..., 1)
  // Steady progress: strictly better every 5 generations until sigma's noise floor (~1e-3 here).
  for (size_t g = 5; g < scores.size(); g += 5) EXPECT_GT(scores[g], scores[g - 5]) << "stalled at " << g;
  EXPECT_GT(scores.back(), -0.01);
}

TEST_F(GaTest, EliteIsBestReEvaluatedCandidateAndIsCarriedOverExactly) {
  auto ga = make("population = 20\ntruncation = 5\nelite_candidates = 6\n");
  // Re-evaluation disagrees with training: batch-2 candidate 3 scores best.
  const FitnessFn f = [](std::span<const float> x, const Batch& b, size_t i) {
    return result_of(b.purpose == Purpose::Elite ? -std::abs(double(i) - 3.0) : sphere(x));
  };
  const GenerationLog g0 = run_generation(*ga, kDim, f);
  // Batch 2 holds the top 6 of batch 1 in training order.
  std::vector<double> train;
  for (const auto& x : g0.population) train.push_back(sphere(x));
  std::vector<double> sorted = train;
  std::sort(sorted.rbegin(), sorted.rend());
  for (size_t j = 0; j < 6; ++j) EXPECT_EQ(sphere(g0.elites[j]), sorted[j]);

  EXPECT_EQ(ga->save()["elite_score"].get<double>(), 0.0);
  EXPECT_EQ(bits(ga->champion(), policy_, noise_), bits(g0.elites[3]));
  const GenerationLog g1 = run_generation(*ga, kDim, f);
  EXPECT_EQ(bits(g1.population[0]), bits(g0.elites[3])) << "candidate 0 is the elite, unchanged";

  // Ties in re-evaluation go to the better training rank (batch-2 candidate 0).
  auto tie = make("population = 20\ntruncation = 5\nelite_candidates = 6\n");
  const GenerationLog t0 = run_generation(
      *tie, kDim, [](std::span<const float> x, const Batch& b, size_t) {
        return result_of(b.purpose == Purpose::Elite ? 1.0 : sphere(x));
      });
  EXPECT_EQ(bits(tie->champion(), policy_, noise_), bits(t0.elites[0]));
}

TEST_F(GaTest, EliteJoinsParentsEvenWhenRankedBelowTruncation) {
  auto ga = make("population = 16\ntruncation = 2\nelite_candidates = 5\nsigma = 0.25\n");
  const GenerationLog g0 = run_generation(*ga, kDim, [](std::span<const float> x, const Batch& b, size_t i) {
    return result_of(b.purpose == Purpose::Elite ? double(i) : sphere(x));  // candidate 4 (rank 5) wins
  });
  // Parents: the elite (first), then the best of the training ranking; the elite took the 2nd place.
  const auto state = ga->save();
  ASSERT_EQ(state["parents"].size(), 2u);
  EXPECT_EQ(Genome::from_json(state["parents"][0]), ga->champion());
  EXPECT_EQ(bits(ga->champion(), policy_, noise_), bits(g0.elites[4]));
  EXPECT_EQ(bits(Genome::from_json(state["parents"][1]), policy_, noise_), bits(g0.elites[0]));
  // Every child of generation 1 is a parent + sigma * eps(mutation seed).
  const float sigma = 0.25f;
  size_t children_of_elite = 0;
  for (size_t i = 1; i < 16; ++i) {
    std::vector<float> got(kDim), want(kDim);
    ga->decode(i, got);
    const size_t p = Stream(kSeed, 1, i, Purpose::Selection).below(2);
    children_of_elite += p == 0;
    add_scaled(p == 0 ? g0.elites[4] : g0.elites[0], sigma,
               noise_.for_seed(Stream(kSeed, 1, i, Purpose::Mutation).next_u32(), kDim), want);
    EXPECT_EQ(bits(got), bits(want)) << i;
  }
  EXPECT_GT(children_of_elite, 0u);
  EXPECT_LT(children_of_elite, 15u);
}

TEST_F(GaTest, ChildrenDecodeExactlyAsTheirChainsRebuild) {
  const std::string cfg = "population = 30\ntruncation = 6\nsigma = 0.1\n";
  auto ga = make(cfg);
  for (int g = 0; g < 4; ++g) run_generation(*ga, kDim, sphere_fitness());
  const auto state = ga->save();
  std::vector<Genome> parents;
  for (const auto& p : state["parents"]) parents.push_back(Genome::from_json(p));
  ASSERT_EQ(parents.size(), 6u);
  EXPECT_EQ(parents[0], ga->champion());
  std::vector<float> got(kDim);
  ga->decode(0, got);
  EXPECT_EQ(bits(got), bits(parents[0], policy_, noise_));
  for (size_t i = 1; i < 30; ++i) {
    Genome child = parents[Stream(kSeed, 4, i, Purpose::Selection).below(6)];
    child.steps.push_back({Stream(kSeed, 4, i, Purpose::Mutation).next_u32(), 0.1f});
    ga->decode(i, got);
    EXPECT_EQ(bits(got), bits(child, policy_, noise_)) << "child " << i;
  }
}

TEST_F(GaTest, CacheSizeNeverChangesResults) {
  // n = 2^17 floats = 512 KiB per parent: cache_mb = 1 caches 2 of the 4 parents, 0 caches none.
  const PointPolicy big(size_t{1} << 17);
  const NoiseTable table(3, (size_t{1} << 17) + 4096);
  const std::string base = "population = 6\ntruncation = 4\nelite_candidates = 2\nsigma = 0.1\n";
  std::vector<std::unique_ptr<Strategy>> gas;
  for (const char* cache : {"cache_mb = 0\n", "cache_mb = 1\n", ""})
    gas.push_back(make_with(base + cache, big, table));
  for (int g = 0; g < 3; ++g) {
    std::vector<GenerationLog> logs;
    for (auto& ga : gas) logs.push_back(run_generation(*ga, big.num_params(), sphere_fitness()));
    for (size_t k = 1; k < logs.size(); ++k) {
      for (size_t i = 0; i < logs[0].population.size(); ++i)
        ASSERT_EQ(bits(logs[k].population[i]), bits(logs[0].population[i])) << "gen " << g << " candidate " << i;
      for (size_t i = 0; i < logs[0].elites.size(); ++i)
        ASSERT_EQ(bits(logs[k].elites[i]), bits(logs[0].elites[i])) << "gen " << g << " elite candidate " << i;
      EXPECT_EQ(gas[k]->save(), gas[0]->save());
    }
  }
}

TEST_F(GaTest, SaveLoadContinuesBitIdentically) {
  const std::string cfg = "population = 24\ntruncation = 5\nelite_candidates = 4\nsigma = 0.1\n";
  for (const auto& [mid_generation, cache] : {std::pair{false, ""}, std::pair{true, ""}, std::pair{false, "cache_mb = 0\n"},
                                              std::pair{true, "cache_mb = 0\n"}}) {
    auto a = make(cfg);
    for (int g = 0; g < 3; ++g) run_generation(*a, kDim, sphere_fitness());
    if (mid_generation) {  // stop between the population batch and the elite batch
      std::vector<Result> r;
      std::vector<float> x(kDim);
      for (size_t i = 0; i < a->ask().size; ++i) {
        a->decode(i, x);
        r.push_back(result_of(sphere(x)));
      }
      ASSERT_FALSE(a->tell(r));
    }
    const auto state = nlohmann::json::parse(a->save().dump());
    auto b = make(cfg + cache);  // a fresh strategy; its cache is rebuilt from the chains
    b->load(state);
    EXPECT_EQ(b->generation(), a->generation());
    EXPECT_EQ(b->champion(), a->champion());
    EXPECT_EQ(b->save(), a->save());
    for (int g = 0; g < 3; ++g) {
      const Batch ba = a->ask(), bb = b->ask();
      ASSERT_EQ(ba.size, bb.size);
      ASSERT_EQ(ba.purpose, bb.purpose);
      std::vector<Result> r;
      std::vector<float> xa(kDim), xb(kDim);
      for (size_t i = 0; i < ba.size; ++i) {
        a->decode(i, xa);
        b->decode(i, xb);
        ASSERT_EQ(bits(xa), bits(xb)) << "mid " << mid_generation << " step " << g << " candidate " << i;
        r.push_back(result_of(sphere(xa)));
      }
      EXPECT_EQ(a->tell(r), b->tell(r));
    }
    EXPECT_EQ(b->save(), a->save());
  }
}

TEST_F(GaTest, LoadRejectsForeignOrCorruptState) {
  const std::string cfg = "population = 10\ntruncation = 3\n";
  auto a = make(cfg);
  run_generation(*a, kDim, sphere_fitness());
  const auto good = a->save();

  auto b = make(cfg);
  const auto before = b->save();
  EXPECT_THROW(make("population = 11\ntruncation = 3\n")->load(good), UsageError);
  EXPECT_THROW(make(cfg, kSeed + 1)->load(good), UsageError);
  auto broken = [&](auto edit) {
    nlohmann::json s = good;
    edit(s);
    EXPECT_THROW(b->load(s), UsageError) << s.dump();
  };
  broken([](auto& s) { s["parents"] = 5; });
  broken([](auto& s) { s["parents"].erase(0); });
  broken([](auto& s) { s["parents"][1] = nlohmann::json{{"kind", "dense"}, {"params", {1, 2, 3, 4, 5}}}; });
  broken([](auto& s) { s["phase"] = 2; });
  broken([](auto& s) { s["phase"] = 1; });  // phase 1 needs the training ranking
  broken([](auto& s) { s["generation"] = -1; });
  broken([](auto& s) { s["elite_score"] = "best"; });
  broken([](auto& s) { s.erase("seed"); });
  broken([](auto& s) { s["strategy"] = "openai_es"; });
  EXPECT_THROW(b->load(nlohmann::json::array()), UsageError);
  EXPECT_EQ(b->save(), before) << "a failed load leaves the strategy unchanged";
}

// A checkpoint of the hand-written format ga wrote before it moved onto the state schema (version 1,
// the settings as top-level keys, no "params" record) is refused with exit code 2 and a message that
// says why, and leaves the strategy unchanged.
TEST_F(GaTest, CheckpointFromBeforeTheStateSchemaIsRefusedClearly) {
  const nlohmann::json old = nlohmann::json::parse(R"({"strategy": "ga", "version": 1, "seed": 42,
      "population": 10, "truncation": 3, "sigma": 0.002, "elite_candidates": 10, "generation": 0, "phase": 0,
      "parents": [], "elite_score": null, "ranks": []})");
  auto ga = make("population = 10\ntruncation = 3\n");
  const auto before = ga->save();
  try {
    ga->load(old);
    FAIL() << "an old-format ga checkpoint was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("before the state schema"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("start the run afresh"), std::string::npos) << e.what();
  }
  EXPECT_EQ(ga->save(), before);
}

TEST_F(GaTest, InvalidResultsRankLast) {
  auto ga = make("population = 12\ntruncation = 3\nelite_candidates = 2\n");
  // Only candidate 7 has a valid (if terrible) result; NaN, +inf and results flagged invalid rank below it.
  const GenerationLog g0 = run_generation(*ga, kDim, [](std::span<const float>, const Batch& b, size_t i) {
    if (b.purpose == Purpose::Elite) return result_of(i == 0 ? -1e9 : std::nan(""));
    if (i == 7) return result_of(-1e9);
    Result r = result_of(i % 3 == 0 ? std::nan("") : std::numeric_limits<double>::infinity());
    if (i % 3 == 1) r.valid = false;
    if (i % 3 == 2) r.fitness = 1e9, r.valid = false;
    return r;
  });
  EXPECT_EQ(bits(g0.elites[0]), bits(g0.population[7]));
  EXPECT_EQ(bits(ga->champion(), policy_, noise_), bits(g0.population[7]));

  // A generation where everything is invalid still completes; the elite score is -inf and survives save/load.
  run_generation(*ga, kDim, [](std::span<const float>, const Batch&, size_t) { return result_of(std::nan("")); });
  const auto state = nlohmann::json::parse(ga->save().dump());
  EXPECT_EQ(state["elite_score"], "-inf");
  auto b = make("population = 12\ntruncation = 3\nelite_candidates = 2\n");
  b->load(state);
  EXPECT_EQ(b->save(), ga->save());
}

TEST_F(GaTest, BadConfigIsAUsageErrorNamingTheKeys) {
  try {
    make("population = 10\ntruncation = 11\n");
    FAIL() << "truncation > population accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("strategy.truncation"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("strategy.population"), std::string::npos) << e.what();
  }
  for (const char* bad : {"population = 1\n", "truncation = 0\n", "sigma = 0.0\n", "sigma = -0.1\n", "sigma = 1e-60\n",
                          "elite_candidates = 0\n", "elite_episodes = 0\n", "cache_mb = -1\n", "population = \"big\"\n"})
    EXPECT_THROW(make(bad), UsageError) << bad;
  // Defaults are those of Such et al. (2017) for Atari, and are written back into the config.
  Config cfg = Config::from_string("[strategy]\n");
  ConfigSection section = cfg.section("strategy");
  auto ga = find_strategy("ga").make(section, StrategyContext{1, &policy_, &noise_, kDim});
  EXPECT_EQ(ga->ask().size, 1000u);
  EXPECT_EQ(section.get_int("truncation", -1), 20);
  EXPECT_EQ(section.get_double("sigma", -1.0), 0.002);
  EXPECT_EQ(section.get_int("elite_candidates", -1), 10);
  EXPECT_EQ(section.get_int("elite_episodes", -1), 30);
}

TEST_F(GaTest, NoiseTableTooSmallIsAUsageError) {
  const PointPolicy big(100);
  const NoiseTable tiny(1, 50);
  EXPECT_THROW(make_with("population = 4\ntruncation = 2\n", big, tiny), UsageError);
}

}  // namespace
}  // namespace neuroevo
