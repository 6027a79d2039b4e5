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
  const nlohmann::json header = {{"env", env},           {"policy", policy_toml}, {"obs_norm", obs_norm},
                                 {"noise_seed", noise_seed}, {"noise_size", noise_size}, {"max_steps", max_steps},
                                 {"generation", generation}, {"train_fitness", train_fitness}};
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
  try {
    const auto h = nlohmann::json::parse(p.begin() + 4, p.begin() + 4 + len);
    c.env = h.at("env").get<std::string>();
    c.policy_toml = h.at("policy").get<std::string>();
    c.obs_norm = h.at("obs_norm");
    c.noise_seed = h.at("noise_seed").get<uint64_t>();
    c.noise_size = h.at("noise_size").get<uint64_t>();
    c.generation = h.at("generation").get<uint64_t>();
    c.max_steps = h.at("max_steps").get<int>();
    // JSON has no NaN or infinity: a diverged champion's fitness is written as null and read back as NaN.
    const auto& fitness = h.at("train_fitness");
    c.train_fitness = fitness.is_null() ? std::numeric_limits<double>::quiet_NaN() : fitness.get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("'" + path + "': corrupt champion header: " + e.what());
  }
  c.genome = Genome::from_bytes(std::span(p).subspan(4 + len));
  return c;
}

}  // namespace neuroevo
