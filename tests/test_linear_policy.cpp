// The linear (ARS) policy: zero initialisation, row-major layout, optional bias, clipping to the bounds
// (or not: clip_actions = false).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policy.hpp"
#include "registry_util.hpp"

namespace neuroevo {
namespace {

std::unique_ptr<const Policy> linear(const std::string& keys, const Space& obs, const Space& act) {
  return test_util::policy_from_toml("linear", keys, obs, act);
}

TEST(LinearPolicy, ZeroInitRowMajorWeightsAndClipping) {
  const Space obs = Space::box({-INFINITY, -INFINITY, -INFINITY}, {INFINITY, INFINITY, INFINITY});
  const Space act = Space::box({-1.0, -0.4}, {1.0, 0.4});
  const auto p = linear("", obs, act);
  ASSERT_EQ(p->num_params(), 6u);
  std::vector<float> w(6, 5.0f);
  p->init_params(3, w);
  EXPECT_EQ(w, std::vector<float>(6, 0.0f));
  // Row k holds the weights of action k: a0 = 0.1 x0 + 0.2 x1 - 0.3 x2, a1 = x0 (clipped to 0.4).
  w = {0.1f, 0.2f, -0.3f, 1.0f, 0.0f, 0.0f};
  const std::vector<float> x = {1.0f, 2.0f, 1.0f};
  std::vector<float> a(2);
  PolicyScratch s;
  p->act(w, x, a, s);
  EXPECT_NEAR(a[0], 0.1f + 0.4f - 0.3f, 1e-6);
  EXPECT_EQ(a[1], 0.4f);
  const auto pb = linear("bias = true", obs, act);
  ASSERT_EQ(pb->num_params(), 8u);
  std::vector<float> wb = {0, 0, 0, 0, 0, 0, -0.25f, -3.0f};
  pb->act(wb, x, a, s);
  EXPECT_EQ(a[0], -0.25f);
  EXPECT_EQ(a[1], -0.4f);
}

// clip_actions = false: the product W x (+ b) as computed, beyond the bounds (the ARS authors' policy).
TEST(LinearPolicy, UnclippedActionsPassTheProductThrough) {
  const Space obs = Space::box({-INFINITY, -INFINITY}, {INFINITY, INFINITY});
  const Space act = Space::box({-1.0, -1.0}, {1.0, 1.0});
  const auto p = linear("clip_actions = false\nbias = true", obs, act);
  ASSERT_EQ(p->num_params(), 6u);
  // a0 = 2 x0 + 1 x1 + 0.5 = 2 * 1.5 - 1 + 0.5 = 2.5; a1 = -3 x0 + 0 x1 - 1 = -5.5
  const std::vector<float> w = {2.0f, 1.0f, -3.0f, 0.0f, 0.5f, -1.0f};
  const std::vector<float> x = {1.5f, -1.0f};
  std::vector<float> a(2);
  PolicyScratch s;
  p->act(w, x, a, s);
  EXPECT_EQ(a[0], 2.5f);
  EXPECT_EQ(a[1], -5.5f);
  EXPECT_THROW(linear("clip_actions = 2", obs, act), UsageError);
}

TEST(LinearPolicy, RejectsDiscreteSpaces) {
  EXPECT_THROW(linear("", Space::box({0}, {1}), Space::discrete(2)), UsageError);
}

}  // namespace
}  // namespace neuroevo
