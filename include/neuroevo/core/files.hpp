// Files that must never be half-written or silently corrupt.
#pragma once
#include <cstdint>
#include <iosfwd>
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

// Reads a whole regular file of at most max_bytes. Throws UsageError naming the file when it is missing,
// unreadable (with the OS reason), a directory, a FIFO or device (e.g. /dev/zero, which would never end),
// or larger than max_bytes.
std::string read_text_file(const std::string& path, uint64_t max_bytes = uint64_t{1} << 34);
bool file_exists(const std::string& path);

// Reads one line (without its '\n') of at most max_line bytes into `line`. Returns false at the end of
// input. Throws UsageError naming `where` for a longer line, so input such as /dev/zero (no newline
// ever) fails fast instead of eating memory.
bool read_bounded_line(std::istream& in, std::string& line, size_t max_line, const std::string& where);

}  // namespace neuroevo
