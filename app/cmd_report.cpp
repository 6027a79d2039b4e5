// `neuroevo report PATH... [--out report.html]`: one self-contained HTML page (curves, runs table, BBOB
// ECDFs and aRT, behaviours, MPI, spikes, replays) for any mix of run, campaign and recording directories.
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/report/report.hpp"

namespace neuroevo::cli {

namespace {

struct ReportOptions {
  std::vector<std::string> paths;
  std::string out = "report.html";
  std::string title = "neuroevo report";
};

int run_report(const ReportOptions& o) {
  if (o.paths.empty()) throw UsageError("report: give at least one PATH (a run, campaign or recording directory)");
  if (std::filesystem::is_directory(o.out)) throw UsageError("report --out: '" + o.out + "' is a directory");
  const auto parent = std::filesystem::path(o.out).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent))
    throw UsageError("report --out: directory '" + parent.string() + "' does not exist");
  const auto sources = report::discover(o.paths);
  const nlohmann::json data = report::collect(sources);
  const std::string page = report::render_page(data, o.title, false);
  write_atomic(o.out, page);
  std::printf("wrote %s (%zu runs, %zu campaigns, %zu spike recordings, %.1f kB)\n", o.out.c_str(), data["runs"].size(),
              data["campaigns"].size(), data["spikes"].size(), static_cast<double>(page.size()) / 1024.0);
  return 0;
}

}  // namespace

Command add_report(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Write one self-contained HTML report of runs, BBOB campaigns and recordings");
  auto o = std::make_shared<ReportOptions>();
  cmd->add_option("paths", o->paths,
                  "run directories, directories of runs, BBOB campaign directories, spike recordings, replay files");
  cmd->add_option("--out", o->out, "the HTML file to write (default report.html)");
  cmd->add_option("--title", o->title, "the page's title (default \"neuroevo report\")");
  return {cmd, [o] { return run_report(*o); }};
}

}  // namespace neuroevo::cli
