#pragma once
#include <stdexcept>
#include <string>

namespace neuroevo {

// Bad usage or bad input: the CLI prints the message and exits with code 2 (docs/design.md).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace neuroevo
