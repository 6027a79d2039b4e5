// Lockstep rollouts (batch_env.hpp, RlTask::evaluate_many, Policy::act_lanes): every lane must give the
// bits of the scalar path, one environment or one candidate at a time. Lane counts, candidate counts,
// episode counts and episode caps are drawn at random so that lanes end at different steps and are
// refilled or masked.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/lane_mask.hpp"
#include "neuroevo/core/obs_stats.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/batch_env.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/obs_norm.hpp"
#include "neuroevo/tasks/rl_task.hpp"
#include "registry_util.hpp"

namespace neuroevo {
namespace {

const std::vector<std::string> kBatched = {"CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0",
                                           "Pendulum-v1"};
// Every registered MinAtar game, full and minimal action sets (sticky actions p = 0.1 in both).
const std::vector<std::string> kMinAtar = {
    "minatar/asterix",         "minatar/breakout",         "minatar/freeway",         "minatar/seaquest",
    "minatar/space_invaders",  "minatar/asterix-minimal",  "minatar/breakout-minimal", "minatar/freeway-minimal",
    "minatar/seaquest-minimal", "minatar/space_invaders-minimal"};
bool is_minatar(const std::string& name) { return name.starts_with("minatar/"); }

uint64_t bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}
uint32_t bits(float v) {
  uint32_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// A valid action drawn at random (an index, or a value in and somewhat beyond the bounds: the
// environments clip, and the continuous action cost uses the unclipped value).
float random_action(const Space& space, Stream& rng) {
  if (space.is_discrete()) return static_cast<float>(rng.below(static_cast<uint64_t>(space.n)));
  return static_cast<float>(rng.uniform(1.5 * space.low[0], 1.5 * space.high[0]));
}

class BatchEnvLanes : public ::testing::TestWithParam<std::string> {};

// K lanes against K scalar environments fed the same seeds and actions: every observation and step
// result equal. A lane whose episode ends is reset with a new seed at once, or left idle for a few steps
// (masked), so lanes run out of phase. The MinAtar games run longer with fewer early ends, so that
// Freeway's 2,500-frame games also end by the game's own rule.
TEST_P(BatchEnvLanes, EveryLaneEqualsTheScalarEnvironment) {
  Stream rng(mix64(std::hash<std::string>{}(GetParam())));
  const bool minatar = is_minatar(GetParam());
  const int steps = minatar ? 6000 : 1500;
  const double early_end = minatar ? 2e-4 : 0.01;
  size_t terminated = 0;
  for (int trial = 0; trial < 4; ++trial) {
    const size_t k = 1 + rng.below(9);
    auto batch = make_batch_env(GetParam(), k);
    ASSERT_NE(batch, nullptr);
    ASSERT_EQ(batch->lanes(), k);
    std::vector<std::unique_ptr<Env>> scalar;
    for (size_t i = 0; i < k; ++i) scalar.push_back(make_env(GetParam()));
    const size_t od = batch->observation_space().dim();
    ASSERT_EQ(od, scalar[0]->observation_space().dim());
    // Structure of arrays: component d of lane i at obs[d * k + i].
    std::vector<float> obs(k * od), ref(od), actions(k);
    std::vector<uint8_t> active(k, 1), flags(k);
    std::vector<double> reward(k);
    std::vector<int> idle(k, 0);
    for (size_t i = 0; i < k; ++i) {
      const uint64_t seed = rng.next_u64();
      batch->reset(i, seed, obs);
      scalar[i]->reset(seed, ref);
      for (size_t d = 0; d < od; ++d) ASSERT_EQ(bits(obs[d * k + i]), bits(ref[d]));
    }
    size_t ends = 0;
    for (int t = 0; t < steps; ++t) {
      for (size_t i = 0; i < k; ++i) {
        active[i] = idle[i] == 0;
        if (idle[i] > 0 && --idle[i] == 0) {
          const uint64_t seed = rng.next_u64();
          batch->reset(i, seed, obs);
          scalar[i]->reset(seed, ref);
        }
        actions[i] = random_action(batch->action_space(), rng);
      }
      const std::vector<float> before = obs;
      batch->step(actions, active, obs, reward, flags);
      for (size_t i = 0; i < k; ++i) {
        if (!active[i]) {
          // An inactive lane: nothing happens to it.
          EXPECT_EQ(bits(reward[i]), bits(0.0));
          EXPECT_EQ(flags[i], 0);
          for (size_t d = 0; d < od; ++d) ASSERT_EQ(bits(obs[d * k + i]), bits(before[d * k + i]));
          continue;
        }
        const StepResult s = scalar[i]->step(std::span(actions).subspan(i, 1), ref);
        for (size_t d = 0; d < od; ++d) ASSERT_EQ(bits(obs[d * k + i]), bits(ref[d])) << "lane " << i << " step " << t;
        ASSERT_EQ(bits(reward[i]), bits(s.reward));
        ASSERT_EQ((flags[i] & kLaneTerminated) != 0, s.terminated);
        ASSERT_EQ((flags[i] & kLaneTruncated) != 0, s.truncated);
        ASSERT_EQ((flags[i] & kLaneUnstable) != 0, s.unstable);
        // Most episodes under random actions end by the time limit; end some early, at random steps.
        terminated += s.terminated;
        if (s.terminated || s.truncated || rng.uniform() < early_end) {
          ++ends;
          idle[i] = 1 + static_cast<int>(rng.below(3));
        }
      }
    }
    EXPECT_GT(ends, 0u);
  }
  if (minatar) {
    EXPECT_GT(terminated, 0u) << "no game ended by its own rules";
  }
}

TEST_P(BatchEnvLanes, InvalidActionIsAUsageErrorAsInTheScalarEnvironment) {
  auto batch = make_batch_env(GetParam(), 2);
  const size_t od = batch->observation_space().dim();
  std::vector<float> obs(2 * od);
  batch->reset(0, 1, obs);
  batch->reset(1, 2, obs);
  std::vector<double> reward(2);
  std::vector<uint8_t> flags(2);
  const std::vector<uint8_t> active = {1, 1};
  const float bad = batch->action_space().is_discrete() ? static_cast<float>(batch->action_space().n)
                                                        : std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> actions = {0.0f, bad};
  EXPECT_THROW(batch->step(actions, active, obs, reward, flags), UsageError);
  // An inactive lane's action is not looked at.
  const std::vector<uint8_t> first_only = {1, 0};
  EXPECT_NO_THROW(batch->step(actions, first_only, obs, reward, flags));
}

INSTANTIATE_TEST_SUITE_P(ClassicControl, BatchEnvLanes, ::testing::ValuesIn(kBatched), test_util::param_name);
INSTANTIATE_TEST_SUITE_P(MinAtar, BatchEnvLanes, ::testing::ValuesIn(kMinAtar), test_util::param_name);

// A MinAtar lane whose game has ended may not step, as the scalar game may not (a UsageError), and the
// failed step changes no lane.
TEST(BatchEnvLanes, MinAtarLaneAfterTheEndOfItsGameIsAUsageError) {
  auto batch = make_batch_env("minatar/breakout", 2);
  auto scalar = make_env("minatar/breakout");
  const size_t od = batch->observation_space().dim();
  std::vector<float> obs(2 * od), ref(od);
  batch->reset(0, 7, obs);
  batch->reset(1, 8, obs);
  scalar->reset(8, ref);
  std::vector<double> reward(2);
  std::vector<uint8_t> flags(2);
  // Noop until lane 0's game ends (the ball falls past the paddle within a few dozen frames).
  const std::vector<float> noop = {0.0f, 0.0f};
  const std::vector<uint8_t> first = {1, 0}, both = {1, 1};
  int t = 0;
  for (; t < 200 && !(flags[0] & kLaneTerminated); ++t) batch->step(noop, first, obs, reward, flags);
  ASSERT_TRUE(flags[0] & kLaneTerminated);
  const std::vector<float> before = obs;
  EXPECT_THROW(batch->step(noop, both, obs, reward, flags), UsageError);
  EXPECT_EQ(obs, before);
  // Lane 1 never stepped: one step of it still equals the scalar game's first step.
  const std::vector<uint8_t> second = {0, 1};
  batch->step(noop, second, obs, reward, flags);
  const StepResult s = scalar->step(std::span(noop).first(1), ref);
  for (size_t d = 0; d < od; ++d) ASSERT_EQ(bits(obs[d * 2 + 1]), bits(ref[d]));
  EXPECT_EQ(bits(reward[1]), bits(s.reward));
}

// for_each_flagged_lane against a plain loop over the bytes, for every length up to 40 and random flags
// (runs of zeros, single lanes, all lanes), with the callback clearing the current lane's flag.
TEST(LaneMask, VisitsTheFlaggedLanesInOrder) {
  Stream rng(11);
  for (size_t n = 0; n <= 40; ++n) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<uint8_t> flags(n);
      const double p = trial == 0 ? 1.0 : rng.uniform();
      for (auto& f : flags) f = rng.uniform() < p ? static_cast<uint8_t>(1 + rng.below(255)) : 0;
      std::vector<size_t> want, got;
      for (size_t i = 0; i < n; ++i)
        if (flags[i]) want.push_back(i);
      for_each_flagged_lane(flags.data(), n, [&](size_t lane) {
        got.push_back(lane);
        flags[lane] = 0;
      });
      EXPECT_EQ(got, want) << "n = " << n;
    }
  }
}

