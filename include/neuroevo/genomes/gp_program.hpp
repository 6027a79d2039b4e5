// Genetic-programming programs: expression trees over a primitive set, stored in prefix order (each
// node followed by its arguments), so a subtree is one contiguous range [i, subtree_end(i)) and subtree
// crossover / mutation are range splices. The genome type "gp_program" (genome_type_registry()).
//
// Operators are protected so a program is defined on every input (Koza 1992, sec. 6.1.1 for division;
// the log and sqrt conventions are those of gplearn and Operon's "protected" variants):
//   div(a, b) = 1 when |b| < 1e-12 (Koza's protected division returns 1 on a zero denominator),
//   log(a) = log|a|, 0 when |a| < 1e-12;  sqrt(a) = sqrt|a|;  exp(a) = exp(min(a, 700)) (no overflow).
// Evaluation runs over all data rows column-wise in blocks (kBlock rows), one loop per node, which the
// compiler vectorises: the "SIMD over rows" layout of Operon (Burlacu et al. 2020).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/genomes/candidate.hpp"

namespace neuroevo {

enum class GpOp : uint8_t {
  Const = 0, Var, Add, Sub, Mul, Div, Sin, Cos, Exp, Log, Sqrt, Square, Tanh, Count
};

struct GpNode {
  GpOp op = GpOp::Const;
  uint16_t var = 0;   // Var: the input index
  double value = 0;   // Const: the constant
  bool operator==(const GpNode&) const = default;
};

int gp_arity(GpOp op);
// The primitive's configuration name ("add", "div", ...), and back (throws UsageError with a suggestion).
const char* gp_op_name(GpOp op);
GpOp gp_op_from_name(const std::string& name, const std::string& key);

// What a program may be built from.
struct GpPrimitives {
  std::vector<GpOp> functions;   // arity >= 1
  uint16_t variables = 1;
  bool constants = true;         // ephemeral random constants, uniform in [const_low, const_high]
  double const_low = -1.0, const_high = 1.0;
  // A random terminal: a variable or, with probability 1/(variables+1) when constants are on, an ERC.
  GpNode terminal(Stream& rng) const;
  GpNode function(Stream& rng) const;
};

class GpProgram final : public Candidate {
 public:
  GpProgram() = default;
  explicit GpProgram(std::vector<GpNode> nodes, uint16_t variables) : nodes_(std::move(nodes)), variables_(variables) {}

  std::string type() const override { return "gp_program"; }
  // u32 variables, u32 count, count x (u8 op, u16 var, f64 value), little endian.
  std::vector<uint8_t> to_bytes() const override;
  const GpProgram& program() const override { return *this; }

  const std::vector<GpNode>& nodes() const { return nodes_; }
  std::vector<GpNode>& nodes() { return nodes_; }
  uint16_t variables() const { return variables_; }
  size_t size() const { return nodes_.size(); }
  // Depth of the whole tree (a single terminal has depth 0, as in DEAP).
  int depth() const;
  // One past the last node of the subtree rooted at i.
  size_t subtree_end(size_t i) const;
  // Depth of node i in the tree (root 0) and height of its subtree, for all nodes.
  void depths(std::vector<int>& node_depth, std::vector<int>& height) const;

  // Evaluates over `rows` rows; x is column-major (x[v * rows + r]); out has `rows` values.
  void evaluate(std::span<const double> x, size_t rows, std::span<double> out) const;
  // Infix formula with variables x0, x1, ... (or `names`), parseable by SymPy when the protected
  // operators are spelt as their SymPy-compatible definitions (see infix()).
  std::string infix(const std::vector<std::string>& names = {}) const;
  // Throws std::logic_error when the prefix sequence is not one well-formed tree.
  void check() const;
  bool operator==(const GpProgram& o) const { return nodes_ == o.nodes_ && variables_ == o.variables_; }

  static constexpr size_t kBlock = 256;

 private:
  std::vector<GpNode> nodes_;
  uint16_t variables_ = 1;
};

std::unique_ptr<const Candidate> decode_gp_program(std::span<const uint8_t> bytes);
GpProgram gp_program_from_bytes(std::span<const uint8_t> bytes);

// Variation, all drawing from `rng` only (so a child is a function of its parents and its stream).
// Koza's "grow" (full = false) or "full" tree of the given maximum depth.
std::vector<GpNode> gp_random_tree(const GpPrimitives& prim, int max_depth, bool full, Stream& rng);
// Subtree crossover (Koza 1992): a random subtree of `a` replaced by a random subtree of `b`; function
// nodes are chosen with probability 0.9 as crossover points (Koza's 90/10 rule) when the tree has any.
GpProgram gp_crossover(const GpProgram& a, const GpProgram& b, Stream& rng);
// A random subtree replaced by a "grow" tree of depth <= max_depth.
GpProgram gp_subtree_mutation(const GpProgram& a, const GpPrimitives& prim, int max_depth, Stream& rng);
// Each node, with probability p, replaced by a random primitive of the same arity (constants are perturbed
// by N(0, 1) instead when constants are on).
GpProgram gp_point_mutation(const GpProgram& a, const GpPrimitives& prim, double p, Stream& rng);
// A random subtree becomes the whole program (Kinnear 1994): a mutation that only shrinks.
GpProgram gp_hoist_mutation(const GpProgram& a, Stream& rng);
// PIMP's distance between an ideal mate and a candidate: the L1 distance between their primitive counts
// (each variable and each function counted separately, constants pooled). Our choice: docs/gp.md.
double gp_mate_distance(const GpProgram& ideal, const GpProgram& candidate);
// Picks a node: a function node with probability 0.9 if there is one, else a terminal.
size_t gp_pick_node(const GpProgram& a, Stream& rng);

}  // namespace neuroevo
