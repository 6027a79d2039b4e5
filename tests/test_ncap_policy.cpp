// The ncap policy (src/nn/ncap.cpp): the C. elegans swimming circuit's parameter layout, sign constraints
// and outputs on hand-computed cases. No MuJoCo needed: any Box spaces will do.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policy.hpp"
#include "registry_util.hpp"

namespace neuroevo {
namespace {

std::unique_ptr<const Policy> ncap(size_t joints, const std::string& keys) {
  const Space obs = Space::box(std::vector<double>(4 * joints + 3, -INFINITY), std::vector<double>(4 * joints + 3, INFINITY));
  const Space act = Space::box(std::vector<double>(joints, -1.0), std::vector<double>(joints, 1.0));
  return test_util::policy_from_toml("ncap", keys, obs, act);
}

// Joint angles given in units of the normalisation 2 pi / (J + 1).
std::vector<float> angles(size_t joints, std::vector<double> normalised) {
  std::vector<float> obs(4 * joints + 3, 0.0f);
  for (size_t i = 0; i < normalised.size(); ++i)
    obs[i] = static_cast<float>(normalised[i] * 2 * std::numbers::pi / static_cast<double>(joints + 1));
  return obs;
}

std::vector<float> act_at(const Policy& p, std::span<const float> params, std::span<const float> obs, int step) {
  PolicyScratch s;
  p.reset(s, 1);
  std::vector<float> a(p.num_params() == 4 ? 3 : params.size() / 3);
  for (int t = 0; t <= step; ++t) p.act(params, obs, a, s);
  return a;
}

TEST(NcapPolicy, ParameterCountsAndInitialSigns) {
  EXPECT_EQ(ncap(5, "")->num_params(), 4u);
  EXPECT_EQ(ncap(5, "weight_sharing = false")->num_params(), 15u);  // w_prop x4, w_osc, w_ipsi x5, w_contra x5
  std::vector<float> p(4);
  ncap(5, "sign_constraints = false")->init_params(0, p);
  EXPECT_EQ(p, (std::vector<float>{1, 1, 1, -1}));
  ncap(5, "")->init_params(0, p);  // magnitudes: w_contra = -|1|
  EXPECT_EQ(p, (std::vector<float>{1, 1, 1, 1}));
  std::vector<float> q(15);
  ncap(5, "weight_sharing = false\nsign_constraints = false")->init_params(0, q);
  for (size_t k = 0; k < 15; ++k) EXPECT_EQ(q[k], k < 10 ? 1.0f : -1.0f) << k;
}

TEST(NcapPolicy, RandomInitIsSeededAndSignFreeWithoutConstraints) {
  const auto p = ncap(5, "init = \"random\"\nsign_constraints = false");
  std::vector<float> a(4), b(4), c(4);
  p->init_params(7, a);
  p->init_params(7, b);
  p->init_params(8, c);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  bool negative = false;
  for (uint64_t seed = 0; seed < 8; ++seed) {
    p->init_params(seed, a);
    for (float v : a) negative |= v < 0;
  }
  EXPECT_TRUE(negative);
}

TEST(NcapPolicy, CircuitOutputsMatchHandComputedValues) {
  // 3 joints, w_prop 0.5, w_osc 0.8, w_ipsi 1, w_contra -0.5; normalised angles q0 = 0.5, q1 = -0.25.
  const auto p = ncap(3, "sign_constraints = false");
  const std::vector<float> w = {0.5f, 0.8f, 1.0f, -0.5f};
  const auto obs = angles(3, {0.5, -0.25, 0.9});
  // Step 0, dorsal oscillator on: joint 0 b_d = 0.8 -> m_d = 0.8, m_v = clip(-0.4) = 0 -> 0.8.
  // Joint 1: q0 dorsal 0.5 -> b_d = 0.25 -> 0.25. Joint 2: q1 ventral 0.25 -> b_v = 0.125 -> -0.125.
  auto a = act_at(*p, w, obs, 0);
  EXPECT_NEAR(a[0], 0.8f, 1e-6);
  EXPECT_NEAR(a[1], 0.25f, 1e-6);
  EXPECT_NEAR(a[2], -0.125f, 1e-6);
  // Step 30 of the 60-step square wave: the ventral oscillator drives joint 0 the other way.
  a = act_at(*p, w, obs, 30);
  EXPECT_NEAR(a[0], -0.8f, 1e-6);
  a = act_at(*p, w, obs, 59);
  EXPECT_NEAR(a[0], -0.8f, 1e-6);
  a = act_at(*p, w, obs, 60);
  EXPECT_NEAR(a[0], 0.8f, 1e-6);
  // An excitatory w_contra (allowed only without constraints): m_v = 0.4 at joint 0 -> 0.4.
  a = act_at(*p, std::vector<float>{0.5f, 0.8f, 1.0f, 0.5f}, obs, 0);
  EXPECT_NEAR(a[0], 0.4f, 1e-6);
  // B-neurons and muscles saturate at 1: w_osc 3 -> b_d = 1; w_ipsi 2 -> m_d = 1.
  a = act_at(*p, std::vector<float>{0.5f, 3.0f, 2.0f, -0.5f}, obs, 0);
  EXPECT_NEAR(a[0], 1.0f, 1e-6);
  // Angles beyond the normalisation clip to 1: q0 = 3 -> dorsal 1 -> joint 1 b_d = 0.5.
  a = act_at(*p, w, angles(3, {3.0, 0.0, 0.0}), 0);
  EXPECT_NEAR(a[1], 0.5f, 1e-6);
}

TEST(NcapPolicy, SignConstraintsHoldForAnyParameters) {
  const auto constrained = ncap(3, "");
  const auto free = ncap(3, "sign_constraints = false");
  const auto obs = angles(3, {0.5, -0.25, 0.9});
  // Raw parameters of the wrong signs act as their magnitudes with the right signs.
  const auto a = act_at(*constrained, std::vector<float>{-0.5f, -0.8f, -1.0f, 0.5f}, obs, 0);
  const auto b = act_at(*free, std::vector<float>{0.5f, 0.8f, 1.0f, -0.5f}, obs, 0);
  EXPECT_EQ(a, b);
  // Without constraints, the same raw parameters give a different (inverted) circuit.
  const auto c = act_at(*free, std::vector<float>{-0.5f, -0.8f, -1.0f, 0.5f}, obs, 0);
  EXPECT_NE(a, c);
}

TEST(NcapPolicy, PerJointWeightsUseTheirOwnSlots) {
  // 2 joints without sharing: [w_prop_1, w_osc, w_ipsi_0, w_ipsi_1, w_contra_0, w_contra_1].
  const auto p = ncap(2, "weight_sharing = false\nsign_constraints = false");
  const auto obs = angles(2, {0.5, 0.0});
  const std::vector<float> w = {0.4f, 0.6f, 1.0f, 0.5f, -1.0f, -1.0f};
  PolicyScratch s;
  p->reset(s, 1);
  std::vector<float> a(2);
  p->act(w, obs, a, s);
  EXPECT_NEAR(a[0], 0.6f, 1e-6);        // b_d = 0.6, m_d = 1 * 0.6
  EXPECT_NEAR(a[1], 0.5f * 0.2f, 1e-6);  // b_d = 0.4 * 0.5 = 0.2, m_d = 0.5 * 0.2
}

TEST(NcapPolicy, RejectsDiscreteActions) {
  Config c = Config::from_string("type = \"ncap\"\n", "test");
  ConfigSection root = c.root();
  EXPECT_THROW(make_policy(root, Space::box({0, 0}, {1, 1}), Space::discrete(2)), UsageError);
}

}  // namespace
}  // namespace neuroevo
