// Tests of the deterministic sin/cos of the classic-control environments (envs/sincos.hpp), against the
// C library's sin and cos (an independent implementation: glibc's are correctly rounded in practice) and
// against the exact values at a few points. The largest difference in ulps over each range is printed
// (docs/benchmarks.md quotes it) and must stay within 2 ulps; Gymnasium's reference traces
// (tests/test_envs.cpp, tests/reference/classic_control_ref.py) allow 1e-6 relative on observations.
// V4d values only pass between always-inlined functions, so the AVX calling-convention note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numbers>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/sincos.hpp"

namespace neuroevo {
namespace {

// Distance in units in the last place between two finite doubles (ordered as integers).
int64_t ulps(double a, double b) {
  auto ordered = [](double v) {
    int64_t i;
    std::memcpy(&i, &v, sizeof i);
    return i < 0 ? std::numeric_limits<int64_t>::min() - i : i;
  };
  const int64_t d = ordered(a) - ordered(b);
  return d < 0 ? -d : d;
}

TEST(DetSinCos, WithinTwoUlpsOfLibmOverTheClassicControlRanges) {
  // Ranges: CartPole's pole angle (|theta| < 0.21 while running), Acrobot's joint angles and
  // MountainCar's 3 x position (a few pi), Pendulum's unwrapped angle, and the polynomial's whole range.
  for (const double range : {0.25, 4.0, 100.0, kSinCosMaxArg}) {
    Stream rng(static_cast<uint64_t>(range * 1000));
    int64_t worst_s = 0, worst_c = 0;
    for (int i = 0; i < 200000; ++i) {
      const double x = rng.uniform(-range, range);
      double s, c;
      det_sincos(x, s, c);
      worst_s = std::max(worst_s, ulps(s, std::sin(x)));
      worst_c = std::max(worst_c, ulps(c, std::cos(x)));
    }
    std::printf("det_sincos |x| <= %g: max %lld ulp (sin), %lld ulp (cos) from libm\n", range,
                static_cast<long long>(worst_s), static_cast<long long>(worst_c));
    EXPECT_LE(worst_s, 2) << "range " << range;
    EXPECT_LE(worst_c, 2) << "range " << range;
    if (range <= 4.0) {
      EXPECT_LE(worst_s, 1) << "range " << range;
      EXPECT_LE(worst_c, 1) << "range " << range;
    }
  }
}

TEST(DetSinCos, ExactValuesAndSymmetry) {
  double s, c;
  det_sincos(0.0, s, c);
  EXPECT_EQ(s, 0.0);
  EXPECT_EQ(c, 1.0);
  det_sincos(1e-300, s, c);  // sin x = x and cos x = 1 to double precision for tiny x
  EXPECT_EQ(s, 1e-300);
  EXPECT_EQ(c, 1.0);
  // Odd sine, even cosine: the reduction and the quadrant choice are symmetric.
  Stream rng(3);
  for (int i = 0; i < 10000; ++i) {
    const double x = rng.uniform(0.0, 50.0);
    double sn, cn;
    det_sincos(x, s, c);
    det_sincos(-x, sn, cn);
    EXPECT_EQ(sn, -s) << x;
    EXPECT_EQ(cn, c) << x;
  }
  // Quadrant boundaries: sin(pi/2) = 1, cos(pi) = -1, sin(3 pi / 2) = -1 to double precision.
  EXPECT_EQ(det_sin(std::numbers::pi / 2), 1.0);
  EXPECT_EQ(det_cos(std::numbers::pi), -1.0);
  EXPECT_EQ(det_sin(3 * std::numbers::pi / 2), -1.0);
}

TEST(DetSinCos, BeyondThePolynomialRangeAndNonFiniteAreLibm) {
  for (const double x : {2e5, -3.5e7, 1e300}) {
    EXPECT_EQ(det_sin(x), std::sin(x)) << x;
    EXPECT_EQ(det_cos(x), std::cos(x)) << x;
  }
  EXPECT_TRUE(std::isnan(det_sin(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(std::isnan(det_cos(std::numeric_limits<double>::infinity())));
}

// The vector form gives the scalar bits in every lane (the batched environments rely on it).
TEST(DetSinCos, VectorLanesEqualTheScalar) {
  using V4d = double __attribute__((vector_size(32)));
  Stream rng(5);
  for (int i = 0; i < 20000; ++i) {
    V4d x;
    for (int j = 0; j < 4; ++j) x[j] = rng.uniform(-20.0, 20.0);
    V4d s, c;
    sincos_poly(x, s, c);
    for (int j = 0; j < 4; ++j) {
      double ss, cs;
      det_sincos(x[j], ss, cs);
      EXPECT_EQ(ulps(s[j], ss), 0) << x[j];
      EXPECT_EQ(ulps(c[j], cs), 0) << x[j];
    }
  }
}

}  // namespace
}  // namespace neuroevo
