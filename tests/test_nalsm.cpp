// Tests of the paper-scale NALSM pieces (snn/nalsm.hpp, snn/lsm_paper.hpp) against independent
// references: a hand-counted branching factor, a naive per-synapse simulator written from the public
// code's update order, closed-form ridge solutions, and thread-count invariance.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_util.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/snn/lsm.hpp"
#include "neuroevo/snn/lsm_paper.hpp"
#include "neuroevo/snn/nalsm.hpp"

using namespace neuroevo;
using namespace neuroevo::snn;

namespace {

// Three neurons, edges 0->1, 0->2, 1->2 (CSR of presynaptic and postsynaptic lists).
struct Chain {
  std::vector<uint64_t> pre_row = {0, 0, 1, 3};
  std::vector<uint32_t> pre = {0, 0, 1};
  std::vector<uint64_t> post_row = {0, 2, 3, 3};
  std::vector<uint32_t> post = {1, 2, 2};
};

}  // namespace

TEST(NalsmBranchingFactor, HandCountedRaster) {
  const Chain c;
  // Spikes: 0 at t=2, 1 at t=3, 2 at t=4, 1 at t=5 (10 steps).
  Raster r(10);
  r[2] = {0};
  r[3] = {1};
  r[4] = {2};
  r[5] = {1};
  // dt = 2, window [0, 10): events at t in [2, 8).
  //   0@2: pre none -> 1 (floor), post {1,2} in [3,5): 1@3, 2@4 -> 2; ratio 2.
  //   1@3: pre {0} in [1,3): 0@2 -> 1; post {2} in [4,6): 2@4 -> 1; ratio 1.
  //   2@4: pre {0,1} in [2,4): 2; post none -> 0; ratio 0.
  //   1@5: pre {0} in [3,5): 0 -> 1; post {2} in [6,8): 0; ratio 0.
  // Per neuron: 2, (1 + 0) / 2, 0 -> mean 2.5 / 3.
  EXPECT_NEAR(branching_factor(r, 3, c.pre_row, c.pre, c.post_row, c.post, 2, 0, 10), 2.5 / 3.0, 1e-12);
  // Window [3, 10): 0@2 is dropped and events need t in [5, 8): only 1@5 -> ratio 0.
  EXPECT_NEAR(branching_factor(r, 3, c.pre_row, c.pre, c.post_row, c.post, 2, 3, 10), 0.0, 1e-12);
  // Window [0, 5): t in [2, 3): 0@2 only; its postsynaptic spikes at 3 and 4 count, the one at 5 is outside.
  EXPECT_NEAR(branching_factor(r, 3, c.pre_row, c.pre, c.post_row, c.post, 2, 0, 5), 2.0, 1e-12);
  // No spike inside the event window: NaN (the public code's nanmean then skips the sample).
  EXPECT_TRUE(std::isnan(branching_factor(Raster(10), 3, c.pre_row, c.pre, c.post_row, c.post, 2, 0, 10)));
}

TEST(NalsmEncode, DividesBySumThenBySplitMaximum) {
  // Image A: pixels 1, 1 (sum 2 -> 0.5, 0.5); image B: 0.3, 0.1 (sum 0.4 -> 0.75, 0.25). Max 0.75.
  const std::vector<float> x = {1.0f, 1.0f, 0.3f, 0.1f, 0.0f, 0.0f};
  const auto r = nalsm_encode(x, 2);
  ASSERT_EQ(r.size(), 6u);
  EXPECT_NEAR(r[0], 0.5 / 0.75, 1e-6);
  EXPECT_NEAR(r[1], 0.5 / 0.75, 1e-6);
  EXPECT_NEAR(r[2], 1.0, 1e-6);
  EXPECT_NEAR(r[3], 0.25 / 0.75, 1e-6);
  EXPECT_EQ(r[4], 0.0f);  // an empty image stays silent
}

