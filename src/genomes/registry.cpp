// The genome-type registry and the default of Candidate::policy (candidate.hpp).
#include "neuroevo/genomes/candidate.hpp"

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/genomes/gp_program.hpp"
#include "neuroevo/genomes/hyperneat.hpp"
#include "neuroevo/genomes/neat.hpp"
#include "neuroevo/genomes/sparse_linear.hpp"

namespace neuroevo {

const std::vector<GenomeTypeInfo>& genome_type_registry() {
  static const std::vector<GenomeTypeInfo> registry = {
      {"sparse_linear", "Linear policy with a variable-length list of (input, output, weight) connections",
       decode_sparse_linear},
      {"gp_program", "Genetic-programming expression tree in prefix order (symbolic regression)", decode_gp_program},
      {"neat", "NEAT network: node and connection genes with innovation numbers (feed-forward or recurrent)",
       decode_neat},
      {"hyperneat", "HyperNEAT: a NEAT-evolved CPPN painting the weights of a layered substrate", decode_hyperneat},
  };
  return registry;
}

std::unique_ptr<const Candidate> decode_genome(const Genome& genome) {
  if (genome.kind != Genome::Kind::Structured)
    throw UsageError("decode_genome: the genome is a fixed vector, not a structured genome");
  std::vector<std::string> names;
  for (const auto& t : genome_type_registry()) {
    if (t.name == genome.type) return t.decode(genome.bytes);
    names.push_back(t.name);
  }
  throw UsageError(unknown_name_message("genome type", genome.type, names));
}

PolicyPhenotype Candidate::policy(const Space&, const Space&) const {
  throw UsageError("genome type '" + type() + "' does not express a policy, so it cannot run in an environment");
}

const GpProgram& Candidate::program() const {
  throw UsageError("genome type '" + type() + "' is not a program, so a symbolic-regression task cannot evaluate it");
}

}  // namespace neuroevo
