// Tests of fitness shaping, Adam, OpenAI-ES and random search on toy objectives evaluated directly
// (no environments): a "vector" policy whose parameters are the point being optimised.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "neuroevo/core/adam.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Parameters are a plain vector; initialisation is N(0, 1) from the seed's stream.
class VectorPolicy final : public Policy {
 public:
  explicit VectorPolicy(size_t n) : n_(n) {}
  size_t num_params() const override { return n_; }
  void init_params(uint64_t seed, std::span<float> params) const override {
    Stream s(seed);
    for (float& x : params) x = static_cast<float>(s.normal());
  }
  void act(std::span<const float>, std::span<const float>, std::span<float>, PolicyScratch&) const override {}
  double flops_per_act() const override { return 0.0; }
  std::string describe() const override { return "vector"; }

 private:
  size_t n_;
};

// Fitness -||x - 3||^2: maximum 0 at x = (3, ..., 3).
Result sphere(std::span<const float> x) {
  double s = 0.0;
  for (float v : x) s += (v - 3.0) * (v - 3.0);
  Result r;
  r.fitness = -s;
  r.episodes = 1;
  return r;
}

Result invalid() {
  Result r;
  r.fitness = kNaN;
  r.valid = false;
  return r;
}

// Everything a strategy under test needs, owned in one place.
struct Harness {
  explicit Harness(size_t n, uint64_t seed = 42) : policy(n), noise(7, 1 << 15) {
    ctx.seed = seed;
    ctx.space = &policy;
    ctx.noise = &noise;
    ctx.num_params = n;
  }
  std::unique_ptr<Strategy> make(const std::string& toml, bool es = true) {
    Config cfg = Config::from_string("[strategy]\n" + toml);
    ConfigSection sec = cfg.section("strategy");
    return es ? find_strategy("openai_es").make(sec, ctx) : find_strategy("random_search").make(sec, ctx);
  }
  VectorPolicy policy;
  NoiseTable noise;
  StrategyContext ctx;
};

std::vector<std::vector<float>> decode_all(Strategy& s, size_t n) {
  std::vector<std::vector<float>> xs(s.ask().size, std::vector<float>(n));
  for (size_t i = 0; i < xs.size(); ++i) s.decode(i, xs[i]);
  return xs;
}

std::vector<Result> evaluate(const std::vector<std::vector<float>>& xs) {
  std::vector<Result> r;
  for (const auto& x : xs) r.push_back(sphere(x));
  return r;
}

// One generation on the sphere; returns the candidates that were evaluated.
std::vector<std::vector<float>> step_sphere(Strategy& s, size_t n) {
  const auto xs = decode_all(s, n);
  EXPECT_TRUE(s.tell(evaluate(xs)));
  return xs;
}

nlohmann::json through_text(const nlohmann::json& j) { return nlohmann::json::parse(j.dump()); }

// ---------------------------------------------------------------------------------------------------
// Fitness shaping

TEST(CenteredRanks, SpanMinusHalfToHalfAndSumToZero) {
  const std::vector<double> f = {3.0, -1.0, 10.0, 2.0, 0.5};
  const auto r = centered_ranks(f);
  // ascending order: -1 (idx 1), 0.5 (4), 2 (3), 3 (0), 10 (2) -> ranks 0..4 -> r/4 - 0.5
  const std::vector<double> expect = {0.25, -0.5, 0.5, 0.0, -0.25};
  ASSERT_EQ(r.size(), expect.size());
  double sum = 0.0;
  for (size_t i = 0; i < r.size(); ++i) {
    EXPECT_DOUBLE_EQ(r[i], expect[i]) << i;
    sum += r[i];
  }
  EXPECT_DOUBLE_EQ(sum, 0.0);
}

TEST(CenteredRanks, TiesBrokenByIndex) {
  const std::vector<double> f = {1.0, 1.0, 0.0, 1.0};
  const auto r = centered_ranks(f);
  // 0.0 ranks 0; the three ties take ranks 1, 2, 3 in index order.
  EXPECT_DOUBLE_EQ(r[2], -0.5);
  EXPECT_DOUBLE_EQ(r[0], 1.0 / 3.0 - 0.5);
  EXPECT_DOUBLE_EQ(r[1], 2.0 / 3.0 - 0.5);
  EXPECT_DOUBLE_EQ(r[3], 0.5);
}

