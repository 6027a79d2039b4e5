// Conformance of every registered policy (policy_registry()): the contract of include/neuroevo/nn/
// policy.hpp checked entry by entry, each on the first registered environment it accepts with its
// default settings. A new policy is picked up without editing this file.
//
// Checked for each entry: init_params writes exactly num_params() values and is a function of its seed;
// act reads no parameter beyond num_params(); act is deterministic given the parameters, the episode
// seed and the observations, whatever the scratch state held before reset(); actions lie in the action
// space; and separate per-worker scratches used concurrently on two threads give the serial actions.
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "registry_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo {
namespace {

// A policy of type `name` with default settings on the first registered environment that accepts it.
struct Subject {
  std::string env_name;
  std::unique_ptr<const Policy> policy;
};

Subject make_subject(const std::string& name) {
  for (const EnvInfo& e : env_registry()) {
    const auto env = e.make();
    Config config = Config::from_string("[policy]\ntype = \"" + name + "\"\n", "test config");
    ConfigSection section = config.section("policy");
    try {
      return {e.name, make_policy(section, env->observation_space(), env->action_space())};
    } catch (const UsageError&) {
      // Not for this environment's spaces (e.g. a discrete-only or image-only policy): try the next.
    }
  }
  return {};
}

// The actions of one episode of `steps` steps with parameters `params` on a fresh environment (the policy's
// own actions drive it, the episode restarting when it ends), starting from `scratch` as it is.
std::vector<float> episode_actions(const Policy& policy, const std::string& env_name, std::span<const float> params,
                                   PolicyScratch& scratch, uint64_t seed, int steps) {
  const auto env = make_env(env_name);
  std::vector<float> obs(env->observation_space().dim()), action(env->action_space().dim()), all;
  env->reset(seed, obs);
  policy.reset(scratch, seed * 31 + 1);
  for (int t = 0; t < steps; ++t) {
    policy.act(params, obs, action, scratch);
    all.insert(all.end(), action.begin(), action.end());
    const StepResult s = env->step(action, obs);
    if (s.terminated || s.truncated) env->reset(seed + 1000 + t, obs);
  }
  return all;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  // memcmp's pointers must not be null even for a size of 0 (a policy without parameters).
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

class PolicyConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    subject_ = make_subject(GetParam());
    ASSERT_TRUE(subject_.policy != nullptr) << "no registered environment accepts policy '" << GetParam()
                                 << "' with its default settings";
  }
  const Policy& policy() const { return *subject_.policy; }
  std::vector<float> params(uint64_t seed) const {
    std::vector<float> p(policy().num_params());
    policy().init_params(seed, p);
    return p;
  }
  Subject subject_;
};

TEST_P(PolicyConformance, InitWritesExactlyNumParamsValuesFromTheSeed) {
  const size_t n = policy().num_params();
  const float guard = -12345.5f;
  std::vector<float> buffer(n + 16, guard);
  policy().init_params(3, std::span<float>(buffer.data(), n));
  for (size_t i = n; i < buffer.size(); ++i) ASSERT_EQ(buffer[i], guard) << "init wrote past num_params() at " << i;
  for (size_t i = 0; i < n; ++i) ASSERT_TRUE(std::isfinite(buffer[i])) << "parameter " << i;
  buffer.resize(n);
  EXPECT_TRUE(same_bits(buffer, params(3))) << "init_params is not a function of its seed";
  EXPECT_FALSE(policy().describe().empty());
}

TEST_P(PolicyConformance, ActReadsNoParameterBeyondNumParams) {
  const size_t n = policy().num_params();
  // The parameters followed by NaNs: an action computed from any of them would not be the same as with
  // the parameters followed by zeros.
  std::vector<float> with_nan = params(5), with_zero = params(5);
  with_nan.resize(n + 64, std::numeric_limits<float>::quiet_NaN());
  with_zero.resize(n + 64, 0.0f);
  PolicyScratch a, b;
  const auto x = episode_actions(policy(), subject_.env_name, std::span<const float>(with_nan.data(), n), a, 8, 20);
  const auto y = episode_actions(policy(), subject_.env_name, std::span<const float>(with_zero.data(), n), b, 8, 20);
  EXPECT_TRUE(same_bits(x, y));
  for (float v : x) ASSERT_FALSE(std::isnan(v));
}

TEST_P(PolicyConformance, ActIsDeterministicWhateverTheScratchHeldBefore) {
  const auto p = params(11), other = params(12);
  PolicyScratch fresh, used;
  episode_actions(policy(), subject_.env_name, other, used, 99, 40);  // leaves state in `used`
  const auto a = episode_actions(policy(), subject_.env_name, p, fresh, 21, 60);
  const auto b = episode_actions(policy(), subject_.env_name, p, used, 21, 60);
  EXPECT_TRUE(same_bits(a, b));
}

TEST_P(PolicyConformance, ActionsLieInTheActionSpace) {
  const auto env = make_env(subject_.env_name);
  const Space& space = env->action_space();
  for (uint64_t seed : {1, 2, 3}) {
    PolicyScratch scratch;
    const auto actions = episode_actions(policy(), subject_.env_name, params(seed), scratch, seed, 80);
    const size_t d = space.dim();
    ASSERT_EQ(actions.size() % d, 0u);
    for (size_t i = 0; i < actions.size(); ++i) {
      const float a = actions[i];
      if (space.is_discrete()) {
        ASSERT_TRUE(a >= 0.0f && a < static_cast<float>(space.n) && a == std::floor(a)) << "action " << a;
      } else {
        const size_t k = i % d;
        ASSERT_TRUE(a >= static_cast<float>(space.low[k]) && a <= static_cast<float>(space.high[k]))
            << "action[" << k << "] = " << a << " outside [" << space.low[k] << ", " << space.high[k] << "]";
      }
    }
  }
}

// One immutable policy shared by two threads, each with its own scratch, as the evaluator uses it.
TEST_P(PolicyConformance, SeparateScratchesOnTwoThreadsGiveTheSerialActions) {
  constexpr int kJobs = 6, kSteps = 50;
  std::vector<std::vector<float>> params_of(kJobs), serial(kJobs), parallel(kJobs);
  for (int j = 0; j < kJobs; ++j) params_of[j] = params(100 + j);
  {
    PolicyScratch scratch;  // serial: one scratch reused for every job
    for (int j = 0; j < kJobs; ++j)
      serial[j] = episode_actions(policy(), subject_.env_name, params_of[j], scratch, 500 + j, kSteps);
  }
  auto worker = [&](int first) {
    PolicyScratch scratch;
    for (int j = first; j < kJobs; j += 2)
      parallel[j] = episode_actions(policy(), subject_.env_name, params_of[j], scratch, 500 + j, kSteps);
  };
  std::thread t0(worker, 0), t1(worker, 1);
  t0.join();
  t1.join();
  for (int j = 0; j < kJobs; ++j) EXPECT_TRUE(same_bits(serial[j], parallel[j])) << "job " << j;
}

INSTANTIATE_TEST_SUITE_P(Registry, PolicyConformance, ::testing::ValuesIn(test_util::registry_names(policy_registry())),
                         test_util::param_name);

}  // namespace
}  // namespace neuroevo
