// The linear (ARS) policy: zero initialisation, row-major layout, optional bias, clipping to the bounds.
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

TEST(LinearPolicy, RejectsDiscreteSpaces) {
  EXPECT_THROW(linear("", Space::box({0}, {1}), Space::discrete(2)), UsageError);
}

}  // namespace
}  // namespace neuroevo
