#include "neuroevo/runtime/behaviour_log.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "neuroevo/core/files.hpp"
#include "neuroevo/envs/hard_maze.hpp"

namespace neuroevo {

namespace {

constexpr const char* kCsv = "behaviours.csv";
constexpr const char* kArchiveCsv = "archive.csv";
constexpr const char* kSvg = "behaviours.svg";
constexpr size_t kMaxDrawn = 30000;  // population dots drawn at most (whole generations are skipped evenly)

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

std::string fixed(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

// Rows of behaviours.csv: generation, candidate, fitness, b0, b1, ...
std::vector<BehaviourPoint> read_points(const std::string& path) {
  std::vector<BehaviourPoint> out;
  if (!file_exists(path)) return out;
  std::istringstream in(read_text_file(path));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) f.push_back(cell);
    if (f.size() < 5) continue;  // not a 2-D descriptor
    BehaviourPoint p;
    p.generation = std::stoull(f[0]);
    p.x = std::stod(f[3]);
    p.y = std::stod(f[4]);
    out.push_back(p);
  }
  return out;
}

}  // namespace

BehaviourLog::BehaviourLog(std::string dir, uint64_t generations_done) : dir_(std::move(dir)) {
  const std::string path = dir_ + "/" + kCsv;
  if (generations_done == 0 || !file_exists(path)) {
    if (file_exists(path)) write_atomic(path, std::string());
    return;
  }
  // Resume: keep the header and the rows of the generations before the checkpoint.
  std::istringstream in(read_text_file(path));
  std::string line, kept;
  bool header = true;
  while (std::getline(in, line)) {
    if (header || std::stoull(line.substr(0, line.find(','))) < generations_done) kept += line + "\n";
    header = false;
  }
  write_atomic(path, kept);
  has_rows_ = !kept.empty();
}

void BehaviourLog::record(uint64_t generation, std::span<const Result> results) {
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    if (r.behaviour.empty()) continue;
    if (!csv_.is_open()) {
      const std::string path = dir_ + "/" + kCsv;
      csv_.open(path, std::ios::app);
      if (!csv_) throw std::runtime_error("cannot write '" + path + "'");
    }
    if (!has_rows_) {
      csv_ << "generation,candidate,fitness";
      for (size_t d = 0; d < r.behaviour.size(); ++d) csv_ << ",b" << d;
      csv_ << "\n";
      has_rows_ = true;
    }
    csv_ << generation << ',' << i << ',' << num(r.fitness);
    for (double b : r.behaviour) csv_ << ',' << num(b);
    csv_ << '\n';
  }
  if (csv_.is_open()) csv_.flush();
}

void BehaviourLog::write_snapshot(const std::vector<ArchiveEntry>& archive, const std::string& env_name) const {
  if (!has_rows_ && archive.empty()) return;
  std::ostringstream a;
  a << "index,fitness";
  const size_t dim = archive.empty() ? 0 : archive.front().behaviour.size();
  for (size_t d = 0; d < dim; ++d) a << ",b" << d;
  a << "\n";
  for (size_t i = 0; i < archive.size(); ++i) {
    a << i << ',' << num(archive[i].fitness);
    for (double b : archive[i].behaviour) a << ',' << num(b);
    a << '\n';
  }
  write_atomic(dir_ + "/" + kArchiveCsv, a.str());
  const std::vector<BehaviourPoint> pts = read_points(dir_ + "/" + kCsv);
  if (!pts.empty() || dim == 2) write_atomic(dir_ + "/" + kSvg, behaviour_svg(pts, archive, env_name));
}

