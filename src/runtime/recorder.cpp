#include "neuroevo/runtime/recorder.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"

namespace neuroevo {

namespace {

constexpr const char* kHeader =
    "generation,episodes,env_steps,best,mean,median,invalid,wall_time,steps_per_s,episodes_per_s,unstable";

// Keeps the first `lines` lines of `path` (rewritten atomically); a missing file becomes empty.
void keep_lines(const std::string& path, size_t lines) {
  std::string text = file_exists(path) ? read_text_file(path) : "";
  size_t pos = 0;
  for (size_t k = 0; k < lines && pos < text.size(); ++k) {
    const auto nl = text.find('\n', pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  write_atomic(path, text.substr(0, pos));
}

// A resume continues after the checkpoint's generation `done`: the metrics file must still hold rows
// 1..done (row k for generation k), or the resumed file would have a gap or foreign rows.
void check_rows(const std::string& path, uint64_t done, bool header) {
  auto fail = [&](const std::string& what) {
    throw UsageError("'" + path + "' " + what + ", but the checkpoint is at generation " + std::to_string(done) +
                     "; resuming would leave a gap in the metrics: restore the file or start a new run");
  };
  if (!file_exists(path)) fail("is missing");
  const std::string text = read_text_file(path);
  size_t pos = 0;
  if (header) {
    const auto nl = text.find('\n');
    if (nl == std::string::npos) fail("has no header line");
    pos = nl + 1;
  }
  for (uint64_t k = 1; k <= done; ++k) {
    const auto nl = text.find('\n', pos);
    if (nl == std::string::npos) fail("holds only " + std::to_string(k - 1) + " complete generation rows");
    const std::string line = text.substr(pos, nl - pos);
    const std::string expect = header ? std::to_string(k) + "," : "{\"generation\":" + std::to_string(k) + ",";
    if (line.compare(0, expect.size(), expect) != 0)
      fail("line " + std::to_string(k + (header ? 1 : 0)) + " is not the row of generation " + std::to_string(k));
    pos = nl + 1;
  }
}

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

std::string json_num(double v) { return std::isfinite(v) ? num(v) : "null"; }

constexpr const char* kRunnerHeader = ",ranks,bytes_sent,bytes_per_ind,rank_util";

// Rank utilisations as "0.981;0.975" (one CSV cell) or a JSON array.
std::string util_list(const std::vector<double>& u, const char* sep) {
  std::string s;
  char b[32];
  for (size_t r = 0; r < u.size(); ++r) {
    std::snprintf(b, sizeof b, "%.3f", u[r]);
    s += (r ? sep : "") + std::string(b);
  }
  return s;
}

std::string duration(double s) {
  char b[32];
  if (s < 120) std::snprintf(b, sizeof b, "%.1fs", s);
  else if (s < 7200) std::snprintf(b, sizeof b, "%.1fm", s / 60);
  else std::snprintf(b, sizeof b, "%.1fh", s / 3600);
  return b;
}

// An env-step count with at most 3 significant digits and a k/M/G/T suffix: 950, 12.3k, 1.2M, 5M (999,999
// is 1M, not 1e+03k).
std::string count(double v) {
  static constexpr const char* kSuffix[] = {"", "k", "M", "G", "T"};
  size_t k = 0;
  for (; v >= 999.5 && k + 1 < std::size(kSuffix); ++k) v /= 1000;
  char b[32];
  std::snprintf(b, sizeof b, "%.3g%s", v, kSuffix[k]);
  return b;
}

}  // namespace

Eta estimate_eta(const GenerationRow& r, const RunBudget& b) {
  const double per_gen = r.generation ? r.wall_time / static_cast<double>(r.generation) : 0.0;
  const uint64_t gens_left = b.generations > r.generation ? b.generations - r.generation : 0;
  Eta eta{per_gen * static_cast<double>(gens_left), false};
  if (b.max_env_steps == 0) return eta;
  // The frame budget already reached: this generation was the last (unless the generation count ends too).
  if (r.env_steps >= b.max_env_steps) return {0.0, gens_left > 0};
  const double rate = r.steps_per_s > 0 ? r.steps_per_s
                      : r.wall_time > 0 ? static_cast<double>(r.env_steps) / r.wall_time
                                        : 0.0;
  if (rate <= 0) return eta;  // no step taken yet: no frame rate, the generation budget's estimate stands
  const double by_frames = static_cast<double>(b.max_env_steps - r.env_steps) / rate;
  if (by_frames < eta.seconds) eta = {by_frames, true};
  return eta;
}

Recorder::Recorder(const std::string& dir, uint64_t done, bool quiet, bool runner_columns, std::vector<std::string> extra)
    : quiet_(quiet), runner_columns_(runner_columns), extra_(std::move(extra)) {
  std::string extra_header;
  for (const auto& e : extra_) extra_header += "," + e;
  const std::string csv = dir + "/metrics.csv", jsonl = dir + "/metrics.jsonl";
  const bool fresh = done == 0;
  if (!fresh) {
    check_rows(csv, done, true);
    check_rows(jsonl, done, false);
    const std::string old = read_text_file(csv);
    const std::string header = old.substr(0, old.find('\n'));
    runner_columns_ = header.find(kRunnerHeader) != std::string::npos;
    if (header.size() < extra_header.size() || header.compare(header.size() - extra_header.size(), extra_header.size(), extra_header) != 0)
      throw UsageError("'" + csv + "' does not end with the strategy's columns '" + extra_header.substr(extra_header.empty() ? 0 : 1) +
                       "'; resuming would make the file ragged: restore the file or start a new run");
    keep_lines(csv, done + 1);  // + header
    keep_lines(jsonl, done);
  }
  csv_.open(csv, fresh ? std::ios::trunc : std::ios::app);
  jsonl_.open(jsonl, fresh ? std::ios::trunc : std::ios::app);
  if (!csv_ || !jsonl_) throw std::runtime_error("cannot write metrics in '" + dir + "'");
  if (fresh) csv_ << kHeader << (runner_columns_ ? kRunnerHeader : "") << extra_header << "\n" << std::flush;
}

void Recorder::record(const GenerationRow& r, const RunBudget& budget) {
  csv_ << r.generation << ',' << r.episodes << ',' << r.env_steps << ',' << num(r.best) << ',' << num(r.mean) << ','
       << num(r.median) << ',' << r.invalid << ',' << num(r.wall_time) << ',' << num(r.steps_per_s) << ','
       << num(r.episodes_per_s) << ',' << r.unstable;
  if (runner_columns_)
    csv_ << ',' << r.ranks << ',' << r.bytes_sent << ',' << num(r.bytes_per_ind) << ',' << util_list(r.rank_util, ";");
  if (r.extra.size() != extra_.size())
    throw std::logic_error("the strategy returned " + std::to_string(r.extra.size()) + " metrics for " +
                           std::to_string(extra_.size()) + " metric names");
  for (double v : r.extra) csv_ << ',' << num(v);
  csv_ << '\n' << std::flush;
  jsonl_ << "{\"generation\":" << r.generation << ",\"episodes\":" << r.episodes << ",\"env_steps\":" << r.env_steps
         << ",\"best\":" << json_num(r.best) << ",\"mean\":" << json_num(r.mean) << ",\"median\":" << json_num(r.median)
         << ",\"invalid\":" << r.invalid << ",\"wall_time\":" << json_num(r.wall_time)
         << ",\"steps_per_s\":" << json_num(r.steps_per_s) << ",\"episodes_per_s\":" << json_num(r.episodes_per_s)
         << ",\"unstable\":" << r.unstable;
  if (runner_columns_)
    jsonl_ << ",\"ranks\":" << r.ranks << ",\"bytes_sent\":" << r.bytes_sent
           << ",\"bytes_per_ind\":" << json_num(r.bytes_per_ind) << ",\"rank_util\":[" << util_list(r.rank_util, ",")
           << "]";
  for (size_t k = 0; k < extra_.size(); ++k) jsonl_ << ",\"" << extra_[k] << "\":" << json_num(r.extra[k]);
  jsonl_ << "}\n" << std::flush;
  if (!csv_ || !jsonl_)
    throw std::runtime_error("cannot append to metrics.csv / metrics.jsonl: " + std::string(std::strerror(errno)));
  if (quiet_) return;
  const Eta eta = estimate_eta(r, budget);
  char progress[96];
  const auto gen = static_cast<unsigned long long>(r.generation);
  if (eta.frames)
    std::snprintf(progress, sizeof progress, "gen %5llu", gen);
  else
    std::snprintf(progress, sizeof progress, "gen %5llu/%llu", gen, static_cast<unsigned long long>(budget.generations));
  std::string line = progress;
  if (budget.max_env_steps)
    line += "  frames " + count(static_cast<double>(r.env_steps)) + "/" + count(static_cast<double>(budget.max_env_steps));
  std::printf("%s  best %10.3f  mean %10.3f  median %10.3f  %9.0f steps/s  %7.0f eps/s  %s  ETA %s\n", line.c_str(),
              r.best, r.mean, r.median, r.steps_per_s, r.episodes_per_s, duration(r.wall_time).c_str(),
              duration(eta.seconds).c_str());
  if (r.ranks > 1 || runner_columns_)
    std::printf("  %d ranks  %llu B sent, %.1f B/candidate  utilisation %s\n", r.ranks,
                static_cast<unsigned long long>(r.bytes_sent), r.bytes_per_ind, util_list(r.rank_util, " ").c_str());
  if (r.invalid) std::printf("  warning: %llu candidates returned NaN or infinite returns (ranked last)\n",
                             static_cast<unsigned long long>(r.invalid));
  if (r.unstable) std::printf("  warning: %llu episodes ended by a simulation failure (penalised)\n",
                              static_cast<unsigned long long>(r.unstable));
  std::fflush(stdout);
}

}  // namespace neuroevo
