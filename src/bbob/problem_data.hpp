// Internal to src/bbob: the precomputed data of one BBOB problem and the elementwise transformations of
// the definitions document (T_osz, T_asy, Lambda, f_pen). Every formula keeps COCO's order of floating
// point operations, so results agree with COCO to the last bit or close to it.
#pragma once
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "neuroevo/bbob/bbob.hpp"

namespace neuroevo::bbob {

// pi as COCO's coco.h defines it (M_PI).
inline constexpr double kPi = 3.14159265358979323846;

struct BbobProblem::Data {
  int function = 0;
  int instance = 0;
  size_t dim = 0;
  long rseed = 0;
  double fopt = 0.0;
  std::vector<double> xopt;   // reported optimum (COCO's best_parameter)
  std::vector<double> shift;  // the vector subtracted from x (COCO's xopt where the function is shifted)
  std::vector<double> m1, m2; // D x D matrices, row-major; their meaning depends on the function
  std::vector<double> c1, c2; // per-coordinate factors (Lambda^alpha and the like), precomputed
  double factor = 0.0;        // f8/f9/f19 scaling max(1, sqrt(D)/8); f16 penalty factor
  // f20 (Schwefel): sign of each coordinate and 2|xopt_i|.
  std::vector<double> two_abs_xopt;
  std::vector<bool> negate;
  // f16 (Weierstrass): a_k = 0.5^k, b_k = 3^k, f0.
  std::array<double, 12> ak{}, bk{};
  double f0 = 0.0;
  // f21/f22 (Gallagher): peaks, their heights, their positions in the rotated space (D x peaks,
  // x_local[i * peaks + j]) and their per-coordinate scales (peaks x D).
  size_t peaks = 0;
  std::vector<double> peak_values, x_local, arr_scales;
  // f24 (Lunacek): s and mu1.
  double lunacek_s = 0.0, lunacek_mu1 = 0.0;
};

// f(x) for a built problem (src/bbob/functions.cpp). x has d.dim entries.
double evaluate_problem(const BbobProblem::Data& d, const double* x);

// T_osz on one value (definitions document, section 0.2; COCO transform_vars_oscillate.c).
inline double t_osz(double x) {
  constexpr double alpha = 0.1;
  if (x > 0.0) {
    const double t = std::log(x) / alpha;
    const double base = std::exp(t + 0.49 * (std::sin(t) + std::sin(0.79 * t)));
    return std::pow(base, alpha);
  }
  if (x < 0.0) {
    const double t = std::log(-x) / alpha;
    const double base = std::exp(t + 0.49 * (std::sin(0.55 * t) + std::sin(0.31 * t)));
    return -std::pow(base, alpha);
  }
  return 0.0;
}

// T_asy^beta on coordinate i (0-based) of D (COCO transform_vars_asymmetric.c).
inline double t_asy(double x, size_t i, size_t dim, double beta) {
  if (x > 0.0) {
    const double exponent =
        1.0 + (beta * static_cast<double>(i)) / (static_cast<double>(dim) - 1.0) * std::sqrt(x);
    return std::pow(x, exponent);
  }
  return x;
}

// Diagonal of Lambda^alpha: alpha^(0.5 i / (D - 1)), i 0-based (COCO transform_vars_conditioning.c).
inline double lambda_diag(double alpha, size_t i, size_t dim) {
  return std::pow(alpha, 0.5 * static_cast<double>(i) / (static_cast<double>(dim) - 1.0));
}

// f_pen = sum max(0, |x_i| - 5)^2 in COCO's form (transform_obj_penalize.c, bounds [-5, 5]).
inline double f_pen(const double* x, size_t dim) {
  double penalty = 0.0;
  for (size_t i = 0; i < dim; ++i) {
    const double c1 = x[i] - 5.0;
    const double c2 = -5.0 - x[i];
    if (c1 > 0.0)
      penalty += c1 * c1;
    else if (c2 > 0.0)
      penalty += c2 * c2;
  }
  return penalty;
}

// The same penalty as written inside COCO's monolithic f7, f21/f22 and f24 (|x_i| - 5 > 0).
inline double f_pen_abs(const double* x, size_t dim) {
  double penalty = 0.0;
  for (size_t i = 0; i < dim; ++i) {
    const double t = std::fabs(x[i]) - 5.0;
    if (t > 0.0) penalty += t * t;
  }
  return penalty;
}

// out = b + M x (M row-major, accumulated from b in column order, as COCO transform_vars_affine.c).
inline void affine(const std::vector<double>& m, const double* x, double* out, size_t dim, double b = 0.0) {
  for (size_t i = 0; i < dim; ++i) {
    const double* row = m.data() + i * dim;
    double acc = b;
    for (size_t j = 0; j < dim; ++j) acc += x[j] * row[j];
    out[i] = acc;
  }
}

// COCO's rounding: floor(x + 0.5).
inline double coco_round(double x) { return std::floor(x + 0.5); }

}  // namespace neuroevo::bbob
