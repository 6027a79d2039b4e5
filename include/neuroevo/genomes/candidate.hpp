// Structured candidates: genomes that are not fixed float vectors (a graph for NEAT, a program for GP, a
// variable-length list) and build their own phenotype. docs/architecture.md describes the whole contract.
//
// A strategy whose candidates are structured returns true from Strategy::structured() and implements
// Strategy::build(i) instead of decode(i, span<float>): build() is const and thread-safe, and rebuilds
// candidate i from the strategy's state alone, so every thread and every MPI rank gets the same candidate
// from the same state (only indices and results travel). The task asks the candidate for the phenotype it
// can evaluate: an RL task asks for a policy (an architecture plus its parameters).
//
// A genome type is one file with one line in genome_type_registry(): its name, and how to rebuild a
// candidate from the bytes to_bytes() wrote. The champion file stores the name and the bytes
// (Genome::Kind::Structured), which is all `neuroevo eval` needs to rebuild the phenotype.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/space.hpp"
#include "neuroevo/core/genome.hpp"

namespace neuroevo {

class Policy;
class GpProgram;

// A phenotype an RL task can run: an immutable architecture and its parameter vector.
struct PolicyPhenotype {
  std::shared_ptr<const Policy> policy;
  std::vector<float> params;
};

class Candidate {
 public:
  virtual ~Candidate() = default;
  // The genome type's registry name.
  virtual std::string type() const = 0;
  // The exact encoding that genome_type's decode reads back (champion files, equality in tests).
  virtual std::vector<uint8_t> to_bytes() const = 0;
  // The policy this genome expresses in an environment with these spaces. Genome types that are not
  // policies (a program for a function task) keep the default, which throws UsageError; a task that needs
  // another phenotype adds its own virtual here with the same default.
  virtual PolicyPhenotype policy(const Space& observation, const Space& action) const;
  // The program a symbolic-regression task evaluates (genomes/gp_program.hpp); the default throws
  // UsageError: the genome type is not a program.
  virtual const GpProgram& program() const;

  // A drawing of the genome (an SVG document) that the run writes as champion.svg; empty when the type has
  // none.
  virtual std::string svg() const { return {}; }

  Genome genome() const { return Genome::make_structured(type(), to_bytes()); }
};

struct GenomeTypeInfo {
  std::string name;
  std::string description;
  // Rebuilds a candidate from to_bytes(); throws UsageError on malformed bytes.
  std::function<std::unique_ptr<const Candidate>(std::span<const uint8_t>)> decode;
};

const std::vector<GenomeTypeInfo>& genome_type_registry();
// Rebuilds a structured genome's candidate; throws UsageError for unknown types (with a suggestion).
std::unique_ptr<const Candidate> decode_genome(const Genome& genome);

}  // namespace neuroevo
