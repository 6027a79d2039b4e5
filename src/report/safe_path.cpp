#include <string>

#include "neuroevo/report/report.hpp"

namespace neuroevo::report {

namespace fs = std::filesystem;

fs::path resolve_inside(const fs::path& root, const std::string& rel) {
  if (rel.empty() || rel.front() == '/' || rel.find('\0') != std::string::npos || rel.find('\\') != std::string::npos)
    return {};
  // Segment by segment first, so that "a/../b" is refused even when it would stay inside.
  size_t start = 0;
  while (true) {
    const size_t slash = rel.find('/', start);
    const std::string seg = rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return {};
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  // Then with symlinks resolved: the real file must still lie under root.
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(root / rel, ec);
  if (ec) return {};
  const std::string r = root.string(), p = real.string();
  if (p.size() <= r.size() || p.compare(0, r.size(), r) != 0 || p[r.size()] != '/') return {};
  return real;
}

}  // namespace neuroevo::report
