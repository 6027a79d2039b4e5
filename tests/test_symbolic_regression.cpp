// The symbolic_regression task type and the gp strategy: problem data against the published formulas,
// the fitness of an exact program, CSV input errors (exit code 2), and whole runs through the CLI
// (quartic recovered, 1 and 2 threads identical; the kill-and-resume test is in test_cli.cpp).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/gp_program.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/registry.hpp"
#include "neuroevo/tasks/symbolic_regression.hpp"

using namespace neuroevo;
using namespace cli_test;

namespace {

TaskSpec make(const std::string& toml) {
  Config c = Config::from_string(toml, "test");
  ConfigSection root = c.root();
  TaskSpec spec = find_task_type(root.get_string("type", "rl")).make(root, 5);
  c.check_unknown();
  return spec;
}

GpNode op(GpOp o) { return GpNode{o, 0, 0.0}; }
GpNode x0() { return GpNode{GpOp::Var, 0, 0.0}; }

const char* kQuartic = R"(
[run]
seed = 1
generations = 30
checkpoint_every = 5
[task]
type = "symbolic_regression"
problem = "koza1"
[strategy]
name = "gp"
population = 300
constants = false
functions = ["add", "sub", "mul", "div"]
)";

}  // namespace

TEST(SymbolicRegression, ProblemsFollowTheirFormulasAndSampling) {
  const RegressionProblem k = make_regression_problem("koza1", 3);
  ASSERT_EQ(k.train.rows, 20u);
  for (size_t r = 0; r < k.train.rows; ++r) {
    const double x = k.train.x[r];
    EXPECT_GE(x, -1.0);
    EXPECT_LE(x, 1.0);
    EXPECT_NEAR(k.train.y[r], x + x * x + x * x * x + x * x * x * x, 1e-15);
  }
  const RegressionProblem kj = make_regression_problem("keijzer6", 0);
  ASSERT_EQ(kj.train.rows, 50u);
  ASSERT_EQ(kj.test.rows, 120u);
  EXPECT_NEAR(kj.train.y[49], 4.499205338329425, 1e-12);  // H_50, the 50th harmonic number
  const RegressionProblem n7 = make_regression_problem("nguyen7", 0);
  for (size_t r = 0; r < n7.train.rows; ++r)
    EXPECT_NEAR(n7.train.y[r], std::log1p(n7.train.x[r]) + std::log1p(n7.train.x[r] * n7.train.x[r]), 1e-12);
  const RegressionProblem pg = make_regression_problem("pagie1", 0);
  EXPECT_EQ(pg.train.rows, 26u * 26u);
  EXPECT_EQ(make_regression_problem("vladislavleva4", 0).train.x.size(), 5u * 1024u);
  EXPECT_THROW(make_regression_problem("koza2x", 0), UsageError);
}

TEST(SymbolicRegression, ExactProgramHasFitnessZeroAndTheWrongOneItsRmse) {
  TaskSpec spec = make("type = \"symbolic_regression\"\nproblem = \"koza1\"\n");
  auto ws = spec.task->make_workspace();
  // x + x*(x + x*(x + x*x)) = x + x^2 + x^3 + x^4
  const GpProgram exact({op(GpOp::Add), x0(), op(GpOp::Mul), x0(), op(GpOp::Add), x0(), op(GpOp::Mul), x0(), op(GpOp::Add),
                         x0(), op(GpOp::Mul), x0(), x0()},
                        1);
  EXPECT_NEAR(spec.task->evaluate(exact, {}, *ws).fitness, 0.0, 1e-15);
  // The program x: RMSE of x^2 + x^3 + x^4 over the same points, computed here independently.
  const RegressionProblem p = make_regression_problem("koza1", 5);
  double s = 0;
  for (size_t r = 0; r < 20; ++r) {
    const double x = p.train.x[r];
    s += std::pow(x * x + x * x * x + x * x * x * x, 2);
  }
  const Result r = spec.task->evaluate(GpProgram({x0()}, 1), {}, *ws);
  EXPECT_NEAR(r.fitness, -std::sqrt(s / 20), 1e-12);
  // A program that overflows is invalid.
  const GpProgram huge({op(GpOp::Exp), op(GpOp::Exp), op(GpOp::Exp), op(GpOp::Exp), op(GpOp::Add), x0(), GpNode{GpOp::Const, 0, 5.0}}, 1);
  EXPECT_FALSE(spec.task->evaluate(huge, {}, *ws).valid);
}

