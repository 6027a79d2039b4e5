// `[task] type = "symbolic_regression"`: fit a formula to data. The candidates are GP programs
// (genomes/gp_program.hpp); the fitness is minus the root-mean-square error on the training rows, and a
// program whose output is NaN or infinite on any row is invalid (ranked last).
//
// Problems by name (`task.problem`), with the sampling of the benchmark tables of McDermott et al.,
// "Genetic programming needs better benchmarks" (GECCO 2012), Table 1 (U[a, b, n]: n points uniform in
// [a, b] per variable; E[a, b, s]: a grid from a to b in steps of s):
//   koza1 (quartic) x^4 + x^3 + x^2 + x, koza3 (sextic) x^6 - 2x^4 + x^2: U[-1, 1, 20] (Koza 1992);
//   nguyen1..nguyen12 (Uy et al. 2011): U[-1, 1, 20] for one variable (nguyen7: U[0, 2, 20], nguyen8:
//   U[0, 4, 20]), U[-1, 1, 100] for two (nguyen11: U[0, 1, 100]);
//   keijzer6 sum_{i=1}^{x} 1/i: train E[1, 50, 1], test E[1, 120, 1] (Keijzer 2003);
//   vladislavleva4 10 / (5 + sum_{i=1}^{5} (x_i - 3)^2): train U[0.05, 6.05, 1024], test U[-0.25, 6.35, 5000];
//   pagie1 1/(1 + x^-4) + 1/(1 + y^-4): train E[-5, 5, 0.4] in both variables.
// Where the tables give no test set (Koza, Nguyen, Pagie), the test set is a second draw of the training
// distribution (Pagie: the same grid). All draws come from the run seed, so every rank has the same data.
//
// Or a user dataset: `task.data = "file.csv"` (a header row of column names, then numbers), `task.target`
// names the column to predict (default: the last), and `task.test_fraction` of the rows (seeded shuffle)
// is held out as the test set.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <functional>
#include <numeric>
#include <sstream>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/genomes/gp_fit.hpp"
#include "neuroevo/genomes/gp_program.hpp"
#include "neuroevo/tasks/champion_details.hpp"
#include "neuroevo/tasks/registry.hpp"
#include "neuroevo/tasks/symbolic_regression.hpp"

