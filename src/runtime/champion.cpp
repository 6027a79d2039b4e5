#include "neuroevo/runtime/champion.hpp"

#include <cstring>
#include <limits>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"

namespace neuroevo {

namespace {
constexpr const char* kKind = "champion";
}

void Champion::save(const std::string& path) const {
  nlohmann::json header = {{"env", env},           {"policy", policy_toml}, {"obs_norm", obs_norm},
                           {"noise_seed", noise_seed}, {"noise_size", noise_size}, {"max_steps", max_steps},
                           {"generation", generation}, {"train_fitness", train_fitness}};
  // Only champions of task types other than "rl" carry a [task] table, so RL champion files are unchanged.
  if (!task_toml.empty()) header["task"] = task_toml;
  const std::string h = header.dump();
  const std::vector<uint8_t> g = genome.to_bytes();
  std::vector<uint8_t> payload(4);
  const uint32_t len = static_cast<uint32_t>(h.size());
  for (int k = 0; k < 4; ++k) payload[k] = static_cast<uint8_t>(len >> (8 * k));
  payload.insert(payload.end(), h.begin(), h.end());
  payload.insert(payload.end(), g.begin(), g.end());
  write_checked(path, kKind, payload);
}

Champion Champion::load(const std::string& path) {
  const std::vector<uint8_t> p = read_checked(path, kKind);
  if (p.size() < 4) throw UsageError("'" + path + "': champion payload too short");
  uint32_t len = 0;
  for (int k = 0; k < 4; ++k) len |= static_cast<uint32_t>(p[k]) << (8 * k);
  if (len > p.size() - 4) throw UsageError("'" + path + "': corrupt champion header length");
  Champion c;
  // Every field is checked here or in load_champion_model (against the model it rebuilds): users
  // exchange champion files, so a crafted one must be a clear error, never undefined behaviour.
  auto fail = [&](const std::string& what) { throw UsageError("'" + path + "': corrupt champion header: " + what); };
  try {
    const auto h = nlohmann::json::parse(p.begin() + 4, p.begin() + 4 + len);
    if (!h.is_object()) fail("not a JSON object");
    auto unsigned_field = [&](const char* key, uint64_t hi) {
      const auto& v = h.at(key);
      if (!v.is_number_unsigned() || v.get<uint64_t>() > hi)
        fail(std::string("'") + key + "' = " + v.dump() + " is not an integer in [0, " + std::to_string(hi) + "]");
      return v.get<uint64_t>();
    };
    c.env = h.at("env").get<std::string>();
    c.policy_toml = h.at("policy").get<std::string>();
    if (h.contains("task")) {
      c.task_toml = h.at("task").get<std::string>();
      if (c.task_toml.empty()) fail("'task' is empty");
    }
    c.obs_norm = h.at("obs_norm");
    if (!c.obs_norm.is_null() && !c.obs_norm.is_object()) fail("'obs_norm' is neither null nor an object");
    c.noise_seed = unsigned_field("noise_seed", std::numeric_limits<uint64_t>::max());
    c.noise_size = unsigned_field("noise_size", kMaxNoiseSize);
    c.generation = unsigned_field("generation", std::numeric_limits<uint64_t>::max());
    c.max_steps = static_cast<int>(unsigned_field("max_steps", kMaxEpisodeSteps));
    // JSON has no NaN or infinity: a diverged champion's fitness is written as null and read back as NaN.
    const auto& fitness = h.at("train_fitness");
    if (!fitness.is_null() && !fitness.is_number()) fail("'train_fitness' is not a number");
    c.train_fitness = fitness.is_null() ? std::numeric_limits<double>::quiet_NaN() : fitness.get<double>();
  } catch (const nlohmann::json::exception& e) {
    fail(e.what());
  }
  c.genome = Genome::from_bytes(std::span(p).subspan(4 + len));
  return c;
}

}  // namespace neuroevo
