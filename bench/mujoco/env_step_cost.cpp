// Cost of a MuJoCo environment step against the raw physics it wraps: frame_skip calls of mj_step on
// the same shared model, measured in the same run on the same trajectory (same initial states, the
// same actions, resets at the same steps). The ratio env / raw is the overhead of neuroevo's wrapper
// (action copy, warning and NaN checks, reward, observation); the aim is <= 1.1.
//
//   build/bench/mujoco_step_cost [--steps N] [--repeats R] [--env NAME] [--json]
//
// Times are CPU time of the measuring thread (CLOCK_THREAD_CPUTIME_ID), so other programs on a shared
// machine disturb them less; each figure is the best of R repeats, env and raw alternating.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/mujoco/model.hpp"

namespace {

using neuroevo::Env;
using neuroevo::MjDataPtr;
using neuroevo::MujocoModel;
using neuroevo::Stream;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Trajectory {
  std::vector<float> actions;             // steps x action dim, uniform in the action bounds
  std::vector<size_t> reset_after;        // steps after which the episode ended
  std::vector<std::vector<double>> starts;  // (qpos, qvel) at each episode start
};

// Runs the env once (untimed) to fix the actions, the reset points and the initial states.
Trajectory record(const std::string& name, size_t steps) {
  Trajectory t;
  auto env = neuroevo::make_env(name);
  const MujocoModel mm = neuroevo::mujoco_model(name);
  const size_t na = env->action_space().dim(), nq = mm.model->nq, nv = mm.model->nv;
  std::vector<float> obs(env->observation_space().dim());
  Stream rng(7);
  t.actions.resize(steps * na);
  for (size_t s = 0; s < steps; ++s)
    for (size_t k = 0; k < na; ++k)
      t.actions[s * na + k] = static_cast<float>(rng.uniform(env->action_space().low[k], env->action_space().high[k]));
  // Episode starts: qpos0 plus small uniform noise (Hopper/Walker-sized), set through set_state in
  // the env loop and by the same calls in the raw loop.
  auto start = [&] {
    std::vector<double> st(nq + nv);
    for (size_t k = 0; k < nq; ++k) st[k] = mm.model->qpos0[k] + rng.uniform(-5e-3, 5e-3);
    for (size_t k = 0; k < nv; ++k) st[nq + k] = rng.uniform(-5e-3, 5e-3);
    env->set_state(st, obs);
    t.starts.push_back(std::move(st));
  };
  start();
  for (size_t s = 0; s < steps; ++s) {
    const auto r = env->step(std::span<const float>(t.actions.data() + s * na, na), obs);
    if (r.terminated || r.truncated) {
      t.reset_after.push_back(s);
      start();
    }
  }
  return t;
}

double time_env(const std::string& name, const Trajectory& t, size_t steps) {
  auto env = neuroevo::make_env(name);
  const size_t na = env->action_space().dim();
  std::vector<float> obs(env->observation_space().dim());
  size_t episode = 0, next_reset = 0;
  env->set_state(t.starts[episode++], obs);
  const double c0 = thread_cpu_seconds();
  for (size_t s = 0; s < steps; ++s) {
    env->step(std::span<const float>(t.actions.data() + s * na, na), obs);
    if (next_reset < t.reset_after.size() && t.reset_after[next_reset] == s) {
      ++next_reset;
      env->set_state(t.starts[episode++], obs);
    }
  }
  return thread_cpu_seconds() - c0;
}

double time_raw(const std::string& name, const Trajectory& t, size_t steps) {
  const MujocoModel mm = neuroevo::mujoco_model(name);
  const mjModel* m = mm.model.get();
  MjDataPtr d(mj_makeData(m));
  const size_t na = static_cast<size_t>(m->nu);
  size_t episode = 0, next_reset = 0;
  auto set = [&](const std::vector<double>& st) {
    mj_resetData(m, d.get());
    std::copy_n(st.begin(), m->nq, d->qpos);
    std::copy_n(st.begin() + m->nq, m->nv, d->qvel);
    mj_forward(m, d.get());
  };
  set(t.starts[episode++]);
  const double c0 = thread_cpu_seconds();
  for (size_t s = 0; s < steps; ++s) {
    for (size_t k = 0; k < na; ++k) d->ctrl[k] = t.actions[s * na + k];
    for (int f = 0; f < mm.frame_skip; ++f) mj_step(m, d.get());
    if (next_reset < t.reset_after.size() && t.reset_after[next_reset] == s) {
      ++next_reset;
      set(t.starts[episode++]);
    }
  }
  return thread_cpu_seconds() - c0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t steps = 20000;
  int repeats = 5;
  bool json = false;
  std::vector<std::string> envs = {"Swimmer-v4", "Hopper-v4", "HalfCheetah-v4", "Walker2d-v4", "Ant-v4",
                                   "Humanoid-v4", "ncap_swimmer"};
  bool env_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--steps" && i + 1 < argc) steps = std::stoul(argv[++i]);
    else if (a == "--repeats" && i + 1 < argc) repeats = std::stoi(argv[++i]);
    else if (a == "--json") json = true;
    else if (a == "--env" && i + 1 < argc) {
      if (!env_given) envs.clear();
      env_given = true;
      envs.push_back(argv[++i]);
    }
    else {
      std::fprintf(stderr, "usage: mujoco_step_cost [--steps N] [--repeats R] [--env NAME]... [--json]\n");
      return 2;
    }
  }
  constexpr double kLimit = 1.1;
  nlohmann::json out = nlohmann::json::array();
  if (!json) std::printf("%-16s %12s %12s %8s %7s\n", "env", "env us/step", "raw us/step", "ratio", "<=1.1");
  for (const std::string& name : envs) {
    Trajectory t;
    try {
      t = record(name, steps);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mujoco_step_cost: %s\n", e.what());
      return 2;
    }
    double best_env = INFINITY, best_raw = INFINITY;
    for (int r = 0; r < repeats; ++r) {
      best_env = std::min(best_env, time_env(name, t, steps));
      best_raw = std::min(best_raw, time_raw(name, t, steps));
    }
    const double ratio = best_env / best_raw;
    out.push_back({{"env", name}, {"steps", steps}, {"env_us_per_step", 1e6 * best_env / steps},
                   {"raw_us_per_step", 1e6 * best_raw / steps}, {"ratio", ratio}, {"limit", kLimit},
                   {"within_limit", ratio <= kLimit}});
    if (!json)
      std::printf("%-16s %12.2f %12.2f %8.3f %7s\n", name.c_str(), 1e6 * best_env / steps, 1e6 * best_raw / steps, ratio,
                  ratio <= kLimit ? "yes" : "NO");
  }
  if (json) std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
