// Reading run directories, BBOB campaigns, spike recordings and replays into the report's JSON document.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "neuroevo/bbob/campaign.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/hard_maze.hpp"
#include "neuroevo/report/replay.hpp"
#include "neuroevo/report/report.hpp"

namespace neuroevo::report {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A run whose metrics.csv changed this recently and has no final summary is shown as running.
constexpr double kRunningSeconds = 60.0;
constexpr int kMaxDepth = 4;
// The spike-rate trace has one 1 ms bin per recorded millisecond: 10^7 bins (10,000 s of simulated time,
// 80 MB) bound what a spikes.json may ask for.
constexpr double kMaxRateBins = 1e7;

double short_num(double v) {
  if (!std::isfinite(v) || v == 0.0) return v;
  const double mag = std::pow(10.0, 5 - static_cast<int>(std::floor(std::log10(std::abs(v)))));
  const double r = std::round(v * mag) / mag;
  return std::isfinite(r) ? r : v;
}

// JSON has no infinity or NaN: they travel as null (the page shows "-").
json num_json(double v) { return std::isfinite(v) ? json(short_num(v)) : json(nullptr); }

// Fields of JSON files a run wrote (summary.json, replays) that may have been cut or edited: a field of
// the wrong type reads as absent (shown as "-"), as a summary.json that does not parse already does.
json number_field(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_number() ? num_json(it->get<double>()) : json(nullptr);
}
json count_field(const json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_number_unsigned() ? *it : json(nullptr);
}
bool is_replay(const json& r) {
  if (!r.is_object()) return false;
  const auto it = r.find("format");
  return it != r.end() && *it == "neuroevo-replay";
}

bool regular_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(fs::symlink_status(p, ec));
}

// The text of a regular file (never through a symlink: the dashboard must not read outside its
// directory), or "" when absent.
std::string read_if_present(const fs::path& p) {
  if (!regular_file(p)) return {};
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A CSV file with a header line; a last line without its newline is being written and is left out.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  }
};

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t c = line.find(sep, start);
    out.push_back(line.substr(start, c == std::string::npos ? std::string::npos : c - start));
    if (c == std::string::npos) break;
    start = c + 1;
  }
  return out;
}

Csv read_csv(const fs::path& p) {
  Csv csv;
  const std::string text = read_if_present(p);
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    const size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // incomplete last line
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto cells = split(line, ',');
    if (first) {
      csv.header = std::move(cells);
      first = false;
    } else if (cells.size() == csv.header.size()) {
      csv.rows.push_back(std::move(cells));
    }
  }
  return csv;
}

double to_double(const std::string& s) {
  if (s == "inf") return INFINITY;
  if (s == "-inf") return -INFINITY;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  return end == s.c_str() ? NAN : v;
}

// "section.key" -> value as TOML text, for every leaf of the config.
void flatten(const toml::table& t, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (const auto& [k, v] : t) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = v.as_table()) {
      flatten(*sub, key, out);
    } else {
      std::ostringstream ss;
      if (const auto* s = v.as_string())
        ss << s->get();  // without quotes: easier to read in a table
      else
        v.visit([&](const auto& node) { ss << node; });
      out[key] = ss.str();
    }
  }
}

double seconds_since_modified(const fs::path& p) {
  std::error_code ec;
  const auto t = fs::last_write_time(p, ec);
  if (ec) return 1e18;
  return std::chrono::duration<double>(fs::file_time_type::clock::now() - t).count();
}

