#include "commands.hpp"
#include "neuroevo/core/error.hpp"

namespace neuroevo::cli {

// Placeholder until the benchmark commands land (being written now); reports that clearly.
Command add_bench(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Measure throughput (environment steps/s, strategy overhead, mutation)");
  return {cmd, [] () -> int { throw UsageError("bench: not built yet"); }};
}

}  // namespace neuroevo::cli
