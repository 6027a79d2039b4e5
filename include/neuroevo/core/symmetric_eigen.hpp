// Eigendecomposition of a real symmetric matrix, for CMA-ES (no external linear algebra library).
//
// Householder reduction to tridiagonal form followed by the implicit symmetric QR algorithm with
// Wilkinson shifts and Givens rotations (Golub & Van Loan, "Matrix Computations", 4th ed., 2013,
// Algorithms 8.3.1 and 8.3.3). O(n^3) time, O(n^2) extra memory; deterministic (no threads, no
// randomness, a fixed order of operations).
#pragma once
#include <cstddef>
#include <span>

namespace neuroevo {

// A (n x n, row-major) must be symmetric; only its lower triangle is read. On return
// A = V diag(w) V^T with eigenvalues w in ascending order and orthonormal eigenvectors in the COLUMNS
// of V (n x n, row-major: V[r * n + k] is component r of eigenvector k). Returns false when the QR
// iteration did not converge within 30 n sweeps (w and V then hold the partial result) or the input
// is not finite; true otherwise.
bool symmetric_eigen(size_t n, std::span<const double> a, std::span<double> w, std::span<double> v);

}  // namespace neuroevo