std::vector<double> number_array(const toml::node* n) {
  std::vector<double> out;
  if (n == nullptr || !n->is_array()) return out;
  for (const auto& e : *n->as_array())
    if (auto v = e.value<double>()) out.push_back(*v);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Runs

struct RunData {
  json j;
  std::map<std::string, std::string> config;
};

json maze_json(const maze::MazeMap& m) {
  json walls = json::array();
  for (const auto& w : m.walls) walls.push_back({w.a.x, w.a.y, w.b.x, w.b.y});
  return {{"walls", walls},
          {"low", {m.low.x, m.low.y}},
          {"high", {m.high.x, m.high.y}},
          {"start", {m.start.x, m.start.y}},
          {"goal", {m.goal.x, m.goal.y}},
          {"robot_radius", maze::kRobotRadius}};
}

void add_behaviours(const fs::path& dir, const std::string& env, const toml::table* config, json& run,
                    const CollectOptions& opt) {
  const Csv pop = read_csv(dir / "behaviours.csv");
  const Csv arc = read_csv(dir / "archive.csv");
  if (pop.rows.empty() && arc.rows.empty()) return;
  json b;
  const int g = pop.column("generation"), f = pop.column("fitness"), x = pop.column("b0"), y = pop.column("b1");
  if (g >= 0 && x >= 0 && y >= 0) {
    const size_t stride = (pop.rows.size() + opt.max_behaviour_points - 1) / opt.max_behaviour_points;
    json pts = json::array();
    for (size_t i = 0; i < pop.rows.size(); i += std::max<size_t>(stride, 1)) {
      const auto& r = pop.rows[i];
      pts.push_back({to_double(r[static_cast<size_t>(g)]), num_json(to_double(r[static_cast<size_t>(x)])),
                     num_json(to_double(r[static_cast<size_t>(y)])),
                     f >= 0 ? num_json(to_double(r[static_cast<size_t>(f)])) : json(nullptr)});
    }
    b["points"] = std::move(pts);
    b["points_total"] = pop.rows.size();
  }
  const int af = arc.column("fitness"), ax = arc.column("b0"), ay = arc.column("b1");
  if (af >= 0 && ax >= 0 && ay >= 0) {
    json a = json::array();
    for (const auto& r : arc.rows)
      a.push_back({num_json(to_double(r[static_cast<size_t>(af)])), num_json(to_double(r[static_cast<size_t>(ax)])),
                   num_json(to_double(r[static_cast<size_t>(ay)]))});
    b["archive"] = std::move(a);
  }
  if (const maze::MazeMap* m = maze::map_of_env(env)) b["maze"] = maze_json(*m);
  if (config != nullptr) {
    const auto* strat = (*config)["strategy"].as_table();
    if (strat != nullptr && (*strat)["name"].value_or(std::string()) == "map_elites") {
      b["grid"] = {{"low", number_array((*strat)["low"].node())},
                   {"high", number_array((*strat)["high"].node())},
                   {"cells", number_array((*strat)["cells"].node())}};
    }
  }
  // The champion's path: one recorded episode (400 steps in the maze, milliseconds).
  if (maze::map_of_env(env) != nullptr && regular_file(dir / "champion.bin")) {
    try {
      const json rep = record_champion((dir / "champion.bin").string(), 0);
      if (rep.contains("states")) b["champion_path"] = rep["states"];
    } catch (const std::exception&) {
      // A champion being replaced while we read it: the picture is drawn without the path this time.
    }
  }
  run["behaviours"] = std::move(b);
}

RunData read_run(const Source& src, const CollectOptions& opt) {
  const fs::path dir = src.path;
  RunData rd;
  json& j = rd.j;
  j["path"] = src.label;
  toml::table config;
  bool have_config = false;
  if (regular_file(dir / "config.toml")) {
    try {
      config = toml::parse_file((dir / "config.toml").string());
      have_config = true;
      flatten(config, "", rd.config);
    } catch (const toml::parse_error& e) {
      j["warning"] = std::string("config.toml: ") + std::string(e.description());
    }
  }
  auto cfg = [&](const std::string& k) {
    const auto it = rd.config.find(k);
    return it == rd.config.end() ? std::string() : it->second;
  };
  j["env"] = cfg("env.name");
  j["strategy"] = cfg("strategy.name");
  j["policy"] = cfg("policy.type");
  j["seed"] = cfg("run.seed");
  j["config"] = rd.config;

  json summary;
  const std::string stext = read_if_present(dir / "summary.json");
  if (!stext.empty()) summary = json::parse(stext, nullptr, false);
  const bool finished = summary.is_object() && summary.contains("finished") && summary["finished"] == true;
  if (finished) {
    j["status"] = "finished";
    if (summary.contains("policy")) j["policy"] = summary["policy"];
    j["num_params"] = count_field(summary, "num_params");
    j["wall_time"] = number_field(summary, "wall_time_s");
    if (summary.contains("champion") && summary["champion"].is_object()) {
      const json& c = summary["champion"];
      j["champion"] = {{"mean", number_field(c, "mean_return")},
                       {"std", number_field(c, "std_return")},
                       {"episodes", count_field(c, "eval_episodes")}};
    }
  } else {
    j["status"] = seconds_since_modified(dir / "metrics.csv") < kRunningSeconds ? "running" : "failed";
  }

  const Csv m = read_csv(dir / "metrics.csv");
  json metrics = json::object();
  for (const char* col : {"generation", "episodes", "env_steps", "wall_time", "best", "mean", "median"}) {
    const int c = m.column(col);
    json arr = json::array();
    if (c >= 0)
      for (const auto& r : m.rows) arr.push_back(num_json(to_double(r[static_cast<size_t>(c)])));
    metrics[col] = std::move(arr);
  }
  j["metrics"] = std::move(metrics);
  // Columns a strategy adds (Strategy::metrics(), e.g. GP's diversity measures): every column the
  // recorder does not write for all runs, in file order, plotted against the generation.
  static const std::set<std::string> common = {"generation", "episodes", "env_steps", "best", "mean", "median",
                                               "invalid", "wall_time", "steps_per_s", "episodes_per_s", "unstable",
                                               "ranks", "bytes_sent", "bytes_per_ind", "rank_util"};
  json extra = json::array();
  for (size_t c = 0; c < m.header.size(); ++c) {
    if (common.count(m.header[c])) continue;
    json arr = json::array();
    for (const auto& r : m.rows) arr.push_back(c < r.size() ? num_json(to_double(r[c])) : json(nullptr));
    extra.push_back({{"name", m.header[c]}, {"values", std::move(arr)}});
  }
  if (!extra.empty()) j["extra_metrics"] = std::move(extra);
  j["rows"] = m.rows.size();
  if (!finished && !m.rows.empty()) {
    const int w = m.column("wall_time");
    if (w >= 0) j["wall_time"] = num_json(to_double(m.rows.back()[static_cast<size_t>(w)]));
  }
  j["generations"] = m.rows.size();
  if (cfg("run.generations").size()) j["generations_planned"] = cfg("run.generations");

  // MPI runs: bytes per candidate and per-rank utilisation.
  const int ranks = m.column("ranks"), bpi = m.column("bytes_per_ind"), util = m.column("rank_util");
  if (ranks >= 0 && bpi >= 0 && util >= 0 && !m.rows.empty()) {
    json b = json::array(), u = json::array();
    int max_ranks = 0;
    for (const auto& r : m.rows) {
      b.push_back(num_json(to_double(r[static_cast<size_t>(bpi)])));
      json per = json::array();
      for (const auto& s : split(r[static_cast<size_t>(util)], ';')) per.push_back(num_json(to_double(s)));
      max_ranks = std::max(max_ranks, static_cast<int>(per.size()));
      u.push_back(std::move(per));
    }
    j["mpi"] = {{"ranks", max_ranks}, {"bytes_per_ind", std::move(b)}, {"rank_util", std::move(u)}};
  }

  add_behaviours(dir, cfg("env.name"), have_config ? &config : nullptr, j, opt);

  // The champion's network as the run drew it (NEAT, HyperNEAT): the page shows it as an image, so its
  // markup never runs as part of the page. Drawings above 1 MB are left out (the page must stay light).
  if (regular_file(dir / "champion.svg")) {
    std::string drawing = read_if_present(dir / "champion.svg");
    if (!drawing.empty() && drawing.size() <= (1u << 20)) j["champion_svg"] = std::move(drawing);
  }

  // Replays recorded into the run directory (`neuroevo eval RUN --record RUN/replay.json`).
  json replays = json::array();
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (regular_file(e.path()) && e.path().extension() == ".json" && e.path().filename().string().rfind("replay", 0) == 0)
      files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    json r = json::parse(read_if_present(f), nullptr, false);
    if (is_replay(r)) {
      r["path"] = (fs::path(src.label) / f.filename()).string();
      replays.push_back(std::move(r));
    }
  }
  if (!replays.empty()) j["replays"] = std::move(replays);
  return rd;
}