TEST(SymbolicRegression, CsvMistakesAreUsageErrorsNamingTheFile) {
  TempDir d;
  auto expect_error = [&](const std::string& name, const std::string& text, const std::string& needle,
                          const std::string& target = "y") {
    write_file(d / name, text);
    try {
      load_regression_csv(d / name, target, 0.25, 0);
      ADD_FAILURE() << name << ": no error";
    } catch (const UsageError& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find(name), std::string::npos) << m;
      EXPECT_NE(m.find(needle), std::string::npos) << m;
    }
  };
  expect_error("empty.csv", "", "empty");
  expect_error("ragged.csv", "a,y\n1,2\n3\n", "line 3");
  expect_error("text.csv", "a,y\n1,2\n3,abc\n", "not a number");
  expect_error("nan.csv", "a,y\n1,2\n3,nan\n", "NaN");
  expect_error("target.csv", "a,b\n1,2\n3,4\n", "target column");
  EXPECT_THROW(load_regression_csv(d / "missing.csv", "y", 0.25, 0), UsageError);
  write_file(d / "ok.csv", "a,b,y\n1,2,3\n4,5,6\n7,8,9\n10,11,12\n");
  const RegressionProblem p = load_regression_csv(d / "ok.csv", "y", 0.25, 0);
  EXPECT_EQ(p.variables, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.train.rows + p.test.rows, 4u);
  EXPECT_EQ(p.test.rows, 1u);
  for (size_t r = 0; r < p.train.rows; ++r) EXPECT_EQ(p.train.y[r], p.train.x[p.train.rows + r] + 1);  // y = b + 1

  write_file(d / "run.toml", std::string(kQuartic) + "");
  const CliResult bad = run_cli({"run", d / "run.toml", "--out", d / "r", "--set", "task.data=" + d / "text.csv"});
  EXPECT_EQ(bad.code, 2) << bad.describe();
  EXPECT_NE(bad.err.find("text.csv"), std::string::npos) << bad.describe();
  const CliResult prim = run_cli({"run", d / "run.toml", "--out", d / "p", "--set", "strategy.functions=[\"add\", \"dvi\"]"});
  EXPECT_EQ(prim.code, 2) << prim.describe();
  EXPECT_NE(prim.err.find("did you mean 'div'"), std::string::npos) << prim.describe();
}

TEST(SymbolicRegression, GpRecoversTheQuarticAndIsThreadIndependent) {
  TempDir d;
  write_file(d / "q.toml", kQuartic);
  const CliResult full = run_cli({"run", d / "q.toml", "--out", d / "full", "--threads", "2", "--quiet"});
  ASSERT_EQ(full.code, 0) << full.describe();
  const auto summary = nlohmann::json::parse(read_file(d / "full/summary.json"));
  EXPECT_GT(summary.at("champion").at("mean_return").get<double>(), -1e-9) << summary.dump(2);

  const CliResult one = run_cli({"run", d / "q.toml", "--out", d / "one", "--threads", "1", "--quiet"});
  ASSERT_EQ(one.code, 0) << one.describe();
  EXPECT_EQ(read_file(d / "full/champion.bin"), read_file(d / "one/champion.bin"));
  expect_same_results(d / "full", d / "one");

  const CliResult ev = run_cli({"eval", d / "full", "--json"});
  ASSERT_EQ(ev.code, 0) << ev.describe();
  EXPECT_EQ(nlohmann::json::parse(ev.out).at("task_type"), "symbolic_regression");
}

// summary.json's champion formula, evaluated by SymPy on the problem's own training and test points
// (make_regression_problem with the run seed), gives the train and test RMSE that the run reports.
TEST(SymbolicRegression, ChampionFormulaEvaluatedBySympyGivesTheReportedErrors) {
  if (std::system("python3 -c 'import sympy' >/dev/null 2>&1") != 0) FAIL() << "python3-sympy is missing";
  TempDir d;
  write_file(d / "q.toml", std::string(kQuartic) + "\n");
  const CliResult run = run_cli({"run", d / "q.toml", "--out", d / "r", "--quiet", "--set", "run.generations=3",
                                 "--set", "strategy.constants=true", "--set", "strategy.functions=[\"add\", \"mul\", \"sin\", \"log\"]"});
  ASSERT_EQ(run.code, 0) << run.describe();
  const auto champ = nlohmann::json::parse(read_file(d / "r/summary.json")).at("champion");
  const std::string formula = champ.at("formula").get<std::string>();
  const RegressionProblem p = make_regression_problem("koza1", 1);
  std::string script = "import sympy, math\nx0 = sympy.symbols('x0')\nf = sympy.lambdify(x0, sympy.sympify('" + formula +
                       "'), 'math')\n";
  auto data = [&](const char* name, const RegressionData& rd) {
    script += std::string(name) + " = [";
    for (size_t r = 0; r < rd.rows; ++r) {
      char b[96];
      std::snprintf(b, sizeof b, "(%.17g, %.17g),", rd.x[r], rd.y[r]);
      script += b;
    }
    script += "]\n";
  };
  data("train", p.train);
  data("test", p.test);
  script += "rmse = lambda d: math.sqrt(sum((f(x) - y) ** 2 for x, y in d) / len(d))\n"
            "print('%.17g %.17g' % (rmse(train), rmse(test)))\n";
  write_file(d / "check.py", script);
  const int code = std::system(("python3 " + (d / "check.py") + " > " + (d / "out.txt") + " 2>&1").c_str());
  const std::string out = read_file(d / "out.txt");
  ASSERT_EQ(code, 0) << out << "\n" << formula;
  double train = 0, test = 0;
  ASSERT_EQ(std::sscanf(out.c_str(), "%lf %lf", &train, &test), 2) << out;
  EXPECT_NEAR(champ.at("train_rmse").get<double>(), train, 1e-9 * (1 + train)) << formula;
  EXPECT_NEAR(champ.at("test_rmse").get<double>(), test, 1e-9 * (1 + test)) << formula;
  // The training RMSE is the run's fitness (minus the RMSE).
  EXPECT_NEAR(champ.at("mean_return").get<double>(), -champ.at("train_rmse").get<double>(), 1e-12);

  const CliResult ev = run_cli({"eval", d / "r", "--json"});
  ASSERT_EQ(ev.code, 0) << ev.describe();
  EXPECT_EQ(nlohmann::json::parse(ev.out).at("formula"), formula);
}

