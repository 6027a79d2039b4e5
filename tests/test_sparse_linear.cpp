// The sparse_linear genome type (structured candidates): encodings and its phenotype, checked against a
// naive dense reference a = W x + b built from the connection list independently of the policy code.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/genomes/sparse_linear.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo {
namespace {

SparseLinearGenome sample_genome() {
  SparseLinearGenome g(4, 3);
  g.bias() = {0.5f, -0.25f, 0.0f};
  g.connections() = {{0, 0, 1.5f}, {3, 0, -2.0f}, {1, 1, 0.75f}, {2, 2, 3.0f}, {3, 2, -0.5f}};
  g.check();
  return g;
}

TEST(SparseLinearGenome, BytesRoundTripExactlyThroughTheGenomeRecord) {
  const SparseLinearGenome g = sample_genome();
  const Genome rec = g.genome();
  EXPECT_EQ(rec.kind, Genome::Kind::Structured);
  EXPECT_EQ(rec.type, "sparse_linear");
  // 4 + 4 + 3 * 4 bias + 4 count + 5 * 12 connections.
  EXPECT_EQ(rec.bytes.size(), 84u);
  const Genome back = Genome::from_bytes(rec.to_bytes());
  EXPECT_EQ(back, rec);
  EXPECT_EQ(Genome::from_json(rec.to_json()), rec);
  const auto rebuilt = decode_genome(back);
  EXPECT_EQ(rebuilt->to_bytes(), g.to_bytes());
}

TEST(SparseLinearGenome, MalformedBytesAreUsageErrors) {
  std::vector<uint8_t> b = sample_genome().to_bytes();
  EXPECT_THROW(sparse_linear_from_bytes(std::span(b).first(b.size() - 1)), UsageError);
  std::vector<uint8_t> extra = b;
  extra.push_back(0);
  EXPECT_THROW(sparse_linear_from_bytes(extra), UsageError);
  std::vector<uint8_t> swapped = b;  // connection 0's input index := 9, beyond the 4 inputs
  swapped[24] = 9;
  EXPECT_THROW(sparse_linear_from_bytes(swapped), UsageError);
  EXPECT_THROW(decode_genome(Genome::make_structured("no_such_type", b)), UsageError);
}

TEST(SparseLinearGenome, ContinuousPhenotypeEqualsDenseReference) {
  const SparseLinearGenome g = sample_genome();
  const Space obs = Space::box(std::vector<double>(4, -10), std::vector<double>(4, 10));
  const Space act = Space::box({-1, -2, -3}, {1, 2, 3});
  const PolicyPhenotype p = g.policy(obs, act);
  ASSERT_EQ(p.params.size(), p.policy->num_params());
  double W[3][4] = {};
  for (const auto& c : g.connections()) W[c.out][c.in] = c.weight;
  PolicyScratch scratch;
  Stream rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<float> x(4), a(3);
    for (float& v : x) v = static_cast<float>(rng.normal());
    p.policy->reset(scratch, 1);
    p.policy->act(p.params, x, a, scratch);
    for (int k = 0; k < 3; ++k) {
      double y = g.bias()[k];
      for (int i = 0; i < 4; ++i) y += W[k][i] * x[i];
      y = std::min(std::max(y, act.low[k]), act.high[k]);
      EXPECT_NEAR(a[k], y, 1e-5) << "output " << k;
    }
  }
}

TEST(SparseLinearGenome, DiscretePhenotypeTakesTheArgMaxAndNanMakesTheActionNan) {
  const SparseLinearGenome g = sample_genome();
  const Space obs = Space::box(std::vector<double>(4, -10), std::vector<double>(4, 10));
  const PolicyPhenotype p = g.policy(obs, Space::discrete(3));
  PolicyScratch scratch;
  p.policy->reset(scratch, 1);
  std::vector<float> a(1);
  // y = (0.5 + 1.5 x0 - 2 x3, -0.25 + 0.75 x1, 3 x2 - 0.5 x3)
  p.policy->act(p.params, std::vector<float>{1, 0, 0, 0}, a, scratch);  // (2, -0.25, 0)
  EXPECT_EQ(a[0], 0.0f);
  p.policy->act(p.params, std::vector<float>{0, 4, 0, 0}, a, scratch);  // (0.5, 2.75, 0)
  EXPECT_EQ(a[0], 1.0f);
  p.policy->act(p.params, std::vector<float>{0, 0, 1, 0}, a, scratch);  // (0.5, -0.25, 3)
  EXPECT_EQ(a[0], 2.0f);
  p.policy->act(p.params, std::vector<float>{0, 0, 0, std::numeric_limits<float>::quiet_NaN()}, a, scratch);
  EXPECT_TRUE(std::isnan(a[0]));
  // Spaces the genome was not built for are rejected.
  EXPECT_THROW(g.policy(obs, Space::discrete(2)), UsageError);
}

}  // namespace
}  // namespace neuroevo
