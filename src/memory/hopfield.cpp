// Classical and modern Hopfield networks; see include/neuroevo/memory/hopfield.hpp and docs/memory.md.
#include "neuroevo/memory/hopfield.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>

#include "neuroevo/core/error.hpp"

namespace neuroevo::memory {

size_t check_patterns(std::span<const float> patterns, size_t dim, const std::string& option) {
  if (dim == 0) throw UsageError(option + ": the pattern dimension must be positive");
  if (patterns.empty()) throw UsageError(option + ": no patterns (an empty memory cannot be stored or queried)");
  if (patterns.size() % dim != 0)
    throw UsageError(option + ": " + std::to_string(patterns.size()) + " values are not a whole number of patterns of dimension " +
                     std::to_string(dim));
  for (float v : patterns)
    if (!std::isfinite(v)) throw UsageError(option + ": a pattern holds a non-finite value");
  return patterns.size() / dim;
}

// ----- classical ------------------------------------------------------------------------------------

ClassicalHopfield::ClassicalHopfield(size_t dim) : dim_(dim), w_(dim * dim, 0.0) {
  if (dim == 0) throw UsageError("--dim: the pattern dimension must be positive");
}

void ClassicalHopfield::store(std::span<const float> patterns) {
  const size_t n = check_patterns(patterns, dim_, "--patterns");
  const double scale = 1.0 / static_cast<double>(dim_);
  for (size_t k = 0; k < n; ++k) {
    const float* x = patterns.data() + k * dim_;
    for (size_t i = 0; i < dim_; ++i) {
      double* row = w_.data() + i * dim_;
      const double xi = x[i] * scale;
      for (size_t j = 0; j < dim_; ++j) row[j] += xi * x[j];
    }
  }
  for (size_t i = 0; i < dim_; ++i) w_[i * dim_ + i] = 0.0;
  stored_ += n;
}

double ClassicalHopfield::local_field(std::span<const float> s, size_t i) const {
  const double* row = w_.data() + i * dim_;
  double h = 0.0;
  for (size_t j = 0; j < dim_; ++j) h += row[j] * s[j];
  return h;
}

size_t ClassicalHopfield::step_sync(std::span<const float> s, std::span<float> out) const {
  size_t changed = 0;
  for (size_t i = 0; i < dim_; ++i) {
    out[i] = local_field(s, i) >= 0.0 ? 1.0f : -1.0f;
    changed += out[i] != s[i];
  }
  return changed;
}

size_t ClassicalHopfield::sweep_async(std::span<float> s, Stream& rng) const {
  std::vector<size_t> order(dim_);
  std::iota(order.begin(), order.end(), size_t{0});
  for (size_t i = dim_; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);  // Fisher-Yates
  size_t changed = 0;
  for (size_t i : order) {
    const float v = local_field(s, i) >= 0.0 ? 1.0f : -1.0f;
    changed += v != s[i];
    s[i] = v;
  }
  return changed;
}

int ClassicalHopfield::run_sync(std::span<float> s, int max_steps) const {
  std::vector<float> next(dim_);
  for (int t = 1; t <= max_steps; ++t) {
    const size_t changed = step_sync(s, next);
    std::copy(next.begin(), next.end(), s.begin());
    if (changed == 0) return t;
  }
  return max_steps + 1;
}

int ClassicalHopfield::run_async(std::span<float> s, Stream& rng, int max_sweeps) const {
  for (int t = 1; t <= max_sweeps; ++t)
    if (sweep_async(s, rng) == 0) return t;
  return max_sweeps + 1;
}

double ClassicalHopfield::energy(std::span<const float> s) const {
  double e = 0.0;
  for (size_t i = 0; i < dim_; ++i) e += s[i] * local_field(s, i);
  return -0.5 * e;
}

// ----- modern ---------------------------------------------------------------------------------------

ModernHopfield::ModernHopfield(size_t dim, double beta, std::span<const float> patterns)
    : dim_(dim), n_(0), beta_(beta), x_(patterns.begin(), patterns.end()) {
  if (!(beta > 0.0) || !std::isfinite(beta)) throw UsageError("--beta must be a positive finite number, got " + std::to_string(beta));
  n_ = check_patterns(patterns, dim, "--patterns");
  for (size_t k = 0; k < n_; ++k) {
    double nn = 0.0;
    for (size_t i = 0; i < dim_; ++i) nn += static_cast<double>(x_[k * dim_ + i]) * x_[k * dim_ + i];
    max_norm_sq_ = std::max(max_norm_sq_, nn);
  }
}

void ModernHopfield::attention(std::span<const float> xi, std::span<double> p) const {
  double zmax = -std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < n_; ++k) {
    const float* x = x_.data() + k * dim_;
    float dot = 0.0f;  // float accumulation: the update's inner loop vectorises
    for (size_t i = 0; i < dim_; ++i) dot += x[i] * xi[i];
    p[k] = beta_ * dot;
    zmax = std::max(zmax, p[k]);
  }
  double sum = 0.0;
  for (size_t k = 0; k < n_; ++k) sum += (p[k] = std::exp(p[k] - zmax));
  const double inv = 1.0 / sum;
  for (size_t k = 0; k < n_; ++k) p[k] *= inv;
}

