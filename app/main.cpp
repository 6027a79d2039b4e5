// neuroevo: evolve neural networks without gradients. See README.md and `neuroevo --help`.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"

namespace {

// Output that could not be written (a full disk, /dev/full, a closed pipe) is a failure, not success.
// std::cout shares stdout's buffer, so its flush performs the failing write(2): keep the errno of whichever
// flush failed first (ENOSPC on /dev/full), not a later one that finds the buffer already discarded.
int checked_exit(int code) {
  errno = 0;
  std::cout.flush();
  int err = errno;
  errno = 0;
  const bool flush_failed = std::fflush(stdout) != 0;
  if (err == 0) err = errno;
  if (flush_failed || std::ferror(stdout) || !std::cout) {
    std::fprintf(stderr, "error: cannot write to standard output: %s\n", err ? std::strerror(err) : "write error");
    return code == 0 ? 1 : code;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"neuroevo: evolution strategies and genetic algorithms for neural networks"};
  app.set_version_flag("--version", "neuroevo " NEUROEVO_VERSION);
  app.require_subcommand(1);
  using namespace neuroevo::cli;
  const std::vector<Command> commands = {
      add_run(app),  add_eval(app), add_list(app),   add_env(app),   add_bench(app),
      add_bbob(app), add_snn(app),  add_report(app), add_serve(app), add_sort(app),
      add_continual(app), add_memory(app),
  };
  // CLI11 would only say "a subcommand is required"; name the unknown word and the nearest command.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const auto& c : commands) names.push_back(c.app->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      std::cerr << "error: " << neuroevo::unknown_name_message("command", argv[1], names) << "\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) return checked_exit(c.run());
  } catch (const neuroevo::UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "error: out of memory (an allocation failed); lower the sizes the command asked for (e.g. "
                 "noise.size, strategy.population, strategy.cache_mb, --threads) or free memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
