// ELM neuron policy and the memory-task environments against closed forms and hand-built sequences.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cli_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/memory_tasks.hpp"
#include "neuroevo/nn/policy.hpp"

using namespace neuroevo;

namespace {

std::unique_ptr<const Policy> elm(const std::string& keys, const Space& obs, const Space& act) {
  Config c = Config::from_string("[policy]\ntype = \"elm\"\n" + keys);
  ConfigSection s = c.section("policy");
  return make_policy(s, obs, act);
}

}  // namespace

TEST(ElmPolicy, MemoryDecaysExactlyAsExpMinusDtOverTauWithZeroInput) {
  const Space obs = Space::box({-1, -1, -1}, {1, 1, 1});
  const Space act = Space::discrete(2);
  const size_t M = 5;
  for (bool learn_tau : {false, true}) {
    const auto p = elm("memory_units = 5\ntau_min = 2.0\ntau_max = 400.0\ndt = 0.5\nlearn_tau = " +
                           std::string(learn_tau ? "true" : "false") + "\n",
                       obs, act);
    // All weights and biases zero: the integration MLP outputs tanh(0) = 0, so only the leak acts.
    std::vector<float> theta(p->num_params(), 0.0f);
    PolicyScratch sc;
    p->reset(sc, 0);
    const size_t B = 3;  // branches default to one per input
    ASSERT_EQ(sc.state.size(), B + M);
    for (size_t k = 0; k < M; ++k) sc.state[B + k] = 1.0f + static_cast<float>(k);
    std::vector<float> zero(3, 0.0f), a(1);
    const int steps = 200;
    for (int t = 0; t < steps; ++t) p->act(theta, zero, a, sc);
    for (size_t k = 0; k < M; ++k) {
      // Fixed: tau_k log-spaced over [2, 400]; learned with theta = 0: tau = (2 + 400) / 2.
      const double tau = learn_tau ? 0.5 * (2.0 + 400.0) : std::exp(std::log(2.0) + k / 4.0 * (std::log(400.0) - std::log(2.0)));
      const double want = (1.0 + k) * std::exp(-steps * 0.5 / tau);
      EXPECT_NEAR(sc.state[B + k], want, 1e-4 * want + 1e-30) << "unit " << k << " learn_tau " << learn_tau;
    }
  }
}

TEST(ElmPolicy, OneStepMatchesTheEquationsComputedNaively) {
  // in = 2, branches = 2 x 2 synapses (synapse j of branch k reads input (2k + j) mod 2), M = 2, H = 3, 2 outputs.
  const Space obs = Space::box({-5, -5}, {5, 5});
  const Space act = Space::box({-2, -2}, {3, 3});
  const auto p = elm("memory_units = 2\nbranches = 2\nsynapses_per_branch = 2\nmlp_hidden = 3\ntau_min = 3\ntau_max = 30\n"
                     "tau_b = 4\nlambda = 5\n",
                     obs, act);
  const size_t B = 2, S = 2, M = 2, H = 3, O = 2;
  ASSERT_EQ(p->num_params(), B * S + (B + M) * H + H + H * M + M + M * O + O);
  std::vector<float> th(p->num_params());
  for (size_t i = 0; i < th.size(); ++i) th[i] = static_cast<float>(std::sin(1.7 * i + 0.3));
  PolicyScratch sc;
  p->reset(sc, 0);
  std::vector<double> b = {0.4, -0.2}, m = {0.3, -0.6};
  for (size_t k = 0; k < B; ++k) sc.state[k] = static_cast<float>(b[k]);
  for (size_t k = 0; k < M; ++k) sc.state[B + k] = static_cast<float>(m[k]);
  const std::vector<float> x = {0.7f, -1.3f};
  std::vector<float> a(2);
  p->act(th, x, a, sc);
  // Naive reference.
  size_t o = 0;
  const double kb = std::exp(-1.0 / 4.0);
  const double tau[2] = {3.0, 30.0};
  double z[4];
  for (size_t k = 0; k < B; ++k) {
    double in = 0;
    for (size_t j = 0; j < S; ++j) in += th[o + k * S + j] * x[(k * S + j) % 2];
    b[k] = kb * b[k] + in;
    z[k] = b[k];
  }
  o += B * S;
  double kappa[2];
  for (size_t k = 0; k < M; ++k) kappa[k] = std::exp(-1.0 / tau[k]), z[B + k] = kappa[k] * m[k];
  double h[3];
  for (size_t j = 0; j < H; ++j) {
    h[j] = th[o + (B + M) * H + j];
    for (size_t i = 0; i < B + M; ++i) h[j] += z[i] * th[o + i * H + j];
    h[j] = std::max(h[j], 0.0);
  }
  o += (B + M) * H + H;
  for (size_t k = 0; k < M; ++k) {
    double u = th[o + H * M + k];
    for (size_t j = 0; j < H; ++j) u += h[j] * th[o + j * M + k];
    m[k] = kappa[k] * m[k] + 5.0 * (1 - kappa[k]) * std::tanh(u);
  }
  o += H * M + M;
  for (size_t k = 0; k < B; ++k) EXPECT_NEAR(sc.state[k], b[k], 1e-5);
  for (size_t k = 0; k < M; ++k) EXPECT_NEAR(sc.state[B + k], m[k], 1e-5);
  for (size_t q = 0; q < O; ++q) {
    double y = th[o + M * O + q];
    for (size_t k = 0; k < M; ++k) y += th[o + k * O + q] * m[k];
    EXPECT_NEAR(a[q], -2.0 + (std::tanh(y) + 1.0) * 0.5 * 5.0, 1e-5);
  }
}