void ModernHopfield::update(std::span<const float> xi, std::span<float> out, std::span<double> p) const {
  attention(xi, p);
  // out may alias xi: xi is no longer read once the attention is known.
  std::fill(out.begin(), out.end(), 0.0f);
  for (size_t k = 0; k < n_; ++k) {
    const float pk = static_cast<float>(p[k]);
    const float* x = x_.data() + k * dim_;
    for (size_t i = 0; i < dim_; ++i) out[i] += pk * x[i];
  }
}

int ModernHopfield::run(std::span<float> xi, std::span<double> p, int max_steps, double tol) const {
  std::vector<float> next(dim_);
  for (int t = 1; t <= max_steps; ++t) {
    update(xi, next, p);
    double delta = 0.0;
    for (size_t i = 0; i < dim_; ++i) delta = std::max(delta, static_cast<double>(std::fabs(next[i] - xi[i])));
    std::copy(next.begin(), next.end(), xi.begin());
    if (delta <= tol) return t;
  }
  return max_steps;
}

double ModernHopfield::energy(std::span<const float> xi) const {
  // -lse(beta, X^T xi) computed as -(zmax + beta^-1 log sum exp(beta (z - zmax))).
  std::vector<double> z(n_);
  double zmax = -std::numeric_limits<double>::infinity();
  for (size_t k = 0; k < n_; ++k) {
    double dot = 0.0;
    for (size_t i = 0; i < dim_; ++i) dot += static_cast<double>(x_[k * dim_ + i]) * xi[i];
    z[k] = dot;
    zmax = std::max(zmax, dot);
  }
  double s = 0.0;
  for (size_t k = 0; k < n_; ++k) s += std::exp(beta_ * (z[k] - zmax));
  const double lse = zmax + std::log(s) / beta_;
  double sq = 0.0;
  for (size_t i = 0; i < dim_; ++i) sq += static_cast<double>(xi[i]) * xi[i];
  return -lse + 0.5 * sq + std::log(static_cast<double>(n_)) / beta_ + 0.5 * max_norm_sq_;
}

// ----- experiments ----------------------------------------------------------------------------------

std::vector<float> random_binary_patterns(size_t dim, size_t count, uint64_t seed) {
  std::vector<float> x(dim * count);
  for (size_t k = 0; k < count; ++k) {
    Stream rng(seed, count, k, Purpose::Init);
    for (size_t i = 0; i < dim; ++i) x[k * dim + i] = (rng.next_u64() >> 63) ? 1.0f : -1.0f;
  }
  return x;
}

namespace {

// Flips exactly round(noise * dim) distinct units of `s`, chosen by a partial Fisher-Yates shuffle.
void flip_units(std::span<float> s, double noise, Stream& rng) {
  const size_t dim = s.size();
  const size_t flips = static_cast<size_t>(std::lround(noise * static_cast<double>(dim)));
  std::vector<size_t> idx(dim);
  std::iota(idx.begin(), idx.end(), size_t{0});
  for (size_t f = 0; f < flips; ++f) {
    std::swap(idx[f], idx[f + rng.below(dim - f)]);
    s[idx[f]] = -s[idx[f]];
  }
}

}  // namespace