// The gp strategy's metrics columns against a naive recomputation from the programs it was told about:
// distinct programs by their infix text, entropies by counting, outputs on the probe rows by evaluation.
TEST(SymbolicRegression, GpDiversityMetricsMatchANaiveCount) {
  Config c = Config::from_string("name = \"gp\"\npopulation = 40\nmate_choice = \"pimp\"\ninit_max_depth = 3\n", "test");
  ConfigSection sec = c.root();
  const Space in = Space::box({-1.0, -1.0}, {1.0, 1.0}), out = Space::box({-1.0}, {1.0});
  std::vector<double> probe = {0.1, 0.5, -0.3, 0.9, 0.2, -0.7};  // 3 rows of 2 variables, column-major
  StrategyContext ctx{3, nullptr, nullptr, 0, &in, &out, probe};
  auto s = find_strategy("gp").make(sec, ctx);
  const std::vector<std::string> names = s->metric_names();
  ASSERT_EQ(names, (std::vector<std::string>{"unique_programs", "genotypic_entropy", "unique_behaviours",
                                             "behavioural_entropy", "mean_size", "mean_depth", "mean_preference_size"}));
  for (int gen = 0; gen < 3; ++gen) {
    const Batch b = s->ask();
    std::map<std::string, int> texts;
    std::map<std::vector<double>, int> outputs;
    double size = 0, depth = 0;
    std::vector<Result> results(b.size);
    for (size_t i = 0; i < b.size; ++i) {
      const auto cand = s->build(i);
      const GpProgram& p = cand->program();
      ++texts[p.infix()];
      std::vector<double> y(3);
      p.evaluate(probe, 3, y);
      ++outputs[y];
      size += static_cast<double>(p.size());
      depth += p.depth();
      results[i].fitness = -static_cast<double>(i % 7);
    }
    s->tell(results);
    auto entropy = [&](const auto& counts) {
      double h = 0;
      for (const auto& [k, n] : counts) h -= n / 40.0 * std::log(n / 40.0);
      return h;
    };
    const std::vector<double> m = s->metrics();
    ASSERT_EQ(m.size(), names.size());
    EXPECT_DOUBLE_EQ(m[0], static_cast<double>(texts.size()) / 40.0);
    EXPECT_NEAR(m[1], entropy(texts), 1e-12);
    EXPECT_DOUBLE_EQ(m[2], static_cast<double>(outputs.size()) / 40.0);
    EXPECT_NEAR(m[3], entropy(outputs), 1e-12);
    EXPECT_DOUBLE_EQ(m[4], size / 40.0);
    EXPECT_DOUBLE_EQ(m[5], depth / 40.0);
    EXPECT_GE(m[6], 1.0);
  }
}

// metrics.csv of a gp run carries the diversity columns, one value per generation row.
TEST(SymbolicRegression, GpRunWritesDiversityColumnsToMetrics) {
  TempDir d;
  write_file(d / "q.toml", kQuartic);
  const CliResult run = run_cli({"run", d / "q.toml", "--out", d / "r", "--quiet", "--set", "run.generations=2"});
  ASSERT_EQ(run.code, 0) << run.describe();
  const std::string csv = read_file(d / "r/metrics.csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_NE(header.find(",unique_programs,genotypic_entropy,unique_behaviours,behavioural_entropy,mean_size,mean_depth"),
            std::string::npos) << header;
  const std::string jsonl = read_file(d / "r/metrics.jsonl");
  const auto row = nlohmann::json::parse(jsonl.substr(0, jsonl.find('\n')));
  EXPECT_GT(row.at("unique_programs").get<double>(), 0.0);
  EXPECT_LE(row.at("unique_programs").get<double>(), 1.0);
}

