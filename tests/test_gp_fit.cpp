// GP constant fitting (genomes/gp_fit.hpp): the reverse-mode Jacobian against central finite
// differences on programs using every primitive, and Levenberg-Marquardt recovering the known constants of
// fixed-structure programs to 1e-9.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neuroevo/genomes/gp_fit.hpp"
#include "neuroevo/genomes/gp_program.hpp"

using namespace neuroevo;

namespace {

GpNode op(GpOp o) { return GpNode{o, 0, 0.0}; }
GpNode var(uint16_t v) { return GpNode{GpOp::Var, v, 0.0}; }
GpNode cst(double c) { return GpNode{GpOp::Const, 0, c}; }

std::vector<double> grid(size_t rows, double lo, double hi) {
  std::vector<double> x(rows);
  for (size_t r = 0; r < rows; ++r) x[r] = lo + (hi - lo) * static_cast<double>(r) / static_cast<double>(rows - 1);
  return x;
}

}  // namespace

TEST(GpFit, ConstantsInPrefixOrderRoundTrip) {
  GpProgram p({op(GpOp::Add), cst(1.5), op(GpOp::Mul), var(0), cst(-2)}, 1);
  EXPECT_EQ(gp_constants(p), (std::vector<double>{1.5, -2}));
  gp_set_constants(p, std::vector<double>{3, 4});
  EXPECT_EQ(gp_constants(p), (std::vector<double>{3, 4}));
  EXPECT_THROW(gp_set_constants(p, std::vector<double>{1}), std::invalid_argument);
  EXPECT_THROW(gp_set_constants(p, std::vector<double>{1, 2, 3}), std::invalid_argument);
}

TEST(GpFit, JacobianMatchesCentralDifferences) {
  // Random programs over every primitive, 300 rows (two evaluation blocks), x in [0.1, 2.9]; the
  // protections are kept away from (constants in [0.5, 1.5], positive arguments mostly), and rows where a
  // finite difference crosses a protection boundary or a kink are skipped by the tolerance test below.
  GpPrimitives prim;
  for (int k = static_cast<int>(GpOp::Add); k < static_cast<int>(GpOp::Count); ++k) prim.functions.push_back(static_cast<GpOp>(k));
  prim.variables = 1;
  prim.const_low = 0.5;
  prim.const_high = 1.5;
  const size_t rows = 300;
  const auto x = grid(rows, 0.1, 2.9);
  size_t checked = 0;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    Stream rng(seed);
    GpProgram p(gp_random_tree(prim, 4, seed % 2 == 0, rng), 1);
    const auto c = gp_constants(p);
    if (c.empty()) continue;
    std::vector<double> out(rows), jac(c.size() * rows), plus(rows), minus(rows);
    gp_jacobian(p, x, rows, out, jac);
    std::vector<double> ref(rows);
    p.evaluate(x, rows, ref);
    for (size_t r = 0; r < rows; ++r) EXPECT_EQ(out[r], ref[r]);  // the forward pass is the evaluation
    for (size_t k = 0; k < c.size(); ++k) {
      const double h = 1e-6 * std::max(1.0, std::abs(c[k]));
      GpProgram q = p;
      auto ck = c;
      ck[k] = c[k] + h;
      gp_set_constants(q, ck);
      q.evaluate(x, rows, plus);
      ck[k] = c[k] - h;
      gp_set_constants(q, ck);
      q.evaluate(x, rows, minus);
      for (size_t r = 0; r < rows; ++r) {
        const double fd = (plus[r] - minus[r]) / (2 * h);
        if (!std::isfinite(fd) || !std::isfinite(jac[k * rows + r]) || std::abs(fd) > 1e6) continue;
        EXPECT_NEAR(jac[k * rows + r], fd, 1e-4 * std::max(1.0, std::abs(fd))) << p.infix() << " constant " << k << " row " << r;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10000u);
}

TEST(GpFit, RecoversLinearInParameterConstants) {
  // y = a x + b sin(x) with a = 1.7, b = -0.3, from a = b = 0.5.
  const size_t rows = 50;
  const auto x = grid(rows, -3, 3);
  std::vector<double> y(rows);
  for (size_t r = 0; r < rows; ++r) y[r] = 1.7 * x[r] - 0.3 * std::sin(x[r]);
  GpProgram p({op(GpOp::Add), op(GpOp::Mul), cst(0.5), var(0), op(GpOp::Mul), cst(0.5), op(GpOp::Sin), var(0)}, 1);
  const GpFitStats st = gp_fit_constants(p, x, rows, y, 20);
  const auto c = gp_constants(p);
  EXPECT_NEAR(c[0], 1.7, 1e-9);
  EXPECT_NEAR(c[1], -0.3, 1e-9);
  EXPECT_LT(st.sse_after, 1e-20);
  EXPECT_GT(st.sse_before, 1.0);
  EXPECT_LE(st.iterations, 20u);
}

TEST(GpFit, RecoversNonlinearConstants) {
  // y = a exp(b x) + c / (x + d), a = 2.5, b = -0.7, c = 0.4, d = 1.3 on x in [0, 3], from (1, -0.2, 1, 1).
  const size_t rows = 40;
  const auto x = grid(rows, 0, 3);
  std::vector<double> y(rows);
  for (size_t r = 0; r < rows; ++r) y[r] = 2.5 * std::exp(-0.7 * x[r]) + 0.4 / (x[r] + 1.3);
  GpProgram p({op(GpOp::Add), op(GpOp::Mul), cst(1), op(GpOp::Exp), op(GpOp::Mul), cst(-0.2), var(0), op(GpOp::Div), cst(1),
               op(GpOp::Add), var(0), cst(1)},
              1);
  gp_fit_constants(p, x, rows, y, 200);
  const auto c = gp_constants(p);
  EXPECT_NEAR(c[0], 2.5, 1e-9);
  EXPECT_NEAR(c[1], -0.7, 1e-9);
  EXPECT_NEAR(c[2], 0.4, 1e-9);
  EXPECT_NEAR(c[3], 1.3, 1e-9);
}

TEST(GpFit, NeverWorseAndLeavesProgramsWithoutConstantsAlone) {
  const size_t rows = 30;
  const auto x = grid(rows, -1, 1);
  std::vector<double> y(rows);
  for (size_t r = 0; r < rows; ++r) y[r] = std::cos(3 * x[r]) + x[r] * x[r] * x[r];
  // The structure cannot fit y: the fit stops at a local optimum, never above the start.
  GpProgram p({op(GpOp::Mul), cst(0.2), op(GpOp::Sin), op(GpOp::Mul), cst(5), var(0)}, 1);
  const GpFitStats st = gp_fit_constants(p, x, rows, y, 30);
  EXPECT_LE(st.sse_after, st.sse_before);
  std::vector<double> out(rows);
  p.evaluate(x, rows, out);
  double sse = 0;
  for (size_t r = 0; r < rows; ++r) sse += (out[r] - y[r]) * (out[r] - y[r]);
  EXPECT_DOUBLE_EQ(sse, st.sse_after);
  GpProgram q({op(GpOp::Sin), var(0)}, 1);
  const GpProgram q0 = q;
  EXPECT_EQ(gp_fit_constants(q, x, rows, y, 10).iterations, 0u);
  EXPECT_EQ(q, q0);
}
