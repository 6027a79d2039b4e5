#include "neuroevo/core/files.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include "neuroevo/core/error.hpp"

namespace neuroevo {

uint64_t fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ULL;
  }
  return h;
}

void write_atomic(const std::string& path, std::span<const uint8_t> bytes) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write '" + tmp + "'");
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w <= 0) {
      ::close(fd);
      throw std::runtime_error("write to '" + tmp + "' failed");
    }
    done += static_cast<size_t>(w);
  }
  // fsync before rename: after a crash the target is either the old file or the complete new one.
  ::fsync(fd);
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "'");
}

void write_atomic(const std::string& path, const std::string& text) {
  write_atomic(path, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

void write_checked(const std::string& path, const std::string& kind, std::span<const uint8_t> payload) {
  char head[128];
  std::snprintf(head, sizeof head, "neuroevo-%s 1 %zu %016llx\n", kind.c_str(), payload.size(),
                static_cast<unsigned long long>(fnv1a64(payload)));
  std::vector<uint8_t> all(head, head + std::char_traits<char>::length(head));
  all.insert(all.end(), payload.begin(), payload.end());
  write_atomic(path, all);
}

std::vector<uint8_t> read_checked(const std::string& path, const std::string& kind) {
  const std::string text = read_text_file(path);
  const auto nl = text.find('\n');
  const std::string expected = "neuroevo-" + kind + " 1 ";
  if (nl == std::string::npos || text.compare(0, expected.size(), expected) != 0)
    throw UsageError("'" + path + "' is not a neuroevo " + kind + " file");
  unsigned long long size = 0, sum = 0;
  if (std::sscanf(text.c_str() + expected.size(), "%llu %llx", &size, &sum) != 2)
    throw UsageError("'" + path + "': corrupt header");
  std::vector<uint8_t> payload(text.begin() + static_cast<std::ptrdiff_t>(nl) + 1, text.end());
  if (payload.size() != size)
    throw UsageError("'" + path + "' is truncated or corrupt (" + std::to_string(payload.size()) + " of " +
                     std::to_string(size) + " bytes)");
  if (fnv1a64(payload) != sum) throw UsageError("'" + path + "' is corrupt (checksum mismatch)");
  return payload;
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw UsageError("'" + path + "' is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot open '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace neuroevo
