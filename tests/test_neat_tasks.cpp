// The NEAT benchmark environments (envs/neat_tasks.hpp): double pole balancing against the independent
// plain-Python RK4 implementation tests/reference/double_pole_ref.py (which prints every literal below).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/neat_tasks.hpp"

namespace neuroevo {
namespace {

std::vector<float> actions(int n) {
  std::vector<float> a;
  for (int k = 0; k < n; ++k) a.push_back(static_cast<float>(0.5 + 0.45 * std::sin(0.37 * k)));
  return a;
}

TEST(DoublePole, TrajectoryMatchesTheIndependentRk4Reference) {
  // The reference applies the same actions as doubles; the env receives float actions, so the force
  // differs by at most 2e-7 N per step: compare to a relative 1e-5 after 10 and 50 actions (chaotic growth
  // is small over 0.2 s but not over 1 s, hence the looser bound for 50).
  const std::vector<double> after1 = {-9.9838245669711169e-06, -0.00099893147070649743, 0.070220678734088507,
                                      0.022079472277230793, 0.00015043182472776782, 0.015122033536002971};
  const std::vector<double> after10 = {0.097158964236606055, 0.89602015379209865, -0.059336779740845114,
                                       -1.2444822673807572, -1.9109892480358002, -24.052265641826526};
  const std::vector<double> after50 = {0.48168321050939678, -0.11889441947502762, -2.1481601657792582,
                                       -7.2387348363554773, -18.527323701632305, -11.957456011693385};
  // Through the exposed integrator with double actions: exact up to rounding.
  double s[6] = {0, 0, 0.07, 0, 0, 0};
  int k = 0;
  for (double a : std::vector<double>([] {
         std::vector<double> v;
         for (int j = 0; j < 50; ++j) v.push_back(0.5 + 0.45 * std::sin(0.37 * j));
         return v;
       }())) {
    const double force = (2.0 * a - 1.0) * 10.0;
    double_pole_rk4(s, force, 0.01);
    double_pole_rk4(s, force, 0.01);
    ++k;
    const std::vector<double>* want = k == 1 ? &after1 : k == 10 ? &after10 : k == 50 ? &after50 : nullptr;
    if (want) {
      for (int j = 0; j < 6; ++j) EXPECT_NEAR(s[j], (*want)[j], 1e-9 * (1 + std::abs((*want)[j]))) << "action " << k << " j " << j;
    }
  }
  // Through the environment (float action, scaled float observations), with velocities, after one action
  // (the uncontrolled short pole falls past 36 degrees before the tenth).
  auto env = make_env("double_pole");
  std::vector<float> obs(6);
  env->reset(0, obs);
  const float a = actions(1)[0];
  ASSERT_FALSE(env->step(std::span<const float>(&a, 1), obs).terminated);
  const double scale[6] = {4.8, 2, 0.52, 2, 0.52, 2};
  for (size_t j = 0; j < 6; ++j) EXPECT_NEAR(obs[j] * scale[j], after1[j], 1e-6 * (1e-3 + std::abs(after1[j]))) << j;
}

TEST(DoublePole, NoVelocityFitnessIsGruausDampingFitness) {
  // Holding the cart still (a = 0.5) from t1 = 0.001: the reference fails at step 40, so f2 = 0 and the
  // fitness is 0.1 * 39 / 1000.
  auto env = make_env("double_pole_nv");
  std::vector<float> obs(3);
  env->set_state(std::vector<double>{0, 0, 0.001, 0, 0, 0}, obs);
  const float a = 0.5f;
  double total = 0;
  int steps = 0;
  for (;;) {
    const StepResult r = env->step(std::span<const float>(&a, 1), obs);
    total += r.reward;
    ++steps;
    if (r.terminated || r.truncated) break;
  }
  EXPECT_EQ(steps, 40);
  EXPECT_NEAR(total, 0.0039000000000000003, 1e-15);
  EXPECT_THROW(env->step(std::span<const float>(&a, 1), obs), UsageError);
  EXPECT_THROW(env->set_state(std::vector<double>{0, 0, 0}, obs), UsageError);
}

TEST(DoublePole, UprightAtRestIsAnEquilibrium) {
  double s[6] = {0, 0, 0, 0, 0, 0};
  for (int k = 0; k < 1000; ++k) double_pole_rk4(s, 0.0, 0.01);
  for (double v : s) EXPECT_EQ(v, 0.0);
}

}  // namespace
}  // namespace neuroevo
