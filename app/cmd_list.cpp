#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/registry.hpp"

namespace neuroevo::cli {

Command add_list(CLI::App& app) {
  auto* cmd = app.add_subcommand("list", "List environments, policies and strategies");
  auto keys_of = std::make_shared<std::string>();
  cmd->add_option("--keys", *keys_of, "print the [strategy] keys of STRATEGY: key, type, default, range, doc");
  return {cmd, [keys_of] {
    if (!keys_of->empty()) {
      const StrategyInfo& info = find_strategy(*keys_of);  // UsageError with a suggestion
      if (!info.keys) {
        std::printf("%s reads its keys by hand (no declared table yet): see src/strategies/%s.cpp; every default "
                    "is written into a run's config.toml\n", info.name.c_str(), info.name.c_str());
        return 0;
      }
      std::printf("%-22s %-8s %-12s %-28s %s\n", "key", "type", "default", "range", "doc");
      for (const auto& k : info.keys())
        std::printf("%-22s %-8s %-12s %-28s %s\n", k.key.c_str(), k.type.c_str(), k.default_value.c_str(),
                    k.range.c_str(), k.doc.c_str());
      return 0;
    }
    std::printf("environments:\n");
    for (const auto& e : env_registry()) std::printf("  %-26s %s\n", e.name.c_str(), e.description.c_str());
    std::printf("policies:\n");
    for (const auto& p : policy_registry()) std::printf("  %-26s %s\n", p.name.c_str(), p.description.c_str());
    std::printf("strategies:\n");
    for (const auto& s : strategy_registry()) std::printf("  %-26s %s\n", s.name.c_str(), s.description.c_str());
    std::printf("task types ([task] type):\n");
    std::printf("  %-26s %s\n", "rl", "a policy acting in an environment ([env], [policy]); the default");
    for (const auto& t : task_type_registry()) std::printf("  %-26s %s\n", t.name.c_str(), t.description.c_str());
    return 0;
  }};
}

}  // namespace neuroevo::cli
