#include "neuroevo/genomes/gp_fit.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Dense>

#include "gp_block.hpp"

namespace neuroevo {

namespace {

using gp_block::kProtect;
constexpr size_t kBlock = GpProgram::kBlock;

}  // namespace

std::vector<double> gp_constants(const GpProgram& p) {
  std::vector<double> c;
  for (const GpNode& n : p.nodes())
    if (n.op == GpOp::Const) c.push_back(n.value);
  return c;
}

void gp_set_constants(GpProgram& p, std::span<const double> values) {
  size_t k = 0;
  for (GpNode& n : p.nodes())
    if (n.op == GpOp::Const) {
      if (k >= values.size()) throw std::invalid_argument("gp_set_constants: too few values");
      n.value = values[k++];
    }
  if (k != values.size()) throw std::invalid_argument("gp_set_constants: too many values");
}

void gp_jacobian(const GpProgram& p, std::span<const double> x, size_t rows, std::span<double> out,
                 std::span<double> jac) {
  const auto& nodes = p.nodes();
  const size_t n = nodes.size();
  // Children: the first argument follows its parent; the second follows the first's subtree.
  std::vector<size_t> end(n), second(n, 0), constant_index(n, 0);
  size_t constants = 0;
  for (size_t i = 0; i < n; ++i)
    if (nodes[i].op == GpOp::Const) constant_index[i] = constants++;
  for (size_t i = n; i-- > 0;) {
    const int a = gp_arity(nodes[i].op);
    if (a == 0) end[i] = i + 1;
    else if (a == 1) end[i] = end[i + 1];
    else {
      second[i] = end[i + 1];
      end[i] = end[second[i]];
    }
  }
  if (out.size() < rows || jac.size() < constants * rows) throw std::invalid_argument("gp_jacobian: buffers too small");
  std::vector<double> val(n * kBlock), adj(n * kBlock);
  for (size_t r0 = 0; r0 < rows; r0 += kBlock) {
    const size_t m = std::min(kBlock, rows - r0);
    for (size_t i = n; i-- > 0;) {  // forward: children before parents
      double* r = &val[i * kBlock];
      const double* u = gp_arity(nodes[i].op) >= 1 ? &val[(i + 1) * kBlock] : nullptr;
      const double* v = gp_arity(nodes[i].op) == 2 ? &val[second[i] * kBlock] : nullptr;
      gp_block::apply(nodes[i], u, v, r, m, x, rows, r0);
    }
    std::copy_n(val.data(), m, out.data() + r0);
    std::fill_n(adj.data(), m, 1.0);  // d out / d root
    for (size_t i = 0; i < n; ++i) {  // backward: parents before children (prefix order)
      const int a = gp_arity(nodes[i].op);
      const double* g = &adj[i * kBlock];
      if (nodes[i].op == GpOp::Const) {
        std::copy_n(g, m, jac.data() + constant_index[i] * rows + r0);
        continue;
      }
      if (a == 0) continue;
      const double* u = &val[(i + 1) * kBlock];
      const double* v = a == 2 ? &val[second[i] * kBlock] : nullptr;
      const double* y = &val[i * kBlock];
      double* gu = &adj[(i + 1) * kBlock];
      double* gv = a == 2 ? &adj[second[i] * kBlock] : nullptr;
      switch (nodes[i].op) {
        case GpOp::Add: for (size_t k = 0; k < m; ++k) gu[k] = g[k], gv[k] = g[k]; break;
        case GpOp::Sub: for (size_t k = 0; k < m; ++k) gu[k] = g[k], gv[k] = -g[k]; break;
        case GpOp::Mul: for (size_t k = 0; k < m; ++k) gu[k] = g[k] * v[k], gv[k] = g[k] * u[k]; break;
        case GpOp::Div:
          for (size_t k = 0; k < m; ++k) {
            const bool prot = std::abs(v[k]) < kProtect;
            gu[k] = prot ? 0.0 : g[k] / v[k];
            gv[k] = prot ? 0.0 : -g[k] * u[k] / (v[k] * v[k]);
          }
          break;
        case GpOp::Sin: for (size_t k = 0; k < m; ++k) gu[k] = g[k] * std::cos(u[k]); break;
        case GpOp::Cos: for (size_t k = 0; k < m; ++k) gu[k] = -g[k] * std::sin(u[k]); break;
        case GpOp::Exp: for (size_t k = 0; k < m; ++k) gu[k] = u[k] < 700.0 ? g[k] * y[k] : 0.0; break;
        case GpOp::Log:
          for (size_t k = 0; k < m; ++k) gu[k] = std::abs(u[k]) < kProtect ? 0.0 : g[k] / u[k];
          break;
        case GpOp::Sqrt:  // d sqrt|u| = sign(u) / (2 sqrt|u|); 0 at u = 0 (where it is unbounded)
          for (size_t k = 0; k < m; ++k) gu[k] = u[k] == 0.0 ? 0.0 : g[k] * (u[k] > 0 ? 0.5 : -0.5) / y[k];
          break;
        case GpOp::Square: for (size_t k = 0; k < m; ++k) gu[k] = 2.0 * g[k] * u[k]; break;
        case GpOp::Tanh: for (size_t k = 0; k < m; ++k) gu[k] = g[k] * (1.0 - y[k] * y[k]); break;
        default: throw std::logic_error("gp_program: bad operator");
      }
    }
  }
}

GpFitStats gp_fit_constants(GpProgram& p, std::span<const double> x, size_t rows, std::span<const double> y,
                            size_t iterations) {
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  GpFitStats st;
  const std::vector<double> c0 = gp_constants(p);
  const size_t k = c0.size();
  std::vector<double> out(rows), jac(k * rows);
  auto residuals = [&](const GpProgram& q, VectorXd& r, MatrixXd* J) {
    if (J) {
      gp_jacobian(q, x, rows, out, jac);
      *J = Eigen::Map<const MatrixXd>(jac.data(), static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(k));
    } else {
      q.evaluate(x, rows, out);
    }
    r.resize(static_cast<Eigen::Index>(rows));
    for (size_t i = 0; i < rows; ++i) r[static_cast<Eigen::Index>(i)] = out[i] - y[i];
    return r.squaredNorm();
  };
  VectorXd r;
  MatrixXd J;
  double sse = residuals(p, r, k > 0 ? &J : nullptr);
  st.sse_before = st.sse_after = sse;
  if (k == 0 || iterations == 0 || !std::isfinite(sse) || !J.allFinite()) return st;
  VectorXd c = Eigen::Map<const VectorXd>(c0.data(), static_cast<Eigen::Index>(k));
  MatrixXd A = J.transpose() * J;
  VectorXd g = J.transpose() * r;
  double mu = 1e-3 * A.diagonal().maxCoeff(), nu = 2.0;
  if (!(mu > 0)) mu = 1e-3;
  GpProgram trial = p;
  VectorXd r_new;
  MatrixXd J_new;
  const auto I = MatrixXd::Identity(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  while (st.iterations < iterations && g.lpNorm<Eigen::Infinity>() > 1e-14) {
    ++st.iterations;
    const VectorXd h = (A + mu * I).ldlt().solve(-g);
    if (!h.allFinite() || h.norm() <= 1e-14 * (c.norm() + 1e-14)) break;
    const VectorXd c_new = c + h;
    gp_set_constants(trial, std::span<const double>(c_new.data(), k));
    const double sse_new = residuals(trial, r_new, &J_new);
    // Gain ratio: actual over predicted decrease of F = sse / 2 (Madsen et al., eq. 3.14).
    const double predicted = 0.5 * h.dot(mu * h - g);
    const double rho = (0.5 * (sse - sse_new)) / predicted;
    if (std::isfinite(sse_new) && J_new.allFinite() && sse_new < sse && rho > 0) {
      c = c_new;
      sse = sse_new;
      r.swap(r_new);
      J.swap(J_new);
      A = J.transpose() * J;
      g = J.transpose() * r;
      mu *= std::max(1.0 / 3.0, 1.0 - std::pow(2.0 * rho - 1.0, 3));
      nu = 2.0;
    } else {
      mu *= nu;
      nu *= 2.0;
    }
  }
  gp_set_constants(p, std::span<const double>(c.data(), k));
  st.sse_after = sse;
  return st;
}

}  // namespace neuroevo
