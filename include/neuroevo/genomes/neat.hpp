// NEAT genomes (Stanley & Miikkulainen 2002, "Evolving Neural Networks through Augmenting Topologies",
// Evolutionary Computation 10(2)): node genes and connection genes carrying historical markings
// (innovation numbers), the operators that act on one or two genomes (compatibility distance, crossover
// aligned by innovation, structural and weight mutations) and the phenotype, compiled into a flat program.
//
// Node ids: 0..inputs-1 are the inputs, `inputs` is the bias node (constant 1, the paper's bias input),
// inputs+1..inputs+outputs the outputs, larger ids hidden nodes in order of creation. Nodes are kept sorted
// by id and connections by innovation number, so two genomes align by a merge of their sorted lists.
//
// The operators that need new innovation numbers take an InnovationTracker: the strategy owns one per
// generation, so the same structural mutation in one generation gets one number (section 3.2).
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/genomes/candidate.hpp"

namespace neuroevo {

// Node activations. NEAT uses the steepened sigmoid 1 / (1 + exp(-4.9 x)) (section 4.1); the others are the
// CPPN set of Stanley 2007 ("Compositional pattern producing networks") used by HyperNEAT.
enum class NeatActivation : uint8_t { SteepSigmoid, Sigmoid, Tanh, Sine, Gauss, Abs, Identity, Step, Relu };
const char* activation_name(NeatActivation a);
// Throws UsageError naming `key` and listing the valid names for an unknown name.
NeatActivation activation_from_name(const std::string& name, const std::string& key);
double apply_activation(NeatActivation a, double x);

enum class NeatNodeKind : uint8_t { Input, Bias, Output, Hidden };

struct NeatNode {
  uint32_t id = 0;
  NeatNodeKind kind = NeatNodeKind::Hidden;
  NeatActivation activation = NeatActivation::SteepSigmoid;
  bool operator==(const NeatNode&) const = default;
};

struct NeatConnection {
  uint32_t innovation = 0;
  uint32_t in = 0, out = 0;  // node ids
  float weight = 0.0f;
  bool enabled = true;
  bool operator==(const NeatConnection&) const = default;
};

// New innovation numbers and node ids, shared by every mutation of one generation (section 3.2: "by keeping
// a list of the innovations that occurred in the current generation").
class InnovationTracker {
 public:
  InnovationTracker(uint32_t next_innovation, uint32_t next_node) : next_innovation_(next_innovation), next_node_(next_node) {}
  // The innovation of a new connection in -> out (the same pair in one generation: the same number).
  uint32_t connection(uint32_t in, uint32_t out);
  // Splitting connection `innovation`: the new node's id and the innovations of (in -> node, node -> out).
  std::tuple<uint32_t, uint32_t, uint32_t> split(uint32_t innovation);
  uint32_t next_innovation() const { return next_innovation_; }
  uint32_t next_node() const { return next_node_; }

 private:
  uint32_t next_innovation_, next_node_;
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> connections_;
  std::map<uint32_t, std::tuple<uint32_t, uint32_t, uint32_t>> splits_;
};

// Mutation rates and magnitudes (the NEAT strategy's keys).
struct NeatMutation {
  double add_node = 0.03, add_connection = 0.05, weights = 0.8, perturb = 0.9, power = 2.5, init_range = 1.0;
  double weight_max = 8.0, toggle_enable = 0.0, activation = 0.0;
  uint32_t connection_tries = 20;
  bool recurrent = false;
  // Recurrent genomes: probability an add-connection mutation looks for a recurrent link (a self-loop or one
  // closing a cycle); otherwise it looks for a feed-forward one (NEAT 1.2's recur_only_prob).
  double recurrent_only = 0.2;
  // NEAT 1.2's schedule (Species::reproduce): add node, else add connection, else the non-structural
  // mutations (weights, toggle, re-enable); false draws every mutation independently.
  bool exclusive = false;
  // Probability the first disabled connection (innovation order) is re-enabled (NEAT 1.2's gene_reenable).
  double reenable = 0.0;
  // Weight mutation: false: the paper's (each weight perturbed with p perturb, else replaced); true: NEAT
  // 1.2's mutate_link_weights (half the calls "severe": 70% perturbed, 20% replaced; otherwise every weight
  // perturbed except the newest 20% of genomes of 10+ genes: 50% perturbed, 20% replaced).
  bool neat12_weights = false;
  std::vector<NeatActivation> activations{NeatActivation::SteepSigmoid};  // for new hidden nodes
};

class NeatGenome final : public Candidate {
 public:
  NeatGenome() = default;
  // The minimal genome: inputs + bias fully connected to the outputs, innovations 0..(inputs+1)*outputs-1
  // in (output, input) order, weights uniform in [-init_range, init_range] from `rng` (or 0 without one).
  NeatGenome(uint32_t inputs, uint32_t outputs, bool recurrent, NeatActivation output_activation,
             NeatActivation hidden_activation, double init_range, Stream* rng);