TEST(BatchEnvRegistry, OnlyEnvironmentsWithABatchedVersionHaveOne) {
  for (const auto& info : env_registry()) {
    const bool batched = std::find(kBatched.begin(), kBatched.end(), info.name) != kBatched.end() ||
                         std::find(kMinAtar.begin(), kMinAtar.end(), info.name) != kMinAtar.end();
    EXPECT_EQ(make_batch_env(info.name, 4) != nullptr, batched) << info.name;
  }
}

// Lanes are the default for the classic-control environments and opt-in for MinAtar (each lane steps a
// scalar game, measured slower with the conv network; docs/benchmarks.md, issue 23).
TEST(BatchEnvRegistry, LockstepIsTheDefaultForClassicControlOnly) {
  for (const auto& name : kBatched) EXPECT_TRUE(lockstep_by_default(name)) << name;
  for (const auto& name : kMinAtar) EXPECT_FALSE(lockstep_by_default(name)) << name;
}

// The policies the lockstep task is checked with: every type whose act() the classic-control spaces fit.
struct PolicyCase {
  std::string type, keys;
  bool continuous_only;
};
const std::vector<PolicyCase> kPolicies = {
    {"mlp", "hidden = [16, 8]", false},
    {"mlp", "hidden = [7]\nactivation = \"relu\"", false},
    {"mlp", "hidden = [64, 64]", false},
    {"mlp", "hidden = []", false},  // no hidden layer: act_lanes' lanes-as-vector path
    {"linear", "bias = true", true},
    {"random", "", false},
    {"hebbian", "hidden = [8]", false},
};

