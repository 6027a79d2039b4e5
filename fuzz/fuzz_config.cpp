// The TOML config + --set layer: parse a config, apply --set lines, read it through the typed getters
// the components use, check unknown keys, and write it back. Input: the TOML text, then optionally a
// line "---" followed by one --set assignment per line.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "fuzz_common.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find("\n---\n");
  const std::string toml_text = input.substr(0, split);
  try {
    neuroevo::Config c = neuroevo::Config::from_string(toml_text, "fuzz");
    if (split != std::string::npos) {
      size_t pos = split + 5;
      while (pos < input.size()) {
        const auto nl = input.find('\n', pos);
        c.set(input.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
        pos = nl == std::string::npos ? input.size() : nl + 1;
      }
    }
    // The getters of the run/env/policy/task/noise/strategy keys, with their real ranges.
    neuroevo::ConfigSection run = c.section("run");
    run.get_int("seed", 0, 0);
    run.get_int("generations", 50, 1, 100'000'000);
    run.get_double("wall_limit", 1.0, 0.0, 10.0);
    neuroevo::ConfigSection pol = c.section("policy");
    pol.get_string("type", "mlp", {"mlp", "random", "conv"});
    pol.get_int_list("hidden", {64, 64}, 1, 1 << 20);
    pol.get_bool("obs_norm", false);
    pol.get_double("obs_norm_prob", 0.01, 0.0, 1.0);
    pol.get_double_list("low", {0.0}, -1e9, 1e9);
    pol.get_string_list("names", {"a"});
    neuroevo::ConfigSection strat = c.section("strategy");
    strat.get_string("name", "ga");
    strat.get_double("sigma", 0.02, 0.0);
    strat.section("nested").get_int("k", 1, 1, 10);
    (void)strat.has("population");
    const std::string out = c.to_toml();
    c.check_unknown();
    // The resolved config must read back: it is what a run directory's config.toml holds, and what
    // --resume reads.
    try {
      (void)neuroevo::Config::from_string(out, "round trip");
    } catch (const neuroevo::UsageError&) {
      __builtin_trap();
    }
  } catch (const neuroevo::UsageError&) {
  }
  return 0;
}
