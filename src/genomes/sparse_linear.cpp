// The sparse linear genome and its phenotype (a policy over a fixed connection list).
#include "neuroevo/genomes/sparse_linear.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo {

namespace {

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<uint8_t>(v >> (8 * k)));
}

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}
  uint32_t u32() {
    if (b_.size() - pos_ < 4) throw UsageError("sparse_linear genome bytes truncated at byte " + std::to_string(pos_));
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= static_cast<uint32_t>(b_[pos_ + k]) << (8 * k);
    pos_ += 4;
    return v;
  }
  float f32() { return std::bit_cast<float>(u32()); }
  size_t remaining() const { return b_.size() - pos_; }

 private:
  std::span<const uint8_t> b_;
  size_t pos_ = 0;
};

// The phenotype's architecture: which input feeds which output, in summation order. Parameters: the
// connection weights in that order, then one bias per output.
class SparseLinearPolicy final : public Policy {
 public:
  SparseLinearPolicy(std::vector<SparseConnection> links, uint32_t inputs, Space action)
      : links_(std::move(links)), inputs_(inputs), action_(std::move(action)),
        outputs_(action_.is_discrete() ? static_cast<size_t>(action_.n) : action_.dim()) {}

  size_t num_params() const override { return links_.size() + outputs_; }
  void init_params(uint64_t, std::span<float> params) const override { std::fill(params.begin(), params.end(), 0.0f); }

  void reset(PolicyScratch& scratch, uint64_t episode_seed) const override {
    Policy::reset(scratch, episode_seed);
    scratch.a.assign(outputs_, 0.0f);
  }

  void act(std::span<const float> p, std::span<const float> obs, std::span<float> action,
           PolicyScratch& scratch) const override {
    std::vector<float>& y = scratch.a;
    y.assign(p.begin() + static_cast<std::ptrdiff_t>(links_.size()), p.end());  // the biases
    for (size_t c = 0; c < links_.size(); ++c) y[links_[c].out] += p[c] * obs[links_[c].in];
    if (action_.is_discrete()) {
      // A NaN output makes the action NaN: the task ends the episode and ranks the candidate last.
      size_t best = 0;
      for (size_t k = 0; k < outputs_; ++k) {
        if (std::isnan(y[k])) {
          action[0] = std::numeric_limits<float>::quiet_NaN();
          return;
        }
        if (y[k] > y[best]) best = k;
      }
      action[0] = static_cast<float>(best);
      return;
    }
    for (size_t k = 0; k < outputs_; ++k)
      action[k] = static_cast<float>(std::clamp<double>(y[k], action_.low[k], action_.high[k]));  // NaN stays NaN
  }

  double flops_per_act() const override { return 2.0 * static_cast<double>(links_.size()); }

  std::string describe() const override {
    std::ostringstream os;
    os << "sparse linear " << inputs_ << "-" << outputs_ << " with " << links_.size() << " connections ("
       << num_params() << " params)";
    return os.str();
  }

 private:
  std::vector<SparseConnection> links_;  // weights unused: they are the parameters
  uint32_t inputs_;
  Space action_;
  size_t outputs_;
};

}  // namespace

void SparseLinearGenome::check() const {
  if (bias_.size() != outputs_) throw std::logic_error("sparse_linear genome: bias count differs from outputs");
  for (size_t c = 0; c < connections_.size(); ++c) {
    const auto& k = connections_[c];
    if (k.in >= inputs_ || k.out >= outputs_) throw std::logic_error("sparse_linear genome: connection out of range");
    if (c > 0) {
      const auto& p = connections_[c - 1];
      if (std::pair(p.out, p.in) >= std::pair(k.out, k.in))
        throw std::logic_error("sparse_linear genome: connections unsorted or duplicated");
    }
  }
}

std::vector<uint8_t> SparseLinearGenome::to_bytes() const {
  std::vector<uint8_t> out;
  out.reserve(12 + 4 * bias_.size() + 12 * connections_.size());
  put_u32(out, inputs_);
  put_u32(out, outputs_);
  for (float b : bias_) put_u32(out, std::bit_cast<uint32_t>(b));
  put_u32(out, static_cast<uint32_t>(connections_.size()));
  for (const auto& c : connections_) {
    put_u32(out, c.in);
    put_u32(out, c.out);
    put_u32(out, std::bit_cast<uint32_t>(c.weight));
  }
  return out;
}

SparseLinearGenome sparse_linear_from_bytes(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  const uint32_t inputs = r.u32(), outputs = r.u32();
  if (outputs > r.remaining() / 4) throw UsageError("sparse_linear genome bytes: bias count exceeds the data");
  SparseLinearGenome g(inputs, outputs);
  for (float& b : g.bias()) b = r.f32();
  const uint32_t count = r.u32();
  if (count > r.remaining() / 12) throw UsageError("sparse_linear genome bytes: connection count exceeds the data");
  g.connections().resize(count);
  for (auto& c : g.connections()) {
    c.in = r.u32();
    c.out = r.u32();
    c.weight = r.f32();
  }
  if (r.remaining() != 0) throw UsageError("sparse_linear genome bytes: unexpected trailing bytes");
  try {
    g.check();
  } catch (const std::logic_error& e) {
    throw UsageError(std::string("malformed ") + e.what());
  }
  return g;
}

std::unique_ptr<const Candidate> decode_sparse_linear(std::span<const uint8_t> bytes) {
  return std::make_unique<SparseLinearGenome>(sparse_linear_from_bytes(bytes));
}

PolicyPhenotype SparseLinearGenome::policy(const Space& observation, const Space& action) const {
  const size_t outputs = action.is_discrete() ? static_cast<size_t>(action.n) : action.dim();
  if (observation.is_discrete() || observation.dim() != inputs_ || outputs != outputs_)
    throw UsageError("a sparse_linear genome with " + std::to_string(inputs_) + " inputs and " +
                     std::to_string(outputs_) + " outputs does not fit this environment's spaces");
  PolicyPhenotype p;
  p.params.reserve(connections_.size() + outputs_);
  for (const auto& c : connections_) p.params.push_back(c.weight);
  p.params.insert(p.params.end(), bias_.begin(), bias_.end());
  p.policy = std::make_shared<SparseLinearPolicy>(connections_, inputs_, action);
  return p;
}

}  // namespace neuroevo
