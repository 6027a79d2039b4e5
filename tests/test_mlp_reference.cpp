// The MLP policy's forward pass and tanh_approx against a naive double-precision reference written from
// the documented layout (src/nn/mlp.cpp: W_l as [in][out] input-major, then b_l; tanh hidden layers;
// argmax head with the lowest index winning ties; continuous head low + (tanh(y) + 1) / 2 (high - low)).
// The widths cover every code path of the blocked kernel: 8-accumulator blocks of 32, a remainder block
// of 1-7 four-wide accumulators, and scalar tails of 1-3. A transposed layout, a wrong block offset or a
// broken tail changes outputs by O(1) and fails here.
#include <cmath>
#include <limits>
#include <random>

#include <gtest/gtest.h>

#include "neuroevo/core/config.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/kernels.hpp"
#include "neuroevo/nn/policy.hpp"

namespace {

using neuroevo::Space;

std::unique_ptr<const neuroevo::Policy> mlp(const std::vector<int>& hidden, const std::string& activation,
                                            const Space& obs, const Space& action) {
  std::string h = "[";
  for (size_t i = 0; i < hidden.size(); ++i) h += (i ? ", " : "") + std::to_string(hidden[i]);
  neuroevo::Config c = neuroevo::Config::from_string("type = \"mlp\"\nhidden = " + h + "]\nactivation = \"" +
                                                     activation + "\"\n");
  neuroevo::ConfigSection root = c.root();
  root.get_string("type", "mlp");
  return neuroevo::make_policy(root, obs, action);
}

// The naive reference: every sum in double, std::tanh, layer by layer from the documented layout.
std::vector<double> reference_outputs(const std::vector<size_t>& sizes, const std::vector<float>& params,
                                      const std::vector<float>& obs, bool relu) {
  std::vector<double> x(obs.begin(), obs.end());
  size_t p = 0;
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    const size_t in = sizes[l], out = sizes[l + 1];
    std::vector<double> y(out);
    for (size_t k = 0; k < out; ++k) {
      double s = params[p + in * out + k];  // bias
      for (size_t i = 0; i < in; ++i) s += x[i] * static_cast<double>(params[p + i * out + k]);
      const bool hidden = l + 2 < sizes.size();
      y[k] = !hidden ? s : relu ? std::max(s, 0.0) : std::tanh(s);
    }
    p += in * out + out;
    x = std::move(y);
  }
  EXPECT_EQ(p, params.size()) << "parameter count";
  return x;
}

