// The HTML report (`neuroevo report`) and the live dashboard (`neuroevo serve`): reading run
// directories, BBOB campaign directories, spike recordings and replay files into one JSON document, and
// the self-contained page that draws it (assets/report/, embedded at build time).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace neuroevo::report {

// What a path holds, as the report sees it.
enum class SourceKind { Run, Campaign, Spikes, Replay };
struct Source {
  SourceKind kind;
  std::string path;   // as found (joined to the PATH it was found under)
  std::string label;  // the path relative to its PATH argument's parent, for display
};

// Expands each PATH: a run directory (metrics.csv or config.toml), a BBOB campaign directory (runs.csv and
// ecdf.csv), a spike recording (spikes.json), a replay file, or a directory searched (up to 4 levels) for
// those. Throws UsageError naming a PATH that does not exist or holds none of them.
std::vector<Source> discover(const std::vector<std::string>& paths);

struct CollectOptions {
  // Behaviour points drawn per maze run at most (behaviours.csv can hold millions): evenly strided.
  size_t max_behaviour_points = 20000;
  // Spikes drawn in a raster at most (the rate histogram always counts all of them).
  size_t max_raster_spikes = 60000;
};

// The report's data: {"runs", "groups", "differing_keys", "campaigns", "spikes", "replays"} (see
// docs/report.md). Files that are being written (a running run) are read up to their last full line.
nlohmann::json collect(const std::vector<Source>& sources, const CollectOptions& options = {});

// The self-contained HTML page for `data` (scripts and styles inline). live = true makes the page poll
// the dashboard's /api/data instead of using embedded data.
std::string render_page(const nlohmann::json& data, const std::string& title, bool live);

// Cheap change detector for the dashboard: sizes and modification times of every file the report reads.
std::string fingerprint(const std::vector<Source>& sources);

// The dashboard's file access: the file under `root` (canonical) that `rel` (URL-decoded, relative) names,
// or an empty path when `rel` tries to leave root: empty, "." or ".." segments, absolute paths,
// backslashes, NUL, and symlinks whose target lies outside root.
std::filesystem::path resolve_inside(const std::filesystem::path& root, const std::string& rel);

}  // namespace neuroevo::report
