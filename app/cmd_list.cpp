#include <cstdio>

#include "commands.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo::cli {

Command add_list(CLI::App& app) {
  auto* cmd = app.add_subcommand("list", "List environments, policies and strategies");
  return {cmd, [] {
    std::printf("environments:\n");
    for (const auto& e : env_registry()) std::printf("  %-26s %s\n", e.name.c_str(), e.description.c_str());
    std::printf("policies:\n");
    for (const auto& p : policy_registry()) std::printf("  %-26s %s\n", p.name.c_str(), p.description.c_str());
    std::printf("strategies:\n");
    for (const auto& s : strategy_registry()) std::printf("  %-26s %s\n", s.name.c_str(), s.description.c_str());
    return 0;
  }};
}

}  // namespace neuroevo::cli
