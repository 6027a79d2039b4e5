// Sub-commands of the `neuroevo` CLI. Each adds itself to the app and runs when selected; a runner
// returns the exit code (UsageError escapes to main, which prints it and exits 2).
#pragma once
#include <functional>

#include <CLI/CLI.hpp>

namespace neuroevo::cli {

using Runner = std::function<int()>;
struct Command {
  CLI::App* app;
  Runner run;
};

Command add_run(CLI::App& app);
Command add_eval(CLI::App& app);
Command add_list(CLI::App& app);
Command add_env(CLI::App& app);
Command add_bench(CLI::App& app);
Command add_bbob(CLI::App& app);
Command add_snn(CLI::App& app);
Command add_report(CLI::App& app);
Command add_serve(CLI::App& app);
Command add_sort(CLI::App& app);
Command add_continual(CLI::App& app);
Command add_memory(CLI::App& app);

}  // namespace neuroevo::cli
