// Classical and modern Hopfield networks against closed forms (docs/memory.md).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "cli_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/memory/hopfield.hpp"

using namespace neuroevo;
using namespace neuroevo::memory;

namespace {

// Rows of the Sylvester-Hadamard matrix of order n (a power of two): mutually orthogonal +-1 patterns.
std::vector<float> hadamard_rows(size_t n, size_t rows) {
  std::vector<float> x(rows * n);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < n; ++c) x[r * n + c] = (__builtin_popcountll(r & c) % 2) ? -1.0f : 1.0f;
  return x;
}

std::vector<float> flipped(std::span<const float> x, std::vector<size_t> idx) {
  std::vector<float> s(x.begin(), x.end());
  for (size_t i : idx) s[i] = -s[i];
  return s;
}

}  // namespace

TEST(HopfieldClassical, SinglePatternIsRetrievedInOneSynchronousStep) {
  const size_t n = 32;
  const auto x = random_binary_patterns(n, 1, 7);
  ClassicalHopfield net(n);
  net.store(x);
  // W = (x x^T - I) / n, so W s = x (x.s - x_i s_i) / n: sign gives x whenever x.s > 1, -x when x.s < -1.
  auto s = flipped(x, {0, 3, 5, 8, 13, 21, 30});  // 7 of 32 flipped: x.s = 18
  std::vector<float> out(n);
  EXPECT_GT(net.step_sync(s, out), 0u);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(out[i], x[i]);
  auto r = flipped(x, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19});  // x.s = -8
  net.step_sync(r, out);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(out[i], -x[i]);  // the mirror attractor
  // Energy of the pattern: -1/2 x^T W x = -(n - 1) / 2.
  EXPECT_NEAR(net.energy(x), -0.5 * (n - 1.0), 1e-9);
}

TEST(HopfieldClassical, OrthogonalPatternsAreFixedPointsWithClosedFormFields) {
  const size_t n = 64, p = 8;
  const auto x = hadamard_rows(n, p);
  ClassicalHopfield net(n);
  net.store(x);
  // W x_mu = (1/n) sum_nu x_nu (x_nu . x_mu) - (p/n) x_mu = (1 - p/n) x_mu.
  for (size_t mu = 0; mu < p; ++mu) {
    std::span<const float> xm(x.data() + mu * n, n);
    for (size_t i = 0; i < n; ++i) EXPECT_NEAR(net.local_field(xm, i), (1.0 - double(p) / n) * xm[i], 1e-12);
    std::vector<float> out(n);
    EXPECT_EQ(net.step_sync(xm, out), 0u);
    std::vector<float> s(xm.begin(), xm.end());
    Stream rng(1);
    EXPECT_EQ(net.run_async(s, rng, 10), 1);
  }
}

TEST(HopfieldClassical, AsynchronousEnergyNeverIncreases) {
  const size_t n = 48;
  ClassicalHopfield net(n);
  net.store(random_binary_patterns(n, 10, 3));
  for (uint64_t trial = 0; trial < 20; ++trial) {
    auto s = random_binary_patterns(n, 1, 100 + trial);
    Stream rng(trial);
    double e = net.energy(s);
    for (int sweep = 0; sweep < 20; ++sweep) {
      net.sweep_async(s, rng);
      const double e2 = net.energy(s);
      EXPECT_LE(e2, e + 1e-12);
      e = e2;
    }
  }
}

TEST(HopfieldModern, SinglePatternIsRetrievedFromAnyStateAndHasZeroEnergy) {
  const size_t n = 16;
  const auto x = random_binary_patterns(n, 1, 11);
  ModernHopfield net(n, 0.5, x);
  std::vector<float> xi(n), out(n);
  std::vector<double> p(1);
  for (size_t i = 0; i < n; ++i) xi[i] = static_cast<float>(std::sin(double(i)));
  net.update(xi, out, p);
  EXPECT_DOUBLE_EQ(p[0], 1.0);
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(out[i], x[i]);
  // E(x) = -x.x + 1/2 x.x + beta^-1 log 1 + 1/2 ||x||^2 = 0.
  EXPECT_NEAR(net.energy(x), 0.0, 1e-9);
}

