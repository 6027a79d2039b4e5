// Self-sorting arrays: every element of an array is a "cell" that runs a local, cell-view version of
// bubble, insertion or selection sort, after Zhang, Goldstein & Levin, "Classical sorting algorithms as a
// model of morphogenesis: self-sorting arrays reveal unexpected competencies in a minimal model of basal
// intelligence", Adaptive Behavior 2024 (arXiv 2401.05375). Every definition and every choice the paper
// leaves open is written down in docs/sorting.md; the comments here point there.
//
// The module is self-contained: it depends only on neuroevo/core (random streams, errors).
//
// Concurrency: the paper runs one thread per cell under one global lock, so each move is atomic and the
// interleaving is whatever the OS scheduler picks. Here a *sweep* lets every cell act exactly once, in a
// uniformly random order drawn from the run's counter-based stream: the same seed gives the same
// trajectory whatever the thread count (threads only ever split runs).
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/core/rng.hpp"

namespace neuroevo::sorting {

// A cell's algorithm ("algotype"). Mixed is the parameterised cell evolved beyond the paper
// (MixPolicy): each turn it picks one of the three rules at random.
enum class Algotype : uint8_t { Bubble = 0, Insertion = 1, Selection = 2, Mixed = 3 };
// Damage (the paper's "frozen" cells): neither kind ever initiates a move; a movable frozen cell can be
// swapped by an active cell, an immovable one never changes position.
enum class Frozen : uint8_t { None = 0, Movable = 1, Immovable = 2 };

const char* algotype_name(Algotype a);
// Parses "bubble", "insertion", "selection", "mixed"; throws UsageError naming `option` otherwise.
Algotype parse_algotype(const std::string& name, const std::string& option);
const char* frozen_name(Frozen f);

struct Cell {
  int value = 0;
  Algotype type = Algotype::Bubble;
  Frozen frozen = Frozen::None;
  uint32_t id = 0;    // identity (initial position); the sweep order is over identities
  uint32_t ideal = 0; // selection's "ideal position", starts at the left end (docs/sorting.md)
};

// Parameters of the Mixed cell (beyond the paper): each turn the cell applies the bubble, insertion or
// selection rule with probabilities proportional to the weights; when a bubble or insertion move it
// wants is refused by an immovable neighbour, it applies the selection rule instead with probability
// `detour`.
struct MixPolicy {
  double w_bubble = 1.0, w_insertion = 0.0, w_selection = 0.0;
  double detour = 0.0;
};

// Online delayed-gratification tracker over the sequence of monotonicity errors (descents) after each
// swap. Changes of the error are merged into maximal runs of one sign; an episode is a rise of the error
// by L (sortedness lost) followed directly by a fall by G (regained); its value is (G - L) / L.
class DelayedGratification {
 public:
  void observe(int64_t error);  // error after a swap (the first call sets the starting value)
  void finish();                // closes the last run; call once at the end
  uint32_t episodes() const { return episodes_; }
  double sum() const { return sum_; }
  double mean() const;  // NaN when there was no episode

 private:
  void close_run();
  bool started_ = false;
  int64_t last_ = 0;
  int sign_ = 0;         // sign of the current run of changes (+1 error rising, -1 falling, 0 none yet)
  int64_t run_ = 0;      // magnitude of the current run
  int64_t pending_loss_ = 0;  // magnitude of the rise just before the current fall run (0 if none)
  uint32_t episodes_ = 0;
  double sum_ = 0.0;
};

// The array with its incrementally maintained measures. Positions are 0-based, left to right; the goal
// is non-decreasing order.
class Array {
 public:
  explicit Array(std::vector<Cell> cells);
  size_t size() const { return cells_.size(); }
  const Cell& at(size_t pos) const { return cells_[pos]; }
  const std::vector<Cell>& cells() const { return cells_; }
  size_t position_of(uint32_t id) const { return pos_[id]; }

  // Exchanges the cells at positions i and j (i != j) and updates every measure; counts one swap.
  void swap(size_t i, size_t j);
  void set_ideal(size_t pos, uint32_t ideal) { cells_[pos].ideal = ideal; }

  // Monotonicity error: adjacent pairs (i, i+1) with value[i] > value[i+1], over all cells.
  int64_t descents() const { return descents_; }
  // Sortedness (monotonicity): share of adjacent pairs in order, 1 - descents / (n - 1).
  double sortedness() const;
  // True when no non-frozen cell in [0, p) is out of order with the non-frozen cell before it, frozen
  // cells cutting the array into independently checked segments (insertion's "left part is sorted").
  bool left_sorted(size_t p) const;
  uint64_t swaps() const { return swaps_; }
  const std::vector<int>& sorted_values() const { return sorted_values_; }
  DelayedGratification& dg() { return dg_; }
  const DelayedGratification& dg() const { return dg_; }

