// `neuroevo bbob ...`: tools for the BBOB noiseless suite (docs/reference/bbob.md).
//
//   neuroevo bbob eval --function F --instance I --dim D [--fopt] [--xopt] < points
//
// reads points from standard input, one per line (values separated by commas and/or whitespace; blank
// lines and lines starting with '#' are skipped) and prints f(x) for each, one per line, with 17
// significant digits. --fopt and --xopt print the optimal value and the optimum's location first (in
// that order, one line each, xopt comma-separated). Every line is checked before anything is printed,
// so bad input (wrong number of values, a non-number) exits with code 2 and no partial output.
// When standard input is a terminal and --fopt or --xopt is given, stdin is not read (nothing waits on
// a keyboard); without them a terminal is read like any input, after a hint on stderr. Closed or empty
// stdin simply means no points.
//
// Adding another sub-command (e.g. `bbob run`): write `Runner add_bbob_run(CLI::App& bbob)` in a new
// file app/cmd_bbob_run.cpp that adds its sub-command to `bbob` and returns its runner, declare it in
// commands.hpp, and add `{run_app, add_bbob_run(*cmd)}`-style dispatch in add_bbob() below (the
// `subs` list): add_bbob() runs whichever sub-command was parsed.
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/number_text.hpp"

namespace neuroevo::cli {

Runner add_bbob_run(CLI::App& bbob);  // app/cmd_bbob_run.cpp

namespace {

struct BbobEvalOptions {
  int function = 0;
  int instance = 1;
  long long dim = 0;
  bool fopt = false;
  bool xopt = false;
};

// A write to stdout that fails (a full disk, /dev/full, a closed pipe) is reported at once with the OS
// reason: stdio discards its buffer after a failed write, so by the time main() flushes, errno is gone.
void check_written(int printed_or_flushed) {
  if (printed_or_flushed < 0 || std::ferror(stdout))
    throw std::runtime_error(std::string("cannot write to standard output: ") + std::strerror(errno));
}

void print_vector(const std::vector<double>& v) {
  for (size_t i = 0; i < v.size(); ++i) check_written(std::printf("%s%.17g", i ? "," : "", v[i]));
  check_written(std::printf("\n"));
}

int run_eval(const BbobEvalOptions& o) {
  if (o.function < 1 || o.function > bbob::kNumFunctions)
    throw UsageError("--function: " + std::to_string(o.function) + " is not a BBOB function (valid: 1-24)");
  if (o.instance < 1 || o.instance > bbob::kMaxInstance)
    throw UsageError("--instance: " + std::to_string(o.instance) + " is out of range (valid: 1-" +
                     std::to_string(bbob::kMaxInstance) + "; COCO instances start at 1)");
  if (o.dim < 2 || o.dim > static_cast<long long>(bbob::kMaxDim))
    throw UsageError("--dim: " + std::to_string(o.dim) + " is out of range (valid: 2-" +
                     std::to_string(bbob::kMaxDim) + ")");
  const bbob::BbobProblem problem(o.function, o.instance, static_cast<size_t>(o.dim));
  const size_t dim = problem.dim();

  // Read and check every point before printing anything.
  std::vector<std::vector<double>> points;
  const bool skip_stdin = (o.fopt || o.xopt) && ::isatty(STDIN_FILENO);
  if (!skip_stdin) {
    if (::isatty(STDIN_FILENO))
      std::fprintf(stderr, "reading points from the terminal, one per line (%zu values each); end with Ctrl-D\n", dim);
    // Bounded: a line of at most 1 MiB (a point of 1000 values needs ~25 KB) and at most 10^7 points,
    // so input such as /dev/zero fails fast with a message instead of eating memory.
    std::string line;
    for (size_t n = 1; read_bounded_line(std::cin, line, size_t{1} << 20, "stdin line " + std::to_string(n)); ++n) {
      if (points.size() == 10'000'000)
        throw UsageError("stdin: more than 10,000,000 points; evaluate them in several calls");
      const auto first = line.find_first_not_of(" \t\r\v\f");
      if (first == std::string::npos || line[first] == '#') continue;
      const std::string where = "stdin line " + std::to_string(n);
      auto x = parse_point(line, where);
      if (x.size() != dim)
        throw UsageError(where + ": expected " + std::to_string(dim) + " values for --dim " + std::to_string(dim) +
                         ", got " + std::to_string(x.size()));
      points.push_back(std::move(x));
    }
  }
  if (o.fopt) check_written(std::printf("%.17g\n", problem.fopt()));
  if (o.xopt) print_vector(problem.xopt());
  for (const auto& x : points) check_written(std::printf("%.17g\n", problem(x)));
  check_written(std::fflush(stdout) == 0 ? 0 : -1);
  return 0;
}

}  // namespace

Command add_bbob(CLI::App& app) {
  auto* cmd = app.add_subcommand("bbob", "BBOB noiseless suite (24 functions, COCO instances)");
  cmd->require_subcommand(1);

  auto* eval = cmd->add_subcommand(
      "eval", "Evaluate a BBOB function on points read from stdin (one per line); print f(x) per line");
  auto o = std::make_shared<BbobEvalOptions>();
  eval->add_option("--function,-f", o->function, "function id, 1-24")->required();
  eval->add_option("--instance,-i", o->instance, "instance id, 1-100000 (COCO numbering)")->capture_default_str();
  eval->add_option("--dim,-d", o->dim, "dimension, 2-1000 (COCO campaigns: 2, 3, 5, 10, 20, 40)")->required();
  eval->add_flag("--fopt", o->fopt, "print the optimal value f_opt first");
  eval->add_flag("--xopt", o->xopt, "print the optimum's location (comma separated) first");

  Runner run_runner = add_bbob_run(*cmd);
  CLI::App* run_app = cmd->get_subcommand("run");

  // Sub-commands of `bbob` and their runners; add new ones here (see the comment at the top).
  const std::vector<std::pair<CLI::App*, Runner>> subs = {{eval, [o] { return run_eval(*o); }}, {run_app, run_runner}};
  return {cmd, [subs] {
            for (const auto& [sub, run] : subs)
              if (sub->parsed()) return run();
            return 2;
          }};
}

}  // namespace neuroevo::cli