// ---------------------------------------------------------------------------------------------------------
// BBOB campaigns

struct FunctionGroup {
  const char* name;
  int lo, hi;
};
constexpr FunctionGroup kGroups[] = {{"separable", 1, 5},        {"moderate", 6, 9},        {"ill-conditioned", 10, 14},
                                     {"multi-modal", 15, 19},    {"weakly structured", 20, 24}, {"all", 1, 24}};

json read_campaign(const Source& src) {
  const fs::path dir = src.path;
  json j;
  j["path"] = src.label;
  bbob::CampaignResult all;
  try {
    const toml::table t = toml::parse_file((dir / "campaign.toml").string());
    if (const auto* a = t["strategies"].as_array())
      for (const auto& s : *a)
        if (auto v = s.value<std::string>()) all.spec.strategies.push_back(*v);
    for (double d : number_array(t["dims"].node())) all.spec.dims.push_back(static_cast<size_t>(d));
    all.spec.budget = t["budget"].value_or(0.0);
  } catch (const toml::parse_error& e) {
    throw UsageError(src.path + "/campaign.toml: " + std::string(e.description()));
  }
  const Csv traces = read_csv(dir / "traces.csv");
  const int cs = traces.column("strategy"), cf = traces.column("function"), ci = traces.column("instance"),
            cd = traces.column("dim"), ce = traces.column("evaluations"), cv = traces.column("best_delta_f");
  if (cs < 0 || cf < 0 || ci < 0 || cd < 0 || ce < 0 || cv < 0)
    throw UsageError(src.path + "/traces.csv: expected the columns strategy,function,instance,dim,evaluations,best_delta_f");
  // Runs are rebuilt from runs.csv (so a run without any trace row still counts) and traces.csv.
  const Csv runs = read_csv(dir / "runs.csv");
  std::map<std::tuple<std::string, int, int, size_t>, size_t> index;
  for (const auto& r : runs.rows) {
    bbob::RunRecord rec;
    rec.strategy = r[0];
    rec.function = std::stoi(r[1]);
    rec.instance = std::stoi(r[2]);
    rec.dim = static_cast<size_t>(std::stoul(r[3]));
    index[{rec.strategy, rec.function, rec.instance, rec.dim}] = all.runs.size();
    all.runs.push_back(std::move(rec));
  }
  for (const auto& r : traces.rows) {
    const auto it = index.find({r[static_cast<size_t>(cs)], std::stoi(r[static_cast<size_t>(cf)]),
                                std::stoi(r[static_cast<size_t>(ci)]), static_cast<size_t>(std::stoul(r[static_cast<size_t>(cd)]))});
    if (it == index.end()) continue;
    all.runs[it->second].trace.emplace_back(std::stoull(r[static_cast<size_t>(ce)]), to_double(r[static_cast<size_t>(cv)]));
  }
  j["strategies"] = all.spec.strategies;
  j["dims"] = all.spec.dims;
  j["budget"] = all.spec.budget;
  std::set<int> functions;
  for (const auto& r : all.runs) functions.insert(r.function);
  j["functions"] = functions;

  // ECDF per dimension and function group, with the campaign's own definition (bbob::compute_ecdf).
  json ecdf = json::array();
  for (size_t d : all.spec.dims) {
    json groups = json::array();
    for (const auto& g : kGroups) {
      bbob::CampaignResult sub;
      sub.spec = all.spec;
      sub.spec.dims = {d};
      for (const auto& r : all.runs)
        if (r.dim == d && r.function >= g.lo && r.function <= g.hi) sub.runs.push_back(r);
      if (sub.runs.empty()) continue;
      std::set<int> fs_in;
      for (const auto& r : sub.runs) fs_in.insert(r.function);
      json lines = json::object();
      for (const auto& p : bbob::compute_ecdf(sub)) lines[p.strategy].push_back({p.evals_per_dim, p.fraction});
      groups.push_back({{"group", g.name}, {"functions", fs_in}, {"lines", std::move(lines)}});
    }
    ecdf.push_back({{"dim", d}, {"groups", std::move(groups)}});
  }
  j["ecdf"] = std::move(ecdf);

  const Csv ert = read_csv(dir / "ert.csv");
  json art = json::array();
  const int es = ert.column("strategy"), ef = ert.column("function"), ed = ert.column("dim"), er = ert.column("runs"),
            esu = ert.column("successes"), ea = ert.column("aRT");
  if (es >= 0 && ef >= 0 && ed >= 0 && er >= 0 && esu >= 0 && ea >= 0)
    for (const auto& r : ert.rows)
      art.push_back({{"strategy", r[static_cast<size_t>(es)]},
                     {"function", std::stoi(r[static_cast<size_t>(ef)])},
                     {"dim", std::stoi(r[static_cast<size_t>(ed)])},
                     {"runs", std::stoi(r[static_cast<size_t>(er)])},
                     {"successes", std::stoi(r[static_cast<size_t>(esu)])},
                     {"art", num_json(to_double(r[static_cast<size_t>(ea)]))}});
  j["art"] = std::move(art);
  return j;
}