 private:
  bool descent_at(size_t i) const { return cells_[i].value > cells_[i + 1].value; }
  bool break_at(size_t i) const;  // pair (i-1, i), both active, value[i] < value[i-1]
  void set_break(size_t i, bool on);
  std::vector<Cell> cells_;
  std::vector<int> sorted_values_;  // the values in order (they never change), for the sorting error
  std::vector<uint32_t> pos_;
  std::vector<uint64_t> breaks_;  // bitset over i = 1..n-1
  int64_t descents_ = 0;
  uint64_t swaps_ = 0;
  DelayedGratification dg_;
};

// ---- Cell policies (one turn of the cell at position p). Each returns true if it changed the state
// (a swap or a move of the ideal position). `blocked` (if given) is set when the rule wanted to swap
// with an immovable frozen neighbour and was refused.
bool bubble_turn(Array& a, size_t p, Stream& rng, bool* blocked = nullptr);
bool insertion_turn(Array& a, size_t p, bool* blocked = nullptr);
bool selection_turn(Array& a, size_t p);
// One turn of whatever rule the cell's algotype says (frozen cells do nothing).
bool cell_turn(Array& a, size_t p, const MixPolicy& mix, Stream& rng);
// Whether any rule the cell at p may use could change the state now (false for frozen cells).
bool can_act(const Array& a, size_t p, const MixPolicy& mix);
// One sweep: every cell acts once, in a uniformly random order of identities drawn from rng. Returns
// the number of state changes.
size_t sweep(Array& a, const MixPolicy& mix, Stream& rng);
// The same with a caller-owned buffer for the order (no allocation per sweep).
size_t sweep(Array& a, const MixPolicy& mix, Stream& rng, std::vector<uint32_t>& order);
// One sweep in a given order of identities (tests use it to work trajectories by hand).
size_t sweep_in_order(Array& a, std::span<const uint32_t> order, const MixPolicy& mix, Stream& rng);
// True when no cell can act: the run has finished (a fixed point of the dynamics).
bool finished(const Array& a, const MixPolicy& mix);

// ---- Traditional top-down versions with the same damage model: the element the algorithm carries
// (bubble: the left element of the compared pair, moving right; insertion: the element being inserted;
// selection: the minimum found, moving to the front of the unsorted part) is the initiator. A swap
// fails if the initiator is frozen or its partner is immovable. One call runs the whole algorithm;
// `on_pass` (if given) is called after each outer iteration (bubble pass, insertion or selection index).
void traditional_sort(Array& a, Algotype algo, const std::function<void()>& on_pass = {});

// ---- Measures on a finished (or any) array.
// Sorting error: positions whose value differs from the value the sorted array has there.
int64_t sorting_error(const Array& a);
// True when the non-frozen cells, read left to right skipping frozen ones, are non-decreasing: the
// best any policy can do when frozen cells cannot be relied on to move.
bool active_sorted(const Array& a);
// Algotype aggregation: share of adjacent pairs whose two cells have the same algotype.
double aggregation(const Array& a);
// Its expectation when the same algotypes are placed in a uniformly random order:
// sum_k n_k (n_k - 1) / (n (n - 1)).
double aggregation_expected(std::span<const size_t> counts);

// ---- Experiments.
struct Condition {
  std::vector<Algotype> algotypes{Algotype::Bubble};  // several: a chimeric array (balanced, shuffled)
  bool traditional = false;                           // top-down version of algotypes[0]
  size_t size = 100;
  size_t frozen = 0;
  Frozen frozen_kind = Frozen::Immovable;
  size_t distinct = 0;  // 0: values 0..size-1; k: value = i mod k (duplicates)
  MixPolicy mix;
  uint64_t max_sweeps = 0;  // 0: 50 * size + 100
  std::string label() const;
};

struct TrajPoint {
  uint64_t sweep = 0, swaps = 0;
  double sortedness = 0.0, aggregation = 0.0;
  int64_t error = 0;
};

struct RunResult {
  uint64_t run = 0;
  bool finished = false;       // reached a fixed point within max_sweeps
  bool sorted = false;         // the whole array is non-decreasing
  bool active_sorted = false;  // the non-frozen cells are non-decreasing
  uint64_t sweeps = 0, swaps = 0;
  uint64_t plateau_sweep = 0;  // last sweep that changed the sortedness (0 if none)
  double initial_sortedness = 0.0, final_sortedness = 0.0;
  int64_t final_error = 0;
  uint32_t dg_episodes = 0;
  double dg_mean = 0.0;  // NaN when no episode
  double agg_initial = 0.0, agg_peak = 0.0, agg_final = 0.0, agg_expected = 0.0;
  std::vector<TrajPoint> trajectory;  // sweep 0 (initial) then one point per sweep / outer pass
};

// The initial array of run `run` (values, frozen cells and algotypes from their own streams, so adding
// frozen cells does not change the permutation, and every algotype sees the same arrays).
Array make_array(const Condition& c, uint64_t seed, uint64_t run);
RunResult simulate(const Condition& c, uint64_t seed, uint64_t run, bool keep_trajectory);
// Runs 0..runs-1 on `threads` threads; results in run order, identical for any thread count.
std::vector<RunResult> simulate_runs(const Condition& c, uint64_t seed, uint64_t runs, unsigned threads,
                                     bool keep_trajectory);

struct Summary {
  std::string label;
  uint64_t runs = 0;
  double success = 0.0, active_success = 0.0, finished = 0.0;
  double sweeps = 0.0, swaps = 0.0, plateau = 0.0;
  double final_sortedness = 0.0, final_error = 0.0;
  double dg = 0.0;           // mean over runs with at least one episode (NaN if none)
  double dg_runs = 0.0;      // share of runs with at least one episode
  double dg_episodes = 0.0;  // mean episodes per run
  double agg_initial = 0.0, agg_peak = 0.0, agg_final = 0.0, agg_expected = 0.0;
  std::vector<double> mean_sortedness, mean_aggregation;  // mean trajectory (finished runs carried on)
};
Summary summarize(const Condition& c, std::span<const RunResult> runs);

}  // namespace neuroevo::sorting
