// Conformance of every registered environment (env_registry()): the contract of include/neuroevo/envs/
// env.hpp checked entry by entry. A new environment is picked up without editing this file.
//
// What is checked, for each entry: a reset is a function of its seed alone (not of earlier episodes);
// the same seed and actions give the same trajectory on two instances; observations have the declared
// size and stay inside the declared space, rewards are finite; random actions drawn from the declared
// action space (and its extreme values) are accepted, an action of the wrong size is a UsageError;
// stepping after the end of an episode is either a UsageError or keeps the observation inside the space
// (env.hpp documents both); and a whole run is identical on one and two threads.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "registry_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"

namespace neuroevo {
namespace {

bool same_bits(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// A uniformly random action of `space`: an index for a discrete space, a point of the box otherwise.
std::vector<float> random_action(const Space& space, Stream& rng) {
  if (space.is_discrete()) return {static_cast<float>(std::min(space.n - 1, static_cast<int>(rng.uniform() * space.n)))};
  std::vector<float> a(space.dim());
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(rng.uniform(space.low[i], space.high[i]));
  return a;
}

// Every value a float can hold of the space's bounds is inside them (bounds may be infinite); NaN never is.
::testing::AssertionResult inside(const Space& space, std::span<const float> obs) {
  if (obs.size() != space.dim())
    return ::testing::AssertionFailure() << "observation has " << obs.size() << " values, the space " << space.dim();
  for (size_t i = 0; i < obs.size(); ++i) {
    const double v = obs[i];
    // Bounds are doubles, observations floats: allow the rounding of a bound to float.
    const double lo = static_cast<float>(space.low[i]), hi = static_cast<float>(space.high[i]);
    if (!(v >= std::min(lo, space.low[i]) && v <= std::max(hi, space.high[i])))
      return ::testing::AssertionFailure() << "observation[" << i << "] = " << v << " outside [" << space.low[i]
                                           << ", " << space.high[i] << "]";
  }
  return ::testing::AssertionSuccess();
}

class EnvConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(EnvConformance, SpacesAreWellFormed) {
  const auto env = make_env(GetParam());
  const Space& obs = env->observation_space();
  const Space& act = env->action_space();
  EXPECT_FALSE(obs.is_discrete()) << "observations are float vectors (a Box)";
  ASSERT_GT(obs.dim(), 0u);
  ASSERT_EQ(obs.low.size(), obs.high.size());
  for (size_t i = 0; i < obs.dim(); ++i) EXPECT_LE(obs.low[i], obs.high[i]) << "observation bound " << i;
  if (!obs.shape.empty()) {
    ASSERT_EQ(obs.shape.size(), 3u) << "an image shape is {height, width, channels}";
    EXPECT_EQ(static_cast<size_t>(obs.shape[0]) * obs.shape[1] * obs.shape[2], obs.dim());
  }
  if (act.is_discrete()) {
    EXPECT_GE(act.n, 2);
    EXPECT_EQ(act.dim(), 1u);
  } else {
    ASSERT_GT(act.dim(), 0u);
    ASSERT_EQ(act.low.size(), act.high.size());
    for (size_t i = 0; i < act.dim(); ++i) {
      EXPECT_TRUE(std::isfinite(act.low[i]) && std::isfinite(act.high[i])) << "action bound " << i;
      EXPECT_LT(act.low[i], act.high[i]) << "action bound " << i;
    }
  }
  EXPECT_GT(env->max_episode_steps(), 0);
  EXPECT_GT(env->state_dim(), 0u);
}

TEST_P(EnvConformance, ResetIsAFunctionOfTheSeedAlone) {
  const auto a = make_env(GetParam()), b = make_env(GetParam());
  const size_t n = a->observation_space().dim();
  std::vector<float> first(n), again(n), other(n);
  a->reset(42, first);
  // Another episode of other actions in between must not change what the same seed starts.
  Stream rng(1);
  a->reset(7, again);
  for (int t = 0; t < 25; ++t) {
    const StepResult s = a->step(random_action(a->action_space(), rng), again);
    if (s.terminated || s.truncated) break;
  }
  a->reset(42, again);
  EXPECT_TRUE(same_bits(first, again)) << "reset(42) after another episode differs from the first reset(42)";
  b->reset(42, other);
  EXPECT_TRUE(same_bits(first, other)) << "reset(42) differs between two instances";
}

TEST_P(EnvConformance, SameSeedAndActionsGiveTheSameTrajectory) {
  const auto a = make_env(GetParam()), b = make_env(GetParam());
  const size_t n = a->observation_space().dim();
  std::vector<float> oa(n), ob(n);
  a->reset(123, oa);
  b->reset(123, ob);
  Stream rng(5);
  for (int t = 0; t < 100; ++t) {
    const auto action = random_action(a->action_space(), rng);
    const StepResult ra = a->step(action, oa), rb = b->step(action, ob);
    ASSERT_TRUE(same_bits(oa, ob)) << "step " << t;
    ASSERT_EQ(ra.reward, rb.reward) << "step " << t;
    ASSERT_EQ(ra.terminated, rb.terminated) << "step " << t;
    ASSERT_EQ(ra.truncated, rb.truncated) << "step " << t;
    if (ra.terminated || ra.truncated) break;
  }
  EXPECT_EQ(a->behaviour(), b->behaviour());
}

TEST_P(EnvConformance, ObservationsStayInsideTheSpaceUnderRandomActions) {
  const auto env = make_env(GetParam());
  const Space& space = env->observation_space();
  std::vector<float> obs(space.dim());
  Stream rng(11);
  for (uint64_t episode = 0; episode < 3; ++episode) {
    env->reset(1000 + episode, obs);
    ASSERT_TRUE(inside(space, obs)) << "after reset";
    for (int t = 0; t < std::min(env->max_episode_steps(), 400); ++t) {
      const StepResult s = env->step(random_action(env->action_space(), rng), obs);
      ASSERT_TRUE(inside(space, obs)) << "episode " << episode << " step " << t;
      ASSERT_TRUE(std::isfinite(s.reward)) << "episode " << episode << " step " << t;
      if (s.terminated || s.truncated) break;
    }
  }
}

TEST_P(EnvConformance, ActionsOfTheDeclaredSpaceAreAcceptedAndOthersRejected) {
  const auto env = make_env(GetParam());
  const Space& act = env->action_space();
  std::vector<float> obs(env->observation_space().dim());
  // The extremes of the space: every discrete action, or every box corner along the diagonal.
  std::vector<std::vector<float>> extremes;
  if (act.is_discrete()) {
    for (int k = 0; k < act.n; ++k) extremes.push_back({static_cast<float>(k)});
  } else {
    std::vector<float> lo(act.dim()), hi(act.dim());
    for (size_t i = 0; i < act.dim(); ++i) lo[i] = static_cast<float>(act.low[i]), hi[i] = static_cast<float>(act.high[i]);
    extremes = {lo, hi};
  }
  env->reset(3, obs);
  for (const auto& a : extremes) {
    const StepResult s = env->step(a, obs);
    if (s.terminated || s.truncated) env->reset(4, obs);
  }
  env->reset(3, obs);
  EXPECT_THROW(env->step(std::vector<float>(act.dim() + 1, 0.0f), obs), UsageError) << "an action one value too long";
  if (act.is_discrete()) {
    env->reset(3, obs);
    EXPECT_THROW(env->step(std::vector<float>{static_cast<float>(act.n)}, obs), UsageError) << "action index n";
  }
}

// env.hpp: after an episode ended the caller resets; a further step either throws UsageError or continues
// with observations still inside the space.
TEST_P(EnvConformance, StepAfterTheEndIsRejectedOrStaysInsideTheSpace) {
  const auto env = make_env(GetParam());
  const Space& space = env->observation_space();
  std::vector<float> obs(space.dim());
  env->reset(9, obs);
  Stream rng(2);
  bool ended = false;
  for (int t = 0; t < env->max_episode_steps() && !ended; ++t) {
    const StepResult s = env->step(random_action(env->action_space(), rng), obs);
    ended = s.terminated || s.truncated;
  }
  ASSERT_TRUE(ended) << "no end within max_episode_steps() = " << env->max_episode_steps();
  try {
    const StepResult s = env->step(random_action(env->action_space(), rng), obs);
    EXPECT_TRUE(inside(space, obs));
    EXPECT_TRUE(std::isfinite(s.reward));
  } catch (const UsageError&) {
    // Rejected: the other documented behaviour.
  }
}

// A short run of a small MLP with the GA and observation normalisation fed by half the rollouts, through
// `neuroevo run`: metrics, champion and summary are identical on one and two threads.
TEST_P(EnvConformance, RunIsIdenticalOnOneAndTwoThreads) {
  cli_test::TempDir tmp;
  const std::string cfg = tmp / "config.toml";
  cli_test::write_file(cfg,
                       "[run]\ngenerations = 2\neval_episodes = 2\n[env]\nname = \"" + GetParam() +
                           "\"\n[policy]\ntype = \"mlp\"\nhidden = [4]\nobs_norm = true\nobs_norm_prob = 0.5\n"
                           "[task]\nmax_steps = 60\n[noise]\nsize = 262144\n[strategy]\nname = \"ga\"\n"
                           "population = 6\ntruncation = 3\nelite_candidates = 2\nelite_episodes = 2\n");
  const auto dirs = cli_test::run_on_one_and_two_threads(tmp, {"run", cfg});
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(cli_test::metrics_rows(dirs[0]), 2u);
  cli_test::expect_same_results(dirs[0], dirs[1]);
}

INSTANTIATE_TEST_SUITE_P(Registry, EnvConformance, ::testing::ValuesIn(test_util::registry_names(env_registry())),
                         test_util::param_name);

}  // namespace
}  // namespace neuroevo