  // A genome from its genes (not checked: call check()).
  NeatGenome(uint32_t inputs, uint32_t outputs, bool recurrent, std::vector<NeatNode> nodes,
             std::vector<NeatConnection> connections)
      : inputs_(inputs), outputs_(outputs), recurrent_(recurrent), nodes_(std::move(nodes)),
        connections_(std::move(connections)) {}

  std::string type() const override { return "neat"; }
  // "NEAT" magic, u32 version, u32 inputs, u32 outputs, u8 recurrent, u32 node count, nodes (u32 id, u8 kind,
  // u8 activation), u32 connection count, connections (u32 innovation, u32 in, u32 out, f32 weight, u8 enabled).
  std::vector<uint8_t> to_bytes() const override;
  // Observations: a Box of `inputs` values. Actions: Discrete(outputs) as the arg-max output (lowest index
  // on ties), or a Box of `outputs` values, each output clipped to its bounds.
  PolicyPhenotype policy(const Space& observation, const Space& action) const override;

  uint32_t inputs() const { return inputs_; }
  uint32_t outputs() const { return outputs_; }
  bool recurrent() const { return recurrent_; }
  size_t hidden_nodes() const;
  size_t enabled_connections() const;
  const std::vector<NeatNode>& nodes() const { return nodes_; }
  const std::vector<NeatConnection>& connections() const { return connections_; }
  std::vector<NeatNode>& nodes() { return nodes_; }
  std::vector<NeatConnection>& connections() { return connections_; }
  // Throws std::logic_error when the invariants fail: node layout, sorted unique ids and innovations,
  // connections between existing nodes into non-input nodes, no cycle when not recurrent.
  void check() const;
  // True when a path from -> ... -> to exists over all connections (enabled or not).
  bool reaches(uint32_t from, uint32_t to) const;

  // The network drawn as SVG: nodes in layers by depth, enabled connections with width |w| and colour sign.
  std::string svg() const override;

  bool operator==(const NeatGenome& o) const {
    return inputs_ == o.inputs_ && outputs_ == o.outputs_ && recurrent_ == o.recurrent_ && nodes_ == o.nodes_ &&
           connections_ == o.connections_;
  }

 private:
  uint32_t inputs_ = 0, outputs_ = 0;
  bool recurrent_ = false;
  std::vector<NeatNode> nodes_;
  std::vector<NeatConnection> connections_;
};

NeatGenome neat_from_bytes(std::span<const uint8_t> bytes);
std::unique_ptr<const Candidate> decode_neat(std::span<const uint8_t> bytes);

// Compatibility distance delta = c1 E / N + c2 D / N + c3 W (equation 1): E excess and D disjoint genes,
// W the mean absolute weight difference of matching genes, N the larger genome's gene count, or 1 when
// both have fewer than `normalize_below` genes (section 4.1).
struct Compatibility {
  double c1 = 1.0, c2 = 1.0, c3 = 0.4;
  size_t normalize_below = 20;
};
double compatibility(const NeatGenome& a, const NeatGenome& b, const Compatibility& c);

// Crossover (section 3.2, figure 4): matching genes inherited at random, disjoint and excess genes from the
// fitter parent `fit` (callers pass the smaller genome as `fit` on equal fitness); a gene disabled in either
// parent is disabled in the child with probability `disable`.
// With `average`, matching genes take the mean of the parents' weights (NEAT 1.2's mate_multipoint_avg).
NeatGenome crossover(const NeatGenome& fit, const NeatGenome& other, double disable, Stream& rng, bool average = false);

// Mutations; each returns whether the genome changed.
bool mutate_add_node(NeatGenome& g, const NeatMutation& m, InnovationTracker& innovations, Stream& rng);
bool mutate_add_connection(NeatGenome& g, const NeatMutation& m, InnovationTracker& innovations, Stream& rng);
void mutate_weights(NeatGenome& g, const NeatMutation& m, Stream& rng);
// One mutation pass as the strategy applies it: add node (p add_node), add connection (p add_connection),
// weights (p weights), toggle one connection (p toggle_enable), re-enable one (p reenable), one hidden
// activation (p activation); with `exclusive`, the last four only when neither structural mutation is drawn.
void mutate(NeatGenome& g, const NeatMutation& m, InnovationTracker& innovations, Stream& rng);

}  // namespace neuroevo
