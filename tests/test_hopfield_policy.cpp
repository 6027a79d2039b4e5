// Modern Hopfield memory policy (src/nn/hopfield_policy.cpp) against a naive double-precision reference of
// its equations, closed forms (one stored pattern, orthogonal patterns), the library's ModernHopfield
// update, and a hand-built solution of delayed recall at T = 1,000.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cli_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/memory_tasks.hpp"
#include "neuroevo/memory/hopfield.hpp"
#include "neuroevo/nn/policy.hpp"

using namespace neuroevo;

namespace {

std::unique_ptr<const Policy> hopfield(const std::string& keys, const Space& obs, const Space& act) {
  Config c = Config::from_string("[policy]\ntype = \"hopfield\"\n" + keys);
  ConfigSection s = c.section("policy");
  return make_policy(s, obs, act);
}

// Offsets of the documented parameter layout.
struct Layout {
  size_t I, D, P, O;
  size_t wx() const { return 0; }
  size_t bx() const { return I * D; }
  size_t wq() const { return bx() + D; }
  size_t bq() const { return wq() + I * D; }
  size_t wg() const { return bq() + D; }
  size_t bg() const { return wg() + I; }
  size_t statics() const { return bg() + 1; }
  size_t wo() const { return statics() + P * D; }
  size_t bo() const { return wo() + (D + I) * O; }
  size_t size() const { return bo() + O; }
};

// The policy's equations written out in double, one loop per formula, with its own ring of written patterns.
struct NaiveHopfield {
  Layout L;
  size_t slots;
  double beta;
  int steps;
  std::vector<std::vector<double>> ring;  // written patterns, oldest first once full
  size_t next = 0, writes = 0;

  std::vector<double> act(const std::vector<float>& th, const std::vector<float>& o) {
    std::vector<std::vector<double>> X;
    for (size_t k = 0; k < L.P; ++k) {
      std::vector<double> x(L.D);
      for (size_t i = 0; i < L.D; ++i) x[i] = th[L.statics() + k * L.D + i];
      X.push_back(x);
    }
    for (const auto& x : ring) X.push_back(x);
    std::vector<double> xi(L.D);
    for (size_t j = 0; j < L.D; ++j) {
      xi[j] = th[L.bq() + j];
      for (size_t i = 0; i < L.I; ++i) xi[j] += o[i] * th[L.wq() + i * L.D + j];
    }
    if (X.empty()) {
      std::fill(xi.begin(), xi.end(), 0.0);
    } else {
      for (int s = 0; s < steps; ++s) {
        std::vector<double> e(X.size());
        double sum = 0;
        for (size_t k = 0; k < X.size(); ++k) {
          double dot = 0;
          for (size_t i = 0; i < L.D; ++i) dot += X[k][i] * xi[i];
          e[k] = std::exp(beta * dot);
          sum += e[k];
        }
        std::vector<double> nx(L.D, 0.0);
        for (size_t k = 0; k < X.size(); ++k)
          for (size_t i = 0; i < L.D; ++i) nx[i] += e[k] / sum * X[k][i];
        xi = nx;
      }
    }
    std::vector<double> y(L.O);
    for (size_t q = 0; q < L.O; ++q) {
      y[q] = th[L.bo() + q];
      for (size_t r = 0; r < L.D; ++r) y[q] += xi[r] * th[L.wo() + r * L.O + q];
      for (size_t i = 0; i < L.I; ++i) y[q] += o[i] * th[L.wo() + (L.D + i) * L.O + q];
    }
    double g = th[L.bg()];
    for (size_t i = 0; i < L.I; ++i) g += th[L.wg() + i] * o[i];
    if (g > 0 && slots > 0) {
      std::vector<double> x(L.D);
      for (size_t j = 0; j < L.D; ++j) {
        x[j] = th[L.bx() + j];
        for (size_t i = 0; i < L.I; ++i) x[j] += o[i] * th[L.wx() + i * L.D + j];
      }
      if (ring.size() < slots) ring.push_back(x);
      else ring[next] = x;
      next = (next + 1) % slots;
      ++writes;
    }
    return y;
  }
};

}  // namespace

