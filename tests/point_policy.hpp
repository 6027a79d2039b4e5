// The test double of the strategy tests that need no environment: a "policy" whose parameters are the
// point x being optimised, drawn x ~ N(0, I) from Stream(seed) by init_params.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/nn/policy.hpp"

namespace neuroevo::test_util {

class PointPolicy final : public Policy {
 public:
  explicit PointPolicy(size_t n) : n_(n) {}
  size_t num_params() const override { return n_; }
  void init_params(uint64_t seed, std::span<float> params) const override {
    Stream s(seed);
    for (auto& x : params) x = static_cast<float>(s.normal());
  }
  void act(std::span<const float>, std::span<const float>, std::span<float>, PolicyScratch&) const override {}
  double flops_per_act() const override { return 0.0; }
  std::string describe() const override { return "point"; }

 private:
  size_t n_;
};

}  // namespace neuroevo::test_util
