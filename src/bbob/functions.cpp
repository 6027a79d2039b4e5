// Evaluation of the 24 noiseless BBOB functions (definitions document RR-6829, section 1), with the
// transformations applied in COCO's order and COCO's floating point expressions (numbbo/coco
// code-experiments/src/f_*.c and transform_*.c), so values agree with COCO's to ~1e-15 relative.
// Where COCO's code differs from the 2009 document, the comment says so.
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "problem_data.hpp"

namespace neuroevo::bbob {

namespace {

// Per-call scratch: stack memory for small problems, heap memory for large ones. Nothing is shared
// between calls, so concurrent evaluations of one problem are safe.
class Scratch {
 public:
  explicit Scratch(size_t n) {
    if (n > kSmall) {
      big_.resize(n);
      p_ = big_.data();
    } else {
      p_ = small_.data();
    }
  }
  double* get() { return p_; }

 private:
  static constexpr size_t kSmall = 4 * 64;
  std::array<double, kSmall> small_;
  std::vector<double> big_;
  double* p_;
};

inline void subtract(const double* x, const std::vector<double>& s, double* out, size_t dim) {
  for (size_t i = 0; i < dim; ++i) out[i] = x[i] - s[i];
}

double rastrigin_core(const double* z, size_t dim) {
  double sum1 = 0.0, sum2 = 0.0;
  for (size_t i = 0; i < dim; ++i) {
    sum1 += std::cos(2 * kPi * z[i]);
    sum2 += z[i] * z[i];
  }
  return 10.0 * (static_cast<double>(dim) - sum1) + sum2;
}

double rosenbrock_core(const double* z, size_t dim) {
  double s1 = 0.0, s2 = 0.0;
  for (size_t i = 0; i + 1 < dim; ++i) {
    double t = z[i] * z[i] - z[i + 1];
    s1 += t * t;
    t = z[i] - 1.0;
    s2 += t * t;
  }
  return 100.0 * s1 + s2;
}

// Ellipsoid with conditioning 1e6; c[i] = 1e6^(i/(D-1)).
double ellipsoid_core(const double* z, const std::vector<double>& c, size_t dim) {
  double r = z[0] * z[0];
  for (size_t i = 1; i < dim; ++i) r += c[i] * z[i] * z[i];
  return r;
}

// T_osz applied to an objective value (COCO transform_obj_oscillate.c; f6 and, inline, f21/f22).
double t_osz_value(double y) { return y != 0 ? t_osz(y) : y; }

double f5_linear_slope(const BbobProblem::Data& d, const double* x) {
  // COCO's current code keeps the document's boundary handling: z_i = x_i where x_i xopt_i < 25 (xopt_i
  // = +-5), else xopt_i, so the function is flat beyond the optimum's face.
  double r = 0.0;
  for (size_t i = 0; i < d.dim; ++i) {
    const double si = d.c1[i];
    if (x[i] * d.xopt[i] < 25.0)
      r += 5.0 * std::fabs(si) - si * x[i];
    else
      r += 5.0 * std::fabs(si) - si * d.xopt[i];
  }
  return r + d.fopt;
}

double f7_step_ellipsoid(const BbobProblem::Data& d, const double* x, double* zh, double* zz) {
  const size_t D = d.dim;
  const double penalty = f_pen_abs(x, D) * 1.0;
  for (size_t i = 0; i < D; ++i) {
    double acc = 0.0;
    for (size_t j = 0; j < D; ++j) acc += d.c1[i] * d.m2[i * D + j] * (x[j] - d.shift[j]);
    zh[i] = acc;
  }
  const double x1 = zh[0];
  // The document rounds where z_hat_i > 0.5; COCO (and the legacy code) use |z_hat_i| > 0.5.
  for (size_t i = 0; i < D; ++i) {
    if (std::fabs(zh[i]) > 0.5)
      zh[i] = coco_round(zh[i]);
    else
      zh[i] = coco_round(10.0 * zh[i]) / 10.0;
  }
  for (size_t i = 0; i < D; ++i) {
    double acc = 0.0;
    for (size_t j = 0; j < D; ++j) acc += d.m1[i * D + j] * zh[j];
    zz[i] = acc;
  }
  double r = 0.0;
  for (size_t i = 0; i < D; ++i) r += d.c2[i] * zz[i] * zz[i];
  return 0.1 * std::max(std::fabs(x1) * 1.0e-4, r) + penalty + d.fopt;
}

double f16_weierstrass_core(const BbobProblem::Data& d, const double* z) {
  double r = 0.0;
  for (size_t i = 0; i < d.dim; ++i)
    for (size_t j = 0; j < 12; ++j) r += std::cos(2 * kPi * (z[i] + 0.5) * d.bk[j]) * d.ak[j];
  return 10.0 * std::pow(r / static_cast<double>(d.dim) - d.f0, 3.0);
}

double schaffers_core(const double* z, size_t dim) {
  double r = 0.0;
  for (size_t i = 0; i + 1 < dim; ++i) {
    const double t = z[i] * z[i] + z[i + 1] * z[i + 1];
    r += std::pow(t, 0.25) * (1.0 + std::pow(std::sin(50.0 * std::pow(t, 0.1)), 2.0));
  }
  return std::pow(r / (static_cast<double>(dim) - 1.0), 2.0);
}

double f20_schwefel(const BbobProblem::Data& d, const double* x, double* a, double* b) {
  const size_t D = d.dim;
  // x_hat = 2 sign(xopt) x
  for (size_t i = 0; i < D; ++i) a[i] = 2 * (d.negate[i] ? -x[i] : x[i]);
  // z_hat_1 = x_hat_1, z_hat_{i+1} = x_hat_{i+1} + 0.25 (x_hat_i - 2|xopt_i|)
  b[0] = a[0];
  for (size_t i = 1; i < D; ++i) b[i] = a[i] + 0.25 * (a[i - 1] - 2.0 * std::fabs(d.shift[i - 1]));
  // z = 100 (Lambda^10 (z_hat - 2|xopt|) + 2|xopt|)
  for (size_t i = 0; i < D; ++i) {
    double v = b[i] - d.two_abs_xopt[i];
    v = d.c1[i] * v;
    v = v - (-d.two_abs_xopt[i]);
    b[i] = 100 * v;
  }
  double penalty = 0.0;
  for (size_t i = 0; i < D; ++i) {
    const double t = std::fabs(b[i]) - 500.0;
    if (t > 0.0) penalty += t * t;
  }
  double sum = 0.0;
  for (size_t i = 0; i < D; ++i) sum += b[i] * std::sin(std::sqrt(std::fabs(b[i])));
  return 0.01 * (penalty + 418.9828872724339 - sum / static_cast<double>(D)) + d.fopt;
}

double f21_gallagher(const BbobProblem::Data& d, const double* x, double* t) {
  const size_t D = d.dim;
  const double fac = -0.5 / static_cast<double>(D);
  const double f_add = f_pen_abs(x, D);
  for (size_t i = 0; i < D; ++i) {
    double acc = 0;
    for (size_t j = 0; j < D; ++j) acc += d.m1[i * D + j] * x[j];
    t[i] = acc;
  }
  double f = 0.;
  for (size_t i = 0; i < d.peaks; ++i) {
    double s = 0.;
    for (size_t j = 0; j < D; ++j) {
      const double diff = t[j] - d.x_local[j * d.peaks + i];
      s += d.arr_scales[i * D + j] * diff * diff;
    }
    s = d.peak_values[i] * std::exp(fac * s);
    f = f >= s ? f : s;
  }
  f = 10. - f;
  double f_true = t_osz(f);  // 0 stays 0, as in COCO's inline version
  f_true *= f_true;
  f_true += f_add;
  return f_true + d.fopt;
}

double f23_katsuura(const BbobProblem::Data& d, const double* z) {
  const size_t D = d.dim;
  double r = 1.0;
  for (size_t i = 0; i < D; ++i) {
    double t = 0;
    for (int j = 1; j < 33; ++j) {
      const double p = std::pow(2., static_cast<double>(j));
      t += std::fabs(p * z[i] - coco_round(p * z[i])) / p;
    }
    t = 1.0 + (static_cast<double>(i) + 1) * t;
    // COCO raises each factor to 10/D^1.2 (the document raises the product once).
    r *= std::pow(t, d.c1[i]);
  }
  return 10. / (static_cast<double>(D) * static_cast<double>(D)) * (-1. + r);
}

double f24_lunacek(const BbobProblem::Data& d, const double* x, double* xh, double* t, double* z) {
  const size_t D = d.dim;
  const double mu0 = 2.5, dd = 1.;
  const double s = d.lunacek_s, mu1 = d.lunacek_mu1;
  const double penalty = f_pen_abs(x, D);
  for (size_t i = 0; i < D; ++i) {
    xh[i] = 2. * x[i];
    if (d.xopt[i] < 0.) xh[i] *= -1.;
  }
  for (size_t i = 0; i < D; ++i) {
    double acc = 0.0;
    for (size_t j = 0; j < D; ++j) acc += d.c1[i] * d.m2[i * D + j] * (xh[j] - mu0);
    t[i] = acc;
  }
  for (size_t i = 0; i < D; ++i) {
    double acc = 0;
    for (size_t j = 0; j < D; ++j) acc += d.m1[i * D + j] * t[j];
    z[i] = acc;
  }
  double sum1 = 0., sum2 = 0., sum3 = 0.;
  for (size_t i = 0; i < D; ++i) {
    sum1 += (xh[i] - mu0) * (xh[i] - mu0);
    sum2 += (xh[i] - mu1) * (xh[i] - mu1);
    sum3 += std::cos(2 * kPi * z[i]);
  }
  const double r = std::min(sum1, dd * static_cast<double>(D) + s * sum2) +
                   10. * (static_cast<double>(D) - sum3) + 1e4 * penalty;
  return r + d.fopt;
}

}  // namespace

double evaluate_problem(const BbobProblem::Data& d, const double* x) {
  const size_t D = d.dim;
  Scratch scratch(3 * D);
  double* a = scratch.get();
  double* b = a + D;
  double* c = b + D;

  switch (d.function) {
    case 1: {  // sphere
      subtract(x, d.shift, a, D);
      double r = 0.0;
      for (size_t i = 0; i < D; ++i) r += a[i] * a[i];
      return r + d.fopt;
    }
    case 2: {  // separable ellipsoid: T_osz(x - xopt)
      subtract(x, d.shift, a, D);
      for (size_t i = 0; i < D; ++i) a[i] = t_osz(a[i]);
      return ellipsoid_core(a, d.c1, D) + d.fopt;
    }
    case 3: {  // separable rastrigin: Lambda^10 T_asy^0.2(T_osz(x - xopt))
      subtract(x, d.shift, a, D);
      for (size_t i = 0; i < D; ++i) a[i] = d.c1[i] * t_asy(t_osz(a[i]), i, D, 0.2);
      return rastrigin_core(a, D) + d.fopt;
    }
    case 4: {  // bueche-rastrigin: s T_osz(x - xopt), s_i doubled by 10 on positive odd coordinates
      const double penalty = f_pen(x, D);
      subtract(x, d.shift, a, D);
      for (size_t i = 0; i < D; ++i) {
        const double v = t_osz(a[i]);
        double factor = d.c1[i];
        if (v > 0.0 && i % 2 == 0) factor *= 10.0;
        a[i] = factor * v;
      }
      double tmp = 0., tmp2 = 0.;
      for (size_t i = 0; i < D; ++i) {
        tmp += std::cos(2 * kPi * a[i]);
        tmp2 += a[i] * a[i];
      }
      const double y = 10.0 * (static_cast<double>(D) - tmp) + tmp2 + d.fopt;
      return y + 100.0 * penalty;
    }
    case 5:
      return f5_linear_slope(d, x);
    case 6: {  // attractive sector: (T_osz(sum (s_i z_i)^2))^0.9, z = M (x - xopt)
      subtract(x, d.shift, a, D);
      affine(d.m1, a, b, D);
      double r = 0.0;
      for (size_t i = 0; i < D; ++i) {
        if (d.shift[i] * b[i] > 0.0)
          r += 100.0 * 100.0 * b[i] * b[i];
        else
          r += b[i] * b[i];
      }
      return std::pow(t_osz_value(r), 0.9) + d.fopt;
    }
    case 7:
      return f7_step_ellipsoid(d, x, a, b);
    case 8: {  // rosenbrock: z = factor (x - xopt) + 1
      for (size_t i = 0; i < D; ++i) a[i] = d.factor * (x[i] - d.shift[i]) - (-1.0);
      return rosenbrock_core(a, D) + d.fopt;
    }
    case 9: {  // rotated rosenbrock: z = factor R x + 1/2
      affine(d.m1, x, a, D, 0.5);
      return rosenbrock_core(a, D) + d.fopt;
    }
    case 10: {  // ellipsoid: T_osz(R (x - xopt))
      subtract(x, d.shift, a, D);
      affine(d.m1, a, b, D);
      for (size_t i = 0; i < D; ++i) b[i] = t_osz(b[i]);
      return ellipsoid_core(b, d.c1, D) + d.fopt;
    }
    case 11: {  // discus: T_osz(R (x - xopt))
      subtract(x, d.shift, a, D);
      affine(d.m1, a, b, D);
      for (size_t i = 0; i < D; ++i) b[i] = t_osz(b[i]);
      double r = 1.0e6 * b[0] * b[0];
      for (size_t i = 1; i < D; ++i) r += b[i] * b[i];
      return r + d.fopt;
    }
    case 12: {  // bent cigar: R T_asy^0.5(R (x - xopt))
      subtract(x, d.shift, a, D);
      affine(d.m1, a, b, D);
      for (size_t i = 0; i < D; ++i) b[i] = t_asy(b[i], i, D, 0.5);
      affine(d.m1, b, c, D);
      double r = c[0] * c[0];
      for (size_t i = 1; i < D; ++i) r += 1.0e6 * c[i] * c[i];
      return r + d.fopt;
    }
    case 13: {  // sharp ridge: z = R Lambda^10 Q (x - xopt)
      subtract(x, d.shift, a, D);
      affine(d.m2, a, b, D);
      double r = 0.0;
      for (size_t i = 1; i < D; ++i) r += b[i] * b[i];
      return 100.0 * std::sqrt(r) + b[0] * b[0] + d.fopt;
    }
    case 14: {  // different powers: z = R (x - xopt)
      subtract(x, d.shift, a, D);
      affine(d.m1, a, b, D);
      double sum = 0.0;
      for (size_t i = 0; i < D; ++i) sum += std::pow(std::fabs(b[i]), d.c1[i]);
      return std::sqrt(sum) + d.fopt;
    }
    case 15: {  // rastrigin: z = R Lambda^10 Q T_asy^0.2(T_osz(R (x - xopt)))
      subtract(x, d.shift, a, D);
      affine(d.m1, a, b, D);
      for (size_t i = 0; i < D; ++i) b[i] = t_asy(t_osz(b[i]), i, D, 0.2);
      affine(d.m2, b, c, D);
      return rastrigin_core(c, D) + d.fopt;
    }
    case 16: {  // weierstrass: z = R Lambda^(1/100) Q T_osz(R (x - xopt)), + 10/D f_pen
      const double penalty = f_pen(x, D);
      subtract(x, d.shift, a, D);
      affine(d.m1, a, b, D);
      for (size_t i = 0; i < D; ++i) b[i] = t_osz(b[i]);
      affine(d.m2, b, c, D);
      const double y = f16_weierstrass_core(d, c) + d.fopt;
      return y + d.factor * penalty;
    }
    case 17:
    case 18: {  // schaffers: z = Lambda^cond Q T_asy^0.5(R (x - xopt)), + 10 f_pen
      const double penalty = f_pen(x, D);
      subtract(x, d.shift, a, D);
      affine(d.m1, a, b, D);
      for (size_t i = 0; i < D; ++i) b[i] = t_asy(b[i], i, D, 0.5);
      affine(d.m2, b, c, D);
      const double y = schaffers_core(c, D) + d.fopt;
      return y + 10.0 * penalty;
    }
    case 19: {  // griewank-rosenbrock: z = factor R x + 1/2
      affine(d.m1, x, a, D);
      for (size_t i = 0; i < D; ++i) a[i] = a[i] - (-0.5);
      double r = 0.0;
      for (size_t i = 0; i + 1 < D; ++i) {
        const double c1 = a[i] * a[i] - a[i + 1];
        const double c2 = 1.0 - a[i];
        const double t = 100.0 * c1 * c1 + c2 * c2;
        r += t / 4000. - std::cos(t);
      }
      return 10.0 + 10.0 * r / static_cast<double>(D - 1) + d.fopt;
    }
    case 20:
      return f20_schwefel(d, x, a, b);
    case 21:
    case 22:
      return f21_gallagher(d, x, a);
    case 23: {  // katsuura: z = R Lambda^100 Q (x - xopt), + f_pen
      const double penalty = f_pen(x, D);
      subtract(x, d.shift, a, D);
      affine(d.m2, a, b, D);
      const double y = f23_katsuura(d, b) + d.fopt;
      return y + 1.0 * penalty;
    }
    case 24:
      return f24_lunacek(d, x, a, b, c);
    default:
      return std::nan("");
  }
}

}  // namespace neuroevo::bbob