// ---------------------------------------------------------------------------------------------------------
// Spike recordings (`neuroevo snn coba --record DIR`)

json read_spikes(const Source& src, const CollectOptions& opt) {
  const fs::path dir = src.path;
  json meta = json::parse(read_if_present(dir / "spikes.json"), nullptr, false);
  if (!meta.is_object()) throw UsageError(src.path + "/spikes.json: not a JSON object");
  const Csv csv = read_csv(dir / "spikes.csv");
  const int ct = csv.column("time_ms"), cn = csv.column("neuron");
  if (ct < 0 || cn < 0) throw UsageError(src.path + "/spikes.csv: expected the columns time_ms,neuron");
  // spikes.json is a file a user may have edited or cut: its numbers are checked before they size arrays.
  const json& sec = meta.contains("seconds") ? meta["seconds"] : json(0.0);
  const json& neu = meta.contains("neurons") ? meta["neurons"] : json(0);
  if (!sec.is_number() || !std::isfinite(sec.get<double>()) || sec.get<double>() < 0 ||
      sec.get<double>() * 1000.0 > kMaxRateBins)
    throw UsageError(src.path + "/spikes.json: seconds = " + sec.dump() + " is not a number in 0.." +
                     std::to_string(static_cast<uint64_t>(kMaxRateBins / 1000.0)));
  if (!neu.is_number_unsigned())
    throw UsageError(src.path + "/spikes.json: neurons = " + neu.dump() + " is not a non-negative integer");
  const double seconds = sec.get<double>();
  const uint64_t neurons = neu.get<uint64_t>();
  std::vector<std::pair<double, uint64_t>> spikes;
  spikes.reserve(csv.rows.size());
  for (size_t i = 0; i < csv.rows.size(); ++i) {
    const std::string& cell = csv.rows[i][static_cast<size_t>(cn)];
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(cell.c_str(), &end, 10);
    const double t = to_double(csv.rows[i][static_cast<size_t>(ct)]);
    if (cell.empty() || cell[0] == '-' || *end != '\0' || errno == ERANGE || n >= neurons || !std::isfinite(t))
      throw UsageError(src.path + "/spikes.csv: data row " + std::to_string(i + 1) +
                       ": expected a time in ms and a neuron index below " + std::to_string(neurons));
    spikes.emplace_back(t, n);
  }
  // Raster: the lowest-numbered neurons, as many as keep the drawing under max_raster_spikes. Counted only
  // up to the highest index that fired, so the array follows the file's size, not the number it states.
  uint64_t top = 0;
  for (const auto& sp : spikes) top = std::max(top, sp.second + 1);
  std::vector<uint64_t> per_neuron(top, 0);
  for (const auto& sp : spikes) ++per_neuron[sp.second];
  uint64_t shown = 0, count = 0;
  while (shown < top && count + per_neuron[shown] <= opt.max_raster_spikes) count += per_neuron[shown++];
  if (shown == top) shown = neurons;  // every neuron fits (silent ones included)
  json t = json::array(), n = json::array();
  for (const auto& [time, neuron] : spikes)
    if (neuron < shown) {
      t.push_back(short_num(time));
      n.push_back(neuron);
    }
  // Population rate in 1 ms bins: spikes / (neurons * 1 ms), in Hz.
  const double bin_ms = 1.0;
  const size_t bins = static_cast<size_t>(std::ceil(seconds * 1000.0 / bin_ms));
  std::vector<double> rate(std::max<size_t>(bins, 1), 0.0);
  for (const auto& s : spikes) {
    const auto b = static_cast<size_t>(std::max(0.0, s.first / bin_ms));
    if (b < rate.size()) rate[b] += 1.0;
  }
  json rj = json::array();
  for (double c : rate) rj.push_back(short_num(neurons ? c / (static_cast<double>(neurons) * bin_ms * 1e-3) : 0.0));
  meta["path"] = src.label;
  meta["raster"] = {{"t", std::move(t)}, {"n", std::move(n)}, {"neurons_shown", shown}};
  meta["rate"] = {{"bin_ms", bin_ms}, {"hz", std::move(rj)}};
  meta["spikes_read"] = spikes.size();
  return meta;
}