// A naive simulator of the public code's frozen dynamics: every synapse keeps the steps since its
// source's last spike (ts, starting "long ago") and carries w e^{-ts / tau_u}; the step order is
// threshold, reset, ts <- 0 for spiking sources, v update, ts += 1, refractory update.
TEST(NalsmLiquid, MatchesNaivePerSynapseSimulator) {
  NalsmParams p;
  p.grid = 3;
  p.inputs = 12;
  p.input_density = 0.5;
  p.w_init = 9.0;  // strong enough for the liquid to fire from a few inputs
  p.w_max = 9.0;
  p.seed = 7;
  NalsmLiquid liq(p);
  const uint32_t n = liq.liquid(), total = liq.total();
  // Rates 0 or 1 only: the input events are then certain, independent of the random streams.
  std::vector<float> rates(p.inputs, 0.0f);
  for (uint32_t q = 0; q < p.inputs; q += 2) rates[q] = 1.0f;
  const int steps = 60;
  NalsmState st;
  std::vector<uint32_t> counts(n, 0);
  Raster raster;
  liq.present(rates, steps, 3, NalsmRule::None, st, counts.data(), &raster);

  struct Syn {
    uint32_t s, t;
    double w;
    double ts;
  };
  std::vector<Syn> syn;
  for (uint32_t s = 0; s < total; ++s) {
    const auto tg = liq.targets(s);
    const auto w = liq.weights(s);
    for (size_t k = 0; k < tg.size(); ++k) syn.push_back({s, tg[k], w[k], 1e9});
  }
  std::vector<double> v(total, 0.0);
  std::vector<int> refr(total, 0);
  Raster ref(static_cast<size_t>(steps));
  for (int t = 0; t < steps; ++t) {
    std::vector<uint8_t> spk(total, 0);
    for (uint32_t i = 0; i < total; ++i)
      if (v[i] >= p.v_thresh && refr[i] <= 0) {
        spk[i] = 1;
        v[i] = 0.0;
        if (i < n) ref[static_cast<size_t>(t)].push_back(i);
      }
    for (auto& e : syn)
      if (spk[e.s]) e.ts = 0.0;
    std::vector<double> in(total, 0.0);
    for (const auto& e : syn) in[e.t] += e.w * std::exp(-e.ts / p.tau_u) / p.tau_u;
    for (uint32_t q = 0; q < p.inputs; ++q) in[n + q] += rates[q] > 0.0f ? p.input_current : 0.0;
    for (uint32_t i = 0; i < total; ++i) v[i] += in[i] - v[i] / p.tau_v;
    for (auto& e : syn) e.ts += 1.0;
    for (uint32_t i = 0; i < total; ++i) refr[i] = spk[i] ? p.refractory_steps : refr[i] - 1;
  }
  size_t ref_spikes = 0;
  for (const auto& r : ref) ref_spikes += r.size();
  ASSERT_GT(ref_spikes, 20u) << "the test network should be active";
  EXPECT_EQ(raster, ref);
  EXPECT_EQ(std::accumulate(counts.begin(), counts.end(), size_t{0}), ref_spikes);
}

// One input neuron onto one liquid neuron: the STDP deltas of the public code, by hand.
TEST(NalsmLiquid, StdpPairingFollowsTheTraceRule) {
  NalsmParams p;
  p.grid = 2;  // 8 liquid neurons; no liquid edges, one input connected to all with +w
  p.c_ee = p.c_ei = p.c_ie = p.c_ii = 0.0;
  p.inputs = 1;
  p.input_density = 1.0;
  p.w_init = 2.0;
  p.w_max = 50.0;
  p.seed = 3;
  NalsmLiquid liq(p);
  ASSERT_EQ(liq.synapses(), 8u);
  // Presentation of 2 steps with rate 1: the input neuron gets its event at step 0 and spikes at step 1;
  // no liquid neuron can reach 20 from one weight of 2, so only the presynaptic term acts, at step 1,
  // with the liquid traces still 0: no change at all. The input's trace afterwards is 0.1 e^{-1/10}.
  NalsmState st;
  const std::vector<float> one = {1.0f};
  liq.present(one, 2, 0, NalsmRule::Stdp, st);
  for (float w : liq.weights(8)) EXPECT_FLOAT_EQ(std::abs(w), 2.0f);
  // Now make the liquid fire: weights 30 (above threshold in one step).
  NalsmParams q = p;
  q.w_init = 30.0;
  NalsmLiquid big(q);
  big.present(one, 3, 0, NalsmRule::Stdp, st);
  // Step 1: the input spikes (its trace before the step is 0: no pre-term change since liquid traces are
  // 0), its current reaches the liquid at once (v = +-30). Step 2: liquid neurons with +30 spike; the
  // input's trace then is 0.1 e^{-1/10}; potentiation lr_pot * tr_pre for excitatory-like input sources:
  // w <- w + 0.15 * 0.1 * e^{-0.1} for the positive synapses (the negative ones do not fire).
  const double expected = 30.0 + 0.15 * 0.1 * std::exp(-0.1);
  int positive = 0;
  for (float w : big.weights(8))
    if (w > 0) {
      ++positive;
      EXPECT_NEAR(w, expected, 1e-5);
    } else {
      EXPECT_FLOAT_EQ(w, -30.0f);
    }
  EXPECT_GT(positive, 0);
}

