// `bbob eval`'s input: points read from stdin, parsed as the CLI parses them, evaluated on a BBOB
// function. Input: byte 0 picks the function (1-24), byte 1 the dimension (2-12); the rest is the
// stdin text, one point per line.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz_common.hpp"
#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/number_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const int function = 1 + data[0] % 24;
  const size_t dim = 2 + data[1] % 11;
  const neuroevo::bbob::BbobProblem problem(function, 1 + data[0] / 24 % 5, dim);
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 2, size - 2));
  std::string line;
  try {
    for (size_t n = 1; neuroevo::read_bounded_line(in, line, 1 << 16, "stdin"); ++n) {
      const auto x = neuroevo::parse_point(line, "stdin line " + std::to_string(n));
      if (x.size() != dim) continue;
      (void)problem(x);
    }
  } catch (const neuroevo::UsageError&) {
  }
  return 0;
}
