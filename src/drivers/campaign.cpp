#include "neuroevo/drivers/campaign.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/core/box_space.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/files.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/drivers/coco_format.hpp"
#include "neuroevo/drivers/minimize.hpp"
#include "neuroevo/runtime/evaluator.hpp"
#include "neuroevo/strategies/strategy.hpp"

namespace neuroevo::bbob {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string num(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

int64_t parse_one_int(const std::string& token, const std::string& what, const std::string& text) {
  const std::string t = trim(token);
  if (t.empty()) throw UsageError(what + ": malformed list '" + text + "' (empty item)");
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(t.c_str(), &end, 10);
  if (end != t.c_str() + t.size() || errno == ERANGE)
    throw UsageError(what + ": '" + t + "' is not an integer (in '" + text + "'; expected e.g. 1-5,7)");
  return v;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// A strategy and the assignments (KEY, VALUE) of its [strategy] section.
struct StrategySetup {
  std::string name;
  const StrategyInfo* info = nullptr;
  std::vector<std::pair<std::string, std::string>> assigns;
};

std::unique_ptr<Strategy> build(const StrategySetup& s, const std::vector<std::pair<std::string, std::string>>& assigns,
                                const StrategyContext& ctx, bool check) {
  Config cfg;
  for (const auto& [k, v] : assigns) cfg.set("strategy." + k + "=" + v);
  ConfigSection sec = cfg.section("strategy");
  auto strategy = s.info->make(sec, ctx);
  if (check) cfg.check_unknown();
  return strategy;
}

// Whether strategy `s` reads `key` (probed by building it with only that key at D = 2); a value it
// rejects is an error.
// When it does not, `unknown` (if given) receives the config's message, which names the nearest key.
bool accepts(const StrategySetup& s, const std::string& key, const std::string& value, const NoiseTable* noise,
             const std::string& origin, std::string* unknown = nullptr) {
  const BoxSpace space(2, -4.0, 4.0);
  const StrategyContext ctx{1, &space, noise, 2};
  Config cfg;
  cfg.set("strategy." + key + "=" + value);
  ConfigSection sec = cfg.section("strategy");
  try {
    s.info->make(sec, ctx);
  } catch (const UsageError& e) {
    throw UsageError(origin + " (strategy " + s.name + "): " + e.what());
  }
  try {
    cfg.check_unknown();
  } catch (const UsageError& e) {
    if (unknown) *unknown = e.what();
    return false;
  }
  return true;
}

// Validates the spec and resolves every strategy's settings.
std::vector<StrategySetup> resolve(const CampaignSpec& spec, const NoiseTable* probe_noise) {
  if (spec.strategies.empty()) throw UsageError("--strategies: no strategy given");
  if (spec.functions.empty()) throw UsageError("--functions: no function given");
  if (spec.instances.empty()) throw UsageError("--instances: no instance given");
  if (spec.dims.empty()) throw UsageError("--dims: no dimension given");
  for (int f : spec.functions)
    if (f < 1 || f > kNumFunctions)
      throw UsageError("--functions: " + std::to_string(f) + " is not a BBOB function (valid: 1-24)");
  for (int i : spec.instances)
    if (i < 1 || i > kMaxInstance)
      throw UsageError("--instances: " + std::to_string(i) + " is out of range (valid: 1-" +
                       std::to_string(kMaxInstance) + ")");
  for (size_t d : spec.dims)
    if (d < 2 || d > kMaxDim)
      throw UsageError("--dims: " + std::to_string(d) + " is out of range (valid: 2-" + std::to_string(kMaxDim) + ")");
  if (!(spec.budget > 0.0) || !std::isfinite(spec.budget))
    throw UsageError("--budget: must be a finite number > 0 (evaluations per run = budget * D), got " +
                     num(spec.budget));
  const size_t min_dim = *std::min_element(spec.dims.begin(), spec.dims.end());
  if (std::floor(spec.budget * static_cast<double>(min_dim)) < 1.0)
    throw UsageError("--budget: " + num(spec.budget) + " * D is less than one evaluation for D = " +
                     std::to_string(min_dim));
  if (spec.budget * static_cast<double>(kMaxDim) > 1e15) throw UsageError("--budget: " + num(spec.budget) + " is too large");
  if (!(spec.precision > 0.0) || !std::isfinite(spec.precision))
    throw UsageError("--target: must be a finite number > 0 (precision f - fopt), got " + num(spec.precision));

  std::vector<StrategySetup> setups;
  std::set<std::string> seen;
  for (const auto& name : spec.strategies) {
    if (!seen.insert(name).second) throw UsageError("--strategies: '" + name + "' is listed twice");
    setups.push_back({name, &find_strategy(name), {}});
  }

  // Split the --set assignments into "strategy.KEY" (all) and "NAME.KEY" (one strategy).
  std::vector<std::pair<std::string, std::string>> global;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> own;
  for (const auto& a : spec.sets) {
    const auto eq = a.find('=');
    const auto dot = a.find('.');
    if (eq == std::string::npos || dot == std::string::npos || dot > eq || dot == 0 || dot + 1 == eq)
      throw UsageError("--set: expected strategy.KEY=VALUE or STRATEGY_NAME.KEY=VALUE, got '" + a + "'");
    const std::string head = a.substr(0, dot), key = a.substr(dot + 1, eq - dot - 1), value = a.substr(eq + 1);
    if (head == "strategy") {
      global.emplace_back(key, value);
    } else if (seen.count(head)) {
      own[head].emplace_back(key, value);
    } else {
      std::vector<std::string> names{"strategy"};
      names.insert(names.end(), spec.strategies.begin(), spec.strategies.end());
      throw UsageError("--set '" + a + "': " + unknown_name_message("prefix", head, names) +
                       " (use strategy.KEY for every strategy, or a strategy named in --strategies)");
    }
  }
  for (const auto& [key, value] : global) {
    bool any = false;
    std::string why;
    for (auto& s : setups) any = accepts(s, key, value, probe_noise, "--set strategy." + key, &why) || any;
    if (!any)
      throw UsageError("--set strategy." + key + ": no strategy in --strategies has the key '" + key + "' (" + why + ")");
  }
  for (auto& s : setups) {
    std::set<std::string> keys;
    std::vector<std::pair<std::string, std::string>> mine;
    for (const auto& [key, value] : own[s.name]) {
      std::string why;
      if (!accepts(s, key, value, probe_noise, "--set " + s.name + "." + key, &why))
        throw UsageError("--set " + s.name + "." + key + ": strategy " + s.name + " has no key '" + key + "' (" + why +
                         ")");
      mine.emplace_back(key, value);
      keys.insert(key);
    }
    for (const auto& [key, value] : global)
      if (!keys.count(key) && accepts(s, key, value, probe_noise, "--set strategy." + key)) {
        s.assigns.emplace_back(key, value);
        keys.insert(key);
      }
    s.assigns.insert(s.assigns.end(), mine.begin(), mine.end());
    if (!keys.count("sigma") && accepts(s, "sigma", "2.0", probe_noise, "default sigma"))
      s.assigns.insert(s.assigns.begin(), {"sigma", "2.0"});
    // The full set together, at every dimension (some settings depend on D).
    for (size_t d : spec.dims) {
      const BoxSpace space(d, -4.0, 4.0);
      try {
        build(s, s.assigns, StrategyContext{1, &space, probe_noise, d}, true);
      } catch (const UsageError& e) {
        throw UsageError("strategy " + s.name + " in " + std::to_string(d) + "-D: " + e.what());
      }
    }
  }
  return setups;
}

struct Job {
  size_t strategy;
  int function, instance;
  size_t dim;
};

std::vector<Job> jobs_of(const CampaignSpec& spec) {
  std::vector<Job> jobs;
  for (size_t s = 0; s < spec.strategies.size(); ++s)
    for (size_t d : spec.dims)
      for (int f : spec.functions)
        for (int i : spec.instances) jobs.push_back({s, f, i, d});
  return jobs;
}

std::string toml_string_array(const std::vector<std::string>& v) {
  toml::array a;
  for (const auto& s : v) a.push_back(s);
  std::ostringstream os;
  os << a;
  return os.str();
}

template <typename T>
std::string int_array(const std::vector<T>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

std::vector<int64_t> parse_int_list(const std::string& text, const std::string& what, int64_t lo, int64_t hi) {
  std::vector<int64_t> out;
  std::set<int64_t> seen;
  if (trim(text).empty()) throw UsageError(what + ": empty list");
  size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    // A '-' after the first character separates a range (values are never negative here).
    const std::string t = trim(item);
    const auto dash = t.find('-', 1);
    int64_t a = 0, b = 0;
    if (dash == std::string::npos) {
      a = b = parse_one_int(t, what, text);
    } else {
      a = parse_one_int(t.substr(0, dash), what, text);
      b = parse_one_int(t.substr(dash + 1), what, text);
      if (b < a) throw UsageError(what + ": range '" + t + "' is descending");
    }
    for (int64_t v : {a, b})
      if (v < lo || v > hi)
        throw UsageError(what + ": " + std::to_string(v) + " is out of range (valid: " + std::to_string(lo) + "-" +
                         std::to_string(hi) + ")");
    if (b - a > 1000000) throw UsageError(what + ": range '" + t + "' is too long");
    for (int64_t v = a; v <= b; ++v) {
      if (!seen.insert(v).second) throw UsageError(what + ": " + std::to_string(v) + " is listed twice");
      out.push_back(v);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<std::string> parse_strategy_list(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const auto comma = text.find(',', start);
    const std::string name = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (name.empty()) throw UsageError("--strategies: malformed list '" + text + "' (empty item)");
    find_strategy(name);  // UsageError with a suggestion
    out.push_back(name);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void validate(const CampaignSpec& spec) {
  // Probing strategies that need a noise table uses a small one (values are irrelevant here).
  bool needs_noise = false;
  for (const auto& name : spec.strategies) needs_noise = needs_noise || find_strategy(name).uses_noise_table;
  const auto noise = needs_noise ? std::make_unique<NoiseTable>(1, size_t{1} << 16, 1) : nullptr;
  resolve(spec, noise.get());
}

std::vector<double> ecdf_targets() {
  std::vector<double> t(51);
  for (int k = 0; k <= 50; ++k) t[static_cast<size_t>(k)] = std::pow(10.0, 2.0 - k / 5.0);
  return t;
}

uint64_t job_seed(uint64_t seed, const std::string& strategy, int function, int instance, size_t dim) {
  const uint64_t k = stream_key(seed, fnv1a(strategy), static_cast<uint64_t>(function), Purpose::Strategy);
  return stream_key(k, static_cast<uint64_t>(instance), static_cast<uint64_t>(dim), Purpose::Strategy);
}

CampaignResult run_campaign(const CampaignSpec& spec, const std::function<void(size_t, size_t)>& progress) {
  const size_t max_dim = spec.dims.empty() ? 2 : *std::max_element(spec.dims.begin(), spec.dims.end());
  bool needs_noise = false;
  for (const auto& name : spec.strategies) needs_noise = needs_noise || find_strategy(name).uses_noise_table;
  std::unique_ptr<NoiseTable> noise;
  if (needs_noise)
    noise = std::make_unique<NoiseTable>(spec.seed, std::max<size_t>(size_t{1} << 22, 4 * max_dim),
                                         std::max(1, spec.threads));
  const std::vector<StrategySetup> setups = resolve(spec, noise.get());

  const std::vector<Job> jobs = jobs_of(spec);
  CampaignResult result;
  result.spec = spec;
  result.runs.resize(jobs.size());
  // Start the expensive (large D) jobs first; results go to their job's slot whatever the order.
  std::vector<size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return jobs[a].dim > jobs[b].dim; });

  std::mutex mu;
  size_t done = 0;
  Evaluator pool(spec.threads);
  pool.parallel_for(jobs.size(), [&](size_t k, size_t) {
    const Job& job = jobs[order[k]];
    const StrategySetup& s = setups[job.strategy];
    RunRecord& r = result.runs[order[k]];
    r.strategy = s.name;
    r.function = job.function;
    r.instance = job.instance;
    r.dim = job.dim;
    r.seed = job_seed(spec.seed, s.name, job.function, job.instance, job.dim);
    r.budget = static_cast<uint64_t>(std::floor(spec.budget * static_cast<double>(job.dim)));
    const BbobProblem problem(job.function, job.instance, job.dim);
    const double fopt = problem.fopt();
    const BoxSpace space(job.dim, -4.0, 4.0);
    auto strategy = build(s, s.assigns, StrategyContext{r.seed, &space, noise.get(), job.dim}, false);
    CocoRunLog coco(job.dim, fopt, spec.precision);
    const MinimizeResult m = minimize(
        *strategy, job.dim, [&](std::span<const double> x) { return problem(x) - fopt; }, r.budget, spec.precision,
        [&](uint64_t evals, std::span<const double> x, double delta) { coco.observe(evals, x, delta); });
    coco.finish();
    r.fopt = fopt;
    r.coco_dat = coco.dat();
    r.coco_tdat = coco.tdat();
    r.evaluations = m.evaluations;
    r.best_delta = m.best_f;
    r.reached = m.reached;
    r.trace = m.trace;
    if (progress) {
      std::lock_guard lock(mu);
      progress(++done, jobs.size());
    }
  });
  return result;
}

std::vector<ErtRecord> compute_ert(const CampaignResult& result) {
  std::vector<ErtRecord> out;
  std::map<std::tuple<std::string, size_t, int>, size_t> index;
  for (const auto& r : result.runs) {
    const auto key = std::make_tuple(r.strategy, r.dim, r.function);
    auto it = index.find(key);
    if (it == index.end()) {
      it = index.emplace(key, out.size()).first;
      out.push_back({r.strategy, r.function, r.dim, 0, 0, 0, 0.0});
    }
    ErtRecord& e = out[it->second];
    ++e.runs;
    e.successes += r.reached ? 1 : 0;
    e.total_evaluations += r.evaluations;
  }
  for (auto& e : out)
    e.art = e.successes ? static_cast<double>(e.total_evaluations) / static_cast<double>(e.successes) : kInf;
  return out;
}

std::vector<EcdfPoint> compute_ecdf(const CampaignResult& result) {
  const auto targets = ecdf_targets();
  const double budget = result.spec.budget;
  std::vector<double> grid;
  for (int k = 0; std::pow(10.0, k / 10.0) < budget * (1 - 1e-12); ++k) grid.push_back(std::pow(10.0, k / 10.0));
  grid.push_back(budget);
  std::vector<EcdfPoint> out;
  for (const auto& name : result.spec.strategies)
    for (size_t d : result.spec.dims) {
      // Runtime (evaluations) of every (run, target), +inf when not reached.
      std::vector<double> runtimes;
      for (const auto& r : result.runs) {
        if (r.strategy != name || r.dim != d) continue;
        for (double t : targets) {
          double rt = kInf;
          for (const auto& [evals, delta] : r.trace)
            if (delta <= t) {
              rt = static_cast<double>(evals);
              break;
            }
          runtimes.push_back(rt);
        }
      }
      std::sort(runtimes.begin(), runtimes.end());
      for (double x : grid) {
        const double limit = x * static_cast<double>(d) * (1 + 1e-12);
        const auto n = std::upper_bound(runtimes.begin(), runtimes.end(), limit) - runtimes.begin();
        out.push_back({name, d, x, runtimes.empty() ? 0.0 : static_cast<double>(n) / static_cast<double>(runtimes.size())});
      }
    }
  return out;
}

std::string runs_csv(const CampaignResult& result) {
  std::string s = "strategy,function,instance,dim,evaluations,best_delta_f,reached\n";
  for (const auto& r : result.runs)
    s += r.strategy + "," + std::to_string(r.function) + "," + std::to_string(r.instance) + "," +
         std::to_string(r.dim) + "," + std::to_string(r.evaluations) + "," + num(r.best_delta) + "," +
         (r.reached ? "1" : "0") + "\n";
  return s;
}

std::string traces_csv(const CampaignResult& result) {
  std::string s = "strategy,function,instance,dim,evaluations,best_delta_f\n";
  for (const auto& r : result.runs)
    for (const auto& [evals, delta] : r.trace)
      s += r.strategy + "," + std::to_string(r.function) + "," + std::to_string(r.instance) + "," +
           std::to_string(r.dim) + "," + std::to_string(evals) + "," + num(delta) + "\n";
  return s;
}

std::string ert_csv(const std::vector<ErtRecord>& ert) {
  std::string s = "strategy,function,dim,runs,successes,total_evaluations,aRT,aRT_per_dim\n";
  for (const auto& e : ert)
    s += e.strategy + "," + std::to_string(e.function) + "," + std::to_string(e.dim) + "," + std::to_string(e.runs) +
         "," + std::to_string(e.successes) + "," + std::to_string(e.total_evaluations) + "," + num(e.art) + "," +
         num(e.art / static_cast<double>(e.dim)) + "\n";
  return s;
}

std::string ecdf_csv(const std::vector<EcdfPoint>& ecdf) {
  std::string s = "strategy,dim,evaluations_per_dim,fraction\n";
  for (const auto& p : ecdf)
    s += p.strategy + "," + std::to_string(p.dim) + "," + num(p.evals_per_dim) + "," + num(p.fraction) + "\n";
  return s;
}

std::string ecdf_svg(const CampaignResult& result, const std::vector<EcdfPoint>& ecdf) {
  static const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                                  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#aec7e8"};
  const auto& dims = result.spec.dims;
  const double W = 360, H = 260, ml = 50, mt = 30, pw = 280, ph = 190;
  const double xmax = std::max(1e-9, std::log10(result.spec.budget));
  const double total_w = W * static_cast<double>(dims.size());
  const double legend_h = 18.0 * static_cast<double>(result.spec.strategies.size()) + 10;
  char buf[512];
  std::string s;
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" "
                "font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                total_w, H + legend_h);
  s += buf;
  for (size_t di = 0; di < dims.size(); ++di) {
    const double ox = W * static_cast<double>(di) + ml, oy = mt;
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%.1f\" y=\"18\" text-anchor=\"middle\">%zu-D: fraction of (f, instance, target) "
                  "reached</text>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                  "stroke=\"#444\"/>\n",
                  ox + pw / 2, dims[di], ox, oy, pw, ph);
    s += buf;
    for (int k = 0; k <= 4; ++k) {
      const double y = oy + ph - ph * k / 4.0;
      std::snprintf(buf, sizeof buf,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.1f\" "
                    "y=\"%.1f\" text-anchor=\"end\">%.2g</text>\n",
                    ox, y, ox + pw, y, ox - 4, y + 4, k / 4.0);
      s += buf;
    }
    for (int e = 0; e <= static_cast<int>(std::floor(xmax)); ++e) {
      const double x = ox + pw * e / xmax;
      std::snprintf(buf, sizeof buf,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%.1f\" "
                    "y=\"%.1f\" text-anchor=\"middle\">1e%d</text>\n",
                    x, oy, x, oy + ph, x, oy + ph + 14, e);
      s += buf;
    }
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">evaluations / D</text>\n",
                  ox + pw / 2, oy + ph + 28);
    s += buf;
    for (size_t si = 0; si < result.spec.strategies.size(); ++si) {
      std::string pts;
      double prev_y = -1;
      for (const auto& p : ecdf) {
        if (p.strategy != result.spec.strategies[si] || p.dim != dims[di]) continue;
        const double x = ox + pw * std::log10(p.evals_per_dim) / xmax, y = oy + ph - ph * p.fraction;
        if (prev_y >= 0) {  // step: horizontal, then vertical
          std::snprintf(buf, sizeof buf, "%.1f,%.1f ", x, prev_y);
          pts += buf;
        }
        std::snprintf(buf, sizeof buf, "%.1f,%.1f ", x, y);
        pts += buf;
        prev_y = y;
      }
      s += "<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"" + std::string(kColors[si % 12]) + "\" points=\"" +
           pts + "\"/>\n";
    }
  }
  for (size_t si = 0; si < result.spec.strategies.size(); ++si) {
    const double y = H + 18.0 * static_cast<double>(si) + 4;
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"/><text "
                  "x=\"%.0f\" y=\"%.1f\">%s</text>\n",
                  ml, y, ml + 24, y, kColors[si % 12], ml + 30, y + 4, result.spec.strategies[si].c_str());
    s += buf;
  }
  return s + "</svg>\n";
}

std::string summary_table(const CampaignResult& result, const std::vector<ErtRecord>& ert) {
  std::map<std::tuple<std::string, size_t, int>, const ErtRecord*> by;
  for (const auto& e : ert) by[{e.strategy, e.dim, e.function}] = &e;
  std::string s;
  char buf[256];
  size_t width = 16;
  for (const auto& n : result.spec.strategies) width = std::max(width, n.size() + 2);
  for (size_t d : result.spec.dims) {
    std::snprintf(buf, sizeof buf, "\n%zu-D: aRT/D to f - fopt <= %.0e (successes/runs), budget %g*D\n", d,
                  result.spec.precision, result.spec.budget);
    s += buf;
    std::snprintf(buf, sizeof buf, "%4s %-22s", "f", "function");
    s += buf;
    for (const auto& n : result.spec.strategies) {
      std::snprintf(buf, sizeof buf, "%*s", static_cast<int>(width), n.c_str());
      s += buf;
    }
    s += "\n";
    std::vector<size_t> solved(result.spec.strategies.size(), 0);
    for (int f : result.spec.functions) {
      std::snprintf(buf, sizeof buf, "%4d %-22.22s", f, function_name(f));
      s += buf;
      for (size_t si = 0; si < result.spec.strategies.size(); ++si) {
        const auto it = by.find({result.spec.strategies[si], d, f});
        std::string cell = "-";
        if (it != by.end()) {
          const ErtRecord& e = *it->second;
          char c[64];
          if (e.successes)
            std::snprintf(c, sizeof c, "%.4g %zu/%zu", e.art / static_cast<double>(d), e.successes, e.runs);
          else
            std::snprintf(c, sizeof c, "inf %zu/%zu", e.successes, e.runs);
          cell = c;
          solved[si] += e.successes;
        }
        std::snprintf(buf, sizeof buf, "%*s", static_cast<int>(width), cell.c_str());
        s += buf;
      }
      s += "\n";
    }
    std::snprintf(buf, sizeof buf, "%4s %-22s", "", "runs solved");
    s += buf;
    const size_t per = result.spec.functions.size() * result.spec.instances.size();
    for (size_t si = 0; si < solved.size(); ++si) {
      std::snprintf(buf, sizeof buf, "%zu/%zu", solved[si], per);
      std::string cell = buf;
      std::snprintf(buf, sizeof buf, "%*s", static_cast<int>(width), cell.c_str());
      s += buf;
    }
    s += "\n";
  }
  return s;
}

void write_campaign(const std::string& dir, const CampaignResult& result) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) throw UsageError("--out: cannot create directory '" + dir + "'");
  const auto ert = compute_ert(result);
  const auto ecdf = compute_ecdf(result);
  const auto& sp = result.spec;
  std::string campaign = "# neuroevo bbob run: the campaign's settings\n";
  campaign += "strategies = " + toml_string_array(sp.strategies) + "\n";
  campaign += "functions = " + int_array(sp.functions) + "\n";
  campaign += "instances = " + int_array(sp.instances) + "\n";
  campaign += "dims = " + int_array(sp.dims) + "\n";
  campaign += "budget = " + num(sp.budget) + "\n";
  campaign += "target = " + num(sp.precision) + "\n";
  campaign += "seed = " + std::to_string(sp.seed) + "\n";
  campaign += "sets = " + toml_string_array(sp.sets) + "\n";
  const std::string base = dir + "/";
  write_atomic(base + "runs.csv", runs_csv(result));
  write_atomic(base + "traces.csv", traces_csv(result));
  write_atomic(base + "ert.csv", ert_csv(ert));
  write_atomic(base + "ecdf.csv", ecdf_csv(ecdf));
  write_atomic(base + "ecdf.svg", ecdf_svg(result, ecdf));
  write_atomic(base + "campaign.toml", campaign);
  write_coco(base + "coco", result);
}

}  // namespace neuroevo::bbob
