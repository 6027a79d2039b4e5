// GP programs (genomes/gp_program.hpp): evaluation of hand-built programs against the formulas written
// out in C++, protected operators against their definitions, the encoding, the infix formula parsed by
// SymPy, and the invariants of crossover and the mutations.
#include <cmath>
#include <cstdio>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/gp_program.hpp"

using namespace neuroevo;

namespace {

GpNode op(GpOp o) { return GpNode{o, 0, 0.0}; }
GpNode var(uint16_t v) { return GpNode{GpOp::Var, v, 0.0}; }
GpNode cst(double c) { return GpNode{GpOp::Const, 0, c}; }

// Column-major data of `rows` rows and 2 variables, values spread over [-3, 3].
std::vector<double> data(size_t rows) {
  std::vector<double> x(2 * rows);
  for (size_t r = 0; r < rows; ++r) {
    x[r] = -3.0 + 6.0 * static_cast<double>(r) / static_cast<double>(rows);
    x[rows + r] = std::cos(0.37 * static_cast<double>(r));
  }
  return x;
}

GpPrimitives all_primitives() {
  GpPrimitives p;
  for (int k = static_cast<int>(GpOp::Add); k < static_cast<int>(GpOp::Count); ++k) p.functions.push_back(static_cast<GpOp>(k));
  p.variables = 2;
  return p;
}

}  // namespace

TEST(GpProgram, EvaluatesHandBuiltProgramsLikeTheirFormulas) {
  // x0*x0 + sin(x1) - x0 / 0.5, over more rows than one evaluation block.
  const GpProgram p({op(GpOp::Sub), op(GpOp::Add), op(GpOp::Mul), var(0), var(0), op(GpOp::Sin), var(1), op(GpOp::Div),
                     var(0), cst(0.5)},
                    2);
  p.check();
  const size_t rows = 3 * GpProgram::kBlock + 17;
  const auto x = data(rows);
  std::vector<double> out(rows);
  p.evaluate(x, rows, out);
  for (size_t r = 0; r < rows; ++r) {
    const double a = x[r], b = x[rows + r];
    EXPECT_DOUBLE_EQ(out[r], (a * a + std::sin(b)) - a / 0.5) << r;
  }
  EXPECT_EQ(p.depth(), 3);
  EXPECT_EQ(p.subtree_end(1), 7u);
  // exp(cos(x1)) * log(sqrt(x0)^2) = exp(cos(x1)) * log|x0|, with tanh and square too.
  const GpProgram q({op(GpOp::Mul), op(GpOp::Exp), op(GpOp::Cos), var(1), op(GpOp::Log), op(GpOp::Square), op(GpOp::Sqrt),
                     op(GpOp::Tanh), var(0)},
                    2);
  q.evaluate(x, rows, out);
  for (size_t r = 0; r < rows; ++r) {
    const double a = x[r], b = x[rows + r];
    const double t = std::abs(std::tanh(a));
    const double want = std::exp(std::cos(b)) * (t < 1e-12 ? 0.0 : std::log(t));
    EXPECT_NEAR(out[r], want, 1e-12 * (1 + std::abs(want))) << r;
  }
}

TEST(GpProgram, ProtectedOperatorsFollowTheirDefinitions) {
  const std::vector<double> x = {0.0, -std::exp(1.0), -4.0, 1000.0};
  std::vector<double> out(4);
  GpProgram({op(GpOp::Div), cst(3.0), var(0)}, 1).evaluate(x, 4, out);
  EXPECT_EQ(out[0], 1.0);  // Koza: a / 0 = 1
  EXPECT_DOUBLE_EQ(out[2], -0.75);
  GpProgram({op(GpOp::Log), var(0)}, 1).evaluate(x, 4, out);
  EXPECT_EQ(out[0], 0.0);
  EXPECT_DOUBLE_EQ(out[1], 1.0);
  GpProgram({op(GpOp::Sqrt), var(0)}, 1).evaluate(x, 4, out);
  EXPECT_DOUBLE_EQ(out[2], 2.0);
  GpProgram({op(GpOp::Exp), var(0)}, 1).evaluate(x, 4, out);
  EXPECT_TRUE(std::isfinite(out[3]));
}

