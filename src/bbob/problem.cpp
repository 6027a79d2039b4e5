// Building a BBOB problem: everything that depends only on (function, instance, dimension) is computed
// here once, following COCO's f_*_bbob_problem_allocate functions (numbbo/coco code-experiments/src).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "neuroevo/bbob/bbob.hpp"
#include "neuroevo/core/error.hpp"
#include "problem_data.hpp"

namespace neuroevo::bbob {

namespace {

constexpr const char* kNames[kNumFunctions] = {
    "sphere",
    "separable ellipsoid",
    "separable rastrigin",
    "bueche-rastrigin",
    "linear slope",
    "attractive sector",
    "step ellipsoid",
    "rosenbrock",
    "rotated rosenbrock",
    "ellipsoid",
    "discus",
    "bent cigar",
    "sharp ridge",
    "different powers",
    "rastrigin",
    "weierstrass",
    "schaffers f7",
    "schaffers f7, ill-conditioned",
    "composite griewank-rosenbrock f8f2",
    "schwefel x*sin(x)",
    "gallagher 101 peaks",
    "gallagher 21 peaks",
    "katsuura",
    "lunacek bi-rastrigin",
};

// R diag(base^(k/(D-1))) Q, accumulated as COCO does (rot1[i][k] * base^(k/(D-1)) * rot2[k][j], in k order).
std::vector<double> rotated_lambda(const std::vector<double>& r, const std::vector<double>& q, double base, size_t dim) {
  std::vector<double> m(dim * dim);
  std::vector<double> lam(dim);
  for (size_t k = 0; k < dim; ++k) lam[k] = std::pow(base, static_cast<double>(k) / (static_cast<double>(dim) - 1.0));
  for (size_t i = 0; i < dim; ++i)
    for (size_t j = 0; j < dim; ++j) {
      double acc = 0.0;
      for (size_t k = 0; k < dim; ++k) acc += r[i * dim + k] * lam[k] * q[k * dim + j];
      m[i * dim + j] = acc;
    }
  return m;
}

// Indices 0..n-1 ordered by increasing value (COCO sorts (value, index) pairs with qsort; the values are
// distinct draws, so any correct sort gives the same order).
std::vector<size_t> order_of(const std::vector<double>& v, size_t n) {
  std::vector<size_t> idx(n);
  std::iota(idx.begin(), idx.end(), size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
  return idx;
}

void build_gallagher(BbobProblem::Data& d, size_t peaks) {
  // f21 / f22 (COCO f_gallagher.c). The 2009 document gives the 101-peak function a first-peak
  // condition of 1000; COCO (and the legacy code) use sqrt(1000) there, and b, c = 10, 5 (f21) or
  // 9.8, 4.9 (f22) for the peak positions.
  const size_t dim = d.dim;
  const double maxcondition = 1000.;
  double maxcondition1 = 1000.;
  double b = 0.0, c = 0.0;
  if (peaks == 101) {
    maxcondition1 = std::sqrt(maxcondition1);
    b = 10.;
    c = 5.;
  } else {
    b = 9.8;
    c = 4.9;
  }
  const double fitvalues[2] = {1.1, 9.1};
  d.peaks = peaks;
  d.m1 = rotation(dim, d.rseed);

  // Condition numbers of the peaks: a random permutation of 1000^(k/(peaks-2)).
  const std::vector<double> u = uniform(peaks - 1, d.rseed);
  const std::vector<size_t> perm = order_of(u, peaks - 1);
  std::vector<double> condition(peaks);
  condition[0] = maxcondition1;
  d.peak_values.assign(peaks, 0.0);
  d.peak_values[0] = 10;
  for (size_t i = 1; i < peaks; ++i) {
    condition[i] = std::pow(maxcondition, static_cast<double>(perm[i - 1]) / static_cast<double>(peaks - 2));
    d.peak_values[i] = static_cast<double>(i - 1) / static_cast<double>(peaks - 2) * (fitvalues[1] - fitvalues[0]) +
                       fitvalues[0];
  }
  // Per-peak diagonal scales: condition^(rank/(D-1) - 0.5) in a random coordinate order (seed + 1000 i).
  d.arr_scales.assign(peaks * dim, 0.0);
  for (size_t i = 0; i < peaks; ++i) {
    const std::vector<double> ui = uniform(dim, d.rseed + static_cast<long>(1000 * i));
    const std::vector<size_t> pj = order_of(ui, dim);
    for (size_t j = 0; j < dim; ++j)
      d.arr_scales[i * dim + j] =
          std::pow(condition[i], static_cast<double>(pj[j]) / static_cast<double>(dim - 1) - 0.5);
  }
  // Peak positions: uniform in [-c, b - c]^D (the first one shrunk by 0.8), stored rotated by R.
  const std::vector<double> r = uniform(dim * peaks, d.rseed);
  d.xopt.assign(dim, 0.0);
  d.x_local.assign(dim * peaks, 0.0);
  for (size_t i = 0; i < dim; ++i) {
    d.xopt[i] = 0.8 * (b * r[i] - c);
    for (size_t j = 0; j < peaks; ++j) {
      double acc = 0.;
      for (size_t k = 0; k < dim; ++k) acc += d.m1[i * dim + k] * (b * r[j * dim + k] - c);
      if (j == 0) acc *= 0.8;
      d.x_local[i * peaks + j] = acc;
    }
  }
}

std::shared_ptr<const BbobProblem::Data> build(int function, int instance, size_t dim) {
  auto p = std::make_shared<BbobProblem::Data>();
  BbobProblem::Data& d = *p;
  d.function = function;
  d.instance = instance;
  d.dim = dim;
  d.rseed = instance_seed(function, instance);
  d.fopt = random_fopt(function, instance);
  const double D = static_cast<double>(dim);
  const long rseed = d.rseed;

  switch (function) {
    case 1:   // sphere
    case 3:   // separable rastrigin: T_osz, T_asy^0.2, Lambda^10 on x - xopt
    case 2: { // separable ellipsoid: T_osz on x - xopt
      d.shift = random_xopt(dim, rseed);
      if (function == 3) {
        d.c1.resize(dim);
        for (size_t i = 0; i < dim; ++i) d.c1[i] = lambda_diag(10.0, i, dim);
      } else if (function == 2) {
        d.c1.resize(dim);
        for (size_t i = 0; i < dim; ++i) d.c1[i] = std::pow(1.0e6, 1.0 * static_cast<double>(i) / (D - 1.0));
      }
      break;
    }
    case 4: {
      // Bueche-Rastrigin. The legacy code (and COCO) take |xopt_i| on the odd coordinates (1-based), a
      // step the 2009 document does not spell out.
      d.shift = random_xopt(dim, rseed);
      for (size_t i = 0; i < dim; i += 2) d.shift[i] = std::fabs(d.shift[i]);
      d.c1.resize(dim);  // s_i before the factor 10 for positive odd coordinates
      for (size_t i = 0; i < dim; ++i) d.c1[i] = std::pow(std::sqrt(10.0), static_cast<double>(i) / (D - 1.0));
      break;
    }
    case 5: {
      // Linear slope: xopt_i = +-5 with the sign of the generic xopt; s_i = sign * 10^(i/(D-1)).
      const std::vector<double> x = random_xopt(dim, rseed);
      d.xopt.resize(dim);
      d.c1.resize(dim);
      for (size_t i = 0; i < dim; ++i) {
        d.xopt[i] = x[i] < 0.0 ? -5.0 : 5.0;
        const double e = static_cast<double>(i) / (D - 1);
        d.c1[i] = d.xopt[i] > 0.0 ? std::pow(std::sqrt(100.0), e) : -std::pow(std::sqrt(100.0), e);
      }
      break;
    }
    case 6: {  // attractive sector: M = R Lambda^10 Q
      d.shift = random_xopt(dim, rseed);
      d.m1 = rotated_lambda(rotation(dim, rseed + 1000000), rotation(dim, rseed), std::sqrt(10.0), dim);
      break;
    }
    case 7: {
      // Step ellipsoid (COCO f_step_ellipsoid.c). Note the seeds: the first rotation (before rounding) is
      // the one from seed rseed, the second (after rounding) from rseed + 1000000.
      d.shift = random_xopt(dim, rseed);
      d.m1 = rotation(dim, rseed + 1000000);  // applied after rounding
      d.m2 = rotation(dim, rseed);            // applied first
      d.c1.resize(dim);
      d.c2.resize(dim);
      for (size_t i = 0; i < dim; ++i) {
        d.c1[i] = std::sqrt(std::pow(100. / 10., static_cast<double>(i) / static_cast<double>(dim - 1)));
        d.c2[i] = std::pow(100., static_cast<double>(i) / (D - 1.0));
      }
      break;
    }
    case 8: {
      // Rosenbrock: z = max(1, sqrt(D)/8) (x - xopt) + 1 with xopt scaled by 0.75.
      d.shift = random_xopt(dim, rseed);
      for (auto& v : d.shift) v *= 0.75;
      d.factor = std::max(1.0, std::sqrt(D) / 8.0);
      break;
    }
    case 9: {
      // Rotated Rosenbrock: z = max(1, sqrt(D)/8) R x + 1/2, R from seed rseed; no random xopt. The
      // optimum z = 1 is at x = R^T 1 / (2 factor), as COCO reports it.
      const std::vector<double> r = rotation(dim, rseed);
      d.factor = std::max(1.0, std::sqrt(D) / 8.0);
      d.m1.resize(dim * dim);
      for (size_t i = 0; i < dim * dim; ++i) d.m1[i] = d.factor * r[i];
      d.xopt.resize(dim);
      for (size_t col = 0; col < dim; ++col) {
        double t = 0;
        for (size_t row = 0; row < dim; ++row) t += r[row * dim + col];
        d.xopt[col] = t / (2. * d.factor);
      }
      break;
    }
    case 10:   // ellipsoid: T_osz(R (x - xopt))
    case 11:   // discus
    case 14: { // different powers
      d.shift = random_xopt(dim, rseed);
      d.m1 = rotation(dim, rseed + 1000000);
      if (function == 10) {
        d.c1.resize(dim);
        for (size_t i = 0; i < dim; ++i) d.c1[i] = std::pow(1.0e6, 1.0 * static_cast<double>(i) / (D - 1.0));
      } else if (function == 14) {
        d.c1.resize(dim);
        for (size_t i = 0; i < dim; ++i) d.c1[i] = 2.0 + (4.0 * static_cast<double>(i)) / (D - 1.0);
      }
      break;
    }
    case 12: {
      // Bent cigar: COCO draws this function's xopt from seed rseed + 1000000 (the rotation's seed).
      d.shift = random_xopt(dim, rseed + 1000000);
      d.m1 = rotation(dim, rseed + 1000000);
      break;
    }
    case 13:   // sharp ridge: M = R Lambda^10 Q
    case 15: { // rastrigin: R, then T_osz, T_asy^0.2, then M = R Lambda^10 Q
      d.shift = random_xopt(dim, rseed);
      const std::vector<double> r = rotation(dim, rseed + 1000000);
      d.m2 = rotated_lambda(r, rotation(dim, rseed), std::sqrt(10.0), dim);
      if (function == 15) d.m1 = r;
      break;
    }
    case 16: {
      // Weierstrass: R, T_osz, M = R Lambda^(1/100) Q; f_pen weighted 10/D.
      d.shift = random_xopt(dim, rseed);
      const std::vector<double> r = rotation(dim, rseed + 1000000);
      d.m2 = rotated_lambda(r, rotation(dim, rseed), 1.0 / std::sqrt(100.0), dim);
      d.m1 = r;
      d.factor = 10.0 / D;
      d.f0 = 0.0;
      for (size_t k = 0; k < 12; ++k) {
        d.ak[k] = std::pow(0.5, static_cast<double>(k));
        d.bk[k] = std::pow(3., static_cast<double>(k));
        d.f0 += d.ak[k] * std::cos(2 * kPi * d.bk[k] * 0.5);
      }
      break;
    }
    case 17:
    case 18: {
      // Schaffers F7: R, T_asy^0.5, then Lambda^cond Q (cond 10 for f17, 1000 for f18; f18 uses f17's
      // seeds, hence the same xopt, rotations and fopt).
      const double conditioning = function == 17 ? 10.0 : 1000.0;
      d.shift = random_xopt(dim, rseed);
      d.m1 = rotation(dim, rseed + 1000000);
      const std::vector<double> q = rotation(dim, rseed);
      d.m2.resize(dim * dim);
      for (size_t i = 0; i < dim; ++i) {
        const double e = 1.0 * static_cast<double>(i) / (D - 1.0);
        for (size_t j = 0; j < dim; ++j) d.m2[i * dim + j] = q[i * dim + j] * std::pow(std::sqrt(conditioning), e);
      }
      break;
    }
    case 19: {
      // Griewank-Rosenbrock: z = max(1, sqrt(D)/8) R x + 1/2, R from seed rseed; optimum reported as
      // (scaled R)^T 1 / (2 factor), as COCO does.
      const std::vector<double> r = rotation(dim, rseed);
      d.factor = std::max(1., std::sqrt(D) / 8.);
      d.m1.resize(dim * dim);
      for (size_t i = 0; i < dim * dim; ++i) d.m1[i] = r[i] * d.factor;
      d.xopt.resize(dim);
      for (size_t j = 0; j < dim; ++j) {
        double t = 0;
        for (size_t i = 0; i < dim; ++i) t += d.m1[i * dim + j];
        d.xopt[j] = t / (2. * d.factor);
      }
      break;
    }
    case 20: {
      // Schwefel x*sin(x). The signs come from uniform draws (u < 0.5 -> negative). COCO centres the
      // function on +-4.2096874637/2 but reports +-4.2096874633/2 as the optimum (the document's
      // value); we do the same.
      const std::vector<double> u = uniform(dim, rseed);
      d.shift.resize(dim);
      d.xopt.resize(dim);
      d.two_abs_xopt.resize(dim);
      d.negate.resize(dim);
      d.c1.resize(dim);
      for (size_t i = 0; i < dim; ++i) {
        d.negate[i] = u[i] - 0.5 < 0.0;
        d.shift[i] = 0.5 * 4.2096874637;
        if (u[i] - 0.5 < 0) d.shift[i] *= -1;
        d.two_abs_xopt[i] = 2 * std::fabs(d.shift[i]);
        d.xopt[i] = d.negate[i] ? -0.5 * 4.2096874633 : 0.5 * 4.2096874633;
        d.c1[i] = lambda_diag(10.0, i, dim);
      }
      break;
    }
    case 21:
      build_gallagher(d, 101);
      break;
    case 22:
      build_gallagher(d, 21);
      break;
    case 23: {
      // Katsuura: M = R Lambda^100 Q; f_pen weight 1.
      d.shift = random_xopt(dim, rseed);
      d.m2 = rotated_lambda(rotation(dim, rseed + 1000000), rotation(dim, rseed), std::sqrt(100.0), dim);
      d.c1.resize(dim);
      for (size_t i = 0; i < dim; ++i) d.c1[i] = 10. / std::pow(D, 1.2);
      break;
    }
    case 24: {
      // Lunacek bi-Rastrigin: xopt = +-mu0/2 with the signs of Gaussian draws from seed rseed (COCO
      // f_lunacek_bi_rastrigin.c); R from rseed + 1000000, Q from rseed.
      const double mu0 = 2.5;
      const std::vector<double> g = gaussian(dim, rseed);
      d.xopt.resize(dim);
      for (size_t i = 0; i < dim; ++i) {
        d.xopt[i] = 0.5 * mu0;
        if (g[i] < 0.0) d.xopt[i] *= -1.0;
      }
      d.m1 = rotation(dim, rseed + 1000000);
      d.m2 = rotation(dim, rseed);
      d.c1.resize(dim);
      for (size_t i = 0; i < dim; ++i)
        d.c1[i] = std::pow(std::sqrt(100.), static_cast<double>(i) / static_cast<double>(dim - 1));
      d.lunacek_s = 1. - 0.5 / (std::sqrt(static_cast<double>(dim + 20)) - 4.1);
      d.lunacek_mu1 = -std::sqrt((mu0 * mu0 - 1.) / d.lunacek_s);
      break;
    }
    default:
      break;
  }
  if (d.xopt.empty()) d.xopt = d.shift;  // shifted functions: the optimum is the shift
  return p;
}

}  // namespace

const char* function_name(int function) {
  if (function < 1 || function > kNumFunctions)
    throw UsageError("BBOB function " + std::to_string(function) + " does not exist (valid: 1-24)");
  return kNames[function - 1];
}

BbobProblem::BbobProblem(int function, int instance, size_t dim) {
  function_name(function);  // validates the id
  if (instance < 1 || instance > kMaxInstance)
    throw UsageError("BBOB instance " + std::to_string(instance) + " is out of range (valid: 1-" +
                     std::to_string(kMaxInstance) + "; COCO instances start at 1)");
  if (dim < 2 || dim > kMaxDim)
    throw UsageError("BBOB dimension " + std::to_string(dim) + " is out of range (valid: 2-" + std::to_string(kMaxDim) +
                     ")");
  d_ = build(function, instance, dim);
}

double BbobProblem::operator()(std::span<const double> x) const {
  if (x.size() != d_->dim)
    throw std::invalid_argument("BbobProblem " + id() + ": x has " + std::to_string(x.size()) + " values, expected " +
                                std::to_string(d_->dim));
  for (double v : x)
    if (std::isnan(v)) return std::nan("");
  return evaluate_problem(*d_, x.data());
}

int BbobProblem::function() const { return d_->function; }
int BbobProblem::instance() const { return d_->instance; }
size_t BbobProblem::dim() const { return d_->dim; }
double BbobProblem::fopt() const { return d_->fopt; }
const std::vector<double>& BbobProblem::xopt() const { return d_->xopt; }

std::string BbobProblem::id() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "bbob_f%03d_i%02d_d%02zu", d_->function, d_->instance, d_->dim);
  return buf;
}

std::string BbobProblem::name() const {
  return "BBOB f" + std::to_string(d_->function) + " (" + kNames[d_->function - 1] + ") instance " +
         std::to_string(d_->instance) + " in " + std::to_string(d_->dim) + "-D";
}

}  // namespace neuroevo::bbob
