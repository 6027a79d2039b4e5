// Closed-form ridge regression readout and the Cholesky solver it uses.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "neuroevo/snn/lsm.hpp"

namespace neuroevo::snn {

void cholesky_solve(std::vector<double>& a, size_t n, std::vector<double>& b, size_t m) {
  // A = L L^T, L stored in the lower triangle of a (row-major).
  for (size_t j = 0; j < n; ++j) {
    double* rj = &a[j * n];
    double d = rj[j];
    for (size_t k = 0; k < j; ++k) d -= rj[k] * rj[k];
    if (!(d > 0.0)) throw std::runtime_error("cholesky_solve: matrix is not positive definite");
    const double l = std::sqrt(d);
    rj[j] = l;
    for (size_t i = j + 1; i < n; ++i) {
      double* ri = &a[i * n];
      double s = ri[j];
      for (size_t k = 0; k < j; ++k) s -= ri[k] * rj[k];
      ri[j] = s / l;
    }
  }
  cholesky_substitute(a, n, b, m);
}

// Forward (L y = b) then backward (L^T x = y) substitution, column block of b at once.
void cholesky_substitute(const std::vector<double>& a, size_t n, std::vector<double>& b, size_t m) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < i; ++k)
      for (size_t c = 0; c < m; ++c) b[i * m + c] -= a[i * n + k] * b[k * m + c];
    for (size_t c = 0; c < m; ++c) b[i * m + c] /= a[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    for (size_t k = i + 1; k < n; ++k)
      for (size_t c = 0; c < m; ++c) b[i * m + c] -= a[k * n + i] * b[k * m + c];
    for (size_t c = 0; c < m; ++c) b[i * m + c] /= a[i * n + i];
  }
}

void RidgeReadout::fit(const std::vector<std::vector<float>>& x, const std::vector<int>& labels, int classes,
                       double lambda) {
  if (x.empty()) throw std::invalid_argument("RidgeReadout::fit: no samples");
  d_ = x[0].size();
  classes_ = classes;
  const size_t n = x.size(), d1 = d_ + 1;
  mean_.assign(d_, 0.0);
  inv_std_.assign(d_, 0.0);
  for (const auto& r : x)
    for (size_t f = 0; f < d_; ++f) mean_[f] += r[f];
  for (auto& m : mean_) m /= static_cast<double>(n);
  for (const auto& r : x)
    for (size_t f = 0; f < d_; ++f) inv_std_[f] += (r[f] - mean_[f]) * (r[f] - mean_[f]);
  for (auto& s : inv_std_) s = s > 0.0 ? 1.0 / std::sqrt(s / static_cast<double>(n)) : 0.0;
  // Normal equations on z = [(x - mean) / std, 1]: G = Z^T Z + lambda I (bias not penalised), B = Z^T Y.
  std::vector<double> g(d1 * d1, 0.0), b(d1 * static_cast<size_t>(classes), 0.0), z(d1);
  for (size_t s = 0; s < n; ++s) {
    for (size_t f = 0; f < d_; ++f) z[f] = (x[s][f] - mean_[f]) * inv_std_[f];
    z[d_] = 1.0;
    for (size_t i = 0; i < d1; ++i) {
      const double zi = z[i];
      if (zi == 0.0) continue;
      double* gi = &g[i * d1];
      for (size_t j = 0; j <= i; ++j) gi[j] += zi * z[j];
      b[i * classes + labels[s]] += zi;
    }
  }
  for (size_t i = 0; i < d1; ++i)
    for (size_t j = 0; j < i; ++j) g[j * d1 + i] = g[i * d1 + j];
  for (size_t i = 0; i < d_; ++i) g[i * d1 + i] += lambda;
  // A constant feature (std 0) gives an empty row; a tiny ridge on the bias keeps G definite.
  g[d_ * d1 + d_] += 1e-9;
  cholesky_solve(g, d1, b, static_cast<size_t>(classes));
  w_ = std::move(b);
}

int RidgeReadout::predict(const std::vector<float>& x) const {
  int best = 0;
  double best_score = -1e300;
  for (int c = 0; c < classes_; ++c) {
    double s = w_[d_ * classes_ + c];
    for (size_t f = 0; f < d_; ++f) s += (x[f] - mean_[f]) * inv_std_[f] * w_[f * classes_ + c];
    if (s > best_score) {
      best_score = s;
      best = c;
    }
  }
  return best;
}

}  // namespace neuroevo::snn
