// `neuroevo sort ...`: self-sorting arrays (Zhang, Goldstein & Levin 2024; docs/sorting.md).
//   sort run    one condition, many runs: runs.csv, steps.csv, sortedness.svg, summary.json in --out
//   sort grid   the paper's grid (3 algotypes x 0-5 frozen x 2 kinds, traditional versions, chimeric pairs)
//   sort evolve evolve the cell policy for robustness to frozen cells; compare with each algotype
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/sorting/evolve.hpp"
#include "neuroevo/sorting/plot.hpp"
#include "neuroevo/sorting/sorting.hpp"
#include "neuroevo/sorting/stats.hpp"

namespace neuroevo::cli {

namespace {

using namespace neuroevo::sorting;

unsigned default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

std::string fmt(double v, const char* f = "%.6g") {
  if (std::isnan(v)) return "nan";
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

void make_out_dir(const std::string& dir) {
  if (dir.empty()) throw UsageError("--out must name a directory");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) throw UsageError("--out: cannot create directory '" + dir + "'");
}

size_t checked_size(long long v, const char* option, long long lo, long long hi) {
  if (v < lo || v > hi)
    throw UsageError(std::string(option) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                     std::to_string(v));
  return static_cast<size_t>(v);
}

Frozen parse_kind(const std::string& s) {
  if (s == "movable") return Frozen::Movable;
  if (s == "immovable") return Frozen::Immovable;
  throw UsageError("--frozen-kind: " + unknown_name_message("frozen kind", s, {"movable", "immovable"}));
}

std::vector<Algotype> parse_algotypes(const std::string& list) {
  std::vector<Algotype> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');) out.push_back(parse_algotype(item, "--algotypes"));
  if (out.empty()) throw UsageError("--algotypes names no algotype (bubble, insertion, selection)");
  return out;
}

std::string runs_csv(std::span<const RunResult> runs) {
  std::string s =
      "run,finished,sorted,active_sorted,sweeps,swaps,plateau_sweep,initial_sortedness,final_sortedness,final_error,"
      "dg_episodes,dg_mean,agg_initial,agg_peak,agg_final,agg_expected\n";
  for (const auto& r : runs)
    s += std::to_string(r.run) + "," + std::to_string(r.finished) + "," + std::to_string(r.sorted) + "," +
         std::to_string(r.active_sorted) + "," + std::to_string(r.sweeps) + "," + std::to_string(r.swaps) + "," +
         std::to_string(r.plateau_sweep) + "," + fmt(r.initial_sortedness) + "," + fmt(r.final_sortedness) + "," +
         std::to_string(r.final_error) + "," + std::to_string(r.dg_episodes) + "," + fmt(r.dg_mean) + "," +
         fmt(r.agg_initial) + "," + fmt(r.agg_peak) + "," + fmt(r.agg_final) + "," + fmt(r.agg_expected) + "\n";
  return s;
}

std::string steps_csv(std::span<const RunResult> runs) {
  std::string s = "run,sweep,swaps,sortedness,error,aggregation\n";
  for (const auto& r : runs)
    for (const auto& p : r.trajectory)
      s += std::to_string(r.run) + "," + std::to_string(p.sweep) + "," + std::to_string(p.swaps) + "," +
           fmt(p.sortedness) + "," + std::to_string(p.error) + "," + fmt(p.aggregation) + "\n";
  return s;
}

nlohmann::json summary_json(const Summary& s) {
  return {{"condition", s.label},
          {"runs", s.runs},
          {"success_rate", s.success},
          {"active_success_rate", s.active_success},
          {"finished_rate", s.finished},
          {"sweeps", s.sweeps},
          {"swaps", s.swaps},
          {"plateau_sweep", s.plateau},
          {"final_sortedness", s.final_sortedness},
          {"final_error", s.final_error},
          {"delayed_gratification", std::isnan(s.dg) ? nlohmann::json(nullptr) : nlohmann::json(s.dg)},
          {"dg_runs", s.dg_runs},
          {"dg_episodes", s.dg_episodes},
          {"aggregation_initial", s.agg_initial},
          {"aggregation_peak", s.agg_peak},
          {"aggregation_final", s.agg_final},
          {"aggregation_expected", s.agg_expected}};
}

std::vector<double> iota_x(size_t n) {
  std::vector<double> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<double>(i);
  return x;
}

// ------------------------------------------------------------------------------------------------ run

struct RunArgs {
  std::string algotypes = "bubble", frozen_kind = "immovable", out, mix = "1,0,0,0";
  long long size = 100, frozen = 0, runs = 100, distinct = 0, max_sweeps = 0;
  unsigned long long seed = 0;
  int threads = 0;
  bool traditional = false;
};

Condition condition_of(const RunArgs& a) {
  Condition c;
  c.algotypes = parse_algotypes(a.algotypes);
  if (a.size < 2) throw UsageError("--size must be at least 2, got " + std::to_string(a.size));
  c.size = checked_size(a.size, "--size", 2, 1'000'000);
  if (a.frozen < 0) throw UsageError("--frozen must be >= 0, got " + std::to_string(a.frozen));
  if (a.frozen > a.size)
    throw UsageError("--frozen (" + std::to_string(a.frozen) + ") exceeds the array size --size (" + std::to_string(a.size) + ")");
  c.frozen = static_cast<size_t>(a.frozen);
  c.frozen_kind = parse_kind(a.frozen_kind);
  c.distinct = checked_size(a.distinct, "--distinct", 0, 1'000'000);
  c.max_sweeps = checked_size(a.max_sweeps, "--max-sweeps", 0, 1'000'000'000);
  c.traditional = a.traditional;
  if (c.traditional && c.algotypes.size() != 1) throw UsageError("--traditional takes exactly one algotype in --algotypes");
  if (c.traditional && c.algotypes[0] == Algotype::Mixed) throw UsageError("--traditional: the mixed cell has no traditional version");
  {
    std::vector<double> w;
    std::stringstream ss(a.mix);
    for (std::string item; std::getline(ss, item, ',');) {
      try {
        size_t used = 0;
        w.push_back(std::stod(item, &used));
        if (used != item.size()) throw std::invalid_argument(item);
      } catch (const std::exception&) {
        throw UsageError("--mix: '" + item + "' is not a number");
      }
    }
    if (w.size() != 4 || w[0] < 0 || w[1] < 0 || w[2] < 0 || w[0] + w[1] + w[2] <= 0 || w[3] < 0 || w[3] > 1)
      throw UsageError("--mix needs 4 numbers: bubble, insertion, selection weights (>= 0, not all 0) and detour in [0, 1]");
    c.mix = MixPolicy{w[0], w[1], w[2], w[3]};
  }
  return c;
}

int run_sort_run(const RunArgs& a) {
  const Condition c = condition_of(a);
  if (a.runs < 0) throw UsageError("--runs must be >= 0, got " + std::to_string(a.runs));
  const uint64_t runs = checked_size(a.runs, "--runs", 0, 100'000'000);
  const unsigned threads = a.threads > 0 ? static_cast<unsigned>(checked_size(a.threads, "--threads", 1, 4096)) : default_threads();
  make_out_dir(a.out);
  const auto t0 = std::chrono::steady_clock::now();
  const auto results = simulate_runs(c, a.seed, runs, threads, true);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Summary s = summarize(c, results);
  write_atomic(a.out + "/runs.csv", runs_csv(results));
  write_atomic(a.out + "/steps.csv", steps_csv(results));
  nlohmann::json j = summary_json(s);
  j["seed"] = a.seed;
  j["size"] = c.size;
  j["frozen"] = c.frozen;
  j["frozen_kind"] = frozen_name(c.frozen_kind);
  j["traditional"] = c.traditional;
  j["distinct"] = c.distinct;
  write_atomic(a.out + "/summary.json", j.dump(2) + "\n");
  std::vector<Series> series;
  for (const auto& r : results) {
    if (series.size() >= 100) break;
    Series se{"", {}, {}, "#1f77b4", 0.15, false, false};
    for (const auto& p : r.trajectory) {
      se.x.push_back(static_cast<double>(p.sweep));
      se.y.push_back(p.sortedness);
    }
    series.push_back(std::move(se));
  }
  series.push_back({"mean of " + std::to_string(runs) + " runs", iota_x(s.mean_sortedness.size()), s.mean_sortedness, "#d62728"});
  write_atomic(a.out + "/sortedness.svg",
               line_plot_svg("Sortedness: " + s.label + " (n = " + std::to_string(c.size) + ")",
                             c.traditional ? "outer pass" : "sweep (every cell acts once)", "sortedness", series, 0.0, 1.0));
  std::printf("%s  size %zu  runs %llu  seed %llu  (%.3f s, %u threads)\n", s.label.c_str(), c.size,
              static_cast<unsigned long long>(runs), a.seed, secs, threads);
  std::printf("  sorted %.1f%%  non-frozen sorted %.1f%%  final sortedness %.4f  final error %.2f\n", 100 * s.success,
              100 * s.active_success, s.final_sortedness, s.final_error);
  std::printf("  sweeps %.1f  swaps %.1f  plateau sweep %.1f  delayed gratification %s (%.1f%% of runs, %.2f episodes/run)\n",
              s.sweeps, s.swaps, s.plateau, fmt(s.dg, "%.3f").c_str(), 100 * s.dg_runs, s.dg_episodes);
  if (c.algotypes.size() > 1)
    std::printf("  aggregation initial %.3f  peak (mean trajectory) %.3f  final %.3f  random %.3f\n", s.agg_initial,
                s.agg_peak, s.agg_final, s.agg_expected);
  std::printf("  wrote %s/{runs.csv,steps.csv,summary.json,sortedness.svg}\n", a.out.c_str());
  return 0;
}

// ----------------------------------------------------------------------------------------------- grid

struct GridArgs {
  std::string out;
  long long runs = 100, size = 100, duplicates = 10;
  unsigned long long seed = 0;
  int threads = 0;
};

struct GridRow {
  Condition c;
  Summary s;
  std::string view;  // "cell-view", "traditional", "chimeric"
};

std::string table_md(const std::vector<GridRow>& rows, const std::string& view, bool aggregation) {
  std::string s = aggregation
                      ? "| condition | sorted | sweeps | swaps | plateau | DG | DG runs | aggregation start / peak / end | random |\n"
                        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                      : "| condition | sorted | non-frozen sorted | final sortedness | sweeps | swaps | plateau | DG | DG runs | DG episodes |\n"
                        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const auto& r : rows) {
    if (r.view != view) continue;
    const Summary& m = r.s;
    if (aggregation)
      s += "| " + m.label + " | " + fmt(100 * m.success, "%.0f%%") + " | " + fmt(m.sweeps, "%.1f") + " | " +
           fmt(m.swaps, "%.0f") + " | " + fmt(m.plateau, "%.1f") + " | " + fmt(m.dg, "%.3f") + " | " +
           fmt(100 * m.dg_runs, "%.0f%%") + " | " + fmt(m.agg_initial, "%.3f") + " / " + fmt(m.agg_peak, "%.3f") + " / " +
           fmt(m.agg_final, "%.3f") + " | " + fmt(m.agg_expected, "%.3f") + " |\n";
    else
      s += "| " + m.label + " | " + fmt(100 * m.success, "%.0f%%") + " | " + fmt(100 * m.active_success, "%.0f%%") + " | " +
           fmt(m.final_sortedness, "%.4f") + " | " + fmt(m.sweeps, "%.1f") + " | " + fmt(m.swaps, "%.0f") + " | " +
           fmt(m.plateau, "%.1f") + " | " + fmt(m.dg, "%.3f") + " | " + fmt(100 * m.dg_runs, "%.0f%%") + " | " +
           fmt(m.dg_episodes, "%.2f") + " |\n";
  }
  return s;
}

int run_sort_grid(const GridArgs& a) {
  if (a.runs < 0) throw UsageError("--runs must be >= 0, got " + std::to_string(a.runs));
  const uint64_t runs = checked_size(a.runs, "--runs", 0, 100'000'000);
  if (a.size < 2) throw UsageError("--size must be at least 2, got " + std::to_string(a.size));
  const size_t size = checked_size(a.size, "--size", 5, 1'000'000);
  const size_t dup = checked_size(a.duplicates, "--duplicates", 1, 1'000'000);
  const unsigned threads = a.threads > 0 ? static_cast<unsigned>(checked_size(a.threads, "--threads", 1, 4096)) : default_threads();
  make_out_dir(a.out);
  std::vector<GridRow> rows;
  const Algotype algos[3] = {Algotype::Bubble, Algotype::Insertion, Algotype::Selection};
  for (const bool trad : {false, true})
    for (const Algotype al : algos)
      for (size_t f = 0; f <= 5; ++f)
        for (const Frozen kind : {Frozen::Movable, Frozen::Immovable}) {
          if (f == 0 && kind == Frozen::Immovable) continue;  // no frozen cell: one condition
          Condition c;
          c.algotypes = {al};
          c.traditional = trad;
          c.size = size;
          c.frozen = f;
          c.frozen_kind = kind;
          rows.push_back({c, {}, trad ? "traditional" : "cell-view"});
        }
  const std::pair<Algotype, Algotype> pairs[3] = {{Algotype::Bubble, Algotype::Insertion},
                                                  {Algotype::Bubble, Algotype::Selection},
                                                  {Algotype::Insertion, Algotype::Selection}};
  for (const size_t distinct : {size_t{0}, dup})
    for (const auto& [x, y] : pairs) {
      Condition c;
      c.algotypes = {x, y};
      c.size = size;
      c.distinct = distinct;
      rows.push_back({c, {}, "chimeric"});
    }
  const auto t0 = std::chrono::steady_clock::now();
  for (auto& r : rows) {
    const auto results = simulate_runs(r.c, a.seed, runs, threads, true);
    r.s = summarize(r.c, results);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // grid.csv: one row per condition.
  std::string csv =
      "view,algotypes,frozen,frozen_kind,distinct,runs,success_rate,active_success_rate,finished_rate,final_sortedness,"
      "final_error,sweeps,swaps,plateau_sweep,dg,dg_runs,dg_episodes,agg_initial,agg_peak,agg_final,agg_expected\n";
  for (const auto& r : rows) {
    std::string al;
    for (size_t i = 0; i < r.c.algotypes.size(); ++i) {
      if (i > 0) al += '+';
      al += algotype_name(r.c.algotypes[i]);
    }
    const Summary& m = r.s;
    csv += r.view + "," + al + "," + std::to_string(r.c.frozen) + "," + (r.c.frozen ? frozen_name(r.c.frozen_kind) : "none") +
           "," + std::to_string(r.c.distinct) + "," + std::to_string(m.runs) + "," + fmt(m.success) + "," +
           fmt(m.active_success) + "," + fmt(m.finished) + "," + fmt(m.final_sortedness) + "," + fmt(m.final_error) + "," +
           fmt(m.sweeps) + "," + fmt(m.swaps) + "," + fmt(m.plateau) + "," + fmt(m.dg) + "," + fmt(m.dg_runs) + "," +
           fmt(m.dg_episodes) + "," + fmt(m.agg_initial) + "," + fmt(m.agg_peak) + "," + fmt(m.agg_final) + "," +
           fmt(m.agg_expected) + "\n";
  }
  write_atomic(a.out + "/grid.csv", csv);
  std::string md = "# Self-sorting arrays: the grid\n\n`neuroevo sort grid --runs " + std::to_string(runs) + " --size " +
                   std::to_string(size) + " --seed " + std::to_string(a.seed) + "` (" + fmt(secs, "%.2f") + " s, " +
                   std::to_string(threads) + " threads)\n\n## Cell-view\n\n" + table_md(rows, "cell-view", false) +
                   "\n## Traditional (top-down)\n\n" + table_md(rows, "traditional", false) + "\n## Chimeric arrays\n\n" +
                   table_md(rows, "chimeric", true);
  write_atomic(a.out + "/grid.md", md);

  auto find = [&](const std::string& view, Algotype al, size_t f, Frozen k) -> const GridRow* {
    for (const auto& r : rows)
      if (r.view == view && r.c.algotypes.size() == 1 && r.c.algotypes[0] == al && r.c.frozen == f &&
          (f == 0 || r.c.frozen_kind == k))
        return &r;
    return nullptr;
  };
  const char* colors[3] = {"#1f77b4", "#d62728", "#2ca02c"};
  // Sortedness trajectories: cell-view, 0 frozen (solid), 5 movable (dashed), 5 immovable (faint).
  std::vector<Series> traj;
  for (int k = 0; k < 3; ++k)
    for (const auto& [f, kind, tag] : {std::tuple{size_t{0}, Frozen::Movable, ""}, std::tuple{size_t{5}, Frozen::Movable, ", 5 movable"},
                                       std::tuple{size_t{5}, Frozen::Immovable, ", 5 immovable"}}) {
      const GridRow* r = find("cell-view", algos[k], f, kind);
      if (!r) continue;
      Series se{std::string(algotype_name(algos[k])) + tag, iota_x(r->s.mean_sortedness.size()), r->s.mean_sortedness,
                colors[k], kind == Frozen::Immovable ? 0.5 : 1.0, true, f > 0 && kind == Frozen::Movable};
      traj.push_back(std::move(se));
    }
  write_atomic(a.out + "/sortedness.svg",
               line_plot_svg("Mean sortedness, cell-view (" + std::to_string(runs) + " runs, n = " + std::to_string(size) + ")",
                             "sweep", "sortedness", traj, 0.0, 1.0));
  // Delayed gratification and success against the number of frozen cells.
  std::vector<Series> dg, succ;
  for (int k = 0; k < 3; ++k)
    for (const Frozen kind : {Frozen::Movable, Frozen::Immovable}) {
      Series d{std::string(algotype_name(algos[k])) + ", " + frozen_name(kind), {}, {}, colors[k], 1.0, true,
               kind == Frozen::Movable};
      Series s = d, t = d;
      t.name = "traditional " + d.name;
      t.opacity = 0.4;
      for (size_t f = 0; f <= 5; ++f) {
        if (const GridRow* r = find("cell-view", algos[k], f, kind)) {
          d.x.push_back(static_cast<double>(f));
          d.y.push_back(r->s.dg);
          s.x.push_back(static_cast<double>(f));
          s.y.push_back(r->s.active_success);
        }
        if (const GridRow* r = find("traditional", algos[k], f, kind)) {
          t.x.push_back(static_cast<double>(f));
          t.y.push_back(r->s.active_success);
        }
      }
      dg.push_back(std::move(d));
      succ.push_back(std::move(s));
      succ.push_back(std::move(t));
    }
  write_atomic(a.out + "/delayed_gratification.svg",
               line_plot_svg("Delayed gratification, cell-view", "frozen cells", "mean (G - L) / L", dg));
  write_atomic(a.out + "/success.svg",
               line_plot_svg("Non-frozen cells sorted at the end", "frozen cells", "share of runs", succ, 0.0, 1.0));
  // Aggregation trajectories of the chimeric arrays, with the random expectation.
  std::vector<Series> agg;
  double expected = 0.0;
  for (const auto& r : rows) {
    if (r.view != "chimeric") continue;
    // Time as a share of the condition's longest run: bubble+selection takes ~100 sweeps, the pairs with
    // insertion over 1,000, and on one sweep axis the short ones would be invisible.
    std::vector<double> x = iota_x(r.s.mean_aggregation.size());
    const double last = std::max(1.0, static_cast<double>(x.size()) - 1.0);
    for (double& v : x) v /= last;
    agg.push_back({r.s.label, x, r.s.mean_aggregation, "", 1.0, true, r.c.distinct > 0});
    expected = r.s.agg_expected;
  }
  agg.push_back({"random placement", {0.0, 1.0}, {expected, expected}, "#777", 1.0, true, true});
  write_atomic(a.out + "/aggregation.svg",
               line_plot_svg("Algotype aggregation, chimeric arrays (mean of " + std::to_string(runs) + " runs)",
                             "sweep / sweeps of the condition's longest run",
                             "adjacent pairs of the same algotype", agg));

  std::printf("%s", md.c_str());
  std::printf("\n%zu conditions x %llu runs in %.2f s (%u threads); wrote %s/{grid.csv,grid.md,sortedness.svg,"
              "delayed_gratification.svg,success.svg,aggregation.svg}\n",
              rows.size(), static_cast<unsigned long long>(runs), secs, threads, a.out.c_str());
  return 0;
}

// --------------------------------------------------------------------------------------------- evolve

struct EvolveArgs {
  std::string out, strategy = "cmaes", frozen_kind = "immovable", objective = "sortedness";
  long long seeds = 30, budget = 240, size = 100, frozen = 5, deadline = 0, train = 16, test = 100;
  unsigned long long seed = 0;
  int threads = 0;
};

int run_sort_evolve(const EvolveArgs& a) {
  EvolveOptions o;
  if (a.size < 2) throw UsageError("--size must be at least 2, got " + std::to_string(a.size));
  o.size = checked_size(a.size, "--size", 2, 100'000);
  if (a.frozen < 0) throw UsageError("--frozen must be >= 0, got " + std::to_string(a.frozen));
  if (a.frozen > a.size)
    throw UsageError("--frozen (" + std::to_string(a.frozen) + ") exceeds the array size --size (" + std::to_string(a.size) + ")");
  o.frozen = static_cast<size_t>(a.frozen);
  o.kind = parse_kind(a.frozen_kind);
  o.seeds = checked_size(a.seeds, "--seeds", 1, 100'000);
  o.budget = checked_size(a.budget, "--budget", 1, 100'000'000);
  o.deadline = checked_size(a.deadline, "--deadline", 0, 1'000'000'000);
  o.train_arrays = checked_size(a.train, "--train-arrays", 1, 1'000'000);
  o.test_arrays = checked_size(a.test, "--test-arrays", 1, 1'000'000);
  o.strategy = a.strategy;
  o.objective = a.objective;
  o.seed = a.seed;
  o.threads = a.threads > 0 ? static_cast<unsigned>(checked_size(a.threads, "--threads", 1, 4096)) : default_threads();
  make_out_dir(a.out);
  const auto t0 = std::chrono::steady_clock::now();
  const auto reps = evolve_replicates(o);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const char* names[3] = {"bubble", "insertion", "selection"};
  std::string csv =
      "replicate,g0,g1,g2,g3,w_bubble,w_insertion,w_selection,detour,train_loss,evaluations,evolved_sortedness,"
      "evolved_success,evolved_sweeps,bubble_sortedness,insertion_sortedness,selection_sortedness,bubble_success,"
      "insertion_success,selection_success\n";
  std::vector<double> ev_sort, ev_succ_rate, cl_sort[3], cl_succ_rate[3];
  uint64_t ev_succ = 0, cl_succ[3] = {0, 0, 0}, total = 0;
  for (const auto& r : reps) {
    csv += std::to_string(r.replicate);
    for (double g : r.genome) csv += "," + fmt(g);
    csv += "," + fmt(r.policy.w_bubble) + "," + fmt(r.policy.w_insertion) + "," + fmt(r.policy.w_selection) + "," +
           fmt(r.policy.detour) + "," + fmt(r.train_loss) + "," + std::to_string(r.evaluations) + "," +
           fmt(r.evolved.sortedness) + "," + fmt(r.evolved.success_rate()) + "," + fmt(r.evolved.sweeps);
    for (int k = 0; k < 3; ++k) csv += "," + fmt(r.classic[k].sortedness);
    for (int k = 0; k < 3; ++k) csv += "," + fmt(r.classic[k].success_rate());
    csv += "\n";
    ev_sort.push_back(r.evolved.sortedness);
    ev_succ_rate.push_back(r.evolved.success_rate());
    ev_succ += r.evolved.successes;
    total += r.evolved.arrays;
    for (int k = 0; k < 3; ++k) {
      cl_sort[k].push_back(r.classic[k].sortedness);
      cl_succ_rate[k].push_back(r.classic[k].success_rate());
      cl_succ[k] += r.classic[k].successes;
    }
  }
  write_atomic(a.out + "/evolve.csv", csv);
  auto mean = [](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0.0 : s / static_cast<double>(v.size());
  };
  const uint64_t deadline = o.deadline ? o.deadline : o.size;
  std::string md = "# Evolved cell policies vs the classic algotypes\n\n`neuroevo sort evolve --seeds " +
                   std::to_string(o.seeds) + " --budget " + std::to_string(o.budget) + " --strategy " + o.strategy +
                   " --objective " + o.objective + " --size " + std::to_string(o.size) + " --frozen " +
                   std::to_string(o.frozen) + " --frozen-kind " + frozen_name(o.kind) + " --deadline " +
                   std::to_string(deadline) + " --train-arrays " + std::to_string(o.train_arrays) + " --test-arrays " +
                   std::to_string(o.test_arrays) + " --seed " + std::to_string(o.seed) + "` (" + fmt(secs, "%.1f") +
                   " s, " + std::to_string(o.threads) + " threads)\n\nEach replicate evolves on its own training arrays "
                   "and is tested, with the three classic algotypes, on " + std::to_string(o.test_arrays) +
                   " fresh arrays after at most " + std::to_string(deadline) +
                   " sweeps. Sortedness: the whole array's share of adjacent pairs in order (mean per replicate). "
                   "Success: the non-frozen cells are in order. Tests: Mann-Whitney U over the per-replicate values "
                   "(evolved vs the algotype, two-sided), Fisher's exact test on the pooled success counts.\n\n"
                   "| policy | mean sortedness | U (sortedness) | p | mean success | pooled successes | U (success) | p | Fisher p |\n"
                   "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  md += "| evolved | " + fmt(mean(ev_sort), "%.4f") + " | | | " + fmt(100 * mean(ev_succ_rate), "%.1f%%") + " | " +
        std::to_string(ev_succ) + " / " + std::to_string(total) + " | | | |\n";
  nlohmann::json tests = nlohmann::json::array();
  for (int k = 0; k < 3; ++k) {
    const MannWhitney ms = mann_whitney(ev_sort, cl_sort[k]);
    const MannWhitney mu = mann_whitney(ev_succ_rate, cl_succ_rate[k]);
    const Fisher fi = fisher_exact(ev_succ, total - ev_succ, cl_succ[k], total - cl_succ[k]);
    md += "| " + std::string(names[k]) + " | " + fmt(mean(cl_sort[k]), "%.4f") + " | " + fmt(ms.u1, "%.1f") + " | " +
          fmt(ms.p_two_sided, "%.3g") + " | " + fmt(100 * mean(cl_succ_rate[k]), "%.1f%%") + " | " +
          std::to_string(cl_succ[k]) + " / " + std::to_string(total) + " | " + fmt(mu.u1, "%.1f") + " | " +
          fmt(mu.p_two_sided, "%.3g") + " | " + (fi.p_two_sided > 0 ? fmt(fi.p_two_sided, "%.3g") : std::string("< 1e-300")) + " |\n";
    tests.push_back({{"against", names[k]},
                     {"mean_sortedness", mean(cl_sort[k])},
                     {"u_sortedness", ms.u1},
                     {"p_sortedness", ms.p_two_sided},
                     {"mean_success", mean(cl_succ_rate[k])},
                     {"u_success", mu.u1},
                     {"p_success", mu.p_two_sided},
                     {"p_fisher", fi.p_two_sided}});
  }
  MixPolicy avg;
  avg.w_bubble = avg.w_insertion = avg.w_selection = avg.detour = 0;
  for (const auto& r : reps) {
    avg.w_bubble += r.policy.w_bubble / double(reps.size());
    avg.w_insertion += r.policy.w_insertion / double(reps.size());
    avg.w_selection += r.policy.w_selection / double(reps.size());
    avg.detour += r.policy.detour / double(reps.size());
  }
  md += "\nMean evolved policy: P(bubble) " + fmt(avg.w_bubble, "%.3f") + ", P(insertion) " + fmt(avg.w_insertion, "%.3f") +
        ", P(selection) " + fmt(avg.w_selection, "%.3f") + ", detour " + fmt(avg.detour, "%.3f") + "\n";
  write_atomic(a.out + "/evolve.md", md);
  write_atomic(a.out + "/evolve.json", nlohmann::json{{"evolved_mean_sortedness", mean(ev_sort)}, {"evolved_mean_success", mean(ev_succ_rate)},
                                              {"tests", tests}, {"seconds", secs}}.dump(2) + "\n");
  std::printf("%s\nwrote %s/{evolve.csv,evolve.md,evolve.json}\n", md.c_str(), a.out.c_str());
  return 0;
}

}  // namespace

Command add_sort(CLI::App& app) {
  auto* cmd = app.add_subcommand("sort", "Self-sorting arrays: cell-view bubble/insertion/selection sort with frozen cells");
  cmd->require_subcommand(1);
  auto ra = std::make_shared<RunArgs>();
  auto* r = cmd->add_subcommand("run", "Run one condition many times; per-run and per-sweep CSV and an SVG in --out");
  r->add_option("--algotypes", ra->algotypes,
                "comma-separated algotypes: bubble, insertion, selection, mixed (several: chimeric)");
  r->add_option("--mix", ra->mix, "the mixed cell: weights of bubble, insertion, selection, then detour (default 1,0,0,0)");
  r->add_option("--size", ra->size, "cells in the array (>= 2; default 100)");
  r->add_option("--frozen", ra->frozen, "frozen (damaged) cells (default 0)");
  r->add_option("--frozen-kind", ra->frozen_kind, "movable or immovable (default immovable)");
  r->add_option("--runs", ra->runs, "runs (default 100)");
  r->add_option("--seed", ra->seed, "seed (default 0)");
  r->add_option("--threads", ra->threads, "threads over runs (default: all cores); results are identical for any count");
  r->add_option("--distinct", ra->distinct, "number of distinct values (duplicates); 0 = all distinct (default)");
  r->add_option("--max-sweeps", ra->max_sweeps, "give up after this many sweeps (default 50 * size + 100)");
  r->add_flag("--traditional", ra->traditional, "the traditional top-down algorithm with the same damage model");
  r->add_option("--out", ra->out, "output directory")->required();

  auto ga = std::make_shared<GridArgs>();
  auto* g = cmd->add_subcommand("grid", "The paper's grid: 3 algotypes x 0-5 frozen x 2 kinds, traditional, chimeric");
  g->add_option("--runs", ga->runs, "runs per condition (default 100)");
  g->add_option("--size", ga->size, "cells (default 100)");
  g->add_option("--duplicates", ga->duplicates, "distinct values in the chimeric duplicate-value arrays (default 10)");
  g->add_option("--seed", ga->seed, "seed (default 0)");
  g->add_option("--threads", ga->threads, "threads (default: all cores)");
  g->add_option("--out", ga->out, "output directory")->required();

  auto ea = std::make_shared<EvolveArgs>();
  auto* e = cmd->add_subcommand("evolve", "Evolve the cell policy for robustness to frozen cells; compare with each algotype");
  e->add_option("--seeds", ea->seeds, "independent replicates (default 30)");
  e->add_option("--budget", ea->budget, "loss evaluations per replicate (default 240)");
  e->add_option("--strategy", ea->strategy, "strategy (default cmaes; any that needs no noise table)");
  e->add_option("--size", ea->size, "cells (default 100)");
  e->add_option("--frozen", ea->frozen, "frozen cells (default 5)");
  e->add_option("--frozen-kind", ea->frozen_kind, "movable or immovable (default immovable)");
  e->add_option("--deadline", ea->deadline, "sweeps allowed (default: size)");
  e->add_option("--train-arrays", ea->train, "training arrays per replicate (default 16)");
  e->add_option("--test-arrays", ea->test, "fresh test arrays per replicate (default 100)");
  e->add_option("--objective", ea->objective,
                "sortedness (mean sortedness at the deadline, default) or success (non-frozen cells in order)");
  e->add_option("--seed", ea->seed, "seed (default 0)");
  e->add_option("--threads", ea->threads, "threads over replicates (default: all cores)");
  e->add_option("--out", ea->out, "output directory")->required();

  return {cmd, [=] {
            if (r->parsed()) return run_sort_run(*ra);
            if (g->parsed()) return run_sort_grid(*ga);
            if (e->parsed()) return run_sort_evolve(*ea);
            return 2;
          }};
}

}  // namespace neuroevo::cli
