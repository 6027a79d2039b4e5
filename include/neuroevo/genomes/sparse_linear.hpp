// The sparse linear genome: a linear policy a = W x + b whose weight matrix is a variable-length list of
// (input, output, weight) connection genes, the structure NEAT (Stanley & Miikkulainen 2002) evolves for a
// network without hidden nodes. Mutations add and remove connections, so genomes of one population differ
// in length: the smallest genome that is not a fixed vector, used by the sparse_hc strategy.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "neuroevo/genomes/candidate.hpp"

namespace neuroevo {

struct SparseConnection {
  uint32_t in = 0, out = 0;
  float weight = 0.0f;
  bool operator==(const SparseConnection&) const = default;
};

class SparseLinearGenome final : public Candidate {
 public:
  SparseLinearGenome(uint32_t inputs, uint32_t outputs)
      : inputs_(inputs), outputs_(outputs), bias_(outputs, 0.0f) {}

  std::string type() const override { return "sparse_linear"; }
  // u32 inputs, u32 outputs, outputs x f32 bias, u32 count, count x (u32 in, u32 out, f32 weight).
  std::vector<uint8_t> to_bytes() const override;
  // Observations: a Box of `inputs` values. Actions: a Discrete space of `outputs` actions (the arg-max
  // output, lowest index on ties) or a Box of `outputs` values (each clipped to its bounds).
  PolicyPhenotype policy(const Space& observation, const Space& action) const override;

  uint32_t inputs() const { return inputs_; }
  uint32_t outputs() const { return outputs_; }
  std::vector<float>& bias() { return bias_; }
  const std::vector<float>& bias() const { return bias_; }
  // Sorted by (out, in), no two with the same (in, out): the order the phenotype sums in.
  const std::vector<SparseConnection>& connections() const { return connections_; }
  std::vector<SparseConnection>& connections() { return connections_; }
  // Throws std::logic_error when the connections are unsorted, duplicated or out of range.
  void check() const;

 private:
  uint32_t inputs_, outputs_;
  std::vector<float> bias_;
  std::vector<SparseConnection> connections_;
};

// The genome type's decoder (genome_type_registry()); throws UsageError on malformed bytes.
std::unique_ptr<const Candidate> decode_sparse_linear(std::span<const uint8_t> bytes);
SparseLinearGenome sparse_linear_from_bytes(std::span<const uint8_t> bytes);

}  // namespace neuroevo
