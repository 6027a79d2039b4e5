// What a strategy needs to know about the thing it optimises: how many float32 parameters, and how to
// draw a starting point. Policies are parameter spaces; so is a plain box for black-box functions.
#pragma once
#include <cstdint>
#include <span>

namespace neuroevo {

class ParamSpace {
 public:
  virtual ~ParamSpace() = default;
  virtual size_t num_params() const = 0;
  // Draws initial parameters from `seed` (deterministic).
  virtual void init_params(uint64_t seed, std::span<float> params) const = 0;
};

}  // namespace neuroevo
