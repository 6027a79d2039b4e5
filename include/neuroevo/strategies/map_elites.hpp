// MAP-Elites' grid over a behaviour descriptor (the strategy itself is src/strategies/map_elites.cpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace neuroevo {

// Cells of a regular grid: coordinate d is clamped to [low[d], high[d]] and split into cells[d] equal
// bins; the cell index is row-major with dimension 0 slowest.
class GridIndexer {
 public:
  // Throws UsageError when the sizes differ, high <= low or a count is < 1.
  GridIndexer(std::vector<double> low, std::vector<double> high, std::vector<int64_t> cells);
  size_t total() const;
  // nullopt for a descriptor of the wrong dimension or with a non-finite coordinate.
  std::optional<size_t> cell_of(std::span<const double> behaviour) const;

 private:
  std::vector<double> low_, high_;
  std::vector<int64_t> cells_;
};

}  // namespace neuroevo
