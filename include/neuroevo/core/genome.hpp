// Genomes: what a champion stores and what rebuilds its parameters.
//  - dense: the float32 parameters themselves (ES centres, CMA-ES means, small networks);
//  - seed chain (Deep GA, Such et al. 2017): theta_0 = policy.init(init_seed),
//    theta_k = theta_{k-1} + sigma_k * noise(seed_k); 8 bytes per generation for any network size;
//  - structured: a genome that is not a fixed float vector (a graph, a program, a variable-length list),
//    stored as its registered type name and its own bytes; candidate.hpp rebuilds it (docs/architecture.md).
#pragma once
#include <cstdint>
#include <span>
#include <string>
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
  enum class Kind : uint8_t { Dense = 1, SeedChain = 2, Structured = 3 };
  Kind kind = Kind::Dense;
  std::vector<float> dense;
  uint32_t init_seed = 0;
  std::vector<ChainStep> steps;
  std::string type;            // Structured: the genome type's registry name (genome_type_registry())
  std::vector<uint8_t> bytes;  // Structured: the candidate's own encoding (Candidate::to_bytes())

  static Genome make_dense(std::vector<float> params) { return {Kind::Dense, std::move(params), 0, {}, {}, {}}; }
  static Genome make_chain(uint32_t init_seed, std::vector<ChainStep> steps = {}) {
    return {Kind::SeedChain, {}, init_seed, std::move(steps), {}, {}};
  }
  static Genome make_structured(std::string type, std::vector<uint8_t> bytes) {
    return {Kind::Structured, {}, 0, {}, std::move(type), std::move(bytes)};
  }
  bool operator==(const Genome&) const = default;

  // Compact binary form (little-endian): kind byte, then the floats, or the init seed and the steps, or the
  // type name and the candidate's bytes.
  std::vector<uint8_t> to_bytes() const;
  // Throws UsageError on malformed bytes.
  static Genome from_bytes(std::span<const uint8_t> bytes);
  nlohmann::json to_json() const;
  static Genome from_json(const nlohmann::json& j);
};

// Rebuilds the parameters of `g` into `out` (size policy.num_params()). A seed chain needs the noise table.
// A structured genome has no fixed parameter vector: rebuild it with decode_genome() (candidate.hpp).
void materialize(const Genome& g, const ParamSpace& policy, const NoiseTable* noise, std::span<float> out);

}  // namespace neuroevo
