// Tests of Adam (core/adam.hpp) against hand-computed bias-corrected steps.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "neuroevo/core/adam.hpp"
#include "neuroevo/core/error.hpp"

namespace neuroevo {
namespace {

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

}  // namespace
}  // namespace neuroevo