TEST(HopfieldPolicy, MatchesANaiveReferenceOverASequenceThatFillsTheRing) {
  const Space obs = Space::box({-2, -2, -2}, {2, 2, 2});
  const Space act = Space::box({-1, -1}, {1, 1});  // action = tanh(y) exactly
  const Layout L{3, 4, 2, 2};
  const auto p = hopfield("pattern_dim = 4\nslots = 3\nstatic_patterns = 2\nbeta = 0.7\nsteps = 2\n", obs, act);
  ASSERT_EQ(p->num_params(), L.size());
  std::vector<float> th(L.size());
  for (size_t i = 0; i < th.size(); ++i) th[i] = static_cast<float>(0.8 * std::sin(1.3 * i + 0.2));
  NaiveHopfield ref{L, 3, 0.7, 2, {}};
  PolicyScratch sc;
  p->reset(sc, 7);
  std::vector<float> a(2);
  size_t closed = 0;
  for (int t = 0; t < 14; ++t) {
    const std::vector<float> o = {static_cast<float>(1.5 * std::sin(0.9 * t)), static_cast<float>(std::cos(1.7 * t)),
                                  static_cast<float>(0.5 - 0.1 * t)};
    const auto y = ref.act(th, o);
    p->act(th, o, a, sc);
    for (size_t q = 0; q < 2; ++q) EXPECT_NEAR(a[q], std::tanh(y[q]), 2e-5) << "t " << t << " output " << q;
    closed += ref.ring.size() < 3 ? 0 : 1;
  }
  // The sequence must exercise both gate outcomes and wrap the ring, or the test proves little.
  EXPECT_GT(ref.writes, 3u);
  EXPECT_LT(ref.writes, 14u);
  EXPECT_GT(closed, 0u);
}

TEST(HopfieldPolicy, OneStoredPatternIsRetrievedExactlyWhateverTheQuery) {
  // One evolved pattern, no written ones: softmax over a single pattern is 1, so xi_new = x for any query.
  const Space obs = Space::box({-1, -1, -1}, {1, 1, 1});
  const Space act = Space::box({-1, -1, -1}, {1, 1, 1});
  const Layout L{3, 3, 1, 3};
  const auto p = hopfield("pattern_dim = 3\nslots = 0\nstatic_patterns = 1\nbeta = 2.5\n", obs, act);
  std::vector<float> th(L.size(), 0.0f);
  for (size_t i = 0; i < L.I * L.D; ++i) th[L.wq() + i] = static_cast<float>(std::cos(3.0 * i));  // arbitrary query map
  const float x[3] = {0.3f, -0.7f, 0.2f};
  for (size_t i = 0; i < 3; ++i) th[L.statics() + i] = x[i];
  for (size_t r = 0; r < 3; ++r) th[L.wo() + r * 3 + r] = 1.0f;  // y = retrieved
  PolicyScratch sc;
  p->reset(sc, 0);
  std::vector<float> a(3);
  for (const std::vector<float>& o : {std::vector<float>{1, 0, 0}, std::vector<float>{-0.4f, 0.9f, 0.1f}}) {
    p->act(th, o, a, sc);
    for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(a[i], std::tanh(static_cast<double>(x[i])), 1e-6);
  }
}

TEST(HopfieldPolicy, OrthogonalPatternsGiveTheClosedFormAttention) {
  // Four orthogonal +-1 patterns of dimension 4 (Hadamard rows); query = pattern k: X^T xi = 4 e_k, so
  // p_k = e^{4 beta} / (e^{4 beta} + 3), p_j = 1 / (e^{4 beta} + 3), and xi_new = sum_j p_j x_j.
  const double H[4][4] = {{1, 1, 1, 1}, {1, -1, 1, -1}, {1, 1, -1, -1}, {1, -1, -1, 1}};
  const Space obs = Space::box(std::vector<double>(4, -1), std::vector<double>(4, 1));
  const Space act = Space::box(std::vector<double>(4, -1), std::vector<double>(4, 1));
  const Layout L{4, 4, 4, 4};
  const double beta = 0.3;
  const auto p = hopfield("pattern_dim = 4\nslots = 0\nstatic_patterns = 4\nbeta = 0.3\n", obs, act);
  std::vector<float> th(L.size(), 0.0f);
  for (size_t i = 0; i < 4; ++i) {
    th[L.wq() + i * 4 + i] = 1.0f;           // xi = o
    th[L.wo() + i * 4 + i] = 0.25f;          // y = xi / 4 (keeps tanh away from saturation)
    for (size_t j = 0; j < 4; ++j) th[L.statics() + i * 4 + j] = static_cast<float>(H[i][j]);
  }
  for (size_t k = 0; k < 4; ++k) {
    PolicyScratch sc;
    p->reset(sc, 0);
    std::vector<float> o(4), a(4);
    for (size_t j = 0; j < 4; ++j) o[j] = static_cast<float>(H[k][j]);
    p->act(th, o, a, sc);
    const double pk = std::exp(4 * beta) / (std::exp(4 * beta) + 3), pj = 1 / (std::exp(4 * beta) + 3);
    for (size_t i = 0; i < 4; ++i) {
      double want = 0;
      for (size_t j = 0; j < 4; ++j) want += (j == k ? pk : pj) * H[j][i];
      EXPECT_NEAR(a[i], std::tanh(want / 4), 1e-6) << "pattern " << k << " unit " << i;
    }
  }
}

