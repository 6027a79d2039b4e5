// The observation normaliser (include/neuroevo/nn/obs_norm.hpp) against closed forms: mean and standard
// deviation of known data (with OpenAI-ES's variance floor 1e-2), merging statistics equals gathering
// them over the concatenated data, clipping to [-5, 5], the JSON round trip, and the rate at which the
// run loop's ObsStat stream selects rollouts (Salimans et al.'s calc_obstat_prob). ARS's filter
// (ObsNormOptions{0, 0}: no floor, no clip; modestyachts/ARS code/filter.py) against the same closed forms.
#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/nn/obs_norm.hpp"

namespace {

using neuroevo::ObsNormalizer;
using neuroevo::ObsStats;

ObsStats gather(const std::vector<std::vector<float>>& rows) {
  ObsStats s;
  s.resize(rows.front().size());
  for (const auto& r : rows) s.add(r);
  return s;
}

TEST(ObsNorm, KnownMeanAndStandardDeviation) {
  // Column 0: 1, 2, 3, 4 -> mean 2.5, population variance 1.25. Column 1: constant 7 -> variance 0,
  // floored to 1e-2 (std 0.1). Column 2: -10, 10, -10, 10 -> mean 0, variance 100.
  const std::vector<std::vector<float>> rows = {{1, 7, -10}, {2, 7, 10}, {3, 7, -10}, {4, 7, 10}};
  ObsNormalizer n(3);
  n.update(gather(rows));
  EXPECT_FLOAT_EQ(n.mean()[0], 2.5f);
  EXPECT_FLOAT_EQ(n.mean()[1], 7.0f);
  EXPECT_FLOAT_EQ(n.mean()[2], 0.0f);
  EXPECT_FLOAT_EQ(n.stddev()[0], static_cast<float>(std::sqrt(1.25)));
  EXPECT_FLOAT_EQ(n.stddev()[1], 0.1f);
  EXPECT_FLOAT_EQ(n.stddev()[2], 10.0f);
  std::vector<float> out(3);
  n.apply(std::vector<float>{4.0f, 7.2f, -5.0f}, out);
  EXPECT_NEAR(out[0], 1.5 / std::sqrt(1.25), 1e-6);
  EXPECT_NEAR(out[1], 2.0, 1e-5);
  EXPECT_NEAR(out[2], -0.5, 1e-6);
}

TEST(ObsNorm, FreshNormalizerIsTheIdentity) {
  ObsNormalizer n(2);
  std::vector<float> out(2);
  n.apply(std::vector<float>{0.25f, -3.0f}, out);
  EXPECT_EQ(out[0], 0.25f);
  EXPECT_EQ(out[1], -3.0f);
}

TEST(ObsNorm, MergingEqualsGatheringOverTheConcatenation) {
  std::mt19937_64 rng(3);
  std::normal_distribution<float> d(2.0f, 3.0f);
  std::vector<std::vector<float>> a(137, std::vector<float>(5)), b(61, std::vector<float>(5));
  for (auto& r : a) for (auto& x : r) x = d(rng);
  for (auto& r : b) for (auto& x : r) x = d(rng) * 0.1f - 4.0f;
  std::vector<std::vector<float>> all = a;
  all.insert(all.end(), b.begin(), b.end());

  ObsNormalizer merged(5), whole(5);
  merged.update(gather(a));
  merged.update(gather(b));  // statistics of two generations
  whole.update(gather(all));
  ObsStats ab = gather(a);
  ab.merge(gather(b));
  const ObsStats c = gather(all);
  EXPECT_EQ(ab.count, 198.0);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_NEAR(ab.sum[i], c.sum[i], 1e-9 * std::abs(c.sum[i]) + 1e-9);
    EXPECT_NEAR(ab.sumsq[i], c.sumsq[i], 1e-9 * c.sumsq[i]);
    EXPECT_FLOAT_EQ(merged.mean()[i], whole.mean()[i]);
    EXPECT_FLOAT_EQ(merged.stddev()[i], whole.stddev()[i]);
    // And against the textbook two-pass formulas in double.
    double m = 0.0, v = 0.0;
    for (const auto& r : all) m += r[i];
    m /= double(all.size());
    for (const auto& r : all) v += (r[i] - m) * (r[i] - m);
    v /= double(all.size());
    EXPECT_NEAR(whole.mean()[i], m, 1e-5 * (1.0 + std::abs(m)));
    EXPECT_NEAR(whole.stddev()[i], std::sqrt(std::max(v, 1e-2)), 1e-4 * std::sqrt(std::max(v, 1e-2)));
  }
  // Merging empty statistics changes nothing.
  ObsStats empty;
  ab.merge(empty);
  EXPECT_EQ(ab.count, 198.0);
}

