// MuJoCo environments and the NCAP swimmer task (the ncap policy: test_ncap_policy.cpp). The environments are checked against
// raw MuJoCo calls on the same shared model: the same state stepped by mj_step frame_skip times must
// give the spec's observation layout, reward terms and termination. Built only with MuJoCo.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include "cli_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/policy.hpp"

#ifdef NEUROEVO_WITH_MUJOCO
#include "neuroevo/mujoco/model.hpp"
#endif

namespace neuroevo {
namespace {

#ifdef NEUROEVO_WITH_MUJOCO

// ----- environments against raw MuJoCo -------------------------------------------------------------

struct Dims {
  const char* name;
  size_t obs, act, state;
  double act_lo, act_hi;
};

TEST(MujocoEnvs, ObservationActionAndStateSizes) {
  const Dims dims[] = {{"Swimmer-v4", 8, 2, 10, -1, 1},       {"Hopper-v4", 11, 3, 12, -1, 1},
                       {"HalfCheetah-v4", 17, 6, 18, -1, 1},  {"Walker2d-v4", 17, 6, 18, -1, 1},
                       {"Ant-v4", 27, 8, 29, -1, 1},          {"Humanoid-v4", 376, 17, 47, -0.4, 0.4},
                       {"ncap_swimmer", 23, 5, 16, -1, 1},    {"ncap_swimmer-10", 39, 9, 24, -1, 1}};
  for (const auto& d : dims) {
    SCOPED_TRACE(d.name);
    const auto env = make_env(d.name);
    EXPECT_EQ(env->observation_space().dim(), d.obs);
    EXPECT_EQ(env->action_space().dim(), d.act);
    EXPECT_EQ(env->state_dim(), d.state);
    EXPECT_EQ(env->max_episode_steps(), 1000);
    for (size_t k = 0; k < d.act; ++k) {
      EXPECT_EQ(env->action_space().low[k], d.act_lo);
      EXPECT_EQ(env->action_space().high[k], d.act_hi);
    }
  }
  EXPECT_THROW(make_env("ncap_swimmer-1"), UsageError);
  EXPECT_THROW(make_env("ncap_swimmer-x"), UsageError);
}

TEST(MujocoEnvs, FrameSkipAndTimestepsFollowTheSpec) {
  struct T { const char* name; int skip; double dt; int integrator; };
  const T ts[] = {{"Swimmer-v4", 4, 0.01, mjINT_RK4},      {"Hopper-v4", 4, 0.002, mjINT_RK4},
                  {"HalfCheetah-v4", 5, 0.01, mjINT_EULER}, {"Walker2d-v4", 4, 0.002, mjINT_RK4},
                  {"Ant-v4", 5, 0.01, mjINT_RK4},           {"Humanoid-v4", 5, 0.003, mjINT_RK4},
                  {"ncap_swimmer", 15, 0.002, mjINT_EULER}};
  for (const auto& t : ts) {
    SCOPED_TRACE(t.name);
    const MujocoModel m = mujoco_model(t.name);
    EXPECT_EQ(m.frame_skip, t.skip);
    EXPECT_EQ(m.model->opt.timestep, t.dt);
    EXPECT_EQ(m.model->opt.integrator, t.integrator);
  }
  EXPECT_EQ(mujoco_model("Swimmer-v4").model->opt.viscosity, 0.1);
  EXPECT_EQ(mujoco_model("Swimmer-v4").model->opt.density, 4000);
  // One model per environment type, shared by every instance.
  EXPECT_EQ(mujoco_model("Hopper-v4").model.get(), mujoco_model("Hopper-v4").model.get());
  EXPECT_THROW(mujoco_model("CartPole-v1"), UsageError);
}

// The models an environment runs are the repository's .xml files (src/mujoco/models/, embedded at build
// time): each file compiled here by MuJoCo from disk gives the same binary model (mj_saveModel) as the
// environment's shared model.
std::vector<unsigned char> saved_model(const mjModel* m) {
  std::vector<unsigned char> bytes(static_cast<size_t>(mj_sizeModel(m)));
  mj_saveModel(m, nullptr, bytes.data(), static_cast<int>(bytes.size()));
  return bytes;
}

TEST(MujocoEnvs, ModelsAreTheRepositoryXmlFiles) {
  const std::pair<const char*, const char*> models[] = {
      {"Swimmer-v4", "swimmer"}, {"Hopper-v4", "hopper"}, {"HalfCheetah-v4", "half_cheetah"},
      {"Walker2d-v4", "walker2d"}, {"Ant-v4", "ant"},     {"Humanoid-v4", "humanoid"}};
  for (const auto& [env, file] : models) {
    SCOPED_TRACE(env);
    const std::string path = cli_test::source_dir() + "/src/mujoco/models/" + file + ".xml";
    char error[1000] = "";
    std::unique_ptr<mjModel, void (*)(mjModel*)> from_file(mj_loadXML(path.c_str(), nullptr, error, sizeof error),
                                                           mj_deleteModel);
    ASSERT_NE(from_file, nullptr) << path << ": " << error;
    EXPECT_TRUE(saved_model(from_file.get()) == saved_model(mujoco_model(env).model.get()));
  }
}

// A raw simulation of the same model: the reference the env is checked against.
struct Raw {
  MujocoModel m;
  MjDataPtr d;
  explicit Raw(const std::string& env) : m(mujoco_model(env)), d(mj_makeData(m.model.get())) {}
  void set(std::span<const double> state) {
    mj_resetData(m.model.get(), d.get());
    std::copy_n(state.begin(), m.model->nq, d->qpos);
    std::copy_n(state.begin() + m.model->nq, m.model->nv, d->qvel);
    mj_forward(m.model.get(), d.get());
  }
  void step(std::span<const float> action) {
    for (size_t k = 0; k < action.size(); ++k) d->ctrl[k] = action[k];
    for (int k = 0; k < m.frame_skip; ++k) mj_step(m.model.get(), d.get());
  }
  double dt() const { return m.model->opt.timestep * m.frame_skip; }
  int nq() const { return m.model->nq; }
  int nv() const { return m.model->nv; }
  double com_x() const {
    double s = 0, mass = 0;
    for (int b = 0; b < m.model->nbody; ++b) {
      s += m.model->body_mass[b] * d->xipos[3 * b];
      mass += m.model->body_mass[b];
    }
    return s / mass;
  }
};

// qpos0 plus a small, deterministic offset on every coordinate; small velocities.
std::vector<double> nearby_state(const Raw& raw, double scale) {
  std::vector<double> s(raw.nq() + raw.nv());
  for (int k = 0; k < raw.nq(); ++k) s[k] = raw.m.model->qpos0[k] + scale * std::sin(1.7 * k + 0.3);
  for (int k = 0; k < raw.nv(); ++k) s[raw.nq() + k] = scale * std::cos(0.9 * k + 0.1);
  return s;
}

std::vector<float> test_action(size_t n, double amplitude) {
  std::vector<float> a(n);
  for (size_t k = 0; k < n; ++k) a[k] = static_cast<float>(amplitude * std::sin(2.3 * static_cast<double>(k) + 0.5));
  return a;
}

double sum_sq(std::span<const float> a) {
  double s = 0;
  for (float v : a) s += static_cast<double>(v) * v;
  return s;
}

struct Stepped {
  std::vector<float> obs;
  StepResult r;
};

Stepped env_step(const std::string& name, std::span<const double> state, std::span<const float> action) {
  auto env = make_env(name);
  Stepped s;
  s.obs.resize(env->observation_space().dim());
  env->set_state(state, s.obs);
  s.r = env->step(action, s.obs);
  return s;
}

void expect_obs(std::span<const float> obs, size_t at, const double* values, size_t n, double clip = INFINITY) {
  for (size_t k = 0; k < n; ++k)
    EXPECT_EQ(obs[at + k], static_cast<float>(std::clamp(values[k], -clip, clip))) << "obs[" << at + k << "]";
}

TEST(MujocoEnvs, SwimmerRewardAndObservation) {
  Raw raw("Swimmer-v4");
  const auto state = nearby_state(raw, 0.05);
  const auto a = test_action(2, 0.7);
  raw.set(state);
  const double x0 = raw.d->qpos[0];
  raw.step(a);
  const Stepped s = env_step("Swimmer-v4", state, a);
  EXPECT_DOUBLE_EQ(s.r.reward, (raw.d->qpos[0] - x0) / raw.dt() - 1e-4 * sum_sq(a));
  EXPECT_FALSE(s.r.terminated);
  expect_obs(s.obs, 0, raw.d->qpos + 2, 3);
  expect_obs(s.obs, 3, raw.d->qvel, 5);
}

TEST(MujocoEnvs, HalfCheetahRewardObservationAndNoTermination) {
  Raw raw("HalfCheetah-v4");
  auto state = nearby_state(raw, 0.05);
  state[2] = 3.0;  // upside down: HalfCheetah never terminates
  const auto a = test_action(6, 0.9);
  raw.set(state);
  const double x0 = raw.d->qpos[0];
  raw.step(a);
  const Stepped s = env_step("HalfCheetah-v4", state, a);
  EXPECT_DOUBLE_EQ(s.r.reward, (raw.d->qpos[0] - x0) / raw.dt() - 0.1 * sum_sq(a));
  EXPECT_FALSE(s.r.terminated);
  expect_obs(s.obs, 0, raw.d->qpos + 1, 8);
  expect_obs(s.obs, 8, raw.d->qvel, 9);
}

TEST(MujocoEnvs, HopperRewardClippedVelocitiesAndHealth) {
  Raw raw("Hopper-v4");
  auto state = nearby_state(raw, 0.01);
  state[raw.nq() + 0] = 1.5;    // forward speed
  state[raw.nq() + 3] = 40.0;   // a fast thigh: observed clipped to 10
  const auto a = test_action(3, 0.8);
  raw.set(state);
  const double x0 = raw.d->qpos[0];
  raw.step(a);
  const Stepped s = env_step("Hopper-v4", state, a);
  EXPECT_DOUBLE_EQ(s.r.reward, 1.0 + (raw.d->qpos[0] - x0) / raw.dt() - 1e-3 * sum_sq(a));
  expect_obs(s.obs, 0, raw.d->qpos + 1, 5);
  expect_obs(s.obs, 5, raw.d->qvel, 6, 10.0);
  EXPECT_GT(std::abs(raw.d->qvel[3]), 10.0) << "the test needs a velocity beyond the clip";
  EXPECT_FALSE(s.r.terminated);

  const std::vector<float> zero(3, 0.0f);
  auto with = [&](int k, double v) {
    auto st = nearby_state(raw, 0.0);
    st[k] = v;
    return env_step("Hopper-v4", st, zero).r;
  };
  EXPECT_FALSE(with(1, 1.25).terminated);
  EXPECT_TRUE(with(1, 0.65).terminated);          // z <= 0.7
  EXPECT_FALSE(with(1, 0.75).terminated);
  EXPECT_TRUE(with(2, 0.25).terminated);          // angle beyond 0.2
  EXPECT_TRUE(with(2, -0.25).terminated);
  EXPECT_FALSE(with(2, 0.15).terminated);
  // |state[2:]| >= 100 alone: a forward speed of 150 (in the air, z and angle stay healthy).
  EXPECT_TRUE(with(raw.nq() + 0, 150.0).terminated);
  EXPECT_FALSE(with(raw.nq() + 0, 90.0).terminated);
  const StepResult fell = with(1, 0.65);
  EXPECT_GT(fell.reward, 0.5) << "v4 pays the healthy reward on the terminating step too";
}

TEST(MujocoEnvs, Walker2dRewardAndHealth) {
  Raw raw("Walker2d-v4");
  auto state = nearby_state(raw, 0.01);
  state[raw.nq()] = 1.0;
  const auto a = test_action(6, 0.8);
  raw.set(state);
  const double x0 = raw.d->qpos[0];
  raw.step(a);
  const Stepped s = env_step("Walker2d-v4", state, a);
  EXPECT_DOUBLE_EQ(s.r.reward, 1.0 + (raw.d->qpos[0] - x0) / raw.dt() - 1e-3 * sum_sq(a));
  expect_obs(s.obs, 0, raw.d->qpos + 1, 8);
  expect_obs(s.obs, 8, raw.d->qvel, 9, 10.0);
  EXPECT_FALSE(s.r.terminated);
  const std::vector<float> zero(6, 0.0f);
  auto with = [&](int k, double v) {
    auto st = nearby_state(raw, 0.0);
    st[k] = v;
    return env_step("Walker2d-v4", st, zero).r.terminated;
  };
  EXPECT_TRUE(with(1, 0.75));   // z <= 0.8
  EXPECT_TRUE(with(1, 2.1));    // z >= 2.0
  EXPECT_FALSE(with(1, 1.5));
  EXPECT_TRUE(with(2, 1.1));    // |angle| >= 1
  EXPECT_TRUE(with(2, -1.1));
  EXPECT_FALSE(with(2, 0.5));
}

TEST(MujocoEnvs, AntRewardUsesTheTorsoAndHealth) {
  Raw raw("Ant-v4");
  auto state = nearby_state(raw, 0.02);
  state[raw.nq()] = 0.8;
  const auto a = test_action(8, 0.9);
  raw.set(state);
  const int torso = mj_name2id(raw.m.model.get(), mjOBJ_BODY, "torso");
  const double x0 = raw.d->xpos[3 * torso];
  raw.step(a);
  const Stepped s = env_step("Ant-v4", state, a);
  EXPECT_DOUBLE_EQ(s.r.reward, 1.0 + (raw.d->xpos[3 * torso] - x0) / raw.dt() - 0.5 * sum_sq(a));
  expect_obs(s.obs, 0, raw.d->qpos + 2, 13);
  expect_obs(s.obs, 13, raw.d->qvel, 14);
  EXPECT_FALSE(s.r.terminated);
  const std::vector<float> zero(8, 0.0f);
  auto with_z = [&](double z) {
    auto st = nearby_state(raw, 0.0);
    st[2] = z;
    return env_step("Ant-v4", st, zero).r.terminated;
  };
  EXPECT_TRUE(with_z(1.2));  // z > 1.0
  EXPECT_FALSE(with_z(0.75));
}

TEST(MujocoEnvs, HumanoidRewardObservationAndHealth) {
  Raw raw("Humanoid-v4");
  auto state = nearby_state(raw, 0.01);
  state[raw.nq()] = 0.5;
  const auto a = test_action(17, 0.4);
  raw.set(state);
  const double x0 = raw.com_x();
  raw.step(a);
  const Stepped s = env_step("Humanoid-v4", state, a);
  EXPECT_DOUBLE_EQ(s.r.reward, 5.0 + 1.25 * (raw.com_x() - x0) / raw.dt() - 0.1 * sum_sq(a));
  const int nb = raw.m.model->nbody;
  ASSERT_EQ(nb, 14);
  size_t at = 0;
  expect_obs(s.obs, at, raw.d->qpos + 2, 22), at += 22;
  expect_obs(s.obs, at, raw.d->qvel, 23), at += 23;
  expect_obs(s.obs, at, raw.d->cinert, 140), at += 140;
  expect_obs(s.obs, at, raw.d->cvel, 84), at += 84;
  expect_obs(s.obs, at, raw.d->qfrc_actuator, 23), at += 23;
  expect_obs(s.obs, at, raw.d->cfrc_ext, 84), at += 84;
  EXPECT_EQ(at, 376u);
  EXPECT_FALSE(s.r.terminated);
  const std::vector<float> zero(17, 0.0f);
  auto with_z = [&](double z) {
    auto st = nearby_state(raw, 0.0);
    st[2] = z;
    return env_step("Humanoid-v4", st, zero).r.terminated;
  };
  EXPECT_TRUE(with_z(0.9));
  EXPECT_TRUE(with_z(2.1));
  EXPECT_FALSE(with_z(1.4));
}

TEST(MujocoEnvs, NcapSwimmerRewardIsALinearToleranceOfHeadSpeed) {
  Raw raw("ncap_swimmer");
  const std::vector<float> zero(5, 0.0f);
  auto reward_with_vy = [&](double vy) {
    std::vector<double> st(raw.nq() + raw.nv(), 0.0);
    st[raw.nq() + 1] = vy;  // heading 0: the head points to -y, so -vy is the forward speed
    raw.set(st);
    raw.step(zero);
    const double expected = std::clamp(-raw.d->sensordata[1] / 0.1, 0.0, 1.0);
    const double got = env_step("ncap_swimmer", st, zero).r.reward;
    EXPECT_DOUBLE_EQ(got, expected) << "vy " << vy;
    return got;
  };
  EXPECT_EQ(reward_with_vy(-2.0), 1.0);  // fast forward: saturated
  EXPECT_EQ(reward_with_vy(0.5), 0.0);   // backward: zero
  const double mid = reward_with_vy(-0.06);
  EXPECT_GT(mid, 0.0);
  EXPECT_LT(mid, 1.0);
  // Observation: 5 joint angles, then vx, vy, wz of each of the 6 links.
  std::vector<double> st(raw.nq() + raw.nv(), 0.0);
  for (int j = 0; j < 5; ++j) st[3 + j] = 0.1 * (j + 1);
  raw.set(st);
  raw.step(zero);
  const Stepped s = env_step("ncap_swimmer", st, zero);
  expect_obs(s.obs, 0, raw.d->qpos + 3, 5);
  for (int b = 0; b < 6; ++b) {
    EXPECT_EQ(s.obs[5 + 3 * b], static_cast<float>(raw.d->sensordata[6 * b]));
    EXPECT_EQ(s.obs[5 + 3 * b + 2], static_cast<float>(raw.d->sensordata[6 * b + 5]));
  }
}

TEST(MujocoEnvs, ResetsAreSeededDeterministicAndWithinTheNoise) {
  struct N { const char* name; double qpos_noise; };  // uniform qpos noise half-width
  for (const N n : {N{"Swimmer-v4", 0.1}, N{"Hopper-v4", 5e-3}, N{"HalfCheetah-v4", 0.1}, N{"Walker2d-v4", 5e-3},
                    N{"Ant-v4", 0.1}, N{"Humanoid-v4", 1e-2}}) {
    SCOPED_TRACE(n.name);
    auto e1 = make_env(n.name), e2 = make_env(n.name);
    const size_t d = e1->observation_space().dim();
    std::vector<float> a(d), b(d), c(d);
    e1->reset(42, a);
    e2->reset(42, b);
    EXPECT_EQ(a, b);
    e2->reset(43, c);
    EXPECT_NE(a, c);
    const MujocoModel m = mujoco_model(n.name);
    // The first observed coordinates are qpos[k:] for k = nq - (number of qpos entries observed).
    const int skip = std::string(n.name) == "Hopper-v4" || std::string(n.name) == "HalfCheetah-v4" ||
                             std::string(n.name) == "Walker2d-v4" ? 1 : 2;
    for (int k = skip; k < m.model->nq; ++k)
      EXPECT_LE(std::abs(a[k - skip] - m.model->qpos0[k]), n.qpos_noise + 1e-6) << "qpos " << k;
    // Two instances reset from the same seed stay identical step after step.
    e2->reset(42, b);
    const auto act = test_action(e1->action_space().dim(), 0.3);
    for (int t = 0; t < 20; ++t) {
      const StepResult r1 = e1->step(act, a), r2 = e2->step(act, b);
      ASSERT_EQ(r1.reward, r2.reward);
      ASSERT_EQ(a, b);
    }
  }
}

TEST(MujocoEnvs, NcapSwimmerResetRandomisesHeadingAndJoints) {
  auto env = make_env("ncap_swimmer");
  std::vector<float> obs(23);
  const double limit = 2 * std::numbers::pi / 6;
  bool some_large = false;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    env->reset(seed, obs);
    for (int j = 0; j < 5; ++j) {
      EXPECT_LE(std::abs(obs[j]), limit + 1e-6);
      some_large |= std::abs(obs[j]) > 0.5 * limit;
    }
    for (int k = 5; k < 23; ++k) EXPECT_EQ(obs[k], 0.0f) << "velocities start at zero";
  }
  EXPECT_TRUE(some_large);
}

TEST(MujocoEnvs, TruncatesAtOneThousandSteps) {
  auto env = make_env("Swimmer-v4");
  std::vector<float> obs(8), act(2, 0.0f);
  env->reset(1, obs);
  for (int t = 1; t <= 1000; ++t) {
    const StepResult r = env->step(act, obs);
    ASSERT_EQ(r.truncated, t == 1000) << t;
    ASSERT_FALSE(r.terminated);
  }
}

TEST(MujocoEnvs, PhysicsFailureEndsTheEpisodeWithAPenaltyNotACrash) {
  auto env = make_env("Hopper-v4");
  std::vector<float> obs(11), act(3, 0.0f);
  std::vector<double> state(12, 0.0);
  state[1] = 1.25;
  state[6 + 4] = 1e12;  // beyond MuJoCo's bound on velocities: it warns and resets the data
  env->set_state(state, obs);
  const StepResult r = env->step(act, obs);
  EXPECT_TRUE(r.unstable);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.reward, -1000.0);
  for (float v : obs) EXPECT_TRUE(std::isfinite(v));
  // The instance is usable again after a reset.
  env->reset(3, obs);
  const StepResult ok = env->step(act, obs);
  EXPECT_FALSE(ok.unstable);
}