TEST(ElmTasks, DelayedRecallRewardsOnlyTheCueAtTheRecallStep) {
  const auto env = make_memory_task_by_name("delayed_recall-7-3");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->observation_space().dim(), 4u);
  EXPECT_EQ(env->action_space().n, 3);
  EXPECT_EQ(env->max_episode_steps(), 8);
  for (int answer = 0; answer < 3; ++answer) {
    std::vector<float> obs(4), act(1);
    const std::vector<double> st = {2, 0};
    env->set_state(st, obs);
    EXPECT_EQ(obs, (std::vector<float>{0, 0, 1, 0}));  // the cue, no recall flag
    double ret = 0;
    int steps = 0;
    for (;;) {
      act[0] = static_cast<float>(steps < 7 ? (steps % 3) : answer);  // wrong guesses before recall do not count
      const auto r = env->step(act, obs);
      ret += r.reward;
      ++steps;
      if (steps < 7) {
        EXPECT_EQ(obs, (std::vector<float>{0, 0, 0, 0}));
      } else if (steps == 7) {
        EXPECT_EQ(obs, (std::vector<float>{0, 0, 0, 1}));  // the recall flag
      }
      if (r.terminated) break;
      ASSERT_LT(steps, 8);
    }
    EXPECT_EQ(steps, 8);
    EXPECT_EQ(ret, answer == 2 ? 1.0 : 0.0);
  }
  // The cue is drawn from the seed, every value occurs.
  const auto d = make_delayed_recall(100, 4);
  std::vector<int> seen(4);
  std::vector<float> obs(5);
  for (uint64_t s = 0; s < 200; ++s) {
    d->reset(s, obs);
    for (int c = 0; c < 4; ++c) seen[c] += obs[c] == 1.0f;
  }
  for (int c = 0; c < 4; ++c) EXPECT_GT(seen[c], 20);
  EXPECT_THROW(make_memory_task_by_name("delayed_recall-0"), UsageError);
  EXPECT_THROW(make_memory_task_by_name("delayed_recall-10-1"), UsageError);
  EXPECT_EQ(make_memory_task_by_name("cartpole"), nullptr);
}

TEST(ElmTasks, TMazeRewardsOnHandBuiltSequences) {
  const auto env = make_tmaze(3);
  std::vector<float> obs(3), act(1);
  const auto run = [&](double up, const std::vector<int>& actions) {
    const std::vector<double> st = {up, 0};
    env->set_state(st, obs);
    double ret = 0;
    for (int a : actions) {
      act[0] = static_cast<float>(a);
      const auto r = env->step(act, obs);
      ret += r.reward;
      if (r.terminated) return ret;
    }
    return ret - 1000.0;  // did not end
  };
  EXPECT_DOUBLE_EQ(run(1, {1, 1, 1, 0}), 4.0);    // up cue, walk east, turn north
  EXPECT_DOUBLE_EQ(run(0, {1, 1, 1, 2}), 4.0);    // down cue, turn south
  EXPECT_DOUBLE_EQ(run(1, {1, 1, 1, 2}), -0.1);   // wrong turn
  EXPECT_DOUBLE_EQ(run(0, {3, 0, 1, 1, 1, 1, 2}), 4.0 - 0.3);  // west at start, north in corridor... walls
  // Observations: the cue only at the start cell.
  const std::vector<double> st = {1, 0};
  env->set_state(st, obs);
  EXPECT_EQ(obs, (std::vector<float>{0, 1, 1}));
  act[0] = 1;
  env->step(act, obs);
  EXPECT_EQ(obs, (std::vector<float>{1, 0, 1}));
  env->step(act, obs);
  env->step(act, obs);
  EXPECT_EQ(obs, (std::vector<float>{0, 1, 0}));
}

TEST(ElmCli, ExampleRunsEndToEnd) {
  cli_test::TempDir dir;
  const auto r = cli_test::run_cli({"run", cli_test::source_dir() + "/examples/elm_delayed_recall_es.toml", "--threads", "2",
                                    "--set", "run.generations=2", "--set", "run.eval_episodes=20", "--out", dir / "run"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto s = cli_test::read_json(dir / "run/summary.json");
  EXPECT_TRUE(s.contains("mean_return") || s.dump().find("return") != std::string::npos) << s.dump();
}
