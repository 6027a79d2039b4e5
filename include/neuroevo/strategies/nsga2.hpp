// NSGA-II's building blocks (Deb, Pratap, Agarwal & Meyarivan, "A fast and elitist multiobjective genetic
// algorithm: NSGA-II", IEEE TEC 6(2), 2002), all objectives minimised:
//   fast_non_dominated_sort  sec. III-A: the fronts F1, F2, ... in O(M N^2) with domination counts;
//   crowding_distance        sec. III-B: per objective, the front sorted, boundary points infinite,
//                            interior points summing (f[i+1] - f[i-1]) / (f_max - f_min);
//   crowded_better           the crowded-comparison operator <_n: lower rank, then larger distance;
//   nsga2_survivors          sec. III-C: (mu + lambda) environmental selection of `keep` out of the
//                            combined parents and offspring, front by front, the last front cut by
//                            descending crowding distance.
// Ties are broken by index (stable sorts), so the result is a function of the input alone.
#pragma once
#include <cstddef>
#include <span>
#include <vector>

#include "neuroevo/core/rng.hpp"

namespace neuroevo {

// a dominates b: no worse in every objective and better in one (m objectives each).
bool dominates(std::span<const double> a, std::span<const double> b);

// objectives: n x m row-major. The fronts in order, each listing its members in increasing index.
std::vector<std::vector<size_t>> fast_non_dominated_sort(std::span<const double> objectives, size_t n, size_t m);

// The crowding distance of each member of `front` (same order as front).
std::vector<double> crowding_distance(std::span<const double> objectives, size_t m, std::span<const size_t> front);

bool crowded_better(size_t rank_a, double crowding_a, size_t rank_b, double crowding_b);

struct Nsga2Survivors {
  std::vector<size_t> chosen;    // indices into the combined set, in the order they were taken
  std::vector<size_t> rank;      // of each chosen one: its front (0 = non-dominated)
  std::vector<double> crowding;  // of each chosen one: its crowding distance within its whole front
};
Nsga2Survivors nsga2_survivors(std::span<const double> objectives, size_t n, size_t m, size_t keep);

// Binary tournament by the crowded-comparison operator (two uniform draws, ties to the first).
size_t crowded_tournament(std::span<const size_t> rank, std::span<const double> crowding, Stream& rng);

}  // namespace neuroevo
