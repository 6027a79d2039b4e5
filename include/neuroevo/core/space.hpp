// Spaces of observations and actions: what an environment produces and accepts, and what a policy
// reads and writes. A core type so that policies (nn/) and environments (envs/) share it without
// depending on each other.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

namespace neuroevo {

struct Space {
  enum class Kind { Discrete, Box };
  Kind kind = Kind::Box;
  int n = 0;                        // Discrete: number of actions
  std::vector<double> low, high;    // Box: bounds per dimension (may be +-inf for observations)
  // Optional layout of a Box observation as an image: {height, width, channels}, stored channel-last
  // (index (row * width + col) * channels + channel). Empty for flat vectors. Read by convolutional policies.
  std::vector<int> shape;

  static Space discrete(int n) { return {Kind::Discrete, n, {}, {}, {}}; }
  static Space box(std::vector<double> lo, std::vector<double> hi) {
    return {Kind::Box, 0, std::move(lo), std::move(hi), {}};
  }
  // A Box of height x width x channels values in [lo, hi], channel-last.
  static Space image(int height, int width, int channels, double lo, double hi) {
    const size_t n = static_cast<size_t>(height) * width * channels;
    return {Kind::Box, 0, std::vector<double>(n, lo), std::vector<double>(n, hi), {height, width, channels}};
  }
  bool is_discrete() const { return kind == Kind::Discrete; }
  // Number of floats in a vector of this space: 1 for a discrete action (its index), else the dimension.
  size_t dim() const { return is_discrete() ? 1 : low.size(); }
};

}  // namespace neuroevo
