// The convolutional network behind the `conv` policy (src/nn/conv.cpp): architecture, parameter layout
// and forward pass, exposed so tests and other policies (e.g. image observations at 84x84x4) can use it.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/nn/policy.hpp"

namespace neuroevo {

// The `layers` string of a named preset ("minatar", "deepga_atari"), or nullptr for another name.
const char* conv_preset_layers(const std::string& preset);

class ConvNet {
 public:
  struct Layer {
    enum Kind { Conv, Fc } kind = Fc;
    bool relu = false;
    int k = 0, stride = 1, cin = 0, cout = 0;          // conv
    int in_h = 0, in_w = 0, out_h = 0, out_w = 0;      // conv
    int pad_top = 0, pad_left = 0;                     // conv (SAME)
    size_t in = 0, out = 0;  // GEMM sizes: patch length (k*k*cin) or fc inputs; output channels or units
    size_t offset = 0;       // first parameter of the layer (weights, then biases)
  };

  // `layers`: comma-separated items conv:FILTERS:KERNEL:STRIDE:same|valid, relu, flatten, fc:UNITS; an
  // fc layer of `outputs` units (no activation) is appended. in_shape = {height, width, channels}.
  // Throws UsageError for a bad item or a layer that does not fit its input.
  ConvNet(const std::string& layers, std::vector<int> in_shape, size_t outputs);

  size_t num_params() const { return num_params_; }
  void init_params(uint64_t seed, std::span<float> params) const;
  // Runs the network on `obs` (channel-last); the outputs are then at output(s)[0 .. outputs).
  void forward(std::span<const float> params, std::span<const float> obs, PolicyScratch& s) const;
  const float* output(const PolicyScratch& s) const;
  double flops() const;  // multiply-adds count 2, plus one add per bias
  std::string describe() const;
  const std::vector<Layer>& layers() const { return layers_; }

 private:
  std::vector<int> input_;
  std::vector<Layer> layers_;
  size_t num_params_ = 0;
  size_t widest_ = 0;  // largest activation
  size_t patch_ = 0;   // im2col buffer
};

}  // namespace neuroevo