// ---------------------------------------------------------------------------------------------------------
// Discovery

bool is_run_dir(const fs::path& d) {
  return regular_file(d / "metrics.csv") || (regular_file(d / "config.toml") && !regular_file(d / "campaign.toml"));
}
bool is_campaign_dir(const fs::path& d) { return regular_file(d / "runs.csv") && regular_file(d / "traces.csv"); }
bool is_spikes_dir(const fs::path& d) { return regular_file(d / "spikes.json"); }
bool is_replay_file(const fs::path& p) {
  const json r = json::parse(read_if_present(p), nullptr, false);
  return is_replay(r);
}

void walk(const fs::path& dir, const fs::path& base, int depth, std::vector<Source>& out) {
  auto label = [&](const fs::path& p) {
    const fs::path rel = p.lexically_relative(base);
    return (base.filename().empty() ? rel : base.filename() / rel).lexically_normal().generic_string();
  };
  if (is_run_dir(dir)) return out.push_back({SourceKind::Run, dir.string(), label(dir)});
  if (is_campaign_dir(dir)) return out.push_back({SourceKind::Campaign, dir.string(), label(dir)});
  if (is_spikes_dir(dir)) return out.push_back({SourceKind::Spikes, dir.string(), label(dir)});
  if (depth >= kMaxDepth) return;
  std::vector<fs::path> children, replays;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    // Symlinks are not followed: no loops, and nothing outside the tree.
    if (e.is_symlink(ec)) continue;
    if (e.is_directory(ec)) children.push_back(e.path());
    else if (e.path().extension() == ".json" && is_replay_file(e.path())) replays.push_back(e.path());
  }
  std::sort(children.begin(), children.end());
  std::sort(replays.begin(), replays.end());
  for (const auto& r : replays) out.push_back({SourceKind::Replay, r.string(), label(r)});
  for (const auto& c : children) walk(c, base, depth + 1, out);
}

}  // namespace