std::vector<float> random_vector(size_t n, double scale, std::mt19937_64& rng) {
  std::normal_distribution<double> d(0.0, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(d(rng));
  return v;
}

// Every output width 1..40 plus 63..67 and 96..99, as a hidden layer and as the (continuous) output.
TEST(MlpReference, ContinuousHeadMatchesNaiveDoubleReferenceForEveryBlockAndTail) {
  std::mt19937_64 rng(11);
  std::vector<int> widths;
  for (int w = 1; w <= 40; ++w) widths.push_back(w);
  for (int w : {63, 64, 65, 66, 67, 96, 97, 98, 99}) widths.push_back(w);
  const size_t obs_dim = 7;
  const Space obs = Space::box(std::vector<double>(obs_dim, -10.0), std::vector<double>(obs_dim, 10.0));
  for (const std::string act : {"tanh", "relu"}) {
    for (int w : widths) {
      // hidden [w, 5]: w exercises the hidden-layer kernel; the output width (w % 9 + 1) the output layer's.
      const size_t out = static_cast<size_t>(w % 9 + 1);
      std::vector<double> lo(out), hi(out);
      for (size_t k = 0; k < out; ++k) lo[k] = -1.0 - double(k), hi[k] = 2.0 + 0.5 * double(k);
      const Space action = Space::box(lo, hi);
      const auto policy = mlp({w, 5}, act, obs, action);
      const std::vector<size_t> sizes = {obs_dim, size_t(w), 5, out};
      ASSERT_EQ(policy->num_params(), obs_dim * w + w + w * 5 + 5 + 5 * out + out);
      for (int trial = 0; trial < 3; ++trial) {
        const auto params = random_vector(policy->num_params(), 0.5, rng);
        const auto o = random_vector(obs_dim, 1.5, rng);
        std::vector<float> a(out);
        neuroevo::PolicyScratch scratch;
        policy->reset(scratch, 1);
        policy->act(params, o, a, scratch);
        const auto y = reference_outputs(sizes, params, o, act == "relu");
        for (size_t k = 0; k < out; ++k) {
          const double want = lo[k] + (std::tanh(y[k]) + 1.0) * 0.5 * (hi[k] - lo[k]);
          EXPECT_NEAR(a[k], want, 2e-5 * (hi[k] - lo[k])) << act << " width " << w << " output " << k;
        }
      }
    }
  }
}

// Hidden layers checked directly: a wide output layer whose pre-activations are the reference's.
TEST(MlpReference, WideOutputLayerMatchesReference) {
  std::mt19937_64 rng(12);
  for (int out : {1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 35, 36, 39, 64, 67, 100}) {
    const size_t obs_dim = 9;
    const Space obs = Space::box(std::vector<double>(obs_dim, -10.0), std::vector<double>(obs_dim, 10.0));
    const Space action = Space::box(std::vector<double>(out, -3.0), std::vector<double>(out, 3.0));
    const auto policy = mlp({37}, "tanh", obs, action);
    const auto params = random_vector(policy->num_params(), 0.3, rng);
    const auto o = random_vector(obs_dim, 1.0, rng);
    std::vector<float> a(out);
    neuroevo::PolicyScratch scratch;
    policy->act(params, o, a, scratch);
    const auto y = reference_outputs({obs_dim, 37, size_t(out)}, params, o, false);
    for (int k = 0; k < out; ++k)
      EXPECT_NEAR(a[k], -3.0 + (std::tanh(y[k]) + 1.0) * 3.0, 1e-4) << "out " << out << " k " << k;
  }
}

TEST(MlpReference, DiscreteHeadIsTheArgmaxOfTheReference) {
  std::mt19937_64 rng(13);
  int compared = 0;
  for (int n : {2, 3, 4, 5, 6, 7, 9, 18, 33}) {
    const Space obs = Space::box(std::vector<double>(4, -10.0), std::vector<double>(4, 10.0));
    const auto policy = mlp({16, 16}, "tanh", obs, Space::discrete(n));
    for (int trial = 0; trial < 20; ++trial) {
      const auto params = random_vector(policy->num_params(), 0.7, rng);
      const auto o = random_vector(4, 1.0, rng);
      std::vector<float> a(1);
      neuroevo::PolicyScratch scratch;
      policy->act(params, o, a, scratch);
      const auto y = reference_outputs({4, 16, 16, size_t(n)}, params, o, false);
      std::vector<double> sorted = y;
      std::sort(sorted.rbegin(), sorted.rend());
      if (sorted[0] - sorted[1] < 1e-4) continue;  // a near-tie float rounding may decide either way
      EXPECT_EQ(a[0], float(std::max_element(y.begin(), y.end()) - y.begin())) << "n " << n;
      ++compared;
    }
  }
  EXPECT_GT(compared, 150);
}

// Exact ties: all weights of the last layer zero, so the outputs are the biases; the lowest index wins.
TEST(MlpReference, ArgmaxTiesGoToTheLowestIndex) {
  const Space obs = Space::box(std::vector<double>(3, -10.0), std::vector<double>(3, 10.0));
  const int n = 6;
  const auto policy = mlp({5}, "tanh", obs, Space::discrete(n));
  std::vector<float> params(policy->num_params(), 0.25f);
  const size_t last_w = 3 * 5 + 5;  // the output layer's weights start after layer 1's W and b
  for (size_t k = 0; k < 5 * n; ++k) params[last_w + k] = 0.0f;
  const std::vector<std::vector<float>> biases = {
      {0, 0, 0, 0, 0, 0}, {0, 1, 0, 1, 0, 0}, {-1, -2, -1, -3, -5, -1}, {0, 0, 0, 0, 0, 2}, {3, 3, 3, 3, 3, 3}};
  const std::vector<float> want = {0, 1, 0, 5, 0};
  for (size_t c = 0; c < biases.size(); ++c) {
    for (int k = 0; k < n; ++k) params[last_w + 5 * n + k] = biases[c][k];
    std::vector<float> a(1);
    neuroevo::PolicyScratch scratch;
    policy->act(params, std::vector<float>{0.3f, -0.2f, 0.9f}, a, scratch);
    EXPECT_EQ(a[0], want[c]) << "case " << c;
  }
}

// tanh_approx: documented absolute error below 1e-6 against tanh, odd symmetry, range [-1, 1], NaN
// stays NaN, and the four-wide vector form equals the scalar form lane by lane.
TEST(TanhApprox, SweepAgainstStdTanh) {
  double worst = 0.0;
  for (double x = -20.0; x <= 20.0; x += 1.0 / 1024.0) {
    const float xf = static_cast<float>(x);
    const float y = neuroevo::tanh_approx(xf);
    worst = std::max(worst, std::abs(double(y) - std::tanh(double(xf))));
    ASSERT_LE(std::abs(y), 1.0f) << x;
    ASSERT_EQ(neuroevo::tanh_approx(-xf), -y) << "odd symmetry at " << x;
  }
  EXPECT_LT(worst, 1e-6);
  for (float x : {0.0f, 1e-30f, -1e-30f, 1e-7f, 9.0f, 9.5f, 1e30f, -1e30f, std::numeric_limits<float>::infinity(),
                  -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::denorm_min()})
    EXPECT_NEAR(neuroevo::tanh_approx(x), std::tanh(double(x)), 1e-6) << x;
  EXPECT_EQ(neuroevo::tanh_approx(0.0f), 0.0f);
  EXPECT_TRUE(std::isnan(neuroevo::tanh_approx(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(neuroevo::tanh_approx(-std::numeric_limits<float>::quiet_NaN())));
}

TEST(TanhApprox, VectorFormEqualsScalarForm) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> d(-12.0f, 12.0f);
  for (int i = 0; i < 20000; ++i) {
    float xs[4] = {d(rng), d(rng), d(rng), d(rng)};
    if (i % 97 == 0) xs[i % 4] = std::numeric_limits<float>::quiet_NaN();
    const neuroevo::V4 v = neuroevo::tanh_approx(neuroevo::load4(xs));
    float out[4];
    neuroevo::store4(out, v);
    for (int k = 0; k < 4; ++k) {
      const float s = neuroevo::tanh_approx(xs[k]);
      if (std::isnan(s)) {
        EXPECT_TRUE(std::isnan(out[k]));
      } else {
        EXPECT_EQ(out[k], s) << xs[k];
      }
    }
  }
}

}  // namespace
