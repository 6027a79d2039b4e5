// Lockstep lanes flagged in a byte array (one byte per lane, non-zero = flagged): visiting the flagged
// lanes eight bytes at a time, so that a mostly clear array costs one load and test per eight lanes
// instead of a branch per lane (RlTask's ended lanes, MlpPolicy's lanes with new parameters).
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace neuroevo {

// Calls f(lane) for every lane < n whose flags[lane] is non-zero, in increasing lane order. f may change
// the flags of lanes already visited or of the current one, not those of later lanes.
template <class F>
inline void for_each_flagged_lane(const uint8_t* flags, size_t n, F&& f) {
  size_t base = 0;
  // Byte i of a little-endian load is bits 8i..8i+7, so the lowest set bit is the first flagged lane.
  if constexpr (std::endian::native == std::endian::little) {
    for (; base + 8 <= n; base += 8) {
      uint64_t word;
      std::memcpy(&word, flags + base, sizeof word);
      while (word != 0) {
        const int bit = __builtin_ctzll(word);
        f(base + static_cast<size_t>(bit / 8));
        word &= ~(uint64_t{0xff} << (bit / 8 * 8));
      }
    }
  }
  for (; base < n; ++base)
    if (flags[base]) f(base);
}

}  // namespace neuroevo
