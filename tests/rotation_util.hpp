// A fixed random rotation for the optimiser tests' rotated test functions.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "neuroevo/core/rng.hpp"

namespace neuroevo::test_util {

// An n x n orthonormal matrix (row-major): Gram-Schmidt on Gaussian rows drawn from Stream(seed).
inline std::vector<double> random_rotation(size_t n, uint64_t seed) {
  std::vector<double> r(n * n);
  Stream s(seed);
  for (double& x : r) x = s.normal();
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < i; ++k) {
      double d = 0.0;
      for (size_t j = 0; j < n; ++j) d += r[i * n + j] * r[k * n + j];
      for (size_t j = 0; j < n; ++j) r[i * n + j] -= d * r[k * n + j];
    }
    double norm = 0.0;
    for (size_t j = 0; j < n; ++j) norm += r[i * n + j] * r[i * n + j];
    norm = std::sqrt(norm);
    for (size_t j = 0; j < n; ++j) r[i * n + j] /= norm;
  }
  return r;
}

}  // namespace neuroevo::test_util