// evaluate_many of `together` (lanes) against evaluate() of `alone` (one at a time), candidate by
// candidate: fitness bits, validity, steps, episodes, instability, behaviour and observation statistics.
// Returns the number of candidates compared.
size_t expect_lanes_equal_scalar(const RlTask& together, const RlTask& alone, std::span<const std::span<const float>> params,
                                 std::span<const EpisodeRequest> requests, const std::string& label) {
  std::vector<Result> got(params.size());
  auto ws_together = together.make_workspace();
  together.evaluate_many(params, requests, got, *ws_together);
  auto ws_alone = alone.make_workspace();
  for (size_t i = 0; i < params.size(); ++i) {
    const Result want = alone.evaluate(params[i], requests[i], *ws_alone);
    SCOPED_TRACE(label + ", candidate " + std::to_string(i));
    EXPECT_EQ(bits(got[i].fitness), bits(want.fitness));
    EXPECT_EQ(got[i].valid, want.valid);
    EXPECT_EQ(got[i].steps, want.steps);
    EXPECT_EQ(got[i].episodes, want.episodes);
    EXPECT_EQ(got[i].unstable, want.unstable);
    EXPECT_EQ(got[i].behaviour, want.behaviour);
    EXPECT_EQ(got[i].obs_stats.has_value(), want.obs_stats.has_value());
    if (got[i].obs_stats && want.obs_stats) {
      EXPECT_EQ(got[i].obs_stats->sum, want.obs_stats->sum);
      EXPECT_EQ(got[i].obs_stats->count, want.obs_stats->count);
    }
  }
  return params.size();
}

