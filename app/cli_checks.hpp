// CLI11 validators for integer options where CLI11's own conversion is lossy: it wraps "-1" into an
// unsigned option (2^64 - 1) and saturates values above the type's range instead of refusing them.
#pragma once
#include <charconv>
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace neuroevo::cli {

// A decimal integer in [0, max], parsed exactly (no sign, no exponent, no saturation).
inline CLI::Validator unsigned_integer(uint64_t max) {
  return CLI::Validator(
      [max](std::string& s) -> std::string {
        uint64_t v = 0;
        const char* end = s.data() + s.size();
        const auto [ptr, ec] = std::from_chars(s.data(), end, v);
        const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || ptr != end || ec == std::errc::invalid_argument)
          return "'" + s + "' is not a non-negative integer";
        if (ec == std::errc::result_out_of_range || v > max)
          return "'" + s + "' is out of range: it must be an integer in [0, " + std::to_string(max) + "]";
        return {};
      },
      "UINT<=" + std::to_string(max));
}

}  // namespace neuroevo::cli
