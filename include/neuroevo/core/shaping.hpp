// Fitness shaping, kept apart from strategies (as in evosax) so any strategy can compose it.
#pragma once
#include <span>
#include <vector>

namespace neuroevo {

// Centred ranks (Salimans et al. 2017): rank r in 0..n-1 (ascending fitness) maps to r/(n-1) - 0.5,
// so the values span [-0.5, 0.5] and sum to zero. Ties are broken by index, making the result a pure
// function of the input order. -inf values rank lowest. n == 1 gives 0.
std::vector<double> centered_ranks(std::span<const double> fitness);

// Indices sorted by descending fitness, ties by ascending index (deterministic).
std::vector<size_t> argsort_descending(std::span<const double> fitness);

}  // namespace neuroevo
