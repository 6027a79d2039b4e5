// Significance tests for comparing sorting policies: the Mann-Whitney U test (Mann & Whitney 1947;
// Wilcoxon rank-sum) and Fisher's exact test on a 2x2 table (Fisher 1935). Self-contained, no library.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace neuroevo::sorting {

struct MannWhitney {
  double u1 = 0.0;     // pairs (x_i, y_j) with x_i > y_j, ties counting 1/2
  double u2 = 0.0;     // n1 n2 - u1
  double z = 0.0;      // normal approximation (tie-corrected, continuity-corrected); 0 when exact
  double p_two_sided = 1.0;
  bool exact = false;  // exact null distribution (no ties and n1 n2 <= 2500), else normal approximation
};
MannWhitney mann_whitney(std::span<const double> x, std::span<const double> y);

// Exact null distribution of U for sample sizes m, n without ties: P(U <= u).
double mann_whitney_cdf(uint32_t m, uint32_t n, double u);

struct Fisher {
  double p_greater = 1.0;    // one-sided: a as large or larger (x more successes than y)
  double p_less = 1.0;
  double p_two_sided = 1.0;  // sum of the probabilities of tables no more likely than the observed one
};
// 2x2 table [[a, b], [c, d]] (rows: groups, columns: success / failure).
Fisher fisher_exact(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

}  // namespace neuroevo::sorting
