// Genomes: what a champion stores and what rebuilds its parameters.
//  - dense: the float32 parameters themselves (ES centres, CMA-ES means, small networks);
//  - seed chain (Deep GA, Such et al. 2017): theta_0 = policy.init(init_seed),
//    theta_k = theta_{k-1} + sigma_k * noise(seed_k); 8 bytes per generation for any network size.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

namespace neuroevo {

class ParamSpace;
class NoiseTable;

struct ChainStep {
  uint32_t seed = 0;
  float sigma = 0.0f;
  bool operator==(const ChainStep&) const = default;
};

struct Genome {
  enum class Kind : uint8_t { Dense = 1, SeedChain = 2 };
  Kind kind = Kind::Dense;
  std::vector<float> dense;
  uint32_t init_seed = 0;
  std::vector<ChainStep> steps;

  static Genome make_dense(std::vector<float> params) { return {Kind::Dense, std::move(params), 0, {}}; }
  static Genome make_chain(uint32_t init_seed, std::vector<ChainStep> steps = {}) {
    return {Kind::SeedChain, {}, init_seed, std::move(steps)};
  }
  bool operator==(const Genome&) const = default;

  // Compact binary form (little-endian): kind byte, then the floats, or the init seed and the steps.
  std::vector<uint8_t> to_bytes() const;
  // Throws UsageError on malformed bytes.
  static Genome from_bytes(std::span<const uint8_t> bytes);
  nlohmann::json to_json() const;
  static Genome from_json(const nlohmann::json& j);
};

// Rebuilds the parameters of `g` into `out` (size policy.num_params()). A seed chain needs the noise table.
void materialize(const Genome& g, const ParamSpace& policy, const NoiseTable* noise, std::span<float> out);

}  // namespace neuroevo
