// The checkpoint reader: the checked container, then the fields neuroevo itself reads (counters and
// observation statistics) against a run of 4-value observations and 10 generations. The strategies'
// own state (checkpoint["strategy"]) is decoded by each strategy and fuzzed with them.
// The payload goes through the binary-section reader (core/json_binary.hpp).
// Input: byte 0 even -> the rest is wrapped in a valid container (so the fuzzer reaches the JSON); odd
// -> the rest is the file as is (container header included).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_common.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/json_binary.hpp"
#include "neuroevo/nn/obs_norm.hpp"
#include "neuroevo/runtime/run_dir.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string file = body;
  if ((data[0] & 1) == 0) {
    char head[96];
    std::snprintf(head, sizeof head, "neuroevo-checkpoint 1 %zu %016llx\n", body.size(),
                  static_cast<unsigned long long>(neuroevo::fnv1a64(
                      std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size()))));
    file = head + body;
  }
  const fuzz::MemFile f(file);
  try {
    const auto payload = neuroevo::read_checked(f.path(), "checkpoint");
    const auto j = neuroevo::unpack_json_binary(
        std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()), "fuzz.ckpt");
    // The run passes its strategy's own generation; here it is the file's, when that is a valid
    // counter (a plain j.value() would convert an out-of-range float, which is undefined).
    const auto g = j.find("generation");
    const uint64_t strategy_generation = g != j.end() && g->is_number_unsigned() ? g->get<uint64_t>() : 0;
    neuroevo::check_checkpoint_counters(j, strategy_generation, 10, "fuzz.ckpt");
    const auto n = neuroevo::ObsNormalizer::from_json(j.at("obs_norm"), 4);
    const std::vector<float> obs = {0.5f, -1.0f, 3.0f, 1e30f};
    std::vector<float> out(4);
    n.apply(obs, out);
    for (float v : out)
      if (!(std::isnan(v) || (v >= -5.0f && v <= 5.0f))) __builtin_trap();  // the clip to [-5, 5]
  } catch (const neuroevo::UsageError&) {
  } catch (const nlohmann::json::exception&) {
  }
  return 0;
}
