// Epsilon-lexicase parent selection for regression (La Cava, Spector & Danai, "Epsilon-lexicase selection
// for regression", GECCO 2016), in the "semi-dynamic" variant defined and recommended by La Cava,
// Helmuth, Spector & Moore, "A probabilistic and multi-objective analysis of lexicase selection and
// epsilon-lexicase selection", Evolutionary Computation 27(3), 2019:
//   epsilon_t = MAD of the population's errors on case t, median(|e_t - median(e_t)|), computed once per
//               generation over the whole population (the 2016 paper's lambda(e_t));
//   a selection event: the pool is the whole population; the cases are taken in a random order and, for
//   each case t, the pool keeps the candidates with e_t <= min over the *current pool* of e_t + epsilon_t
//   ("semi-dynamic": the elite error is the pool's, the epsilon the population's); it stops when one
//   candidate is left or the cases run out, and returns a uniform pick among those left.
// Errors are lower-is-better; NaN counts as +infinity. The MAD is taken over the finite errors of a case
// (0 when none is finite), so a few invalid programs do not blow up every threshold.
#pragma once
#include <cstddef>
#include <span>
#include <vector>

#include "neuroevo/core/rng.hpp"

namespace neuroevo {

// Per-case epsilons: errors is n x m, row-major (candidate i, case t at errors[i * m + t]).
std::vector<double> lexicase_epsilons(std::span<const double> errors, size_t n, size_t m);

// One selection event; the index of the chosen candidate. Draws the case order and the final tie-break
// from rng (at most m + 1 draws). `pool` is scratch space reused between calls.
size_t epsilon_lexicase_select(std::span<const double> errors, size_t n, size_t m, std::span<const double> epsilons,
                               Stream& rng, std::vector<size_t>& pool, std::vector<size_t>& order);

}  // namespace neuroevo
