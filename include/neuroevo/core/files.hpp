// Files that must never be half-written or silently corrupt.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace neuroevo {

// FNV-1a, 64 bit.
uint64_t fnv1a64(std::span<const uint8_t> bytes);

// Writes `path` atomically: a temporary file beside it, flushed, then renamed over the target.
void write_atomic(const std::string& path, std::span<const uint8_t> bytes);
void write_atomic(const std::string& path, const std::string& text);

// A checked container: the line "neuroevo-<kind> 1 <size> <fnv1a64 hex>\n" followed by the payload.
void write_checked(const std::string& path, const std::string& kind, std::span<const uint8_t> payload);
// Throws UsageError naming the file if it is missing, of another kind, truncated or fails its checksum.
std::vector<uint8_t> read_checked(const std::string& path, const std::string& kind);

std::string read_text_file(const std::string& path);  // throws UsageError when missing
bool file_exists(const std::string& path);

}  // namespace neuroevo
