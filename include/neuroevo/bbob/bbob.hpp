// The 24 noiseless BBOB functions with COCO's instance generation (docs/reference/bbob.md): a problem
// (function f, instance i, dimension D) is the same function as COCO's `bbob` suite problem
// bbob_f<f>_i<i>_d<D>, value for value.
//
// Sources of the facts (constants, order of operations, instance generation): Hansen, Finck, Ros, Auger,
// "Real-Parameter Black-Box Optimization Benchmarking 2009: Noiseless Functions Definitions" (INRIA
// RR-6829), and COCO's C implementation (numbbo/coco, code-experiments/src: suite_bbob.c,
// suite_bbob_legacy_code.c, f_*.c, transform_*.c). Where the two differ, COCO's code wins; each such
// place is noted in src/bbob/*.cpp.
#pragma once
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace neuroevo::bbob {

inline constexpr int kNumFunctions = 24;
inline constexpr size_t kMaxDim = 1000;      // rotations are D*D; COCO itself stops at 44 (legacy buffers)
inline constexpr int kMaxInstance = 100000;  // keeps every derived seed below 2^31 - 1 (Park-Miller range)

// Short name of function 1..24 ("sphere", ..., "lunacek bi-rastrigin"); throws UsageError otherwise.
const char* function_name(int function);

// --- The BBOB 2009 random generators (exposed for tests and for tools that need the raw draws). ---

// n uniform numbers in (0, 1] from `seed`: Park-Miller minimal standard (16807 mod 2^31 - 1, Schrage's
// method) behind a 32-entry shuffle table after 40 warm-up steps; an exact 0 becomes 1e-99.
std::vector<double> uniform(size_t n, long seed);
// n standard normal numbers: Box-Muller on 2n uniforms, g_k = sqrt(-2 ln u_k) cos(2 pi u_{n+k}).
std::vector<double> gaussian(size_t n, long seed);
// D x D orthogonal matrix, row-major: D*D Gaussians filled column by column, then Gram-Schmidt on the
// columns.
std::vector<double> rotation(size_t dim, long seed);
// The generic optimum: x_k = 8 floor(1e4 u_k) / 1e4 - 4, an exact 0 replaced by -1e-5.
std::vector<double> random_xopt(size_t dim, long seed);
// The optimal value of function f instance i: round(100 * 100 g1 / g2) / 100 clamped to [-1000, 1000],
// g1, g2 the first Gaussians from seeds s and s + 1, s = 10000 i + (3 for f4, 17 for f18, else f).
double random_fopt(int function, int instance);
// The seed COCO uses for (f, i): f + 10000 i, except 3 + 10000 i for f4 and 17 + 10000 i for f18.
long instance_seed(int function, int instance);

// One BBOB problem. Immutable once built (rotations and all instance data precomputed); evaluation is
// const and thread-safe (scratch memory is per call).
class BbobProblem {
 public:
  // Throws UsageError for function outside 1..24, instance outside 1..kMaxInstance, dim outside
  // 2..kMaxDim.
  BbobProblem(int function, int instance, size_t dim);

  // f(x); x.size() must equal dim() (std::invalid_argument otherwise). Any finite x is allowed; outside
  // [-5, 5]^D the functions' own boundary handling applies (f_pen etc.), as in COCO. NaN in -> NaN out.
  double operator()(std::span<const double> x) const;
  double evaluate(std::span<const double> x) const { return (*this)(x); }

  int function() const;
  int instance() const;
  size_t dim() const;
  // The optimal value f_opt of the instance.
  double fopt() const;
  // The location of the optimum as COCO reports it (its problem's best_parameter). f(xopt()) equals
  // fopt() exactly for f1-f8, f10-f18, f23 and f24 by construction; for f9, f19 and f21/f22 xopt() is
  // computed through a rotation, so f(xopt()) - fopt() could be a rounding error (it is exactly 0 in
  // every instance tested); f20 reports +-4.2096874633/2 while the function is centred on
  // +-4.2096874637/2 (COCO's two constants), so f(xopt()) - fopt() is up to a few 1e-15 there.
  // See tests/test_bbob.cpp for what is checked.
  const std::vector<double>& xopt() const;
  // COCO's problem id, e.g. "bbob_f001_i01_d02".
  std::string id() const;
  // e.g. "BBOB f1 (sphere) instance 1 in 2-D".
  std::string name() const;

  struct Data;  // defined in src/bbob/problem_data.hpp

 private:
  std::shared_ptr<const Data> d_;
};

}  // namespace neuroevo::bbob
