// Constant fitting for GP programs by Levenberg-Marquardt (Kommenda et al., "Parameter identification for
// symbolic regression using nonlinear least squares", GPEM 21, 2020, which Operon uses): the program's
// structure is fixed and its constants (the Const nodes, in prefix order) are the parameters of a
// nonlinear least-squares fit of the outputs to the targets.
//
// The Jacobian is exact, by reverse-mode automatic differentiation over the tree (one forward pass that
// keeps every node's values, one backward pass of adjoints: every node has one parent, so a node's adjoint
// is its parent's times the local partial derivative). The protected operators are differentiated as
// they are evaluated (genomes/gp_program.hpp): zero derivative where the protection applies (div with
// |b| < 1e-12, log with |a| < 1e-12, exp above its cap, sqrt at 0).
//
// The damping follows Madsen, Nielsen & Tingleff, "Methods for non-linear least squares problems"
// (IMM DTU, 2nd ed. 2004), Algorithm 3.16: mu_0 = 1e-3 max(diag J'J); a step h solves
// (J'J + mu I) h = -J'r (Eigen's LDLT); accepted when the gain ratio rho > 0, then
// mu *= max(1/3, 1 - (2 rho - 1)^3), else mu *= nu, nu *= 2. Stops after `iterations` steps (accepted or
// not), or when |J'r|_inf <= 1e-14 or |h| <= 1e-14 (|x| + 1e-14).
#pragma once
#include <cstddef>
#include <span>
#include <vector>

#include "neuroevo/genomes/gp_program.hpp"

namespace neuroevo {

// The program's constants in prefix order, and back (values.size() must equal the number of constants).
std::vector<double> gp_constants(const GpProgram& p);
void gp_set_constants(GpProgram& p, std::span<const double> values);

// Outputs over `rows` rows (x column-major as GpProgram::evaluate) and the Jacobian of the outputs with
// respect to the constants, column-major: jac[k * rows + r] = d out[r] / d constant k.
void gp_jacobian(const GpProgram& p, std::span<const double> x, size_t rows, std::span<double> out,
                 std::span<double> jac);

struct GpFitStats {
  size_t iterations = 0;  // LM steps taken
  double sse_before = 0, sse_after = 0;  // sum of squared residuals
};

// Fits p's constants to y in place by at most `iterations` LM steps; the constants never get worse (only
// steps that lower the sum of squares are accepted). A program without constants, or whose residuals are
// not finite at the start, is left unchanged.
GpFitStats gp_fit_constants(GpProgram& p, std::span<const double> x, size_t rows, std::span<const double> y,
                            size_t iterations);

}  // namespace neuroevo
