// The champion reader and load_champion_model (every field checked against the model it rebuilds),
// then one action of the rebuilt policy. Input: byte 0 even -> the rest is the payload (u32 header
// length, JSON header, genome bytes) wrapped in a valid container; odd -> the file as is.
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/runtime/champion.hpp"
#include "neuroevo/runtime/setup.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string file = body;
  if ((data[0] & 1) == 0) {
    char head[96];
    std::snprintf(head, sizeof head, "neuroevo-champion 1 %zu %016llx\n", body.size(),
                  static_cast<unsigned long long>(neuroevo::fnv1a64(
                      std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size()))));
    file = head + body;
  }
  const fuzz::MemFile f(file);
  try {
    const neuroevo::Champion c = neuroevo::Champion::load(f.path());
    // Noise tables above 2^20 values only cost time here; the bound itself is checked by load().
    if (c.noise_size > (uint64_t{1} << 20)) return 0;
    neuroevo::ChampionModel m = neuroevo::load_champion_model(c, 1);
    auto env = neuroevo::make_env(c.env);
    std::vector<float> obs(env->observation_space().dim()), norm(obs.size()), action(env->action_space().dim());
    env->reset(1, obs);
    std::span<const float> input = obs;
    if (m.normalizer) {
      m.normalizer->apply(obs, norm);
      input = norm;
    }
    neuroevo::PolicyScratch scratch;
    m.policy->reset(scratch, 1);
    m.policy->act(m.params, input, action, scratch);
    env->step(action, obs);
  } catch (const neuroevo::UsageError&) {
  } catch (const std::bad_alloc&) {
  } catch (const std::runtime_error&) {  // e.g. "out of memory allocating the champion's noise table"
  }
  return 0;
}
