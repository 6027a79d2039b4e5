// Deterministic sin and cos in double precision for the classic-control environments: one polynomial with
// its own range reduction, written once as a template over the scalar `double` and GCC vectors of doubles,
// so the scalar environments and the batched (lockstep, SIMD across lanes) environments compute every lane
// with the same IEEE operations in the same order, hence the same bits at any vector width. libm's sin/cos
// differ between libm versions and cannot be called on a vector.
//
// Method (Cody & Waite 1980 reduction; the kernel coefficients are the published minimax fits of fdlibm's
// __kernel_sin/__kernel_cos, Sun Microsystems 1993, also in musl and openlibm):
//   k = round(x * 2/pi) (by adding and subtracting 1.5 * 2^52, round-to-nearest-even),
//   r = ((x - k P1) - k P2) - k P2T with pi/2 = P1 + P2 + P2T, P1 and P2 holding 33 bits each, so k P1 and
//       k P2 are exact for |k| < 2^20 and x - k P1 is exact (Sterbenz);
//   sin r = r + r z (S1 + z (S2 + ... + z S6)), z = r^2;
//   cos r = w + (((1 - w) - z/2) + z^2 (C1 + z (C2 + ... + z C6))), w = 1 - z/2;
//   then the quadrant k mod 4 swaps and negates them.
// Valid for |x| <= kSinCosMaxArg; beyond it (and for NaN or infinity) det_sincos() falls back to libm.
// Accuracy against libm (tests/test_sincos.cpp): at most 1 ulp apart on the arguments classic control uses.
// The build has -ffp-contract=off: no multiply-add is fused, so the polynomial is the same everywhere.
#pragma once
#include <cmath>

namespace neuroevo {

inline constexpr double kSinCosMaxArg = 1.0e5;  // |k| <= 63,662: k P1 and k P2 stay exact

namespace sincos_detail {
inline constexpr double kTwoOverPi = 6.36619772367581382433e-01;
inline constexpr double kP1 = 1.57079632673412561417e+00;   // first 33 bits of pi/2
inline constexpr double kP2 = 6.07710050630396597660e-11;   // next 33 bits
inline constexpr double kP2T = 2.02226624879595063154e-21;  // pi/2 - P1 - P2
inline constexpr double kRound = 6755399441055744.0;        // 1.5 * 2^52: x + kRound - kRound rounds x to an integer
inline constexpr double S1 = -1.66666666666666324348e-01, S2 = 8.33333333332248946124e-03,
                        S3 = -1.98412698298579493134e-04, S4 = 2.75573137070700676789e-06,
                        S5 = -2.50507602534068634195e-08, S6 = 1.58969099521155010221e-10;
inline constexpr double C1 = 4.16666666666666019037e-02, C2 = -1.38888888888741095749e-03,
                        C3 = 2.48015872894767294178e-05, C4 = -2.75573143513906633035e-07,
                        C5 = 2.08757232129817482790e-09, C6 = -1.13596475577881948265e-11;
}  // namespace sincos_detail

// sin and cos of every element of x (T: double or a GCC vector of doubles), |x| <= kSinCosMaxArg.
template <class T>
[[gnu::always_inline]] inline void sincos_poly(T x, T& s, T& c) {
  using namespace sincos_detail;
  const T k = (x * kTwoOverPi + kRound) - kRound;
  const T r = ((x - k * kP1) - k * kP2) - k * kP2T;
  const T z = r * r;
  const T ps = S1 + z * (S2 + z * (S3 + z * (S4 + z * (S5 + z * S6))));
  const T sr = r + (r * z) * ps;
  const T pc = C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6))));
  const T hz = 0.5 * z;
  const T w = 1.0 - hz;
  const T cr = w + (((1.0 - w) - hz) + (z * z) * pc);
  // q = k mod 4 in {-2, -1, 0, 1, 2} (-1 is quadrant 3, +-2 quadrant 2).
  const T q = k - 4.0 * ((k * 0.25 + kRound) - kRound);
  const T aq = q < 0.0 ? -q : q;
  const T sw_s = aq == 1.0 ? cr : sr;  // quadrants 1 and 3 swap sin and cos
  const T sw_c = aq == 1.0 ? sr : cr;
  s = (q < 0.0 || q > 1.5) ? -sw_s : sw_s;   // sin: +s, +c, -s, -c in quadrants 0..3
  c = (q > 0.5 || q < -1.5) ? -sw_c : sw_c;  // cos: +c, -s, -c, +s
}

// The scalar form: the polynomial within its range, libm beyond it.
inline void det_sincos(double x, double& s, double& c) {
  if (std::abs(x) <= kSinCosMaxArg) {
    sincos_poly(x, s, c);
  } else {
    s = std::sin(x);
    c = std::cos(x);
  }
}
inline double det_sin(double x) {
  double s, c;
  det_sincos(x, s, c);
  return s;
}
inline double det_cos(double x) {
  double s, c;
  det_sincos(x, s, c);
  return c;
}

}  // namespace neuroevo
