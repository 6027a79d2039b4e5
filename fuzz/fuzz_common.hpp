// Shared by the libFuzzer targets (fuzz/README.md): bounded allocations and in-memory files.
#pragma once
#include <cstdint>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

// Sanitizer settings every target needs: an allocation above 512 MiB returns null (so operator new
// throws std::bad_alloc, which neuroevo reports as an error) instead of ending the run as an
// out-of-memory "finding" for inputs that merely ask for a huge (but bounded) table.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1:max_allocation_size_mb=512"; }

namespace fuzz {

// A file holding `bytes` that the readers can open by path (an anonymous memory file, /proc/self/fd/N).
class MemFile {
 public:
  explicit MemFile(const std::string& bytes) : fd_(::memfd_create("fuzz", 0)) {
    if (fd_ >= 0 && !bytes.empty()) {
      if (::write(fd_, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {}
    }
  }
  ~MemFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

}  // namespace fuzz