TEST(CenteredRanks, NegativeInfinityAndNaNRankLowest) {
  const std::vector<double> f = {-1e300, -kInf, 5.0, kNaN};
  const auto r = centered_ranks(f);
  // -inf and NaN (treated as -inf) tie at the bottom in index order, then -1e300, then 5.
  EXPECT_DOUBLE_EQ(r[1], -0.5);
  EXPECT_DOUBLE_EQ(r[3], 1.0 / 3.0 - 0.5);
  EXPECT_DOUBLE_EQ(r[0], 2.0 / 3.0 - 0.5);
  EXPECT_DOUBLE_EQ(r[2], 0.5);
}

TEST(CenteredRanks, DegenerateSizes) {
  EXPECT_TRUE(centered_ranks(std::vector<double>{}).empty());
  EXPECT_EQ(centered_ranks(std::vector<double>{7.0}), std::vector<double>{0.0});
  EXPECT_EQ(centered_ranks(std::vector<double>{-kInf}), std::vector<double>{0.0});
}

TEST(ArgsortDescending, OrdersByFitnessThenIndex) {
  const std::vector<double> f = {1.0, 3.0, 1.0, -kInf, 3.0, kNaN, 2.0};
  EXPECT_EQ(argsort_descending(f), (std::vector<size_t>{1, 4, 6, 0, 2, 3, 5}));
}

// ---------------------------------------------------------------------------------------------------
// Adam

TEST(Adam, MatchesHandComputedBiasCorrectedSteps) {
  const Adam adam(0.01);  // beta1 0.9, beta2 0.999, eps 1e-8
  AdamMoments m(2);
  std::vector<float> theta = {1.0f, -2.0f};
  // t = 1: m_hat = g, v_hat = g^2, so the step is 0.01 * g / (|g| + 1e-8); a zero gradient does not move.
  adam.step(theta, std::vector<double>{0.5, 0.0}, m);
  EXPECT_NEAR(theta[0], 0.99, 1e-7);
  EXPECT_EQ(theta[1], -2.0f);
  // t = 2, coordinate 0: m = 0.9*0.05 - 0.1 = -0.055, v = 0.999*2.5e-4 + 1e-3 = 1.24975e-3,
  // m_hat = -0.055/0.19, v_hat = 1.24975e-3/1.999e-3 -> theta = 0.99 + 0.0036610354 = 0.9936610354.
  // Coordinate 1: m_hat = 0.025/0.19, v_hat = 6.25e-5/1.999e-3 -> theta = -2 - 0.0074413678.
  adam.step(theta, std::vector<double>{-1.0, 0.25}, m);
  EXPECT_NEAR(theta[0], 0.9936610354, 1e-6);
  EXPECT_NEAR(theta[1], -2.0074413678, 1e-6);
  EXPECT_EQ(m.t, 2u);
  EXPECT_NEAR(m.m[0], -0.055, 1e-15);
  EXPECT_NEAR(m.v[0], 1.24975e-3, 1e-15);
}