TEST(ObsNorm, OutputsAreClippedToPlusMinusFive) {
  ObsNormalizer n(1);
  n.update(gather({{0.0f}, {0.0f}, {0.0f}, {0.0f}}));  // mean 0, std floored to 0.1
  std::vector<float> out(1);
  for (const auto& [in, want] : std::vector<std::pair<float, float>>{
           {0.49f, 4.9f}, {0.5f, 5.0f}, {0.51f, 5.0f}, {100.0f, 5.0f}, {-0.51f, -5.0f}, {-1e30f, -5.0f}}) {
    n.apply(std::vector<float>{in}, out);
    EXPECT_NEAR(out[0], want, 1e-5) << in;
  }
}

TEST(ObsNorm, JsonRoundTripKeepsTheSnapshot) {
  ObsNormalizer n(3);
  n.update(gather({{1, 2, 3}, {4, 5, 6}, {-1, 0, 9}}));
  const ObsNormalizer back = ObsNormalizer::from_json(n.to_json(), 3);
  EXPECT_EQ(back.mean(), n.mean());
  EXPECT_EQ(back.stddev(), n.stddev());
  EXPECT_THROW(ObsNormalizer::from_json(n.to_json(), 4), neuroevo::UsageError);
  EXPECT_THROW(ObsNormalizer::from_json(n.to_json(), 2), neuroevo::UsageError);
}

// ARS's filter: the population standard deviation without a floor, a constant component (std 0 < 1e-7)
// normalised to 0 instead of divided by 0.1, and no clipping. Same data as KnownMeanAndStandardDeviation.
TEST(ObsNorm, ArsFilterHasNoFloorNoClipAndZeroesConstantInputs) {
  const std::vector<std::vector<float>> rows = {{1, 7, -10}, {2, 7, 10}, {3, 7, -10}, {4, 7, 10}};
  ObsNormalizer n(3, neuroevo::ObsNormOptions{0.0, 0.0f});
  n.update(gather(rows));
  EXPECT_FLOAT_EQ(n.stddev()[0], static_cast<float>(std::sqrt(1.25)));
  EXPECT_TRUE(std::isinf(n.stddev()[1]));
  EXPECT_FLOAT_EQ(n.stddev()[2], 10.0f);
  std::vector<float> out(3);
  n.apply(std::vector<float>{40.0f, 7.2f, -500.0f}, out);
  EXPECT_NEAR(out[0], 37.5 / std::sqrt(1.25), 1e-4);  // 33.5: beyond OpenAI-ES's clip of 5
  EXPECT_EQ(out[1], 0.0f);
  EXPECT_NEAR(out[2], -50.0, 1e-5);
  // A small but nonzero spread is divided by, not floored: values 0 and 0.002 -> std 0.001.
  ObsNormalizer small(1, neuroevo::ObsNormOptions{0.0, 0.0f});
  small.update(gather({{0.0f}, {0.002f}}));
  EXPECT_NEAR(small.stddev()[0], 0.001, 1e-9);
  small.apply(std::vector<float>{0.003f}, out);
  EXPECT_NEAR(out[0], 2.0, 1e-3);
  // The lane layout gives the same values.
  std::vector<float> lanes_in = {40.0f, 1.0f, 7.2f, 7.0f, -500.0f, 0.0f}, lanes_out(6);
  n.apply_lanes(lanes_in, lanes_out, 2);
  std::vector<float> one(3);
  n.apply(std::vector<float>{40.0f, 7.2f, -500.0f}, one);
  EXPECT_EQ(lanes_out[0], one[0]);
  EXPECT_EQ(lanes_out[2], one[1]);
  EXPECT_EQ(lanes_out[4], one[2]);
}

TEST(ObsNorm, OptionsSurviveTheJsonRoundTrip) {
  const neuroevo::ObsNormOptions ars{0.0, 0.0f};
  ObsNormalizer n(2, ars);
  n.update(gather({{1, 5}, {3, 5}}));
  const ObsNormalizer back = ObsNormalizer::from_json(n.to_json(), 2, ars);
  EXPECT_EQ(back.stddev(), n.stddev());
  std::vector<float> out(2);
  back.apply(std::vector<float>{100.0f, 6.0f}, out);
  EXPECT_FLOAT_EQ(out[0], 98.0f);  // mean 2, std 1, unclipped
  EXPECT_EQ(out[1], 0.0f);         // constant input
}

// The run loop collects statistics from a rollout when Stream(seed, gen, i, ObsStat).uniform() < p
// (src/runtime/experiment.cpp). Over 200,000 candidates the selected fraction must be p within 5
// binomial standard deviations, for OpenAI-ES's p = 0.01 and others.
TEST(ObsNorm, SamplingRateMatchesObsNormProb) {
  for (double p : {0.01, 0.1, 0.5}) {
    size_t hits = 0, n = 0;
    for (uint64_t gen = 0; gen < 200; ++gen)
      for (uint64_t i = 0; i < 1000; ++i, ++n)
        hits += neuroevo::Stream(7, gen, i, neuroevo::Purpose::ObsStat).uniform() < p;
    const double sd = std::sqrt(double(n) * p * (1 - p));
    EXPECT_NEAR(double(hits), double(n) * p, 5 * sd) << "p = " << p;
  }
}

}  // namespace
