// Running sums of observation vectors (per-dimension sum and sum of squares, and a count), gathered by
// RL rollouts for observation normalisation (nn/obs_norm.hpp). A core type because a Result may carry
// it (core/result.hpp) and results travel through layers that know nothing of RL: the batch runners and
// the MPI result codec.
#pragma once
#include <span>
#include <vector>

namespace neuroevo {

struct ObsStats {
  std::vector<double> sum, sumsq;
  double count = 0.0;
  void resize(size_t dim) { sum.assign(dim, 0.0); sumsq.assign(dim, 0.0); count = 0.0; }
  bool empty() const { return count == 0.0; }
  void add(std::span<const float> obs);
  // Adds another's sums (sizing this to match when it was empty); an empty `other` changes nothing.
  void merge(const ObsStats& other);
};

}  // namespace neuroevo
