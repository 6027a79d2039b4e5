// Hopfield associative memories: the classical binary network (Hopfield 1982; Hebbian storage, sign
// updates) and the continuous modern Hopfield network of Ramsauer et al. 2020, "Hopfield Networks is All
// You Need" (ICLR 2021), whose update is xi <- X softmax(beta X^T xi). Equations, constants and every
// choice left open are listed in docs/memory.md.
//
// Patterns are stored pattern-major: pattern k occupies values [k * dim, (k + 1) * dim). That is the
// columns of the paper's X = (x_1, ..., x_N) laid out one after another.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/rng.hpp"

namespace neuroevo::memory {

// Checks a flat pattern array against a dimension; throws UsageError naming `option` when the array is
// empty, is not a whole number of patterns of `dim` values, or holds a non-finite value.
size_t check_patterns(std::span<const float> patterns, size_t dim, const std::string& option);

// Classical Hopfield network on states in {-1, +1}^dim.
//   storage:  W = (1 / dim) sum_mu x_mu x_mu^T with W_ii = 0 (Hebb rule)
//   update:   s_i <- sign(sum_j W_ij s_j), sign(0) = +1 (synchronous: all units from the old state;
//             asynchronous: one unit at a time in a random order, each seeing the units already updated)
//   energy:   E(s) = -1/2 s^T W s, non-increasing under asynchronous updates
class ClassicalHopfield {
 public:
  explicit ClassicalHopfield(size_t dim);
  // Adds patterns (values +-1) to W; may be called several times (W is a sum).
  void store(std::span<const float> patterns);
  size_t dim() const { return dim_; }
  size_t stored() const { return stored_; }
  const std::vector<double>& weights() const { return w_; }  // row-major dim x dim

  double local_field(std::span<const float> s, size_t i) const;
  // One synchronous step from `s` into `out` (may not alias); returns how many units changed.
  size_t step_sync(std::span<const float> s, std::span<float> out) const;
  // One asynchronous sweep over all units in an order drawn from `rng`; returns how many changed.
  size_t sweep_async(std::span<float> s, Stream& rng) const;
  // Runs updates until a fixed point or `max_steps` steps/sweeps; returns the steps taken (max_steps + 1
  // if none was reached: synchronous dynamics can end in a 2-cycle).
  int run_sync(std::span<float> s, int max_steps) const;
  int run_async(std::span<float> s, Stream& rng, int max_sweeps) const;
  double energy(std::span<const float> s) const;

 private:
  size_t dim_;
  size_t stored_ = 0;
  std::vector<double> w_;
};

// Continuous modern Hopfield network (Ramsauer et al. 2020, eqs. (2) and (3)):
//   E(xi) = -lse(beta, X^T xi) + 1/2 xi^T xi + beta^-1 log N + 1/2 M^2,
//   lse(beta, z) = beta^-1 log sum_i exp(beta z_i),  M = max_i ||x_i||
//   update (CCCP step, never increases E): xi_new = X softmax(beta X^T xi)
class ModernHopfield {
 public:
  // Throws UsageError if beta <= 0 or is not finite, or if the patterns do not fit `dim`.
  ModernHopfield(size_t dim, double beta, std::span<const float> patterns);
  size_t dim() const { return dim_; }
  size_t stored() const { return n_; }
  double beta() const { return beta_; }
  std::span<const float> pattern(size_t k) const { return {x_.data() + k * dim_, dim_}; }

  // softmax(beta X^T xi) into p (size stored()); computed with the maximum subtracted.
  void attention(std::span<const float> xi, std::span<double> p) const;
  // One update xi -> X softmax(beta X^T xi) into `out` (size dim, may alias xi); `p` is scratch of size
  // stored() and holds the attention weights afterwards.
  void update(std::span<const float> xi, std::span<float> out, std::span<double> p) const;
  // Iterates updates until max_i |xi_new - xi| <= tol or max_steps; returns the steps done.
  int run(std::span<float> xi, std::span<double> p, int max_steps, double tol) const;
  double energy(std::span<const float> xi) const;
  // FLOPs of one update: X^T xi (2 N d), exp and normalise (3 N, exp counted as 1), X p (2 N d).
  double flops_per_update() const { return 4.0 * static_cast<double>(n_ * dim_) + 3.0 * static_cast<double>(n_); }

 private:
  size_t dim_, n_;
  double beta_;
  double max_norm_sq_ = 0.0;
  std::vector<float> x_;
};

// ----- capacity experiment (`neuroevo memory hopfield`) -----------------------------------------------

enum class HopfieldKind { Classical, Modern };
enum class HopfieldUpdate { Sync, Async };

struct CapacityOptions {
  size_t dim = 64;
  std::vector<size_t> counts;      // stored-pattern counts to test
  double noise = 0.2;              // fraction of a probe's units flipped (exactly round(noise * dim))
  HopfieldKind kind = HopfieldKind::Modern;
  HopfieldUpdate update = HopfieldUpdate::Sync;  // classical only
  double beta = 1.0;               // modern only
  int steps = 1;                   // modern: updates per probe (1 = the paper's one-step retrieval);
                                   // classical: the maximum number of steps / sweeps
  size_t probes = 256;             // probes per count (each a stored pattern, cycling), at most all
  uint64_t seed = 0;
  std::vector<float> patterns;     // optional fixed patterns (pattern-major, +-1); random when empty
};

struct CapacityPoint {
  size_t count = 0;
  size_t probes = 0;
  double accuracy = 0.0;   // fraction of probes whose sign(state) equals the stored pattern exactly
  double overlap = 0.0;    // mean x . sign(state) / dim
  double seconds = 0.0;    // wall time of the retrievals
};

std::vector<CapacityPoint> run_capacity(const CapacityOptions& o);

// Fixed-point kinds of the modern network (Ramsauer et al. 2020, section 2): after iterating the update
// to convergence from a noisy stored pattern, the attention p is classified by its effective number of
// patterns n_eff = 1 / sum_i p_i^2: single pattern if n_eff < 1.5, global average if n_eff > N / 2,
// metastable state otherwise.
struct FixedPointStats {
  double beta = 0.0;
  size_t probes = 0;
  double single = 0.0, metastable = 0.0, global = 0.0;  // fractions of probes
  double mean_n_eff = 0.0;
  double mean_distance_to_mean = 0.0;  // ||xi* - mean of patterns|| / sqrt(dim), averaged
  double mean_steps = 0.0;
};

std::vector<FixedPointStats> run_fixed_points(size_t dim, size_t count, const std::vector<double>& betas,
                                              double noise, size_t probes, uint64_t seed, int max_steps);

// Random +-1 patterns from a counter-based stream keyed by (seed, count).
std::vector<float> random_binary_patterns(size_t dim, size_t count, uint64_t seed);

}  // namespace neuroevo::memory
