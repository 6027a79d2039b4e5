// The symbolic_regression task type and the gp strategy: problem data against the published formulas,
// the fitness of an exact program, CSV input errors (exit code 2), and whole runs through the CLI
// (quartic recovered, 1 and 2 threads identical; the kill-and-resume test is in test_cli.cpp).
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/gp_program.hpp"
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