TEST(HopfieldModern, OrthogonalPatternsMatchTheClosedFormUpdate) {
  const size_t n = 32, p = 6;
  const auto x = hadamard_rows(n, p);
  for (double beta : {0.01, 0.05, 0.2}) {
    ModernHopfield net(n, beta, x);
    std::vector<float> out(n);
    std::vector<double> att(p);
    std::span<const float> x0(x.data(), n);
    net.update(x0, out, att);
    // X^T x_0 = (n, 0, ..., 0): p_0 = 1 / (1 + (p - 1) e^{-beta n}), p_j = e^{-beta n} p_0.
    const double p0 = 1.0 / (1.0 + (p - 1) * std::exp(-beta * n)), pj = std::exp(-beta * n) * p0;
    EXPECT_NEAR(att[0], p0, 1e-12);
    for (size_t i = 0; i < n; ++i) {
      double want = p0 * x[i];
      for (size_t k = 1; k < p; ++k) want += pj * x[k * n + i];
      EXPECT_NEAR(out[i], want, 1e-5);
    }
  }
}

TEST(HopfieldModern, LargeBetaGivesTheNearestPatternSmallBetaTheMean) {
  const size_t n = 64, count = 40;
  const auto x = random_binary_patterns(n, count, 5);
  std::vector<float> mean(n, 0.0f);
  for (size_t k = 0; k < count; ++k)
    for (size_t i = 0; i < n; ++i) mean[i] += x[k * n + i] / float(count);
  for (uint64_t q = 0; q < 10; ++q) {
    auto xi = random_binary_patterns(n, 1, 1000 + q);  // an arbitrary query
    // The nearest pattern by dot product, found naively; skip near-ties.
    std::vector<double> dots(count);
    for (size_t k = 0; k < count; ++k)
      for (size_t i = 0; i < n; ++i) dots[k] += x[k * n + i] * xi[i];
    const size_t best = std::max_element(dots.begin(), dots.end()) - dots.begin();
    std::vector<double> sorted = dots;
    std::sort(sorted.rbegin(), sorted.rend());
    std::vector<float> out(n);
    std::vector<double> p(count);
    if (sorted[0] - sorted[1] >= 2.0) {
      ModernHopfield hard(n, 20.0, x);  // e^{-20 * 2} per competitor: far below float precision
      hard.update(xi, out, p);
      for (size_t i = 0; i < n; ++i) EXPECT_NEAR(out[i], x[best * n + i], 1e-5);
    }
    ModernHopfield soft(n, 1e-7, x);  // softmax -> uniform, xi_new -> mean of the patterns
    soft.update(xi, out, p);
    for (size_t i = 0; i < n; ++i) EXPECT_NEAR(out[i], mean[i], 1e-4);
  }
}

TEST(HopfieldModern, EnergyNeverIncreasesUnderTheUpdate) {
  const size_t n = 24, count = 30;
  const auto x = random_binary_patterns(n, count, 9);
  for (double beta : {0.01, 0.1, 0.3, 1.0, 5.0}) {
    ModernHopfield net(n, beta, x);
    std::vector<double> p(count);
    for (uint64_t q = 0; q < 5; ++q) {
      auto xi = random_binary_patterns(n, 1, 50 + q);
      for (auto& v : xi) v *= 0.7f;
      double e = net.energy(xi);
      for (int t = 0; t < 15; ++t) {
        net.update(xi, xi, p);
        const double e2 = net.energy(xi);
        EXPECT_LE(e2, e + 1e-6 * (1.0 + std::fabs(e))) << "beta " << beta << " step " << t;
        e = e2;
      }
    }
  }
}