TEST(NalsmAstrocyte, FollowsTheRecursionWithSignedDrive) {
  // No liquid edges, inputs at rate 0: no spikes at all, so A relaxes to b_A from a0 by
  // A_t = b + (a0 - b)(1 - 1/tau)^t. With a0 = 0.4, b = 0.15, tau = 100, after 50 steps:
  NalsmParams p;
  p.grid = 2;
  p.c_ee = p.c_ei = p.c_ie = p.c_ii = 0.0;
  p.inputs = 4;
  p.astro_a0 = 0.4;
  NalsmLiquid liq(p);
  NalsmState st;
  liq.present(std::vector<float>(4, 0.0f), 50, 0, NalsmRule::Astro, st);
  EXPECT_NEAR(st.astro, 0.15 + (0.4 - 0.15) * std::pow(0.99, 50), 1e-12);
}

TEST(IntRidge, MatchesClosedFormWithTwoFeatures) {
  // y in {0, 1}, two features; on standardised centred features z the weights of class c solve
  // (Z^T Z + lambda I) w_c = Z^T (y_c - ybar_c): a 2x2 system solved here by Cramer's rule.
  const std::vector<uint8_t> x = {1, 4, 2, 1, 3, 0, 5, 2, 0, 3, 4, 4};  // 6 samples x 2
  const std::vector<int> y = {0, 1, 0, 1, 1, 0};
  const size_t n = 6;
  std::vector<size_t> rows(n);
  std::iota(rows.begin(), rows.end(), size_t{0});
  const double lambda = 0.7;
  IntRidge r;
  r.gram(x, 2, rows, y, 2, 1);
  r.solve(lambda, 1);
  double mu[2] = {0, 0}, sd[2] = {0, 0};
  for (size_t s = 0; s < n; ++s)
    for (int a = 0; a < 2; ++a) mu[a] += x[s * 2 + a] / 6.0;
  for (size_t s = 0; s < n; ++s)
    for (int a = 0; a < 2; ++a) sd[a] += (x[s * 2 + a] - mu[a]) * (x[s * 2 + a] - mu[a]) / 6.0;
  for (double& s : sd) s = std::sqrt(s);
  double g[2][2] = {{0, 0}, {0, 0}}, b[2][2] = {{0, 0}, {0, 0}}, ybar[2] = {0, 0};
  for (size_t s = 0; s < n; ++s) ybar[y[s]] += 1.0 / 6.0;
  for (size_t s = 0; s < n; ++s) {
    const double z[2] = {(x[s * 2] - mu[0]) / sd[0], (x[s * 2 + 1] - mu[1]) / sd[1]};
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 2; ++j) g[i][j] += z[i] * z[j];
      for (int c = 0; c < 2; ++c) b[i][c] += z[i] * ((y[s] == c ? 1.0 : 0.0) - ybar[c]);
    }
  }
  g[0][0] += lambda;
  g[1][1] += lambda;
  const double det = g[0][0] * g[1][1] - g[0][1] * g[1][0];
  for (size_t s = 0; s < n; ++s) {
    const double z[2] = {(x[s * 2] - mu[0]) / sd[0], (x[s * 2 + 1] - mu[1]) / sd[1]};
    const auto sc = r.scores(&x[s * 2]);
    for (int c = 0; c < 2; ++c) {
      const double w0 = (b[0][c] * g[1][1] - g[0][1] * b[1][c]) / det;
      const double w1 = (g[0][0] * b[1][c] - g[1][0] * b[0][c]) / det;
      EXPECT_NEAR(sc[static_cast<size_t>(c)], ybar[c] + z[0] * w0 + z[1] * w1, 1e-12);
    }
  }
}

