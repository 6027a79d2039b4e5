#include "neuroevo/core/noise.hpp"

#include <algorithm>
#include <thread>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"

namespace neuroevo {

namespace {
// Values are generated in fixed chunks, each from its own stream, so the table is identical for any
// number of filling threads.
constexpr size_t kChunk = 1 << 16;
}

NoiseTable::NoiseTable(uint64_t seed, size_t size, int threads) : seed_(seed), data_(size) {
  const size_t chunks = (size + kChunk - 1) / kChunk;
  auto fill = [&](size_t first, size_t step) {
    for (size_t c = first; c < chunks; c += step) {
      Stream s(seed, c, 0, Purpose::NoiseTable);
      const size_t end = std::min(size, (c + 1) * kChunk);
      for (size_t i = c * kChunk; i < end; ++i) data_[i] = static_cast<float>(s.normal());
    }
  };
  const size_t t = std::clamp<size_t>(threads, 1, std::max<size_t>(1, chunks));
  std::vector<std::jthread> pool;
  for (size_t k = 1; k < t; ++k) pool.emplace_back(fill, k, t);
  fill(0, t);
}

size_t NoiseTable::offset(uint32_t mutation_seed, size_t n) const {
  if (n > data_.size())
    throw UsageError("noise table of " + std::to_string(data_.size()) + " values is smaller than the " +
                     std::to_string(n) + " parameters to perturb; raise noise.size");
  return mix64(mutation_seed ^ 0x5bd1e995ULL) % (data_.size() - n + 1);
}

void add_scaled(std::span<const float> base, float scale, std::span<const float> noise, std::span<float> out) {
  const size_t n = out.size();
  const float* __restrict b = base.data();
  const float* __restrict e = noise.data();
  float* __restrict o = out.data();
  for (size_t i = 0; i < n; ++i) o[i] = b[i] + scale * e[i];
}

}  // namespace neuroevo
