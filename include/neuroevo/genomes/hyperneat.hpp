// HyperNEAT (Stanley, D'Ambrosio & Gauci 2009, "A hypercube-based encoding for evolving large-scale neural
// networks", Artificial Life 15(2)): a NEAT-evolved CPPN (Stanley 2007) paints the weights of a fixed
// substrate. The substrate here is layered: the observation as one row of nodes, the configured hidden
// grids (rows x columns), the action outputs as one row; every layer's coordinates span [-1, 1] in x and y.
// For a connection from (x1, y1) in layer l to (x2, y2) in layer l + 1 the CPPN gets
// (x1, y1, x2, y2, layer) with layer = 2 l / (layers - 2) - 1 (or 0 with one connection layer), and its
// output 0 gives the weight, output 1 at (0, 0, x2, y2, layer) the target node's bias. Outputs with
// |o| <= threshold express no connection; others are scaled to sign(o) (|o| - threshold) / (1 - threshold)
// * max_weight (Gauci & Stanley 2010, "Autonomous evolution of topographic regularities in artificial
// neural networks", Neural Computation 22(7)). Hidden substrate nodes use tanh; outputs give the arg-max
// action (discrete) or tanh clipped to the bounds (continuous).
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "neuroevo/genomes/neat.hpp"

namespace neuroevo {

struct Substrate {
  std::vector<std::pair<uint32_t, uint32_t>> hidden;  // (rows, columns) per hidden layer
  double threshold = 0.2, max_weight = 3.0;
  bool operator==(const Substrate&) const = default;
};

// "3x3,2x4" -> two hidden grids; "" -> none. Throws UsageError naming `key` for a malformed or empty layer.
std::vector<std::pair<uint32_t, uint32_t>> parse_substrate_layers(const std::string& text, const std::string& key);

constexpr uint32_t kCppnInputs = 5, kCppnOutputs = 2;

class HyperNeatGenome final : public Candidate {
 public:
  // `inputs` and `outputs`: the substrate's observation and action sizes (for drawing and checks).
  HyperNeatGenome(NeatGenome cppn, Substrate substrate, uint32_t inputs, uint32_t outputs)
      : cppn_(std::move(cppn)), substrate_(std::move(substrate)), inputs_(inputs), outputs_(outputs) {}
  std::string type() const override { return "hyperneat"; }
  // "HYPN", u32 version, u32 inputs, u32 outputs, f64 threshold, f64 max_weight, u32 layer count,
  // (u32 rows, u32 cols) per hidden layer, then the CPPN's neat bytes.
  std::vector<uint8_t> to_bytes() const override;
  PolicyPhenotype policy(const Space& observation, const Space& action) const override;
  // The substrate network the CPPN paints: layers left to right, expressed connections with width |w|
  // (blue positive, red negative).
  std::string svg() const override;
  const NeatGenome& cppn() const { return cppn_; }
  const Substrate& substrate() const { return substrate_; }
  // Layer sizes and, per connection layer, the weights (row-major, target x source) then the biases.
  std::vector<uint32_t> layer_sizes() const;
  std::vector<float> paint() const;
  bool operator==(const HyperNeatGenome& o) const {
    return cppn_ == o.cppn_ && substrate_ == o.substrate_ && inputs_ == o.inputs_ && outputs_ == o.outputs_;
  }

 private:
  NeatGenome cppn_;
  Substrate substrate_;
  uint32_t inputs_ = 0, outputs_ = 0;
};

std::unique_ptr<const Candidate> decode_hyperneat(std::span<const uint8_t> bytes);

}  // namespace neuroevo
