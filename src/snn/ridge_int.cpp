// Ridge readout on integer features with an exact Gram matrix: see include/neuroevo/snn/lsm_paper.hpp.
#include <algorithm>
#include <barrier>
#include <cmath>
#include <stdexcept>
#include <thread>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define NEUROEVO_RIDGE_AVX2 1
#endif

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

// The trailing-update product of the blocked Cholesky: four fixed lanes (vectorisable, order fixed),
// the remainder into lane 0.
double trailing_dot(const double* pi, const double* pj, size_t w) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  size_t k = 0;
  for (; k + 4 <= w; k += 4) {
    s0 += pi[k] * pj[k];
    s1 += pi[k + 1] * pj[k + 1];
    s2 += pi[k + 2] * pj[k + 2];
    s3 += pi[k + 3] * pj[k + 3];
  }
  for (; k < w; ++k) s0 += pi[k] * pj[k];
  return (s0 + s1) + (s2 + s3);
}

// trailing_dot for rows (p, q) x columns (u, v) at once: out_p[0..1] -= p.u, p.v; out_q[0..1] -= q.u, q.v,
// each with exactly trailing_dot's operations and order.
void update_2x2(const double* p, const double* q, const double* u, const double* v, size_t w, double* out_p, double* out_q) {
  double pu[4] = {}, pv[4] = {}, qu[4] = {}, qv[4] = {};
  size_t k = 0;
#if defined(NEUROEVO_RIDGE_AVX2)
  // Lanes (0, 1) and (2, 3) in one register each; _mm_mul_pd / _mm_add_pd round exactly as the scalar
  // operations, so this is the same arithmetic as the portable loop below.
  __m128d pu01 = _mm_setzero_pd(), pu23 = pu01, pv01 = pu01, pv23 = pu01, qu01 = pu01, qu23 = pu01, qv01 = pu01, qv23 = pu01;
  for (; k + 4 <= w; k += 4) {
    const __m128d p01 = _mm_loadu_pd(p + k), p23 = _mm_loadu_pd(p + k + 2), q01 = _mm_loadu_pd(q + k), q23 = _mm_loadu_pd(q + k + 2);
    const __m128d u01 = _mm_loadu_pd(u + k), u23 = _mm_loadu_pd(u + k + 2), v01 = _mm_loadu_pd(v + k), v23 = _mm_loadu_pd(v + k + 2);
    pu01 = _mm_add_pd(pu01, _mm_mul_pd(p01, u01));
    pu23 = _mm_add_pd(pu23, _mm_mul_pd(p23, u23));
    pv01 = _mm_add_pd(pv01, _mm_mul_pd(p01, v01));
    pv23 = _mm_add_pd(pv23, _mm_mul_pd(p23, v23));
    qu01 = _mm_add_pd(qu01, _mm_mul_pd(q01, u01));
    qu23 = _mm_add_pd(qu23, _mm_mul_pd(q23, u23));
    qv01 = _mm_add_pd(qv01, _mm_mul_pd(q01, v01));
    qv23 = _mm_add_pd(qv23, _mm_mul_pd(q23, v23));
  }
  _mm_storeu_pd(pu, pu01);
  _mm_storeu_pd(pu + 2, pu23);
  _mm_storeu_pd(pv, pv01);
  _mm_storeu_pd(pv + 2, pv23);
  _mm_storeu_pd(qu, qu01);
  _mm_storeu_pd(qu + 2, qu23);
  _mm_storeu_pd(qv, qv01);
  _mm_storeu_pd(qv + 2, qv23);
#else
  for (; k + 4 <= w; k += 4)
    for (size_t l = 0; l < 4; ++l) {
      pu[l] += p[k + l] * u[k + l];
      pv[l] += p[k + l] * v[k + l];
      qu[l] += q[k + l] * u[k + l];
      qv[l] += q[k + l] * v[k + l];
    }
#endif
  for (; k < w; ++k) {
    pu[0] += p[k] * u[k];
    pv[0] += p[k] * v[k];
    qu[0] += q[k] * u[k];
    qv[0] += q[k] * v[k];
  }
  out_p[0] -= (pu[0] + pu[1]) + (pu[2] + pu[3]);
  out_p[1] -= (pv[0] + pv[1]) + (pv[2] + pv[3]);
  out_q[0] -= (qu[0] + qu[1]) + (qu[2] + qu[3]);
  out_q[1] -= (qv[0] + qv[1]) + (qv[2] + qv[3]);
}