// Epsilon-lexicase, NSGA-II and LM constant fitting through the CLI: 1 and 2 threads give identical runs.
TEST(SymbolicRegression, GpSelectionsAndConstantFittingAreThreadIndependent) {
  TempDir d;
  write_file(d / "q.toml", kQuartic);
  const std::vector<std::vector<std::string>> variants = {
      {"strategy.selection=\"lexicase\""},
      {"strategy.selection=\"nsga2\"", "strategy.mate_choice=\"random\""},
      {"strategy.constant_fitting=\"lm\"", "strategy.constants=true", "task.problem=\"keijzer6\""},
  };
  int k = 0;
  for (const auto& v : variants) {
    std::vector<std::string> base = {"run", d / "q.toml", "--quiet", "--set", "run.generations=6", "--set",
                                     "strategy.population=80"};
    for (const auto& s : v) base.insert(base.end(), {"--set", s});
    const std::string a = d / ("a" + std::to_string(k)), b = d / ("b" + std::to_string(k));
    auto args = base;
    args.insert(args.end(), {"--out", a, "--threads", "2"});
    const CliResult two = run_cli(args);
    ASSERT_EQ(two.code, 0) << two.describe();
    args = base;
    args.insert(args.end(), {"--out", b, "--threads", "1"});
    const CliResult one = run_cli(args);
    ASSERT_EQ(one.code, 0) << one.describe();
    EXPECT_EQ(read_file(a + "/champion.bin"), read_file(b + "/champion.bin")) << v.front();
    expect_same_results(a, b);
    ++k;
  }
  // NSGA-II reports its first front's size.
  const std::string csv = read_file(d / "a1/metrics.csv");
  EXPECT_NE(csv.substr(0, csv.find('\n')).find(",first_front"), std::string::npos);
}

TEST(SymbolicRegression, GpBadSelectionKeysExitTwo) {
  TempDir d;
  write_file(d / "q.toml", kQuartic);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"strategy.selection=\"lexicon\"", "strategy.selection"},
      {"strategy.constant_fitting=\"newton\"", "strategy.constant_fitting"},
      {"strategy.lm_iterations=0", "strategy.lm_iterations"},
  };
  for (const auto& [set, key] : bad) {
    const CliResult r = run_cli({"run", d / "q.toml", "--out", d / "x", "--quiet", "--set", set});
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_NE(r.err.find(key), std::string::npos) << r.err;
  }
  const CliResult keys = run_cli({"list", "--keys", "gp"});
  ASSERT_EQ(keys.code, 0) << keys.describe();
  for (const char* k : {"selection", "constant_fitting", "lm_iterations"}) EXPECT_NE(keys.out.find(k), std::string::npos) << k;
}

// Constant fitting on Keijzer-6 (sum of 1/i, best approximated with non-integer constants: ln x + 0.5772...):
// over 6 seeds, a short run with LM ends with a lower training RMSE than the same run without on most
// seeds. The full comparison (more seeds, longer runs) is bench/gp_lm.py and docs/gp.md.
TEST(SymbolicRegression, GpConstantFittingLowersTheErrorOnKeijzer6) {
  TempDir d;
  write_file(d / "k.toml", kQuartic);
  int better = 0;
  for (int seed = 0; seed < 6; ++seed) {
    double rmse[2] = {0, 0};
    for (int lm = 0; lm < 2; ++lm) {
      const std::string out = d / std::string(1, 'r').append(std::to_string(seed)).append("_").append(std::to_string(lm));
      const CliResult r = run_cli({"run", d / "k.toml", "--out", out, "--quiet", "--seed", std::to_string(seed), "--set",
                                   "task.problem=\"keijzer6\"", "--set", "strategy.constants=true", "--set",
                                   "run.generations=10", "--set", "strategy.population=100", "--set",
                                   std::string("strategy.constant_fitting=") + (lm ? "\"lm\"" : "\"none\"")});
      ASSERT_EQ(r.code, 0) << r.describe();
      rmse[lm] = -nlohmann::json::parse(read_file(out + "/summary.json")).at("champion").at("mean_return").get<double>();
    }
    if (rmse[1] < rmse[0]) ++better;
  }
  EXPECT_GE(better, 5) << "LM constant fitting won on " << better << " of 6 seeds";
}
