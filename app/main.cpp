// neuroevo: evolve neural networks without gradients. See README.md and `neuroevo --help`.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"

int main(int argc, char** argv) {
  CLI::App app{"neuroevo: evolution strategies and genetic algorithms for neural networks"};
  app.require_subcommand(1);
  using namespace neuroevo::cli;
  const std::vector<Command> commands = {add_run(app), add_eval(app), add_list(app), add_env(app), add_bench(app), add_bbob(app),
                                         add_snn(app), add_memory(app)};
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
      if (c.app->parsed()) return c.run();
  } catch (const neuroevo::UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