TEST(Adam, MomentsOfTheWrongSizeAreRefused) {
  AdamMoments m(3);
  std::vector<float> theta(4, 0.0f);
  EXPECT_THROW(Adam(0.01).step(theta, std::vector<double>(4, 0.0), m), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------
// OpenAI-ES

TEST(OpenAiEs, RejectsBadSettings) {
  Harness h(4);
  EXPECT_THROW(h.make("population = 7"), UsageError);
  EXPECT_THROW(h.make("population = 0"), UsageError);
  EXPECT_THROW(h.make("sigma = 0.0"), UsageError);
  EXPECT_THROW(h.make("sigma = -0.1"), UsageError);
  EXPECT_THROW(h.make("learning_rate = 0"), UsageError);
  EXPECT_THROW(h.make("l2 = -1.0"), UsageError);
  EXPECT_THROW(h.make("beta1 = 1.0"), UsageError);
  EXPECT_THROW(h.make("beta2 = 1.5"), UsageError);
  EXPECT_THROW(h.make("population = \"many\""), UsageError);
  EXPECT_NO_THROW(h.make("population = 2"));
}

TEST(OpenAiEs, ReadsEveryKeyThroughTheConfig) {
  Harness h(4);
  Config cfg = Config::from_string(
      "[strategy]\npopulation = 8\nsigma = 0.1\nlearning_rate = 0.02\nl2 = 0.0\nbeta1 = 0.8\nbeta2 = 0.99\n");
  ConfigSection sec = cfg.section("strategy");
  auto s = find_strategy("openai_es").make(sec, h.ctx);
  EXPECT_NO_THROW(cfg.check_unknown());
  EXPECT_EQ(s->ask().size, 8u);
  EXPECT_EQ(s->ask().episodes, 0u);  // the task's own number of episodes
  EXPECT_EQ(s->ask().purpose, Purpose::Episode);
}

TEST(OpenAiEs, CandidatesAreAntitheticPairsAroundTheCentre) {
  const size_t n = 16;
  Harness h(n);
  auto s = h.make("population = 10\nsigma = 0.05");
  for (int gen = 0; gen < 3; ++gen) {
    const std::vector<float> theta = s->champion().dense;
    ASSERT_EQ(theta.size(), n);
    const auto xs = decode_all(*s, n);
    for (size_t k = 0; k < 5; ++k) {
      const auto eps = h.noise.for_seed(Stream(h.ctx.seed, gen, k, Purpose::Mutation).next_u32(), n);
      for (size_t j = 0; j < n; ++j) {
        EXPECT_NEAR(xs[2 * k][j] + xs[2 * k + 1][j], 2.0f * theta[j], 1e-5f);
        EXPECT_NEAR(xs[2 * k][j] - theta[j], 0.05f * eps[j], 1e-5f);
      }
      EXPECT_NE(xs[2 * k], xs[2 * k + 1]);
    }
    s->tell(evaluate(xs));
  }
}

// An independent re-statement of es_distributed's update: centred ranks over all P returns,
// g = sum_k (w_2k - w_2k+1) eps_k / P, Adam on -g + l2 theta, theta_0 = init(stream_key(seed, 0, 0, Init)).
TEST(OpenAiEs, UpdateMatchesTheReferenceEstimator) {
  const size_t n = 12, p = 16;
  const double lr = 0.03, l2 = 0.005;
  Harness h(n, 9);
  auto s = h.make("population = 16\nsigma = 0.1\nlearning_rate = 0.03");
  std::vector<float> theta(n);
  h.policy.init_params(stream_key(9, 0, 0, Purpose::Init), theta);
  EXPECT_EQ(s->champion().dense, theta);
  const Adam ref(lr);
  AdamMoments moments(n);
  for (uint64_t gen = 0; gen < 4; ++gen) {
    const auto xs = step_sphere(*s, n);
    std::vector<double> f;
    for (const auto& x : xs) f.push_back(sphere(x).fitness);
    const auto w = centered_ranks(f);
    std::vector<double> g(n, 0.0);
    for (size_t k = 0; k < p / 2; ++k) {
      const auto eps = h.noise.for_seed(Stream(9, gen, k, Purpose::Mutation).next_u32(), n);
      for (size_t j = 0; j < n; ++j) g[j] += (w[2 * k] - w[2 * k + 1]) * eps[j];
    }
    for (size_t j = 0; j < n; ++j) g[j] = -(g[j] / p) + l2 * theta[j];
    ref.step(theta, g, moments);
    const auto got = s->champion().dense;
    for (size_t j = 0; j < n; ++j) EXPECT_FLOAT_EQ(got[j], theta[j]) << "generation " << gen << " param " << j;
    EXPECT_EQ(s->generation(), gen + 1);
  }
}

TEST(OpenAiEs, ConvergesOnShiftedSphere) {
  const size_t n = 10;
  Harness h(n);
  auto s = h.make("population = 40\nlearning_rate = 0.05");
  const double start = sphere(s->champion().dense).fitness;
  for (int gen = 0; gen < 250; ++gen) step_sphere(*s, n);
  const auto theta = s->champion().dense;
  for (size_t j = 0; j < n; ++j) EXPECT_NEAR(theta[j], 3.0, 0.1) << j;
  EXPECT_LT(start, -10.0);
  EXPECT_GT(sphere(theta).fitness, -0.05);
}

TEST(OpenAiEs, InvalidResultsRankLastWithoutCrashing) {
  const size_t n = 6;
  Harness h(n);
  auto a = h.make("population = 8");
  auto b = h.make("population = 8");
  for (int gen = 0; gen < 3; ++gen) {
    auto ra = evaluate(decode_all(*a, n));
    auto rb = evaluate(decode_all(*b, n));
    // Invalid in a; the lowest finite value in b: both must rank last, so the updates agree.
    for (size_t i : {size_t{1}, size_t{4}}) {
      ra[i] = invalid();
      rb[i].fitness = -1e300;
    }
    ra[6].fitness = kInf;  // a non-finite return also counts as invalid
    rb[6].fitness = -1e300;
    a->tell(ra);
    b->tell(rb);
    EXPECT_EQ(a->champion(), b->champion());
  }
  std::vector<Result> all_bad(8, invalid());
  EXPECT_NO_THROW(a->tell(all_bad));
  for (float x : a->champion().dense) EXPECT_TRUE(std::isfinite(x));
  EXPECT_NO_THROW(through_text(a->save()));
}

TEST(OpenAiEs, LoadRejectsAnotherConfigsState) {
  Harness h(5);
  auto a = h.make("population = 8");
  auto b = h.make("population = 10");
  EXPECT_THROW(b->load(a->save()), UsageError);
  EXPECT_THROW(b->load(nlohmann::json{{"strategy", "openai_es"}}), UsageError);
  Harness other(6);
  auto c = other.make("population = 8");
  EXPECT_THROW(c->load(a->save()), UsageError);
}

// ---------------------------------------------------------------------------------------------------
// Random search

// The champion is a seed chain of the init seed alone; it needs no noise table to rebuild.
std::vector<float> rebuild(const Genome& g, const Policy& policy) {
  EXPECT_EQ(g.kind, Genome::Kind::SeedChain);
  EXPECT_TRUE(g.steps.empty());
  std::vector<float> out(policy.num_params());
  materialize(g, policy, nullptr, out);
  return out;
}

TEST(RandomSearch, CandidatesAreFreshInitialisations) {
  const size_t n = 5;
  Harness h(n, 3);
  auto s = h.make("population = 4", false);
  EXPECT_EQ(s->ask().size, 4u);
  EXPECT_EQ(s->ask().episodes, 0u);
  EXPECT_THROW(h.make("population = 0", false), UsageError);
  const auto xs = decode_all(*s, n);
  for (size_t i = 0; i < xs.size(); ++i) {
    std::vector<float> expect(n);
    h.policy.init_params(Stream(3, 0, i, Purpose::Init).next_u32(), expect);
    EXPECT_EQ(xs[i], expect) << i;
  }
  // Before any result, the champion is generation 0's first candidate.
  EXPECT_EQ(s->champion(), Genome::make_chain(Stream(3, 0, 0, Purpose::Init).next_u32()));
  EXPECT_EQ(rebuild(s->champion(), h.policy), xs[0]);
  s->tell(evaluate(xs));
  EXPECT_NE(decode_all(*s, n), xs);  // a new generation draws new points
}

TEST(RandomSearch, KeepsTheBestEverSeenAndItsGenomeRebuildsIt) {
  const size_t n = 4;
  Harness h(n);
  auto s = h.make("population = 20", false);
  double best = -kInf, first_gen_best = -kInf;
  std::vector<float> best_x;
  for (int gen = 0; gen < 25; ++gen) {
    const auto xs = decode_all(*s, n);
    const auto rs = evaluate(xs);
    for (size_t i = 0; i < xs.size(); ++i)
      if (rs[i].fitness > best) best = rs[i].fitness, best_x = xs[i];
    if (gen == 0) first_gen_best = best;
    s->tell(rs);
    EXPECT_EQ(rebuild(s->champion(), h.policy), best_x) << "generation " << gen;
  }
  EXPECT_GT(best, first_gen_best);
  EXPECT_EQ(s->generation(), 25u);
}

TEST(RandomSearch, TiesKeepTheEarlierAndInvalidNeverWins) {
  const size_t n = 3;
  Harness h(n);
  auto s = h.make("population = 8", false);
  const Genome first = s->champion();
  std::vector<Result> rs(8, invalid());
  s->tell(rs);  // nothing valid: still generation 0's first candidate
  EXPECT_EQ(s->champion(), first);
  EXPECT_NO_THROW(s->load(through_text(s->save())));  // -inf best survives JSON
  EXPECT_EQ(s->champion(), first);

  auto gen1 = decode_all(*s, n);
  rs.assign(8, invalid());
  rs[2].fitness = 1.0, rs[2].valid = true;
  rs[5].fitness = 1.0, rs[5].valid = true;  // tie: the earlier candidate (2) stays
  s->tell(rs);
  EXPECT_EQ(rebuild(s->champion(), h.policy), gen1[2]);

  rs.assign(8, Result{});
  for (auto& r : rs) r.fitness = 1.0;  // ties with the best: no change
  rs[7] = invalid();
  s->tell(rs);
  EXPECT_EQ(rebuild(s->champion(), h.policy), gen1[2]);

  auto gen3 = decode_all(*s, n);
  rs.assign(8, Result{});
  rs[6].fitness = 1.5;
  s->tell(rs);
  EXPECT_EQ(rebuild(s->champion(), h.policy), gen3[6]);
}

}  // namespace
}  // namespace neuroevo
