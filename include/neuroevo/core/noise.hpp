// The shared noise table (Salimans et al. 2017; Such et al. 2017): one large block of N(0,1) float32
// values built deterministically from a seed. A perturbation of n parameters is a slice of the table
// starting at an offset derived from a 32-bit seed, so a mutation costs one streaming read instead of
// n Gaussian draws, and workers or genomes exchange only seeds.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace neuroevo {

class NoiseTable {
 public:
  // Builds `size` values; `threads` only changes the speed, never the values.
  NoiseTable(uint64_t seed, size_t size, int threads = 1);
  uint64_t seed() const { return seed_; }
  size_t size() const { return data_.size(); }
  // Offset of the slice for `mutation_seed` and a vector of `n` values. Throws UsageError if n > size.
  size_t offset(uint32_t mutation_seed, size_t n) const;
  std::span<const float> slice(size_t offset, size_t n) const { return {data_.data() + offset, n}; }
  std::span<const float> for_seed(uint32_t mutation_seed, size_t n) const { return slice(offset(mutation_seed, n), n); }

 private:
  uint64_t seed_;
  std::vector<float> data_;
};

// out[i] = base[i] + scale * noise[i]
void add_scaled(std::span<const float> base, float scale, std::span<const float> noise, std::span<float> out);

}  // namespace neuroevo