TEST(MujocoEnvs, BadInputIsAUsageError) {
  auto env = make_env("Hopper-v4");
  std::vector<float> obs(11), act(3, 0.0f);
  EXPECT_THROW(env->set_state(std::vector<double>(5, 0.0), obs), UsageError);
  std::vector<double> state(12, 0.0);
  state[3] = NAN;
  EXPECT_THROW(env->set_state(state, obs), UsageError);
  env->reset(0, obs);
  EXPECT_THROW(env->step(std::vector<float>(2, 0.0f), obs), UsageError);
  act[1] = INFINITY;
  EXPECT_THROW(env->step(act, obs), UsageError);
}

// ----- whole runs ------------------------------------------------------------------------------------

using cli_test::read_file;
using cli_test::read_json;
using cli_test::read_metrics;
using cli_test::run_cli;

void check_threads(const std::string& config) {
  cli_test::TempDir tmp;
  const std::string cfg = tmp / "config.toml";
  cli_test::write_file(cfg, config);
  const auto dirs = cli_test::run_on_one_and_two_threads(tmp, {"run", cfg});
  ASSERT_EQ(dirs.size(), 2u);
  cli_test::expect_same_results(dirs[0], dirs[1]);
  EXPECT_EQ(read_json(dirs[0] + "/summary.json").at("unstable_episodes").get<long long>(), 0);
}

TEST(MujocoRuns, HopperEsIdenticalOnOneAndTwoThreads) {
  check_threads(
      "[run]\ngenerations = 2\neval_episodes = 3\n[env]\nname = \"Hopper-v4\"\n"
      "[policy]\nhidden = [8]\nobs_norm = true\nobs_norm_prob = 0.5\n"
      "[task]\nmax_steps = 200\n[noise]\nsize = 65536\n[strategy]\nname = \"openai_es\"\npopulation = 8\n");
}

TEST(MujocoRuns, NcapSwimmerGaIdenticalOnOneAndTwoThreads) {
  check_threads(
      "[run]\ngenerations = 2\neval_episodes = 2\n[env]\nname = \"ncap_swimmer-4\"\n"
      "[policy]\ntype = \"ncap\"\nweight_sharing = false\n[task]\nmax_steps = 150\n"
      "[noise]\nsize = 65536\n[strategy]\nname = \"ga\"\npopulation = 6\ntruncation = 3\n"
      "elite_candidates = 2\nelite_episodes = 2\n");
}

#endif  // NEUROEVO_WITH_MUJOCO

}  // namespace
}  // namespace neuroevo