#if defined(NEUROEVO_RIDGE_AVX2)
// Byte dot products of features (a0, a1) x (b0, b1) over n samples, out = {a0.b0, a0.b1, a1.b0, a1.b1}:
// bytes widened to 16 bits, pairs multiplied and summed into 32-bit lanes (_mm256_madd_epi16; a lane
// gathers at most 2 x 255 x 255 per 16 samples, so a chunk of 32,768 samples cannot overflow).
__attribute__((target("avx2"))) void dot_u8_2x2_avx2(const uint8_t* a0, const uint8_t* a1, const uint8_t* b0, const uint8_t* b1,
                                                     size_t n, int64_t out[4]) {
  __m256i s00 = _mm256_setzero_si256(), s01 = s00, s10 = s00, s11 = s00;
  size_t k = 0;
  for (; k + 16 <= n; k += 16) {
    const __m256i x0 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a0 + k)));
    const __m256i x1 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a1 + k)));
    const __m256i y0 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b0 + k)));
    const __m256i y1 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b1 + k)));
    s00 = _mm256_add_epi32(s00, _mm256_madd_epi16(x0, y0));
    s01 = _mm256_add_epi32(s01, _mm256_madd_epi16(x0, y1));
    s10 = _mm256_add_epi32(s10, _mm256_madd_epi16(x1, y0));
    s11 = _mm256_add_epi32(s11, _mm256_madd_epi16(x1, y1));
  }
  alignas(32) int32_t l[4][8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(l[0]), s00);
  _mm256_store_si256(reinterpret_cast<__m256i*>(l[1]), s01);
  _mm256_store_si256(reinterpret_cast<__m256i*>(l[2]), s10);
  _mm256_store_si256(reinterpret_cast<__m256i*>(l[3]), s11);
  for (int q = 0; q < 4; ++q) {
    out[q] = 0;
    for (int e = 0; e < 8; ++e) out[q] += l[q][e];
  }
  for (; k < n; ++k) {
    out[0] += a0[k] * b0[k];
    out[1] += a0[k] * b1[k];
    out[2] += a1[k] * b0[k];
    out[3] += a1[k] * b1[k];
  }
}

// update_2x2 with the four lanes in one 256-bit register; _mm256_mul_pd / _mm256_add_pd (no fused
// multiply-add) round exactly as the scalar operations, so the result is bit-identical to update_2x2.
// Chosen at run time when the processor has AVX2.
__attribute__((target("avx2"))) void update_2x2_avx2(const double* p, const double* q, const double* u, const double* v,
                                                     size_t w, double* out_p, double* out_q) {
  __m256d pu = _mm256_setzero_pd(), pv = pu, qu = pu, qv = pu;
  size_t k = 0;
  for (; k + 4 <= w; k += 4) {
    const __m256d pk = _mm256_loadu_pd(p + k), qk = _mm256_loadu_pd(q + k), uk = _mm256_loadu_pd(u + k), vk = _mm256_loadu_pd(v + k);
    pu = _mm256_add_pd(pu, _mm256_mul_pd(pk, uk));
    pv = _mm256_add_pd(pv, _mm256_mul_pd(pk, vk));
    qu = _mm256_add_pd(qu, _mm256_mul_pd(qk, uk));
    qv = _mm256_add_pd(qv, _mm256_mul_pd(qk, vk));
  }
  alignas(32) double l[4][4];
  _mm256_store_pd(l[0], pu);
  _mm256_store_pd(l[1], pv);
  _mm256_store_pd(l[2], qu);
  _mm256_store_pd(l[3], qv);
  for (; k < w; ++k) {
    l[0][0] += p[k] * u[k];
    l[1][0] += p[k] * v[k];
    l[2][0] += q[k] * u[k];
    l[3][0] += q[k] * v[k];
  }
  out_p[0] -= (l[0][0] + l[0][1]) + (l[0][2] + l[0][3]);
  out_p[1] -= (l[1][0] + l[1][1]) + (l[1][2] + l[1][3]);
  out_q[0] -= (l[2][0] + l[2][1]) + (l[2][2] + l[2][3]);
  out_q[1] -= (l[3][0] + l[3][1]) + (l[3][2] + l[3][3]);
}
#endif

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
#if defined(NEUROEVO_RIDGE_AVX2)
  const bool avx2 = __builtin_cpu_supports("avx2");