TEST(IntRidge, BlockedCholeskyAgreesWithTheUnblockedSolverAndThreads) {
  // 150 features (three 64-column panels) on 400 random samples, and an odd shape (131 features, 257
  // samples: the remainders of the 2x2 blocks and of the 16-sample byte products): the blocked, threaded
  // solve must agree with the unblocked closed-form Cholesky of the fast preset (cholesky_solve) up to
  // rounding, and be bit-identical for 1 and 3 threads.
  for (const auto& [n, d] : std::vector<std::pair<size_t, size_t>>{{400, 150}, {257, 131}}) {
    Stream rng(11, 0, 0, Purpose::Init);
    std::vector<uint8_t> x(n * d);
    std::vector<int> y(n);
    for (size_t s = 0; s < n; ++s) {
      y[s] = static_cast<int>(rng.below(3));
      for (size_t a = 0; a < d; ++a) x[s * d + a] = static_cast<uint8_t>(rng.below(6) + (a % 3 == static_cast<size_t>(y[s]) ? 2 : 0));
    }
    std::vector<size_t> rows(n);
    std::iota(rows.begin(), rows.end(), size_t{0});
    IntRidge r1, r3;
    r1.gram(x, d, rows, y, 3, 1);
    r1.solve(5.0, 1);
    r3.gram(x, d, rows, y, 3, 3);
    r3.solve(5.0, 3);
    // Reference: standardised design with explicit doubles and the unblocked solver.
    std::vector<double> mu(d, 0.0), sd(d, 0.0);
    for (size_t s = 0; s < n; ++s)
      for (size_t a = 0; a < d; ++a) mu[a] += x[s * d + a] / static_cast<double>(n);
    for (size_t s = 0; s < n; ++s)
      for (size_t a = 0; a < d; ++a) sd[a] += std::pow(x[s * d + a] - mu[a], 2) / static_cast<double>(n);
    for (double& v : sd) v = std::sqrt(v);
    std::vector<double> g(d * d, 0.0), b(d * 3, 0.0), ybar(3, 0.0);
    for (size_t s = 0; s < n; ++s) ybar[static_cast<size_t>(y[s])] += 1.0 / static_cast<double>(n);
    for (size_t s = 0; s < n; ++s)
      for (size_t i = 0; i < d; ++i) {
        const double zi = (x[s * d + i] - mu[i]) / sd[i];
        for (size_t j = 0; j < d; ++j) g[i * d + j] += zi * (x[s * d + j] - mu[j]) / sd[j];
        for (size_t c = 0; c < 3; ++c) b[i * 3 + c] += zi * ((y[s] == static_cast<int>(c) ? 1.0 : 0.0) - ybar[c]);
      }
    for (size_t i = 0; i < d; ++i) g[i * d + i] += 5.0;
    cholesky_solve(g, d, b, 3);
    for (size_t s = 0; s < 40; ++s) {
      const auto s1 = r1.scores(&x[s * d]);
      const auto s3 = r3.scores(&x[s * d]);
      for (size_t c = 0; c < 3; ++c) {
        double ref = ybar[c];
        for (size_t a = 0; a < d; ++a) ref += (x[s * d + a] - mu[a]) / sd[a] * b[a * 3 + c];
        EXPECT_NEAR(s1[c], ref, 1e-9) << n << " x " << d;
        EXPECT_EQ(s1[c], s3[c]) << n << " x " << d;
      }
    }
  }
}