TEST(GpProgram, BytesRoundTripAndMalformedBytesAreUsageErrors) {
  const GpProgram p({op(GpOp::Add), var(1), cst(-0.125)}, 2);
  const auto bytes = p.to_bytes();
  EXPECT_EQ(gp_program_from_bytes(bytes), p);
  EXPECT_EQ(decode_genome(p.genome())->to_bytes(), bytes);
  EXPECT_EQ(decode_genome(p.genome())->program(), p);
  auto cut = bytes;
  cut.pop_back();
  EXPECT_THROW(gp_program_from_bytes(cut), UsageError);
  // An incomplete tree: "add x1" is missing an argument.
  const GpProgram bad({op(GpOp::Add), var(1)}, 2);
  EXPECT_THROW(gp_program_from_bytes(bad.to_bytes()), UsageError);
  EXPECT_THROW(gp_op_from_name("dvi", "strategy.functions"), UsageError);
}

TEST(GpProgram, VariationKeepsTreesWellFormedAndLimitsHold) {
  const GpPrimitives prim = all_primitives();
  for (uint64_t s = 0; s < 200; ++s) {
    Stream rng(s, 0, 0, Purpose::Mutation);
    const GpProgram a(gp_random_tree(prim, 4, s % 2 == 0, rng), 2);
    const GpProgram b(gp_random_tree(prim, 3, false, rng), 2);
    a.check();
    EXPECT_LE(a.depth(), 4);
    if (s % 2 == 0) {
      EXPECT_EQ(a.depth(), 4);  // "full" trees reach the depth on every branch
    }
    const GpProgram c = gp_crossover(a, b, rng);
    c.check();
    EXPECT_LE(c.depth(), a.depth() + b.depth());
    const GpProgram m = gp_subtree_mutation(a, prim, 2, rng);
    m.check();
    EXPECT_LE(m.depth(), a.depth() + 2);
    const GpProgram h = gp_hoist_mutation(a, rng);
    h.check();
    EXPECT_LE(h.size(), a.size());
    const GpProgram pm = gp_point_mutation(a, prim, 0.5, rng);
    pm.check();
    ASSERT_EQ(pm.size(), a.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(gp_arity(pm.nodes()[i].op), gp_arity(a.nodes()[i].op));
  }
}

TEST(GpProgram, MateDistanceCountsPrimitives) {
  const GpProgram ideal({op(GpOp::Add), var(0), var(0)}, 2);
  const GpProgram same({op(GpOp::Add), var(0), var(0)}, 2);
  const GpProgram other({op(GpOp::Mul), var(1), cst(2.0)}, 2);
  EXPECT_EQ(gp_mate_distance(ideal, same), 0.0);
  EXPECT_EQ(gp_mate_distance(ideal, other), 6.0);  // add, mul, 2 x0, x1, const
}

TEST(GpProgram, InfixFormulaParsesInSympyToTheSameValues) {
  if (std::system("python3 -c 'import sympy' >/dev/null 2>&1") != 0) FAIL() << "python3-sympy is missing";
  const GpPrimitives prim = all_primitives();
  cli_test::TempDir d;
  std::string script = "import sympy, math\nx0, x1 = sympy.symbols('x0 x1')\nbad = 0\n";
  for (uint64_t s = 0; s < 20; ++s) {
    Stream rng(s, 1, 0, Purpose::Mutation);
    const GpProgram p(gp_random_tree(prim, 4, false, rng), 2);
    const std::vector<double> x = {0.7, -1.3};
    double y = 0;
    p.evaluate(x, 1, std::span(&y, 1));
    char want[64];
    std::snprintf(want, sizeof want, "%.17g", y);
    // Protected division differs only when a denominator is 0, which these points avoid in practice;
    // a program whose value is not finite is skipped.
    if (!std::isfinite(y)) continue;
    script += "v = complex(sympy.sympify('" + p.infix() + "').subs({x0: 0.7, x1: -1.3}).evalf(30))\n";
    script += "w = " + std::string(want) + "\nif abs(v - w) > 1e-9 * (1 + abs(w)): bad += 1; print('" + p.infix() +
              "', v, w)\n";
  }
  script += "print('bad', bad)\n";
  cli_test::write_file(d / "check.py", script);
  const int code = std::system(("python3 " + (d / "check.py") + " > " + (d / "out.txt") + " 2>&1").c_str());
  const std::string out = cli_test::read_file(d / "out.txt");
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("bad 0"), std::string::npos) << out;
}