std::vector<Source> discover(const std::vector<std::string>& paths) {
  std::vector<Source> out;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::path path = fs::path(p).lexically_normal();
    if (path.has_filename() == false && path.has_parent_path()) path = path.parent_path();
    if (!fs::exists(path, ec)) throw UsageError("report: PATH '" + p + "' does not exist");
    const size_t before = out.size();
    if (fs::is_regular_file(path, ec)) {
      if (!is_replay_file(path))
        throw UsageError("report: '" + p + "' is neither a directory nor a replay file (neuroevo eval --record)");
      out.push_back({SourceKind::Replay, path.string(), path.generic_string()});
      continue;
    }
    walk(path, path, 0, out);
    if (out.size() == before)
      throw UsageError("report: '" + p +
                       "' holds no run directory (metrics.csv), BBOB campaign (runs.csv, traces.csv) or spike "
                       "recording (spikes.json)");
  }
  return out;
}

json collect(const std::vector<Source>& sources, const CollectOptions& opt) {
  json doc;
  std::vector<RunData> runs;
  json campaigns = json::array(), spikes = json::array(), replays = json::array();
  for (const auto& s : sources) {
    switch (s.kind) {
      case SourceKind::Run: runs.push_back(read_run(s, opt)); break;
      case SourceKind::Campaign: campaigns.push_back(read_campaign(s)); break;
      case SourceKind::Spikes: spikes.push_back(read_spikes(s, opt)); break;
      case SourceKind::Replay: {
        json r = json::parse(read_if_present(s.path), nullptr, false);
        r["path"] = s.label;
        replays.push_back(std::move(r));
        break;
      }
    }
  }
  // Config keys that differ between runs (a key missing from a run counts as a different value).
  std::set<std::string> keys;
  for (const auto& r : runs)
    for (const auto& [k, v] : r.config) keys.insert(k);
  std::vector<std::string> differing;
  for (const auto& k : keys) {
    std::set<std::string> values;
    for (const auto& r : runs) {
      const auto it = r.config.find(k);
      values.insert(it == r.config.end() ? std::string("\x01missing") : it->second);
    }
    if (values.size() > 1) differing.push_back(k);
  }
  // Seed groups: runs whose configs are equal but for run.seed.
  std::map<std::map<std::string, std::string>, std::vector<size_t>> by_config;
  for (size_t i = 0; i < runs.size(); ++i) {
    auto c = runs[i].config;
    c.erase("run.seed");
    if (c.empty()) c["\x01path"] = runs[i].j["path"].get<std::string>();  // no config: a group of its own
    by_config[c].push_back(i);
  }
  std::vector<std::vector<size_t>> groups;
  for (auto& [c, members] : by_config) groups.push_back(members);
  std::sort(groups.begin(), groups.end());  // in order of their first run
  json jg = json::array(), jr = json::array();
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    // Label: env and strategy, plus the keys that set this group apart from the other groups with the
    // same env and strategy (the seed aside).
    const auto& first = runs[groups[gi].front()];
    auto base = [&](const RunData& r) { return r.j.value("env", "") + " " + r.j.value("strategy", ""); };
    std::string label = base(first), extra;
    std::vector<const RunData*> peers;
    for (const auto& g : groups)
      if (base(runs[g.front()]) == label) peers.push_back(&runs[g.front()]);
    if (peers.size() > 1)
      for (const auto& k : differing) {
        if (k == "run.seed") continue;
        std::set<std::string> values;
        for (const auto* p : peers) values.insert(p->config.count(k) ? p->config.at(k) : std::string("-"));
        if (values.size() < 2) continue;
        const auto it = first.config.find(k);
        extra += (extra.empty() ? "" : ", ") + k + "=" + (it == first.config.end() ? std::string("-") : it->second);
      }
    if (extra.size() > 100) extra = extra.substr(0, 97) + "...";
    if (!extra.empty()) label += " (" + extra + ")";
    jg.push_back({{"id", gi}, {"label", label}, {"runs", groups[gi]}});
    for (size_t r : groups[gi]) runs[r].j["group"] = gi;
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    runs[i].j["id"] = i;
    jr.push_back(std::move(runs[i].j));
  }
  doc["runs"] = std::move(jr);
  doc["groups"] = std::move(jg);
  doc["differing_keys"] = differing;
  doc["campaigns"] = std::move(campaigns);
  doc["spikes"] = std::move(spikes);
  doc["replays"] = std::move(replays);
  return doc;
}

std::string fingerprint(const std::vector<Source>& sources) {
  std::string f;
  for (const auto& s : sources) {
    std::error_code ec;
    f += s.path + "\n";
    std::vector<fs::path> files;
    if (s.kind == SourceKind::Replay)
      files.push_back(s.path);
    else
      for (const auto& e : fs::directory_iterator(s.path, ec)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& p : files) {
      if (!regular_file(p)) continue;
      const auto size = fs::file_size(p, ec);
      const auto t = fs::last_write_time(p, ec).time_since_epoch().count();
      f += p.filename().string() + ":" + std::to_string(size) + ":" + std::to_string(t) + "\n";
    }
  }
  return f;
}

}  // namespace neuroevo::report