namespace neuroevo {

namespace {

using Fn = std::function<double(const std::vector<double>&)>;

void uniform_rows(RegressionData& d, size_t n, size_t vars, double lo, double hi, Stream& rng) {
  d.rows = n;
  d.x.assign(vars * n, 0.0);
  for (size_t r = 0; r < n; ++r)
    for (size_t v = 0; v < vars; ++v) d.x[v * n + r] = rng.uniform(lo, hi);
}

void grid_rows(RegressionData& d, size_t vars, double lo, double hi, double step) {
  std::vector<double> axis;
  for (double t = lo; t <= hi + 1e-9; t += step) axis.push_back(t);
  size_t n = 1;
  for (size_t v = 0; v < vars; ++v) n *= axis.size();
  d.rows = n;
  d.x.assign(vars * n, 0.0);
  for (size_t r = 0; r < n; ++r) {
    size_t k = r;
    for (size_t v = 0; v < vars; ++v) {
      d.x[v * n + r] = axis[k % axis.size()];
      k /= axis.size();
    }
  }
}

void label(RegressionData& d, size_t vars, const Fn& f) {
  d.y.assign(d.rows, 0.0);
  std::vector<double> row(vars);
  for (size_t r = 0; r < d.rows; ++r) {
    for (size_t v = 0; v < vars; ++v) row[v] = d.x[v * d.rows + r];
    d.y[r] = f(row);
  }
}

struct Problem {
  const char* name;
  size_t vars;
  Fn f;
  std::function<void(RegressionProblem&, Stream&)> sample;
};

std::function<void(RegressionProblem&, Stream&)> uniform(size_t n, double lo, double hi) {
  return [=](RegressionProblem& p, Stream& rng) {
    uniform_rows(p.train, n, p.variables.size(), lo, hi, rng);
    uniform_rows(p.test, n, p.variables.size(), lo, hi, rng);
  };
}

const std::vector<Problem>& problems() {
  using V = const std::vector<double>&;
  static const std::vector<Problem> list = {
      {"koza1", 1, [](V x) { return x[0] * x[0] * x[0] * x[0] + x[0] * x[0] * x[0] + x[0] * x[0] + x[0]; }, uniform(20, -1, 1)},
      {"koza3", 1, [](V x) { return std::pow(x[0], 6) - 2 * std::pow(x[0], 4) + x[0] * x[0]; }, uniform(20, -1, 1)},
      {"nguyen1", 1, [](V x) { return std::pow(x[0], 3) + x[0] * x[0] + x[0]; }, uniform(20, -1, 1)},
      {"nguyen2", 1, [](V x) { return std::pow(x[0], 4) + std::pow(x[0], 3) + x[0] * x[0] + x[0]; }, uniform(20, -1, 1)},
      {"nguyen3", 1, [](V x) { return std::pow(x[0], 5) + std::pow(x[0], 4) + std::pow(x[0], 3) + x[0] * x[0] + x[0]; },
       uniform(20, -1, 1)},
      {"nguyen4", 1,
       [](V x) { return std::pow(x[0], 6) + std::pow(x[0], 5) + std::pow(x[0], 4) + std::pow(x[0], 3) + x[0] * x[0] + x[0]; },
       uniform(20, -1, 1)},
      {"nguyen5", 1, [](V x) { return std::sin(x[0] * x[0]) * std::cos(x[0]) - 1; }, uniform(20, -1, 1)},
      {"nguyen6", 1, [](V x) { return std::sin(x[0]) + std::sin(x[0] + x[0] * x[0]); }, uniform(20, -1, 1)},
      {"nguyen7", 1, [](V x) { return std::log(x[0] + 1) + std::log(x[0] * x[0] + 1); }, uniform(20, 0, 2)},
      {"nguyen8", 1, [](V x) { return std::sqrt(x[0]); }, uniform(20, 0, 4)},
      {"nguyen9", 2, [](V x) { return std::sin(x[0]) + std::sin(x[1] * x[1]); }, uniform(100, -1, 1)},
      {"nguyen10", 2, [](V x) { return 2 * std::sin(x[0]) * std::cos(x[1]); }, uniform(100, -1, 1)},
      {"nguyen11", 2, [](V x) { return std::pow(x[0], x[1]); }, uniform(100, 0, 1)},
      {"nguyen12", 2, [](V x) { return std::pow(x[0], 4) - std::pow(x[0], 3) + x[1] * x[1] / 2 - x[1]; }, uniform(100, -1, 1)},
      {"keijzer6", 1,
       [](V x) {
         double s = 0;
         for (int i = 1; i <= static_cast<int>(std::lround(x[0])); ++i) s += 1.0 / i;
         return s;
       },
       [](RegressionProblem& p, Stream&) {
         grid_rows(p.train, 1, 1, 50, 1);
         grid_rows(p.test, 1, 1, 120, 1);
       }},
      {"vladislavleva4", 5,
       [](V x) {
         double s = 0;
         for (double v : x) s += (v - 3) * (v - 3);
         return 10 / (5 + s);
       },
       [](RegressionProblem& p, Stream& rng) {
         uniform_rows(p.train, 1024, 5, 0.05, 6.05, rng);
         uniform_rows(p.test, 5000, 5, -0.25, 6.35, rng);
       }},
      {"pagie1", 2,
       [](V x) { return 1 / (1 + std::pow(x[0], -4)) + 1 / (1 + std::pow(x[1], -4)); },
       [](RegressionProblem& p, Stream&) {
         grid_rows(p.train, 2, -5, 5, 0.4);
         grid_rows(p.test, 2, -5, 5, 0.4);
       }},
  };
  return list;
}

class SymbolicRegressionTask final : public Task, public ChampionDetails {
 public:
  explicit SymbolicRegressionTask(std::shared_ptr<const RegressionProblem> p) : p_(std::move(p)) {}
  size_t num_params() const override { return 0; }
  std::unique_ptr<Workspace> make_workspace() const override { return std::make_unique<Workspace>(); }
  Result evaluate(std::span<const float>, const EpisodeRequest&, Workspace&) const override {
    throw UsageError("task 'symbolic_regression' evaluates programs: use a GP strategy (strategy.name = \"gp\")");
  }
  // With request.refine > 0 the program's constants are first fitted to the training rows by at most that
  // many Levenberg-Marquardt steps (genomes/gp_fit.hpp) and returned in Result::refined, so the strategy
  // can write them back; with request.cases the absolute error on every training row is returned in
  // Result::cases (lexicase selection; +inf where the output is not finite).
  Result evaluate(const Candidate& c, const EpisodeRequest& request, Workspace&) const override {
    const RegressionData& d = p_->train;
    Result r;
    const GpProgram* prog = &c.program();
    GpProgram fitted;
    if (request.refine > 0) {
      fitted = *prog;
      gp_fit_constants(fitted, d.x, d.rows, d.y, request.refine);
      r.refined = gp_constants(fitted);
      prog = &fitted;
    }
    std::vector<double> out(d.rows);
    prog->evaluate(d.x, d.rows, out);
    double s = 0.0;
    for (size_t i = 0; i < d.rows; ++i) s += (out[i] - d.y[i]) * (out[i] - d.y[i]);
    const double e = std::sqrt(s / static_cast<double>(d.rows));
    r.valid = std::isfinite(e);
    r.fitness = r.valid ? -e : -std::numeric_limits<double>::infinity();
    if (request.cases) {
      r.cases.resize(d.rows);
      for (size_t i = 0; i < d.rows; ++i) {
        const double a = std::abs(out[i] - d.y[i]);
        r.cases[i] = std::isfinite(a) ? a : std::numeric_limits<double>::infinity();
      }
    }
    return r;
  }
  // The champion as an infix formula over the task's variable names (SymPy-parseable, GpProgram::infix)
  // with its RMSE on the training and the test rows (null in JSON when not finite).
  nlohmann::json describe(const Candidate& c) const override {
    const GpProgram& prog = c.program();
    auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
    // Column names that are not identifiers ("period (s)") would not parse: such formulas use x0, x1, ...
    // in the order of "variables".
    const bool identifiers = std::all_of(p_->variables.begin(), p_->variables.end(), [](const std::string& v) {
      return !v.empty() && !std::isdigit(static_cast<unsigned char>(v[0])) &&
             std::all_of(v.begin(), v.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
    });
    return {{"formula", prog.infix(identifiers ? p_->variables : std::vector<std::string>{})},
            {"variables", p_->variables},
            {"size", prog.size()},
            {"train_rmse", num(regression_rmse(prog, p_->train))},
            {"test_rmse", num(regression_rmse(prog, p_->test))}};
  }

 private:
  std::shared_ptr<const RegressionProblem> p_;
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream is(line);
  while (std::getline(is, cell, ',')) {
    const auto b = cell.find_first_not_of(" \t\r");
    const auto e = cell.find_last_not_of(" \t\r");
    out.push_back(b == std::string::npos ? "" : cell.substr(b, e - b + 1));
  }
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

}  // namespace

double regression_rmse(const GpProgram& program, const RegressionData& d) {
  std::vector<double> out(d.rows);
  program.evaluate(d.x, d.rows, out);
  double s = 0.0;
  for (size_t r = 0; r < d.rows; ++r) s += (out[r] - d.y[r]) * (out[r] - d.y[r]);
  return std::sqrt(s / static_cast<double>(d.rows));
}

std::vector<std::string> regression_problem_names() {
  std::vector<std::string> n;
  for (const auto& p : problems()) n.push_back(p.name);
  return n;
}

RegressionProblem make_regression_problem(const std::string& name, uint64_t seed) {
  for (const auto& pr : problems()) {
    if (name != pr.name) continue;
    RegressionProblem p;
    p.name = name;
    for (size_t v = 0; v < pr.vars; ++v) p.variables.push_back(std::string(1, 'x').append(std::to_string(v)));
    Stream rng(seed, 0, 0, Purpose::Init);
    pr.sample(p, rng);
    label(p.train, pr.vars, pr.f);
    label(p.test, pr.vars, pr.f);
    return p;
  }
  throw UsageError(unknown_name_message("symbolic regression problem", name, regression_problem_names()));
}

RegressionProblem load_regression_csv(const std::string& path, const std::string& target, double test_fraction,
                                      uint64_t seed) {
  std::ifstream in(path);
  if (!in) throw UsageError("data file '" + path + "' cannot be opened");
  std::string line;
  if (!std::getline(in, line) || line.find_first_not_of(" \t\r") == std::string::npos)
    throw UsageError("data file '" + path + "' is empty (expected a header row of column names)");
  const std::vector<std::string> header = split_csv_line(line);
  for (const auto& h : header)
    if (h.empty()) throw UsageError("data file '" + path + "': empty column name in the header");
  size_t t = header.size() - 1;
  if (!target.empty()) {
    const auto it = std::find(header.begin(), header.end(), target);
    if (it == header.end()) throw UsageError("data file '" + path + "': " + unknown_name_message("target column", target, header));
    t = static_cast<size_t>(it - header.begin());
  }
  if (header.size() < 2) throw UsageError("data file '" + path + "' needs at least one input column and the target");
  std::vector<std::vector<double>> rows;
  size_t lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto cells = split_csv_line(line);
    if (cells.size() != header.size())
      throw UsageError("data file '" + path + "' line " + std::to_string(lineno) + ": " + std::to_string(cells.size()) +
                       " cells, the header has " + std::to_string(header.size()));
    std::vector<double> row;
    for (size_t c = 0; c < cells.size(); ++c) {
      size_t used = 0;
      double v = 0.0;
      try {
        v = std::stod(cells[c], &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != cells[c].size())
        throw UsageError("data file '" + path + "' line " + std::to_string(lineno) + " column '" + header[c] +
                         "': not a number: '" + cells[c] + "'");
      if (!std::isfinite(v))
        throw UsageError("data file '" + path + "' line " + std::to_string(lineno) + " column '" + header[c] +
                         "': NaN or infinite values are not allowed");
      row.push_back(v);
    }
    rows.push_back(std::move(row));
  }
  if (rows.size() < 2) throw UsageError("data file '" + path + "' has fewer than 2 data rows");
  // Seeded Fisher-Yates shuffle, then the first rows are the test set.
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), size_t{0});
  Stream rng(seed, 0, 0, Purpose::Init);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  size_t n_test = static_cast<size_t>(std::floor(test_fraction * static_cast<double>(rows.size())));
  n_test = std::min(n_test, rows.size() - 1);
  RegressionProblem p;
  p.name = path;
  for (size_t c = 0; c < header.size(); ++c)
    if (c != t) p.variables.push_back(header[c]);
  auto fill = [&](RegressionData& d, size_t from, size_t to) {
    d.rows = to - from;
    d.x.assign(p.variables.size() * d.rows, 0.0);
    d.y.assign(d.rows, 0.0);
    for (size_t r = 0; r < d.rows; ++r) {
      const auto& row = rows[order[from + r]];
      size_t v = 0;
      for (size_t c = 0; c < row.size(); ++c) {
        if (c == t) d.y[r] = row[c];
        else d.x[v++ * d.rows + r] = row[c];
      }
    }
  };
  fill(p.test, 0, n_test);
  fill(p.train, n_test, rows.size());
  if (p.test.rows == 0) p.test = p.train;
  return p;
}

TaskSpec make_symbolic_regression_task(ConfigSection& task, uint64_t seed) {
  const std::string data = task.get_string("data", "");
  RegressionProblem p;
  if (!data.empty()) {
    const std::string target = task.get_string("target", "");
    const double frac = task.get_double("test_fraction", 0.25, 0.0, 0.9);
    p = load_regression_csv(data, target, frac, seed);
  } else {
    p = make_regression_problem(task.get_string("problem", "koza1"), seed);
  }
  TaskSpec spec;
  spec.name = p.name;
  std::vector<double> lo(p.variables.size(), -1e308), hi(p.variables.size(), 1e308);
  spec.inputs = Space::box(lo, hi);
  spec.outputs = Space::box({-1e308}, {1e308});
  spec.probe = p.train.x;
  spec.task = std::make_unique<SymbolicRegressionTask>(std::make_shared<const RegressionProblem>(std::move(p)));
  return spec;
}

}  // namespace neuroevo
