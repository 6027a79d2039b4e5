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
//
// Grid input (Substrate::grid_rows > 0): the observation is a rows x columns x channels image stored
// channel-last (MinAtar's 10x10xC grid), and the input layer is that grid, node (r, c, k) at
// (x, y) = (column, row) coordinates spanning [-1, 1]; the channels are stacked sheets at the same (x, y),
// told apart by a sixth CPPN input, the source's channel coordinate k spanning [-1, 1] (0 for sources in
// other layers and for the bias queries). So the CPPN paints one pattern per channel over the same
// geometry (the per-object-type sheets of Hausknecht et al. 2014's HyperNEAT Atari player, with the sheet
// as a coordinate instead of a separate CPPN output).
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
  uint32_t grid_rows = 0, grid_cols = 0, grid_channels = 0;  // the input as a grid; 0: the input is a row
  bool grid() const { return grid_rows > 0; }
  bool operator==(const Substrate&) const = default;
};

// "3x3,2x4" -> two hidden grids; "" -> none. Throws UsageError naming `key` for a malformed or empty layer.
std::vector<std::pair<uint32_t, uint32_t>> parse_substrate_layers(const std::string& text, const std::string& key);

constexpr uint32_t kCppnInputs = 5, kCppnOutputs = 2;
// The CPPN's inputs for a substrate: (x1, y1, x2, y2, layer), plus the source's channel with a grid input.
inline uint32_t cppn_inputs(const Substrate& s) { return s.grid() ? kCppnInputs + 1 : kCppnInputs; }

class HyperNeatGenome final : public Candidate {
 public:
  // `inputs` and `outputs`: the substrate's observation and action sizes (for drawing and checks).
  HyperNeatGenome(NeatGenome cppn, Substrate substrate, uint32_t inputs, uint32_t outputs)
      : cppn_(std::move(cppn)), substrate_(std::move(substrate)), inputs_(inputs), outputs_(outputs) {}
  std::string type() const override { return "hyperneat"; }
  // "HYPN", u32 version, u32 inputs, u32 outputs, [version 2: u32 grid rows, cols, channels,] f64 threshold,
  // f64 max_weight, u32 layer count, (u32 rows, u32 cols) per hidden layer, then the CPPN's neat bytes.
  // Version 1 (a row input) is written whenever the input is a row, so those genomes' bytes are unchanged.
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