TEST(LsmPaper, ResultsDoNotDependOnThreads) {
  // A 4^3 liquid on 60 synthetic "images" (two classes: left or right half lit), astro rule.
  const size_t n_train = 48, n_test = 12;
  std::vector<float> train(n_train * 784, 0.0f), test(n_test * 784, 0.0f);
  std::vector<int> ytr(n_train), yte(n_test);
  Stream rng(5, 0, 0, Purpose::Init);
  auto fill = [&](std::vector<float>& img, size_t i, int label) {
    for (size_t p = 0; p < 784; ++p)
      if ((p % 28 < 14) == (label == 0) && rng.uniform() < 0.3) img[i * 784 + p] = static_cast<float>(rng.uniform());
  };
  for (size_t i = 0; i < n_train; ++i) fill(train, i, ytr[i] = static_cast<int>(i % 2));
  for (size_t i = 0; i < n_test; ++i) fill(test, i, yte[i] = static_cast<int>(i % 2));
  LsmPaperOptions o;
  o.liquid.grid = 4;
  o.liquid.astro_w = 0.015;
  o.rule = "astro";
  o.steps = 80;
  o.plastic_samples = 30;
  o.bf_samples = 3;
  o.bf_segments = 3;
  o.threads = 1;
  const auto a = run_lsm_paper(o, train, ytr, test, yte);
  o.threads = 3;
  const auto b = run_lsm_paper(o, train, ytr, test, yte);
  EXPECT_EQ(a.test_accuracy, b.test_accuracy);
  EXPECT_EQ(a.val_accuracy, b.val_accuracy);
  EXPECT_EQ(a.mean_rate_hz, b.mean_rate_hz);
  EXPECT_EQ(a.input_w_after, b.input_w_after);
  EXPECT_EQ(a.bf_after, b.bf_after);
  EXPECT_EQ(a.bf_plastic, b.bf_plastic);
  EXPECT_GT(a.mean_rate_hz, 0.0);
  EXPECT_NE(a.input_w_before, a.input_w_after) << "the plastic phase should change the input weights";
}

TEST(LsmPaperCli, BadInputExitsWithCodeTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"snn", "lsm", "--preset", "huge"},
      {"snn", "lsm", "--data", "cifar"},
      {"snn", "lsm", "--data", "fashion"},  // the fast preset reads the npm digits only
      {"snn", "lsm", "--preset", "paper", "--data", "fashion", "--fashion", "/nonexistent/fmnist"},
  };
  for (const auto& args : cases) {
    const auto r = cli_test::run_cli(args);
    EXPECT_EQ(r.code, 2) << r.describe();
    EXPECT_FALSE(r.err.empty());
  }
  const auto m = cli_test::run_cli({"snn", "lsm", "--preset", "paper", "--data", "fashion", "--fashion", "/nonexistent/fmnist"});
  EXPECT_NE(m.err.find("/nonexistent/fmnist"), std::string::npos) << m.err;
}

TEST(LsmPaperCli, SmallFashionRunBeatsChance) {
  const std::string dir = "/usr/share/datasets/fashion-mnist";
  if (!cli_test::fs::exists(dir + "/train-labels-idx1-ubyte.gz") && !cli_test::fs::exists(dir + "/train-labels-idx1-ubyte"))
    NEUROEVO_MISSING_DEPENDENCY("dataset-fashion-mnist not installed (scripts/setup.sh)");
  const auto r = cli_test::run_cli({"snn", "lsm", "--preset", "paper", "--data", "fashion", "--grid", "4", "--steps", "80",
                                    "--plastic-digits", "20", "--train-limit", "120", "--test-limit", "40", "--threads", "2",
                                    "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["neurons"], 64);
  EXPECT_EQ(j["train"].get<int>() + j["val"].get<int>(), 120);
  EXPECT_EQ(j["test"], 40);
  EXPECT_GT(j["pixel_test_accuracy"].get<double>(), 0.3);  // chance is 0.1
  EXPECT_GT(j["mean_rate_hz"].get<double>(), 0.0);
  EXPECT_EQ(j["branching_factor_during"].size(), 10u);
}
