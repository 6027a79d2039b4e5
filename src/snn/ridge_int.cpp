// Ridge readout on integer features with an exact Gram matrix: see include/neuroevo/snn/lsm_paper.hpp.
#include <algorithm>
#include <barrier>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "neuroevo/snn/lsm.hpp"
#include "neuroevo/snn/lsm_paper.hpp"

namespace neuroevo::snn {

namespace {

// Bytes times bytes summed in 32-bit integers (a chunk of at most 32,768 terms cannot overflow).
int32_t dot_u8(const uint8_t* a, const uint8_t* b, size_t n) {
  int32_t s = 0;
  for (size_t k = 0; k < n; ++k) s += static_cast<int32_t>(a[k]) * static_cast<int32_t>(b[k]);
  return s;
}

template <class F>
void parallel(int threads, F&& f) {
  std::vector<std::jthread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(f, t);
  f(0);
}

}  // namespace

void IntRidge::gram(const std::vector<uint8_t>& x, size_t d, std::span<const size_t> rows, const std::vector<int>& labels,
                    int classes, int threads) {
  if (rows.empty() || d == 0) throw std::invalid_argument("IntRidge::gram: no samples or no features");
  d_ = d;
  n_ = rows.size();
  classes_ = classes;
  threads = std::max(threads, 1);
  // Feature-major copy of the chosen samples, so that every Gram entry is a contiguous dot product.
  std::vector<uint8_t> xt(d * n_);
  for (size_t s = 0; s < n_; ++s) {
    const uint8_t* r = x.data() + rows[s] * d;
    for (size_t a = 0; a < d; ++a) xt[a * n_ + s] = r[a];
  }
  g_.assign(d * d, 0.0);
  xy_.assign(d * static_cast<size_t>(classes), 0.0);
  ybar_.assign(static_cast<size_t>(classes), 0.0);
  for (size_t s = 0; s < n_; ++s) ybar_[static_cast<size_t>(labels[rows[s]])] += 1.0 / static_cast<double>(n_);
  std::vector<uint8_t> nonzero(d, 0);
  for (size_t a = 0; a < d; ++a) {
    const uint8_t* xa = &xt[a * n_];
    for (size_t s = 0; s < n_; ++s) {
      xy_[a * static_cast<size_t>(classes) + static_cast<size_t>(labels[rows[s]])] += xa[s];
      nonzero[a] |= xa[s] != 0;
    }
  }
  constexpr size_t kTile = 64, kChunk = 4096;
  const size_t nb = (d + kTile - 1) / kTile;
  std::vector<std::pair<size_t, size_t>> tiles;
  for (size_t ta = 0; ta < nb; ++ta)
    for (size_t tb = 0; tb <= ta; ++tb) tiles.emplace_back(ta, tb);
  parallel(threads, [&](int t) {
    for (size_t k = static_cast<size_t>(t); k < tiles.size(); k += static_cast<size_t>(threads)) {
      const auto [ta, tb] = tiles[k];
      const size_t a0 = ta * kTile, a1 = std::min(d, a0 + kTile), b0 = tb * kTile, b1 = std::min(d, b0 + kTile);
      for (size_t s0 = 0; s0 < n_; s0 += kChunk) {
        const size_t len = std::min(kChunk, n_ - s0);
        for (size_t a = a0; a < a1; ++a) {
          if (!nonzero[a]) continue;
          for (size_t b = b0; b < std::min(b1, a + 1); ++b) {
            if (!nonzero[b]) continue;
            g_[a * d + b] += dot_u8(&xt[a * n_ + s0], &xt[b * n_ + s0], len);
          }
        }
      }
    }
  });
  mean_.assign(d, 0.0);
  inv_std_.assign(d, 0.0);
  for (size_t a = 0; a < d; ++a) {
    double sum = 0.0;
    for (size_t c = 0; c < static_cast<size_t>(classes); ++c) sum += xy_[a * static_cast<size_t>(classes) + c];
    mean_[a] = sum / static_cast<double>(n_);
    const double var = g_[a * d + a] / static_cast<double>(n_) - mean_[a] * mean_[a];
    inv_std_[a] = var > 1e-12 ? 1.0 / std::sqrt(var) : 0.0;
  }
}

void IntRidge::solve(double lambda, int threads) {
  const size_t d = d_, m = static_cast<size_t>(classes_);
  const double n = static_cast<double>(n_);
  threads = std::max(threads, 1);
  // A = Z^T Z + lambda I and B = Z^T (Y - ybar) for the standardised, centred features z.
  std::vector<double> a(d * d, 0.0);
  for (size_t i = 0; i < d; ++i) {
    for (size_t j = 0; j <= i; ++j) a[i * d + j] = (g_[i * d + j] - n * mean_[i] * mean_[j]) * inv_std_[i] * inv_std_[j];
    a[i * d + i] += lambda;
  }
  w_.assign(d * m, 0.0);
  for (size_t i = 0; i < d; ++i)
    for (size_t c = 0; c < m; ++c) w_[i * m + c] = (xy_[i * m + c] - n * mean_[i] * ybar_[c]) * inv_std_[i];
  // Cholesky A = L L^T (lower triangle, row-major), right-looking by panels of kPanel columns: factor
  // the diagonal block, solve the panel below it, then subtract the panel's rank-kPanel product from the
  // trailing lower triangle. Rows are split over the threads; each entry is updated by one thread in a
  // fixed order, so the result does not depend on the thread count.
  constexpr size_t kPanel = 64;
  std::barrier sync(threads);
  parallel(threads, [&](int t) {
    const size_t tt = static_cast<size_t>(t), nt = static_cast<size_t>(threads);
    for (size_t kb = 0; kb < d; kb += kPanel) {
      const size_t ke = std::min(d, kb + kPanel);
      if (t == 0)
        for (size_t j = kb; j < ke; ++j) {
          double* rj = &a[j * d];
          double s = rj[j];
          for (size_t k = kb; k < j; ++k) s -= rj[k] * rj[k];
          if (!(s > 0.0)) s = 1e-300;  // cannot happen with lambda > 0
          rj[j] = std::sqrt(s);
          for (size_t i = j + 1; i < ke; ++i) {
            double* ri = &a[i * d];
            double v = ri[j];
            for (size_t k = kb; k < j; ++k) v -= ri[k] * rj[k];
            ri[j] = v / rj[j];
          }
        }
      sync.arrive_and_wait();
      for (size_t i = ke + tt; i < d; i += nt) {
        double* ri = &a[i * d];
        for (size_t j = kb; j < ke; ++j) {
          const double* rj = &a[j * d];
          double v = ri[j];
          for (size_t k = kb; k < j; ++k) v -= ri[k] * rj[k];
          ri[j] = v / rj[j];
        }
      }
      sync.arrive_and_wait();
      const size_t w = ke - kb;
      for (size_t i = ke + tt; i < d; i += nt) {
        double* ri = &a[i * d];
        const double* pi = ri + kb;
        for (size_t j = ke; j <= i; ++j) {
          const double* pj = &a[j * d + kb];
          double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;  // four fixed lanes: vectorisable, order fixed
          size_t k = 0;
          for (; k + 4 <= w; k += 4) {
            s0 += pi[k] * pj[k];
            s1 += pi[k + 1] * pj[k + 1];
            s2 += pi[k + 2] * pj[k + 2];
            s3 += pi[k + 3] * pj[k + 3];
          }
          for (; k < w; ++k) s0 += pi[k] * pj[k];
          ri[j] -= (s0 + s1) + (s2 + s3);
        }
      }
      sync.arrive_and_wait();
    }
  });
  cholesky_substitute(a, d, w_, m);
}

std::vector<double> IntRidge::scores(const uint8_t* row) const {
  const size_t m = static_cast<size_t>(classes_);
  std::vector<double> score(ybar_);
  for (size_t a = 0; a < d_; ++a) {
    if (inv_std_[a] == 0.0) continue;
    const double z = (row[a] - mean_[a]) * inv_std_[a];
    for (size_t c = 0; c < m; ++c) score[c] += z * w_[a * m + c];
  }
  return score;
}

int IntRidge::predict(const uint8_t* row) const {
  const std::vector<double> score = scores(row);
  return static_cast<int>(std::max_element(score.begin(), score.end()) - score.begin());
}

double IntRidge::accuracy(const std::vector<uint8_t>& x, std::span<const size_t> rows, const std::vector<int>& labels) const {
  if (rows.empty()) return 0.0;
  size_t ok = 0;
  for (size_t r : rows) ok += predict(x.data() + r * d_) == labels[r];
  return static_cast<double>(ok) / static_cast<double>(rows.size());
}

}  // namespace neuroevo::snn