class LockstepTask : public ::testing::TestWithParam<std::string> {};

// evaluate_many over random lane counts, candidate counts, episode counts and caps equals evaluate()
// candidate by candidate: fitness bits, steps, episodes, validity. Some requests collect observation
// statistics (they run alone) and some candidates diverge (NaN parameters end their episodes).
TEST_P(LockstepTask, EveryCandidateEqualsTheScalarPath) {
  Stream rng(mix64(std::hash<std::string>{}(GetParam()) + 1));
  const auto probe = make_env(GetParam());
  const Space& obs = probe->observation_space();
  const Space& act = probe->action_space();
  ObsNormalizer norm(obs.dim());
  {
    ObsStats st;
    st.resize(obs.dim());
    std::vector<float> o(obs.dim());
    for (int n = 0; n < 50; ++n) {
      for (float& v : o) v = static_cast<float>(rng.normal());
      st.add(o);
    }
    norm.update(st);
  }
  size_t checked = 0;
  for (const PolicyCase& pc : kPolicies) {
    if (pc.continuous_only && act.is_discrete()) continue;
    std::shared_ptr<const Policy> policy = test_util::policy_from_toml(pc.type, pc.keys, obs, act);
    for (int trial = 0; trial < 3; ++trial) {
      // 2-9 lanes, and once 16-20 (the 16-lane groups of the MLP's AVX-512 lane kernel, with tails).
      const size_t lanes = trial == 2 ? 16 + rng.below(5) : 2 + rng.below(8);
      const uint32_t episodes = 1 + static_cast<uint32_t>(rng.below(3));
      const int max_steps = rng.uniform() < 0.5 ? 0 : 1 + static_cast<int>(rng.below(120));
      const ObsNormalizer* normalizer = trial == 1 ? &norm : nullptr;
      RlTask together(GetParam(), policy, normalizer, episodes, max_steps, lanes);
      RlTask alone(GetParam(), policy, normalizer, episodes, max_steps, 0);
      ASSERT_EQ(together.lockstep_lanes(), lanes);
      ASSERT_EQ(alone.lockstep_lanes(), 1u);
      const size_t n = 1 + rng.below(2 * lanes + 3);
      std::vector<std::vector<float>> store(n, std::vector<float>(policy->num_params()));
      std::vector<std::span<const float>> params(n);
      std::vector<EpisodeRequest> requests(n);
      for (size_t i = 0; i < n; ++i) {
        for (float& w : store[i]) w = static_cast<float>(rng.normal());
        if (!store[i].empty() && rng.uniform() < 0.15) store[i][rng.below(store[i].size())] = NAN;
        params[i] = store[i];
        requests[i] = {rng.next_u64(), static_cast<uint32_t>(rng.below(3)), rng.uniform() < 0.2};
      }
      checked += expect_lanes_equal_scalar(together, alone, params, requests,
                                           pc.type + " " + pc.keys + ", lanes " + std::to_string(lanes));
    }
  }
  EXPECT_GT(checked, 30u);
}