#endif
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
#if defined(NEUROEVO_RIDGE_AVX2)
        if (avx2) {
          // Two features against two at a time (exact integers, so the blocking changes nothing).
          size_t a = a0;
          for (; a + 2 <= a1; a += 2) {
            size_t b = b0;
            for (; b + 2 <= std::min(b1, a + 2); b += 2) {
              int64_t out[4];
              dot_u8_2x2_avx2(&xt[a * n_ + s0], &xt[(a + 1) * n_ + s0], &xt[b * n_ + s0], &xt[(b + 1) * n_ + s0], len, out);
              g_[a * d + b] += static_cast<double>(out[0]);
              if (b + 1 <= a) g_[a * d + b + 1] += static_cast<double>(out[1]);
              g_[(a + 1) * d + b] += static_cast<double>(out[2]);
              g_[(a + 1) * d + b + 1] += static_cast<double>(out[3]);
            }
            for (; b < std::min(b1, a + 2); ++b) {
              if (b <= a) g_[a * d + b] += dot_u8(&xt[a * n_ + s0], &xt[b * n_ + s0], len);
              g_[(a + 1) * d + b] += dot_u8(&xt[(a + 1) * n_ + s0], &xt[b * n_ + s0], len);
            }
          }
          for (; a < a1; ++a)
            for (size_t b = b0; b < std::min(b1, a + 1); ++b) g_[a * d + b] += dot_u8(&xt[a * n_ + s0], &xt[b * n_ + s0], len);
          continue;
        }
#endif
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
      // Blocked like a matrix product: the panel rows of a block of kColBlock columns j stay in cache
      // while this thread's rows i pass over them, two rows (i, i + nt) and two columns (j, j + 1) at a
      // time so that each load serves two products. Every entry is still one trailing_dot, same lanes,
      // same order, so the blocking does not change a single bit of the result.
      constexpr size_t kColBlock = 48;
#if defined(NEUROEVO_RIDGE_AVX2)
      const auto kernel = __builtin_cpu_supports("avx2") ? update_2x2_avx2 : update_2x2;
#else
      const auto kernel = update_2x2;
#endif
      for (size_t j0 = ke; j0 < d; j0 += kColBlock) {
        const size_t j1 = std::min(d, j0 + kColBlock);
        // This thread's first row at or after j0 (rows ke + tt, ke + tt + nt, ...).
        size_t i = ke + tt;
        if (i < j0) i += (j0 - i + nt - 1) / nt * nt;
        for (; i < d; i += 2 * nt) {
          double* ri = &a[i * d];
          const bool two = i + nt < d;
          double* ri2 = two ? &a[(i + nt) * d] : nullptr;
          const size_t jend = std::min(j1, i + 1);  // row i needs j <= i; row i + nt covers j <= i too
          size_t j = j0;
          if (two)
            for (; j + 2 <= jend; j += 2)
              kernel(ri + kb, ri2 + kb, &a[j * d + kb], &a[(j + 1) * d + kb], w, ri + j, ri2 + j);
          for (; j < jend; ++j) {
            const double* pj = &a[j * d + kb];
            ri[j] -= trailing_dot(ri + kb, pj, w);
            if (two) ri2[j] -= trailing_dot(ri2 + kb, pj, w);
          }
          if (two)
            for (j = std::max(jend, j0); j < std::min(j1, i + nt + 1); ++j) ri2[j] -= trailing_dot(ri2 + kb, &a[j * d + kb], w);
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
