// Helpers shared by the tests: registry-driven parameterised suites and policies built from TOML keys.
#pragma once
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neuroevo/core/config.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo::test_util {

// The names of a registry's entries (EnvInfo, PolicyInfo, StrategyInfo: anything with a `name`), in order.
template <class Info>
std::vector<std::string> registry_names(const std::vector<Info>& registry) {
  std::vector<std::string> names;
  for (const Info& entry : registry) names.push_back(entry.name);
  return names;
}

// A GoogleTest parameter name from a registry name: "minatar/breakout-minimal" -> "minatar_breakout_minimal".
inline std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

// A policy of `type` from the policy table's other keys (TOML lines); unknown keys are a UsageError.
inline std::unique_ptr<const Policy> policy_from_toml(const std::string& type, const std::string& keys,
                                                      const Space& obs, const Space& action) {
  Config cfg = Config::from_string("type = \"" + type + "\"\n" + keys, "test policy");
  ConfigSection root = cfg.root();
  auto p = make_policy(root, obs, action);
  cfg.check_unknown();
  return p;
}

}  // namespace neuroevo::test_util