INSTANTIATE_TEST_SUITE_P(ClassicControl, LockstepTask, ::testing::ValuesIn(kBatched), test_util::param_name);

// The MinAtar games: evaluate_many equals evaluate() candidate by candidate, as above, with the policies
// a MinAtar grid is given (the MinAtar conv network, MLPs, the linear lanes path), over random lane
// counts, candidates, episodes and caps (some runs keep the game's own end: Breakout's lost ball,
// Freeway's 2,500 frames).
class LockstepMinAtar : public ::testing::TestWithParam<std::string> {};

TEST_P(LockstepMinAtar, EveryCandidateEqualsTheScalarPath) {
  Stream rng(mix64(std::hash<std::string>{}(GetParam()) + 2));
  const auto probe = make_env(GetParam());
  const Space& obs = probe->observation_space();
  const Space& act = probe->action_space();
  const std::vector<PolicyCase> policies = {
      {"mlp", "hidden = []", false}, {"mlp", "hidden = [8]", false}, {"conv", "preset = \"minatar\"", false}};
  size_t checked = 0;
  for (const PolicyCase& pc : policies) {
    std::shared_ptr<const Policy> policy = test_util::policy_from_toml(pc.type, pc.keys, obs, act);
    const bool cheap = pc.type == "mlp";
    for (int trial = 0; trial < 2; ++trial) {
      const size_t lanes = 2 + rng.below(8);
      const uint32_t episodes = 1 + static_cast<uint32_t>(rng.below(3));
      const int max_steps = cheap && trial == 0 ? 0 : 1 + static_cast<int>(rng.below(cheap ? 300 : 40));
      RlTask together(GetParam(), policy, nullptr, episodes, max_steps, lanes);
      RlTask alone(GetParam(), policy, nullptr, episodes, max_steps, 0);
      ASSERT_EQ(together.lockstep_lanes(), lanes);
      const size_t n = 1 + rng.below(cheap ? 2 * lanes + 3 : lanes + 1);
      std::vector<std::vector<float>> store(n, std::vector<float>(policy->num_params()));
      std::vector<std::span<const float>> params(n);
      std::vector<EpisodeRequest> requests(n);
      for (size_t i = 0; i < n; ++i) {
        for (float& w : store[i]) w = static_cast<float>(0.1 * rng.normal());
        if (rng.uniform() < 0.1) store[i][rng.below(store[i].size())] = NAN;
        params[i] = store[i];
        requests[i] = {rng.next_u64(), static_cast<uint32_t>(rng.below(3)), false};
      }
      checked += expect_lanes_equal_scalar(together, alone, params, requests,
                                           pc.type + " " + pc.keys + ", lanes " + std::to_string(lanes));
    }
  }
  EXPECT_GT(checked, 6u);
}

INSTANTIATE_TEST_SUITE_P(MinAtar, LockstepMinAtar, ::testing::Values("minatar/breakout", "minatar/freeway-minimal"),
                         test_util::param_name);

TEST(LockstepTask, EnvironmentsWithoutABatchedVersionFallBackToOneByOne) {
  const auto probe = make_env("tmaze");
  std::shared_ptr<const Policy> policy =
      test_util::policy_from_toml("mlp", "hidden = [4]", probe->observation_space(), probe->action_space());
  RlTask task("tmaze", policy, nullptr, 2, 0, 8);
  EXPECT_EQ(task.lockstep_lanes(), 1u);
  std::vector<float> p(policy->num_params(), 0.25f);
  const std::vector<std::span<const float>> params = {p, p};
  const std::vector<EpisodeRequest> requests = {{1, 0, false}, {2, 0, false}};
  std::vector<Result> got(2);
  auto ws = task.make_workspace();
  task.evaluate_many(params, requests, got, *ws);
  for (size_t i = 0; i < 2; ++i) EXPECT_EQ(bits(got[i].fitness), bits(task.evaluate(p, requests[i], *ws).fitness));
}

}  // namespace
}  // namespace neuroevo
