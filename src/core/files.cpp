#include "neuroevo/core/files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
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
  // Any failure (a full disk, a read-only file system, a quota) names the file and the OS reason, and
  // removes the temporary file: the target keeps its previous content and no .tmp is left behind.
  auto fail = [&](const char* what, int err, int fd) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw std::runtime_error(std::string(what) + " '" + tmp + "': " + std::strerror(err));
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    throw std::runtime_error("cannot write '" + tmp + "': " + std::strerror(err));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) fail("write to", w < 0 ? errno : ENOSPC, fd);
    done += static_cast<size_t>(w);
  }
  // fsync before rename: after a crash the target is either the old file or the complete new one.
  // Delayed write errors (NFS, some full file systems) surface here or at close.
  if (::fsync(fd) != 0 && errno != EINVAL) fail("cannot flush", errno, fd);
  if (::close(fd) != 0) fail("cannot close", errno, -1);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(err));
  }
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

std::string read_text_file(const std::string& path, uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);  // O_NONBLOCK: a FIFO never blocks here
  if (fd < 0) {
    const int err = errno;
    throw UsageError("cannot open '" + path + "': " + std::strerror(err));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st{};
  if (::fstat(fd, &st) != 0) throw UsageError("cannot read '" + path + "': " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw UsageError("'" + path + "' is a directory, expected a file");
  if (!S_ISREG(st.st_mode))
    throw UsageError("'" + path + "' is not a regular file (" +
                     (S_ISFIFO(st.st_mode) ? std::string("a FIFO") : S_ISSOCK(st.st_mode) ? std::string("a socket")
                                                                                        : std::string("a device")) +
                     "); give a file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    throw UsageError("'" + path + "' is too large (" + std::to_string(st.st_size) + " bytes; the limit is " +
                     std::to_string(max_bytes) + ")");
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t r = ::read(fd, text.data() + done, text.size() - done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw UsageError("cannot read '" + path + "': " + std::strerror(errno));
    if (r == 0) break;  // shrank while being read
    done += static_cast<size_t>(r);
  }
  text.resize(done);
  return text;
}

bool read_bounded_line(std::istream& in, std::string& line, size_t max_line, const std::string& where) {
  line.clear();
  std::streambuf* buf = in.rdbuf();
  for (;;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) {
      in.setstate(std::ios::eofbit);
      return !line.empty();
    }
    if (c == '\n') return true;
    if (line.size() == max_line)
      throw UsageError(where + ": line longer than " + std::to_string(max_line) + " bytes (is this the right input?)");
    line.push_back(static_cast<char>(c));
  }
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

}  // namespace neuroevo