TEST(HopfieldPolicy, AgreesWithTheLibraryModernHopfieldUpdate) {
  const size_t d = 16, n = 40;
  const auto X = memory::random_binary_patterns(d, n, 3);
  const double beta = 0.15;
  const memory::ModernHopfield lib(d, beta, X);
  const Space box = Space::box(std::vector<double>(d, -1), std::vector<double>(d, 1));
  const Layout L{d, d, n, d};
  const auto p = hopfield("pattern_dim = 16\nslots = 0\nstatic_patterns = 40\nbeta = 0.15\nsteps = 3\n", box, box);
  std::vector<float> th(L.size(), 0.0f);
  for (size_t i = 0; i < d; ++i) th[L.wq() + i * d + i] = 1.0f, th[L.wo() + i * d + i] = 1.0f;
  std::copy(X.begin(), X.end(), th.begin() + static_cast<std::ptrdiff_t>(L.statics()));
  std::vector<float> xi(d), a(d);
  for (size_t i = 0; i < d; ++i) xi[i] = static_cast<float>(X[5 * d + i] * (i % 3 == 0 ? -0.5 : 1.0));  // a noisy pattern 5
  PolicyScratch sc;
  p->reset(sc, 0);
  p->act(th, xi, a, sc);
  std::vector<double> att(n);
  for (int s = 0; s < 3; ++s) lib.update(xi, xi, att);
  for (size_t i = 0; i < d; ++i) EXPECT_NEAR(a[i], std::tanh(static_cast<double>(xi[i])), 1e-5) << "unit " << i;
}

TEST(HopfieldPolicy, HandBuiltGateSolvesDelayedRecallAtT1000) {
  // Write only when a cue unit is on (w_g = 1 on the cue units, b_g = -0.5), pattern = the one-hot cue;
  // at t = T the memory holds exactly that pattern, so the retrieval returns it and argmax names the cue.
  const auto env = make_delayed_recall(1000, 4);
  const Layout L{5, 4, 0, 4};
  const auto p = hopfield("pattern_dim = 4\nslots = 2\n", env->observation_space(), env->action_space());
  std::vector<float> th(L.size(), 0.0f);
  for (size_t c = 0; c < 4; ++c) {
    th[L.wx() + c * 4 + c] = 1.0f;
    th[L.wg() + c] = 1.0f;
    th[L.wo() + c * 4 + c] = 1.0f;
  }
  th[L.bg()] = -0.5f;
  for (uint64_t seed = 0; seed < 12; ++seed) {
    std::vector<float> o(5), a(1);
    env->reset(seed, o);
    PolicyScratch sc;
    p->reset(sc, seed);
    double ret = 0;
    for (int t = 0; t <= 1000; ++t) {
      p->act(th, o, a, sc);
      const auto r = env->step(a, o);
      ret += r.reward;
      if (r.terminated) break;
    }
    EXPECT_EQ(ret, 1.0) << "episode seed " << seed;
    EXPECT_EQ(sc.state[0], 1.0f) << "only the cue step writes";
  }
}

TEST(HopfieldPolicy, BadConfigIsAUsageErrorNamingTheKey) {
  const Space obs = Space::box({-1, -1}, {1, 1});
  const Space act = Space::discrete(2);
  try {
    hopfield("beta = 0.0\n", obs, act);
    FAIL() << "beta = 0 accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("policy.beta"), std::string::npos) << e.what();
  }
  try {
    hopfield("slots = 0\nstatic_patterns = 0\n", obs, act);
    FAIL() << "an empty memory accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("policy.slots"), std::string::npos) << e.what();
  }
  cli_test::TempDir dir;
  cli_test::write_file(dir / "h.toml", "[env]\nname = \"delayed_recall-10-2\"\n[policy]\ntype = \"hopfield\"\nbeta = -1.0\n");
  const auto r = cli_test::run_cli({"run", dir / "h.toml", "--out", dir / "run"});
  EXPECT_EQ(r.code, 2) << r.describe();
  EXPECT_TRUE(cli_test::one_line_naming(r.err, {"policy.beta"})) << r.describe();
}
