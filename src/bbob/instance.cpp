// BBOB instance generation: the 2009 uniform and Gaussian generators, rotations, xopt and fopt
// (definitions document RR-6829 section 0.2 and its legacy C code, kept by COCO in
// code-experiments/src/suite_bbob_legacy_code.c).
#include <cmath>
#include <cstdint>

#include "neuroevo/bbob/bbob.hpp"
#include "problem_data.hpp"

namespace neuroevo::bbob {

namespace {

// One step of the Park-Miller minimal standard generator, x <- 16807 x mod (2^31 - 1), with Schrage's
// factorisation 2^31 - 1 = 16807 * 127773 + 2836 so nothing overflows.
inline int64_t park_miller(int64_t s) {
  const int64_t hi = s / 127773;
  s = 16807 * (s - hi * 127773) - 2836 * hi;
  if (s < 0) s += 2147483647;
  return s;
}

}  // namespace

std::vector<double> uniform(size_t n, long seed) {
  int64_t s = seed;
  if (s < 0) s = -s;
  if (s < 1) s = 1;
  // 40 warm-up steps; the last 32 fill the shuffle table (entry 31 first, entry 0 last).
  int64_t table[32];
  for (int i = 39; i >= 0; --i) {
    s = park_miller(s);
    if (i < 32) table[i] = s;
  }
  int64_t last = table[0];
  std::vector<double> r(n);
  for (size_t k = 0; k < n; ++k) {
    s = park_miller(s);
    const int64_t slot = last / 67108865;  // 2^26 + 1: the top five bits of a 31-bit value
    last = table[slot];
    table[slot] = s;
    r[k] = static_cast<double>(last) / 2.147483647e9;
    if (r[k] == 0.0) r[k] = 1e-99;
  }
  return r;
}

std::vector<double> gaussian(size_t n, long seed) {
  const std::vector<double> u = uniform(2 * n, seed);
  std::vector<double> g(n);
  for (size_t k = 0; k < n; ++k) {
    g[k] = std::sqrt(-2 * std::log(u[k])) * std::cos(2 * kPi * u[n + k]);
    if (g[k] == 0.0) g[k] = 1e-99;  // as the legacy code does
  }
  return g;
}

std::vector<double> rotation(size_t dim, long seed) {
  const std::vector<double> g = gaussian(dim * dim, seed);
  std::vector<double> b(dim * dim);  // b[row * dim + col]
  for (size_t row = 0; row < dim; ++row)
    for (size_t col = 0; col < dim; ++col) b[row * dim + col] = g[col * dim + row];
  // Classical Gram-Schmidt on the columns, in column order.
  for (size_t i = 0; i < dim; ++i) {
    for (size_t j = 0; j < i; ++j) {
      double prod = 0.0;
      for (size_t k = 0; k < dim; ++k) prod += b[k * dim + i] * b[k * dim + j];
      for (size_t k = 0; k < dim; ++k) b[k * dim + i] -= prod * b[k * dim + j];
    }
    double prod = 0.0;
    for (size_t k = 0; k < dim; ++k) prod += b[k * dim + i] * b[k * dim + i];
    for (size_t k = 0; k < dim; ++k) b[k * dim + i] /= std::sqrt(prod);
  }
  return b;
}

std::vector<double> random_xopt(size_t dim, long seed) {
  std::vector<double> x = uniform(dim, seed);
  for (auto& v : x) {
    v = 8 * std::floor(1e4 * v) / 1e4 - 4;
    if (v == 0.0) v = -1e-5;
  }
  return x;
}

long instance_seed(int function, int instance) {
  const long base = function == 4 ? 3 : function == 18 ? 17 : function;
  return base + 10000L * instance;
}

double random_fopt(int function, int instance) {
  // 100 g1 / g2 rounded to two decimals, computed as COCO's code does: round(100 * 100 g1 / g2) / 100
  // (the 2009 document: "Cauchy distributed with roughly 50% of the values between -100 and 100"; see
  // docs/reference/bbob.md, "Instance generation").
  const long s = instance_seed(function, instance);
  const double g1 = gaussian(1, s)[0];
  const double g2 = gaussian(1, s + 1)[0];
  const double v = coco_round(100. * 100. * g1 / g2) / 100.;
  return std::fmin(1000., std::fmax(-1000., v));
}

}  // namespace neuroevo::bbob
