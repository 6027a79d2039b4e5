// One primitive of a GP program applied to a block of rows: the single definition of what each operator
// computes (protected division and logarithm, exponential capped at e^700), shared by program evaluation
// and by the Levenberg-Marquardt fitter's forward pass, so the fitter optimises exactly the function the
// program evaluates. Element-wise, so the result block may alias an argument block.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>

#include "neuroevo/genomes/gp_program.hpp"

namespace neuroevo::gp_block {

// |divisor| or |log argument| below this is "protected": division gives 1, log gives 0 (Koza 1992's
// protected operators, with a tolerance instead of an exact zero test).
inline constexpr double kProtect = 1e-12;

// r[0..m) <- node(u, v) over rows r0..r0+m of `x` (column-major, `rows` rows per input variable).
inline void apply(const GpNode& node, const double* u, const double* v, double* r, size_t m,
                  std::span<const double> x, size_t rows, size_t r0) {
  switch (node.op) {
    case GpOp::Const: std::fill(r, r + m, node.value); break;
    case GpOp::Var: std::copy_n(x.data() + node.var * rows + r0, m, r); break;
    case GpOp::Add: for (size_t k = 0; k < m; ++k) r[k] = u[k] + v[k]; break;
    case GpOp::Sub: for (size_t k = 0; k < m; ++k) r[k] = u[k] - v[k]; break;
    case GpOp::Mul: for (size_t k = 0; k < m; ++k) r[k] = u[k] * v[k]; break;
    case GpOp::Div: for (size_t k = 0; k < m; ++k) r[k] = std::abs(v[k]) < kProtect ? 1.0 : u[k] / v[k]; break;
    case GpOp::Sin: for (size_t k = 0; k < m; ++k) r[k] = std::sin(u[k]); break;
    case GpOp::Cos: for (size_t k = 0; k < m; ++k) r[k] = std::cos(u[k]); break;
    case GpOp::Exp: for (size_t k = 0; k < m; ++k) r[k] = std::exp(std::min(u[k], 700.0)); break;
    case GpOp::Log:
      for (size_t k = 0; k < m; ++k) r[k] = std::abs(u[k]) < kProtect ? 0.0 : std::log(std::abs(u[k]));
      break;
    case GpOp::Sqrt: for (size_t k = 0; k < m; ++k) r[k] = std::sqrt(std::abs(u[k])); break;
    case GpOp::Square: for (size_t k = 0; k < m; ++k) r[k] = u[k] * u[k]; break;
    case GpOp::Tanh: for (size_t k = 0; k < m; ++k) r[k] = std::tanh(u[k]); break;
    case GpOp::Count: throw std::logic_error("gp_program: bad operator");
  }
}

}  // namespace neuroevo::gp_block
