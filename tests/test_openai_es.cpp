// Tests of OpenAI-ES (strategies/openai_es.cpp) on the shifted sphere, evaluated directly.
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

#include "vector_test_util.hpp"

namespace neuroevo {
namespace {

using namespace vector_test;

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

}  // namespace
}  // namespace neuroevo
