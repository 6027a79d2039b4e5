// Task types other than "rl" (tasks/registry.hpp): the bbob function task checked against the sphere's
// closed form, and run end to end through `neuroevo run`, `--resume` and `eval` like an RL task.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/drivers/experiment.hpp"
#include "neuroevo/tasks/registry.hpp"

using namespace neuroevo;
using namespace cli_test;

namespace {

TaskSpec make(const std::string& toml) {
  Config c = Config::from_string(toml, "test");
  ConfigSection root = c.root();
  const std::string type = root.get_string("type", "rl");
  TaskSpec spec = find_task_type(type).make(root, 0);
  c.check_unknown();
  return spec;
}

const char* kRun = R"(
[run]
generations = 120
seed = 3
checkpoint_every = 5
[task]
type = "bbob"
function = 1
instance = 2
dim = 4
[strategy]
name = "cmaes"
sigma = 2.0
)";

}  // namespace

TEST(TaskRegistry, BbobSphereFitnessIsMinusSquaredDistanceToOptimum) {
  TaskSpec spec = make("type = \"bbob\"\nfunction = 1\ninstance = 2\ndim = 5\n");
  ASSERT_TRUE(spec.space);
  EXPECT_EQ(spec.space->num_params(), 5u);
  EXPECT_EQ(spec.task->num_params(), 5u);
  const bbob::BbobProblem p(1, 2, 5);
  // f1(x) = ||x - xopt||^2 + fopt (Hansen et al. 2009, the BBOB function definitions).
  const std::vector<float> x = {0.5f, -1.25f, 3.0f, 0.0f, -4.0f};
  double want = 0.0;
  for (size_t i = 0; i < x.size(); ++i) want -= (x[i] - p.xopt()[i]) * (x[i] - p.xopt()[i]);
  auto ws = spec.task->make_workspace();
  const Result r = spec.task->evaluate(x, {}, *ws);
  EXPECT_TRUE(r.valid);
  EXPECT_NEAR(r.fitness, want, 1e-12 * std::abs(want));
}

TEST(TaskRegistry, BbobStartsInTheConfiguredBox) {
  TaskSpec spec = make("type = \"bbob\"\ndim = 50\ninit_low = 1.0\ninit_high = 2.0\n");
  std::vector<float> x(50);
  spec.space->init_params(7, x);
  for (float v : x) {
    EXPECT_GE(v, 1.0f);
    EXPECT_LE(v, 2.0f);
  }
}

TEST(TaskRegistry, BadKeysAreUsageErrors) {
  EXPECT_THROW(make("type = \"bbob\"\nfunction = 25\n"), UsageError);
  EXPECT_THROW(make("type = \"bbob\"\ndim = 1\n"), UsageError);
  EXPECT_THROW(make("type = \"bbob\"\ninit_low = 3.0\ninit_high = 2.0\n"), UsageError);
  EXPECT_THROW(make("type = \"bbob\"\nfuncton = 3\n"), UsageError);
  try {
    find_task_type("bobb");
    FAIL() << "no error for an unknown task type";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'bbob'"), std::string::npos) << e.what();
  }
}

TEST(TaskRegistry, BbobRunReachesTheOptimumResumesExactlyAndEvaluates) {
  TempDir d;
  write_file(d / "bbob.toml", kRun);
  const CliResult full = run_cli({"run", d / "bbob.toml", "--out", d / "full", "--threads", "2"});
  ASSERT_EQ(full.code, 0) << full.describe();
  const auto summary = nlohmann::json::parse(read_file(d / "full/summary.json"));
  EXPECT_EQ(summary.at("env"), "bbob_f001_i02_d04");
  // CMA-ES on the 4-D sphere: 120 generations of 8 candidates reach the optimum to float32 precision.
  EXPECT_GT(summary.at("champion").at("mean_return").get<double>(), -1e-6) << summary.dump(2);

  // Stopped before generation 41 (the checkpoint of generation 40 is written), then resumed with one
  // thread: the same metrics, champion and summary as the uninterrupted two-thread run.
  RunOptions stopped;
  stopped.config_path = d / "bbob.toml";
  stopped.out_dir = d / "part";
  stopped.threads = 2;
  stopped.quiet = true;
  int asked = 0;
  stopped.stop_requested = [&] { return ++asked == 41; };
  ASSERT_EQ(run_experiment(stopped), 0);
  ASSERT_EQ(checkpoint_generation(d / "part").value_or(-1), 40);
  RunOptions resume;
  resume.resume_dir = d / "part";
  resume.threads = 1;
  resume.quiet = true;
  ASSERT_EQ(run_experiment(resume), 0);
  expect_same_results(d / "full", d / "part");

  // `eval` rebuilds the task from the champion file and gives the fitness summary.json recorded.
  const CliResult ev = run_cli({"eval", d / "full", "--episodes", "2", "--json"});
  ASSERT_EQ(ev.code, 0) << ev.describe();
  const auto j = nlohmann::json::parse(ev.out);
  EXPECT_EQ(j.at("task_type"), "bbob");
  EXPECT_EQ(j.at("mean_fitness").get<double>(), summary.at("champion").at("mean_return").get<double>());
}

TEST(TaskRegistry, MistakesInARunConfigExitTwo) {
  TempDir d;
  write_file(d / "bbob.toml", kRun);
  const CliResult env = run_cli({"run", d / "bbob.toml", "--out", d / "a", "--set", "env.name=CartPole-v1"});
  EXPECT_EQ(env.code, 2) << env.describe();
  EXPECT_NE(env.err.find("env.name"), std::string::npos) << env.describe();
  const CliResult type = run_cli({"run", d / "bbob.toml", "--out", d / "b", "--set", "task.type=bobb"});
  EXPECT_EQ(type.code, 2) << type.describe();
  EXPECT_NE(type.err.find("did you mean 'bbob'"), std::string::npos) << type.describe();
  const CliResult structured =
      run_cli({"run", d / "bbob.toml", "--out", d / "c", "--set", "strategy.name=sparse_hc"});
  EXPECT_EQ(structured.code, 2) << structured.describe();
}
