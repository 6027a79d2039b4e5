// Beyond the paper: evolve the cell policy of a self-sorting array for robustness to immovable frozen
// cells. The genome (4 reals) parameterises the Mixed cell (MixPolicy): three logits give the
// probabilities of applying the bubble, insertion or selection rule each turn, and a fourth (through a
// logistic) the probability of taking a selection move when a bubble or insertion move is refused by an
// immovable neighbour. Every cell of the array runs the same evolved policy. docs/sorting.md, "Evolving
// the cells".
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/sorting/sorting.hpp"

namespace neuroevo::sorting {

constexpr size_t kPolicyDims = 4;
MixPolicy decode_policy(std::span<const double> x);

struct EvolveOptions {
  size_t size = 100;
  size_t frozen = 5;
  Frozen kind = Frozen::Immovable;
  uint64_t deadline = 0;  // sweeps allowed; 0: size
  uint64_t train_arrays = 16;
  uint64_t test_arrays = 100;
  uint64_t budget = 240;  // evaluations of the loss per evolution run
  std::string strategy = "cmaes";
  uint64_t seeds = 30;
  uint64_t seed = 0;
  unsigned threads = 1;
  std::string objective = "sortedness";  // or "success"; see policy_loss
};

// How a policy does on arrays 0..count-1 of `seed` (condition c, c.max_sweeps = the deadline).
struct Evaluation {
  uint64_t arrays = 0;
  uint64_t successes = 0;        // non-frozen cells in order when the deadline came (or at the fixed point)
  double active_sortedness = 0;  // mean share of adjacent non-frozen pairs in order
  double sortedness = 0;         // mean sortedness of the whole array (the paper's monotonicity)
  double sweeps = 0;             // mean sweeps used (the deadline when not finished)
  double success_rate() const { return arrays ? static_cast<double>(successes) / static_cast<double>(arrays) : 0.0; }
};
Evaluation evaluate_policy(const Condition& c, uint64_t seed, uint64_t count);
// The loss minimised by evolution. "sortedness": 1 - mean sortedness of the whole array at the deadline;
// "success": (1 - success rate) + (1 - mean active sortedness). Throws UsageError for another name.
double policy_loss(const Evaluation& e, const std::string& objective);

struct SeedResult {
  uint64_t replicate = 0;
  std::vector<double> genome;
  MixPolicy policy;
  double train_loss = 0.0;
  uint64_t evaluations = 0;
  Evaluation evolved;
  Evaluation classic[3];  // bubble, insertion, selection on the same test arrays
};
// One independent replicate per seed (own training arrays, strategy seed and test arrays); replicates
// run on `threads` threads and come back in replicate order.
std::vector<SeedResult> evolve_replicates(const EvolveOptions& o);

// The one place this module touches the strategies (include/neuroevo/strategies/minimize.hpp): minimise
// f over R^dim with the named strategy, starting from a uniform point in [-2, 2]^dim; returns the best
// point; *best_f and *evaluations receive its value and the evaluations spent.
std::vector<double> minimize_with_strategy(const std::string& strategy, size_t dim,
                                           const std::function<double(std::span<const double>)>& f,
                                           uint64_t budget, uint64_t seed, double* best_f, uint64_t* evaluations);

}  // namespace neuroevo::sorting