TEST(HopfieldModern, ModernStoresTenTimesTheDimensionWhereClassicalFails) {
  // The paper's central claim at dim 64: one update retrieves (nearly) every one of 640 patterns from 20%
  // noise, while the classical network retrieves almost none above ~0.14 N.
  CapacityOptions o;
  o.dim = 64;
  o.counts = {640};
  o.noise = 0.2;
  o.kind = HopfieldKind::Modern;
  o.beta = 1.0;
  o.probes = 640;
  const auto m = run_capacity(o);
  EXPECT_GE(m[0].accuracy, 0.99);
  o.kind = HopfieldKind::Classical;
  o.counts = {32};
  o.steps = 100;
  const auto c = run_capacity(o);
  EXPECT_LT(c[0].accuracy, 0.2);
}

TEST(HopfieldModern, FixedPointKindsFollowBeta) {
  const auto rows = run_fixed_points(64, 32, {1e-4, 2.0}, 0.2, 32, 0, 1000);
  EXPECT_EQ(rows[0].global, 1.0);   // tiny beta: the global average
  EXPECT_LT(rows[0].mean_distance_to_mean, 1e-2);
  EXPECT_EQ(rows[1].single, 1.0);   // large beta: single patterns
}

TEST(HopfieldBadInput, LibraryRejectsBadPatternsAndBeta) {
  const auto x = random_binary_patterns(8, 2, 0);
  EXPECT_THROW(ModernHopfield(8, 0.0, x), UsageError);
  EXPECT_THROW(ModernHopfield(8, -1.0, x), UsageError);
  EXPECT_THROW(ModernHopfield(7, 1.0, x), UsageError);  // 16 values are not patterns of dimension 7
  EXPECT_THROW(ModernHopfield(8, 1.0, std::span<const float>{}), UsageError);
  ClassicalHopfield c(8);
  EXPECT_THROW(c.store(std::span<const float>{}), UsageError);
}

TEST(HopfieldCli, CapacityJsonAndBadInputExit2NamingTheOption) {
  const auto r = cli_test::run_cli({"memory", "hopfield", "--dim", "32", "--patterns", "2,64", "--kind", "modern", "--beta", "1", "--json"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["accuracy"].get<double>(), 1.0);
  const std::vector<std::pair<std::vector<std::string>, std::string>> bad = {
      {{"memory", "hopfield", "--beta", "0"}, "--beta"},
      {{"memory", "hopfield", "--beta", "-2"}, "--beta"},
      {{"memory", "hopfield", "--patterns", "0"}, "--patterns"},
      {{"memory", "hopfield", "--patterns", ""}, "--patterns"},
      {{"memory", "hopfield", "--kind", "binary"}, "--kind"},
      {{"memory", "hopfield", "--betas", "1,-1", "--patterns", "8"}, "--betas"},
  };
  for (const auto& [args, option] : bad) {
    const auto b = cli_test::run_cli(args);
    EXPECT_EQ(b.code, 2) << b.describe();
    EXPECT_TRUE(cli_test::one_line_naming(b.err, {option}));
  }
  cli_test::TempDir dir;
  cli_test::write_file(dir / "p.txt", "1,-1,1,1\n1,1,-1\n");
  const auto w = cli_test::run_cli({"memory", "hopfield", "--dim", "4", "--patterns", "1", "--load", dir / "p.txt"});
  EXPECT_EQ(w.code, 2) << w.describe();
  EXPECT_TRUE(cli_test::one_line_naming(w.err, {"--load", "wrong dimension"}));
  cli_test::write_file(dir / "e.txt", "\n");
  const auto e = cli_test::run_cli({"memory", "hopfield", "--dim", "4", "--patterns", "1", "--load", dir / "e.txt"});
  EXPECT_EQ(e.code, 2) << e.describe();
  EXPECT_TRUE(cli_test::one_line_naming(e.err, {"--load", "empty"}));
}