std::string behaviour_svg(const std::vector<BehaviourPoint>& population, const std::vector<ArchiveEntry>& archive,
                          const std::string& env_name) {
  const maze::MazeMap* map = maze::map_of_env(env_name);
  // The drawing's extent: the maze, or the descriptors' bounding box.
  double x0 = 0, y0 = 0, x1 = 1, y1 = 1;
  if (map != nullptr) {
    x0 = map->low.x, y0 = map->low.y, x1 = map->high.x, y1 = map->high.y;
  } else {
    bool first = true;
    auto grow = [&](double x, double y) {
      if (!std::isfinite(x) || !std::isfinite(y)) return;
      if (first) x0 = x1 = x, y0 = y1 = y, first = false;
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    };
    for (const auto& p : population) grow(p.x, p.y);
    for (const auto& e : archive)
      if (e.behaviour.size() == 2) grow(e.behaviour[0], e.behaviour[1]);
    if (x1 - x0 <= 0) x0 -= 1, x1 += 1;
    if (y1 - y0 <= 0) y0 -= 1, y1 += 1;
  }
  const double span = std::max(x1 - x0, y1 - y0);
  const double scale = 600.0 / span, margin = 10.0;
  auto X = [&](double x) { return fixed(margin + (x - x0) * scale); };
  auto Y = [&](double y) { return fixed(margin + (y - y0) * scale); };
  const double w = (x1 - x0) * scale + 2 * margin, h = (y1 - y0) * scale + 2 * margin;

  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << fixed(w) << "\" height=\"" << fixed(h + 20)
    << "\" viewBox=\"0 0 " << fixed(w) << ' ' << fixed(h + 20) << "\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (map != nullptr) {
    s << "<g stroke=\"black\" stroke-width=\"2\">\n";
    for (const auto& wl : map->walls)
      s << "<line x1=\"" << X(wl.a.x) << "\" y1=\"" << Y(wl.a.y) << "\" x2=\"" << X(wl.b.x) << "\" y2=\"" << Y(wl.b.y)
        << "\"/>\n";
    s << "</g>\n";
  }
  // Population: hue from blue (first generation) to red (last); whole generations skipped evenly when
  // there are too many dots.
  uint64_t last = 0;
  for (const auto& p : population) last = std::max(last, p.generation);
  const uint64_t stride = std::max<uint64_t>(1, (population.size() + kMaxDrawn - 1) / kMaxDrawn);
  s << "<g fill-opacity=\"0.5\">\n";
  for (const auto& p : population) {
    if (p.generation % stride != 0 && p.generation != last) continue;
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    const double t = last == 0 ? 1.0 : static_cast<double>(p.generation) / static_cast<double>(last);
    s << "<circle cx=\"" << X(p.x) << "\" cy=\"" << Y(p.y) << "\" r=\"1.5\" fill=\"hsl(" << fixed(240.0 * (1.0 - t))
      << ",90%,45%)\"/>\n";
  }
  s << "</g>\n<g fill=\"none\" stroke=\"black\" stroke-width=\"1\">\n";
  for (const auto& e : archive)
    if (e.behaviour.size() == 2 && std::isfinite(e.behaviour[0]) && std::isfinite(e.behaviour[1]))
      s << "<circle cx=\"" << X(e.behaviour[0]) << "\" cy=\"" << Y(e.behaviour[1]) << "\" r=\"3\"/>\n";
  s << "</g>\n";
  if (map != nullptr) {
    s << "<circle cx=\"" << X(map->start.x) << "\" cy=\"" << Y(map->start.y) << "\" r=\"" << fixed(maze::kRobotRadius * scale)
      << "\" fill=\"none\" stroke=\"green\" stroke-width=\"2\"/>\n"
      << "<circle cx=\"" << X(map->goal.x) << "\" cy=\"" << Y(map->goal.y) << "\" r=\""
      << fixed(maze::kSolvedDistance * scale) << "\" fill=\"none\" stroke=\"red\" stroke-width=\"2\"/>\n";
  }
  s << "<text x=\"" << fixed(margin) << "\" y=\"" << fixed(h + 14) << "\" font-family=\"sans-serif\" font-size=\"12\">"
    << population.size() << " final positions (blue: first generation, red: generation " << last << "), "
    << archive.size() << " archive points (rings)" << (map ? "; start green, goal red" : "") << "</text>\n</svg>\n";
  return s.str();
}

}  // namespace neuroevo
