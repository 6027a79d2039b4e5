// `env rollout`'s input: a --state string and an actions file, parsed as the CLI parses them, then
// set_state and a few steps of the environment (classic control, MinAtar, MuJoCo when built, the maze).
// Input: byte 0 picks the environment; the rest is "STATE\nACTION LINE\nACTION LINE...".
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/number_text.hpp"
#include "neuroevo/envs/env.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto& reg = neuroevo::env_registry();
  const auto& info = reg[data[0] % reg.size()];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::istringstream in(text);
  try {
    auto env = info.make();
    std::string line;
    if (!neuroevo::read_bounded_line(in, line, 1 << 16, "state")) return 0;
    const auto state = neuroevo::parse_number_list(line, "--state");
    std::vector<float> obs(env->observation_space().dim());
    if (state.size() != env->state_dim()) return 0;
    env->set_state(state, obs);
    const neuroevo::Space& act = env->action_space();
    for (int steps = 0; steps < 20 && neuroevo::read_bounded_line(in, line, 1 << 16, "actions"); ++steps) {
      const auto v = neuroevo::parse_number_list(line, "actions");
      if (v.size() != act.dim()) return 0;
      if (act.is_discrete() && (v[0] != std::floor(v[0]) || v[0] < 0 || v[0] >= act.n)) return 0;
      const std::vector<float> a(v.begin(), v.end());
      const auto r = env->step(a, obs);
      if (r.terminated || r.truncated) break;
    }
  } catch (const neuroevo::UsageError&) {
  }
  return 0;
}