std::vector<CapacityPoint> run_capacity(const CapacityOptions& o) {
  if (o.counts.empty()) throw UsageError("--patterns: give at least one stored-pattern count");
  if (!(o.noise >= 0.0 && o.noise <= 1.0)) throw UsageError("--noise must be in [0, 1]");
  std::vector<CapacityPoint> out;
  for (size_t count : o.counts) {
    if (count == 0) throw UsageError("--patterns: a stored-pattern count must be positive (an empty memory cannot be queried)");
    std::vector<float> x;
    if (!o.patterns.empty()) {
      const size_t have = check_patterns(o.patterns, o.dim, "--load");
      if (count > have)
        throw UsageError("--patterns: " + std::to_string(count) + " patterns asked for but --load holds " + std::to_string(have));
      x.assign(o.patterns.begin(), o.patterns.begin() + static_cast<std::ptrdiff_t>(count * o.dim));
    } else {
      x = random_binary_patterns(o.dim, count, o.seed);
    }
    CapacityPoint pt;
    pt.count = count;
    pt.probes = std::min(o.probes, count);
    std::vector<float> s(o.dim);
    size_t exact = 0;
    double overlap = 0.0;
    const auto t0 = std::chrono::steady_clock::now();
    if (o.kind == HopfieldKind::Classical) {
      ClassicalHopfield net(o.dim);
      net.store(x);
      for (size_t q = 0; q < pt.probes; ++q) {
        std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(q * o.dim), o.dim, s.begin());
        Stream rng(o.seed, count, q, Purpose::Episode);
        flip_units(s, o.noise, rng);
        if (o.update == HopfieldUpdate::Sync) net.run_sync(s, o.steps);
        else net.run_async(s, rng, o.steps);
        double m = 0.0;
        for (size_t i = 0; i < o.dim; ++i) m += s[i] * x[q * o.dim + i];
        exact += m == static_cast<double>(o.dim);
        overlap += m / static_cast<double>(o.dim);
      }
    } else {
      ModernHopfield net(o.dim, o.beta, x);
      std::vector<double> p(count);
      for (size_t q = 0; q < pt.probes; ++q) {
        std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(q * o.dim), o.dim, s.begin());
        Stream rng(o.seed, count, q, Purpose::Episode);
        flip_units(s, o.noise, rng);
        for (int t = 0; t < o.steps; ++t) net.update(s, s, p);
        double m = 0.0;
        for (size_t i = 0; i < o.dim; ++i) m += (s[i] >= 0.0f ? 1.0 : -1.0) * x[q * o.dim + i];
        exact += m == static_cast<double>(o.dim);
        overlap += m / static_cast<double>(o.dim);
      }
    }
    pt.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    pt.accuracy = static_cast<double>(exact) / static_cast<double>(pt.probes);
    pt.overlap = overlap / static_cast<double>(pt.probes);
    out.push_back(pt);
  }
  return out;
}

std::vector<FixedPointStats> run_fixed_points(size_t dim, size_t count, const std::vector<double>& betas, double noise,
                                              size_t probes, uint64_t seed, int max_steps) {
  if (betas.empty()) throw UsageError("--betas: give at least one beta");
  if (count == 0) throw UsageError("--patterns: a stored-pattern count must be positive (an empty memory cannot be queried)");
  const std::vector<float> x = random_binary_patterns(dim, count, seed);
  std::vector<double> mean(dim, 0.0);
  for (size_t k = 0; k < count; ++k)
    for (size_t i = 0; i < dim; ++i) mean[i] += x[k * dim + i] / static_cast<double>(count);
  std::vector<FixedPointStats> out;
  for (double beta : betas) {
    ModernHopfield net(dim, beta, x);
    FixedPointStats st;
    st.beta = beta;
    st.probes = std::min(probes, count);
    std::vector<float> s(dim);
    std::vector<double> p(count);
    for (size_t q = 0; q < st.probes; ++q) {
      std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(q * dim), dim, s.begin());
      Stream rng(seed, count, q, Purpose::Episode);
      flip_units(s, noise, rng);
      st.mean_steps += net.run(s, p, max_steps, 1e-6);
      net.attention(s, p);
      double sq = 0.0;
      for (double v : p) sq += v * v;
      const double n_eff = 1.0 / sq;
      st.mean_n_eff += n_eff;
      if (n_eff < 1.5) st.single += 1;
      else if (n_eff > static_cast<double>(count) / 2.0) st.global += 1;
      else st.metastable += 1;
      double d = 0.0;
      for (size_t i = 0; i < dim; ++i) d += (s[i] - mean[i]) * (s[i] - mean[i]);
      st.mean_distance_to_mean += std::sqrt(d / static_cast<double>(dim));
    }
    const double n = static_cast<double>(st.probes);
    st.single /= n;
    st.metastable /= n;
    st.global /= n;
    st.mean_n_eff /= n;
    st.mean_distance_to_mean /= n;
    st.mean_steps /= n;
    out.push_back(st);
  }
  return out;
}

}  // namespace neuroevo::memory
