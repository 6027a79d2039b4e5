// A box of real parameters: the parameter space of black-box functions (BBOB). A starting point is
// uniform in [lo, hi]^D, as in COCO's example experiments (x0 uniform in [-4, 4]^D).
#pragma once
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/rng.hpp"

namespace neuroevo {

class BoxSpace final : public ParamSpace {
 public:
  BoxSpace(size_t dim, double lo, double hi) : dim_(dim), lo_(lo), hi_(hi) {}
  size_t num_params() const override { return dim_; }
  void init_params(uint64_t seed, std::span<float> params) const override {
    Stream rng(seed);
    for (auto& p : params) p = static_cast<float>(rng.uniform(lo_, hi_));
  }
  double lo() const { return lo_; }
  double hi() const { return hi_; }

 private:
  size_t dim_;
  double lo_, hi_;
};

}  // namespace neuroevo
