#include "neuroevo/core/symmetric_eigen.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "neuroevo/core/simd.hpp"

namespace neuroevo {

namespace {

// The hot loops are element-wise: see core/simd.hpp for why the AVX2 clones give the same bits.

// Reduces the symmetric matrix t (n x n, row-major, full storage, scaled to max |entry| = 1) to
// tridiagonal form T = Q^T A Q by n - 2 Householder reflections P_k = I - beta v v^T, each chosen to
// zero column k below the subdiagonal (Golub & Van Loan, Algorithm 8.3.1). Writes the diagonal to d,
// the subdiagonal to e (e[k] = T[k+1][k]) and Q^T to qt, with Q = P_0 P_1 ... P_{n-3} (kept transposed so
// that its columns are contiguous for the QR iteration's rotations).
NEUROEVO_SIMD_CLONES void tridiagonalize(size_t n, std::vector<double>& t, std::vector<double>& d, std::vector<double>& e,
                    std::vector<double>& qt) {
  auto at = [&](size_t r, size_t c) -> double& { return t[r * n + c]; };
  std::fill(qt.begin(), qt.end(), 0.0);
  for (size_t i = 0; i < n; ++i) qt[i * n + i] = 1.0;
  std::vector<double> v(n), p(n), s(n);
  for (size_t k = 0; k + 2 < n; ++k) {
    const size_t m = n - k - 1;  // length of x = t[k+1 .. n-1][k]
    const double x0 = at(k + 1, k);
    double tail = 0.0;
    for (size_t i = 1; i < m; ++i) tail += at(k + 1 + i, k) * at(k + 1 + i, k);
    if (tail == 0.0) continue;  // column already in tridiagonal form: P_k = I
    // P x = alpha e_1 with alpha = -sign(x0) ||x|| (the sign that avoids cancellation in v_0 = x0 - alpha).
    const double norm = std::sqrt(x0 * x0 + tail);
    const double alpha = x0 >= 0.0 ? -norm : norm;
    v[0] = x0 - alpha;
    for (size_t i = 1; i < m; ++i) v[i] = at(k + 1 + i, k);
    const double beta = 2.0 / (v[0] * v[0] + tail);
    // Two-sided update of the trailing block S = t[k+1.., k+1..]: with p = beta S v,
    // w = p - (beta p^T v / 2) v, S <- S - v w^T - w v^T.
    // p = S v accumulated row by row (S is symmetric, so sum_j S_ij v_j = sum_j S_ji v_j): element-wise
    // updates vectorise where a dot product would be one serial chain of additions.
    std::fill_n(p.begin(), m, 0.0);
    for (size_t j = 0; j < m; ++j) {
      const double* srow = &at(k + 1 + j, k + 1);
      const double vj = v[j];
      for (size_t i = 0; i < m; ++i) p[i] += srow[i] * vj;
    }
    for (size_t i = 0; i < m; ++i) p[i] *= beta;
    double pv = 0.0;
    for (size_t i = 0; i < m; ++i) pv += p[i] * v[i];
    const double kfac = 0.5 * beta * pv;
    for (size_t i = 0; i < m; ++i) p[i] -= kfac * v[i];  // p now holds w
    for (size_t i = 0; i < m; ++i)
      for (size_t j = 0; j < m; ++j) at(k + 1 + i, k + 1 + j) -= v[i] * p[j] + p[i] * v[j];
    at(k + 1, k) = alpha;
    at(k, k + 1) = alpha;
    for (size_t i = 1; i < m; ++i) at(k + 1 + i, k) = at(k, k + 1 + i) = 0.0;
    // Q <- Q P_k: only columns k+1 .. n-1 of Q change, i.e. rows k+1 .. n-1 of qt = Q^T:
    // s = beta Q[:, k+1..] v, then Q[:, k+1+j] -= v_j s.
    std::fill(s.begin(), s.end(), 0.0);
    for (size_t j = 0; j < m; ++j) {
      const double* col = &qt[(k + 1 + j) * n];
      const double vj = v[j];
      for (size_t r = 0; r < n; ++r) s[r] += col[r] * vj;
    }
    for (size_t r = 0; r < n; ++r) s[r] *= beta;
    for (size_t j = 0; j < m; ++j) {
      double* col = &qt[(k + 1 + j) * n];
      const double vj = v[j];
      for (size_t r = 0; r < n; ++r) col[r] -= vj * s[r];
    }
  }
  for (size_t i = 0; i < n; ++i) d[i] = at(i, i);
  for (size_t i = 0; i + 1 < n; ++i) e[i] = at(i + 1, i);
}

// One implicit symmetric QR step with a Wilkinson shift on the unreduced block lo..hi of the
// tridiagonal (d, e) (Golub & Van Loan, Algorithm 8.3.2): the first Givens rotation is that of
// T - mu I, the others chase the bulge down the band. Rotations are accumulated into the rows of qt
// (Q transposed).
NEUROEVO_SIMD_CLONES void qr_step(size_t n, size_t lo, size_t hi, std::vector<double>& d, std::vector<double>& e, std::vector<double>& qt) {
  const double delta = 0.5 * (d[hi - 1] - d[hi]);
  const double b = e[hi - 1];
  const double root = std::hypot(delta, b);
  const double mu = d[hi] - b * b / (delta + (delta >= 0.0 ? root : -root));
  double x = d[lo] - mu;
  double z = e[lo];
  for (size_t k = lo; k < hi; ++k) {
    // Rotation R = [c s; -s c] on coordinates (k, k+1) with R (x, z)^T = (r, 0)^T.
    // No overflow guard (hypot) needed: the matrix was scaled to max |entry| = 1, so x and z stay O(n).
    const double r = std::sqrt(x * x + z * z);
    const double c = r == 0.0 ? 1.0 : x / r;
    const double s = r == 0.0 ? 0.0 : z / r;
    if (k > lo) e[k - 1] = r;  // the bulge at (k+1, k-1) is annihilated into the subdiagonal
    const double a = d[k], bb = e[k], f = d[k + 1];
    d[k] = c * c * a + 2.0 * c * s * bb + s * s * f;
    d[k + 1] = s * s * a - 2.0 * c * s * bb + c * c * f;
    e[k] = c * s * (f - a) + (c * c - s * s) * bb;
    if (k + 1 < hi) {
      x = e[k];
      z = s * e[k + 1];  // new bulge at (k+2, k)
      e[k + 1] *= c;
    }
    // T' = R T R^T, so A = Q T Q^T = (Q R^T) T' (Q R^T)^T. qt holds Q transposed, so the two columns
    // k, k+1 of Q are contiguous rows here (the loop vectorises; this is most of the solver's time).
    double* qk = &qt[k * n];
    double* qk1 = &qt[(k + 1) * n];
    for (size_t r = 0; r < n; ++r) {
      const double u = qk[r], v = qk1[r];
      qk[r] = c * u + s * v;
      qk1[r] = -s * u + c * v;
    }
  }
}

}  // namespace

bool symmetric_eigen(size_t n, std::span<const double> a, std::span<double> w, std::span<double> v) {
  if (a.size() != n * n || w.size() != n || v.size() != n * n)
    throw std::invalid_argument("symmetric_eigen: wrong sizes");
  if (n == 0) return true;
  // Symmetrise from the lower triangle and scale to max |entry| = 1 (keeps the squares in the
  // Householder norms far from overflow and underflow); the eigenvalues are scaled back at the end.
  double scale = 0.0;
  for (size_t r = 0; r < n; ++r)
    for (size_t c = 0; c <= r; ++c) {
      const double x = a[r * n + c];
      if (!std::isfinite(x)) return false;
      scale = std::max(scale, std::fabs(x));
    }
  std::vector<double> t(n * n), qt(n * n), d(n), e(n > 1 ? n - 1 : 0);
  if (scale == 0.0) {
    std::fill(w.begin(), w.end(), 0.0);
    std::fill(v.begin(), v.end(), 0.0);
    for (size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
    return true;
  }
  for (size_t r = 0; r < n; ++r)
    for (size_t c = 0; c <= r; ++c) t[r * n + c] = t[c * n + r] = a[r * n + c] / scale;
  tridiagonalize(n, t, d, e, qt);

  // Deflate from the bottom: an off-diagonal entry is zero once it is negligible next to its two
  // diagonal neighbours; each sweep works on the lowest unreduced block.
  auto negligible = [&](size_t k) {
    return std::fabs(e[k]) <= DBL_EPSILON * (std::fabs(d[k]) + std::fabs(d[k + 1])) || std::fabs(e[k]) < DBL_MIN;
  };
  bool converged = true;
  size_t sweeps = 0;
  for (size_t hi = n - 1; hi > 0;) {
    if (negligible(hi - 1)) {
      e[hi - 1] = 0.0;
      --hi;
      continue;
    }
    size_t lo = hi - 1;
    while (lo > 0 && !negligible(lo - 1)) --lo;
    if (lo > 0) e[lo - 1] = 0.0;
    if (++sweeps > 30 * n) {
      converged = false;
      break;
    }
    qr_step(n, lo, hi, d, e, qt);
  }

  // Ascending eigenvalues; ties keep their index order (a stable sort: deterministic).
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t i, size_t j) { return d[i] < d[j]; });
  for (size_t k = 0; k < n; ++k) {
    w[k] = d[order[k]] * scale;
    const double* col = &qt[order[k] * n];
    for (size_t r = 0; r < n; ++r) v[r * n + k] = col[r];
  }
  return converged;
}

}  // namespace neuroevo
