// Self-sorting arrays (src/sorting/): each cell policy on small hand-built arrays whose trajectories were
// worked out by hand (sweeps in a fixed order of cell identities), the traditional versions under the same
// damage model, the measures against hand-computed values and a naive recomputation, and determinism of
// many runs across thread counts.
#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "neuroevo/core/error.hpp"
#include "neuroevo/sorting/evolve.hpp"
#include "neuroevo/sorting/sorting.hpp"

using namespace neuroevo;
using namespace neuroevo::sorting;

namespace {

// Cells with ids = initial positions; `frozen` lists (position, kind).
Array make(const std::vector<int>& values, Algotype type, std::vector<std::pair<size_t, Frozen>> frozen = {}) {
  std::vector<Cell> cells(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    cells[i].value = values[i];
    cells[i].type = type;
    cells[i].id = static_cast<uint32_t>(i);
  }
  for (auto [p, k] : frozen) cells[p].frozen = k;
  return Array(std::move(cells));
}

std::vector<int> values(const Array& a) {
  std::vector<int> v;
  for (const auto& c : a.cells()) v.push_back(c.value);
  return v;
}

// Sweeps in the given order until the array is finished; returns the number of sweeps.
size_t run_in_order(Array& a, const std::vector<uint32_t>& order, size_t cap = 100) {
  Stream rng(1);
  MixPolicy mix;
  size_t sweeps = 0;
  while (!finished(a, mix) && sweeps < cap) {
    sweep_in_order(a, order, mix, rng);
    ++sweeps;
  }
  return sweeps;
}

const std::vector<uint32_t> k012{0, 1, 2};
const std::vector<uint32_t> k0123{0, 1, 2, 3};

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Bubble

TEST(SortBubble, ReversedThreeCellsByHand) {
  // [3,2,1], order 0,1,2. Sweep 1: id0 (3) swaps right -> [2,3,1]; id1 (2, now at 0) has 3 on its right:
  // nothing; id2 (1) swaps left -> [2,1,3]. Sweep 2: id1 (2) swaps right -> [1,2,3]. Done: 2 sweeps, 3 swaps.
  Array a = make({3, 2, 1}, Algotype::Bubble);
  Stream rng(1);
  sweep_in_order(a, k012, {}, rng);
  EXPECT_EQ(values(a), (std::vector<int>{2, 1, 3}));
  EXPECT_EQ(a.swaps(), 2u);
  sweep_in_order(a, k012, {}, rng);
  EXPECT_EQ(values(a), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(a.swaps(), 3u);
  EXPECT_TRUE(finished(a, {}));
}

TEST(SortBubble, MovableFrozenCellIsPushedAroundAndDelaysGratification) {
  // [1, 3F, 0, 2], the 3 frozen but movable. Sweep 1 (order 0..3): id0 (1): 3 on its right, nothing;
  // id1 frozen; id2 (0) swaps left with the frozen 3 -> [1,0,3F,2] (descents 1 -> 2: sortedness drops);
  // id3 (2) swaps left with the 3 -> [1,0,2,3F]. Sweep 2: id0 (1) swaps right -> [0,1,2,3F]; sorted.
  // Error (descents) after each swap: 1, 2, 1, 0: one episode, loss 1, regain 2: DG = (2 - 1) / 1 = 1.
  Array a = make({1, 3, 0, 2}, Algotype::Bubble, {{1, Frozen::Movable}});
  Stream rng(1);
  sweep_in_order(a, k0123, {}, rng);
  EXPECT_EQ(values(a), (std::vector<int>{1, 0, 2, 3}));
  EXPECT_EQ(a.descents(), 1);
  EXPECT_EQ(run_in_order(a, k0123), 1u);
  EXPECT_EQ(values(a), (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(a.swaps(), 3u);
  EXPECT_EQ(a.at(3).frozen, Frozen::Movable);  // the frozen cell travelled with its value
  a.dg().finish();
  EXPECT_EQ(a.dg().episodes(), 1u);
  EXPECT_DOUBLE_EQ(a.dg().mean(), 1.0);
}

TEST(SortBubble, ImmovableFrozenCellBlocks) {
  // [1, 3F, 0, 2] with the 3 immovable: the 0 wants to pass it and is refused; nobody else is out of
  // order with a neighbour it may swap with, so the array is finished as it is.
  Array a = make({1, 3, 0, 2}, Algotype::Bubble, {{1, Frozen::Immovable}});
  EXPECT_TRUE(finished(a, {}));
  Stream rng(1);
  bool blocked = false;
  EXPECT_FALSE(bubble_turn(a, 2, rng, &blocked));
  EXPECT_TRUE(blocked);
  EXPECT_FALSE(active_sorted(a));
}

TEST(SortBubble, TieBetweenBothNeighboursIsACoin) {
  // The middle cell of [3,2,1] is out of order with both neighbours: over many coins both sides happen.
  int left = 0, right = 0;
  for (uint64_t s = 0; s < 200; ++s) {
    Array a = make({3, 2, 1}, Algotype::Bubble);
    Stream rng(s);
    ASSERT_TRUE(bubble_turn(a, 1, rng));
    if (values(a) == std::vector<int>{2, 3, 1}) ++left;
    else if (values(a) == std::vector<int>{3, 1, 2}) ++right;
  }
  EXPECT_EQ(left + right, 200);
  EXPECT_GT(left, 70);
  EXPECT_GT(right, 70);
}

// ---------------------------------------------------------------------------------------------------
// Insertion

TEST(SortInsertion, WaitsForASortedLeftPart) {
  // [3,2,1], order 2,1,0. Sweep 1: id2 (1): left part [3,2] unsorted, waits; id1 (2): left part [3]
  // sorted, 2 < 3, swaps -> [2,3,1]; id0 (3): nothing. Sweep 2: id2 (1): left part [2,3] sorted, swaps
  // -> [2,1,3]. Sweep 3: id2 swaps again -> [1,2,3]. 3 sweeps, 3 swaps.
  Array a = make({3, 2, 1}, Algotype::Insertion);
  Stream rng(1);
  const std::vector<uint32_t> order{2, 1, 0};
  sweep_in_order(a, order, {}, rng);
  EXPECT_EQ(values(a), (std::vector<int>{2, 3, 1}));
  EXPECT_EQ(run_in_order(a, order), 2u);
  EXPECT_EQ(values(a), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(a.swaps(), 3u);
}

TEST(SortInsertion, FrozenCellsCutTheLeftPartIntoSegments) {
  // [2, 5F, 4, 1], the 5 immovable. Left of the 1 are the segments [2] | 5F | [4], each sorted (the
  // frozen value is not compared), so the 1 swaps left -> [2,5F,1,4]; then it is refused by the 5 and the
  // 4 has nothing to do: finished after 1 sweep with 1 swap, the non-frozen cells 2,1,4 out of order.
  Array a = make({2, 5, 4, 1}, Algotype::Insertion, {{1, Frozen::Immovable}});
  EXPECT_TRUE(a.left_sorted(3));
  EXPECT_EQ(run_in_order(a, k0123), 1u);
  EXPECT_EQ(values(a), (std::vector<int>{2, 5, 1, 4}));
  EXPECT_EQ(a.swaps(), 1u);
  EXPECT_FALSE(active_sorted(a));
  bool blocked = false;
  EXPECT_FALSE(insertion_turn(a, 2, &blocked));
  EXPECT_TRUE(blocked);
}

// ---------------------------------------------------------------------------------------------------
// Selection

TEST(SortSelection, ImmovableFrozenCellForcesADetour) {
  // [1F, 3, 2, 0], the 1 immovable at position 0; every ideal position starts at 0. Order 0..3.
  // Sweep 1: ids 1, 2, 3 find the immovable cell at their ideal position 0: all move their ideal to 1.
  // Sweep 2: id2 (2) < 3 at position 1: swap -> [1F,2,3,0]; id3 (0) < 2 at position 1: swap -> [1F,0,3,2]
  //          (descents 1 -> 2: the 2 is thrown back behind the 3, sortedness drops).
  // Sweep 3: id1 (3, at 2) >= 0 at its ideal 1: ideal 2; id2 (2, at 3) >= 0: ideal 2.
  // Sweep 4: id2 (2) < 3 at its ideal 2: swap -> [1F,0,2,3].  Sweep 5: id1 (3, at 3) >= 2: ideal 3.
  // Finished after 5 sweeps, 3 swaps; error (descents) after each swap 2, 1, 2, 1: one rise of 1 followed
  // by a fall of 1: DG = (1 - 1) / 1 = 0. The 0 ends beside the frozen 1, not at position 0.
  Array a = make({1, 3, 2, 0}, Algotype::Selection, {{0, Frozen::Immovable}});
  Stream rng(1);
  sweep_in_order(a, k0123, {}, rng);
  EXPECT_EQ(values(a), (std::vector<int>{1, 3, 2, 0}));
  for (size_t p = 1; p < 4; ++p) EXPECT_EQ(a.at(p).ideal, 1u);
  sweep_in_order(a, k0123, {}, rng);
  EXPECT_EQ(values(a), (std::vector<int>{1, 0, 3, 2}));
  EXPECT_EQ(a.descents(), 2);
  EXPECT_EQ(run_in_order(a, k0123), 3u);
  EXPECT_EQ(values(a), (std::vector<int>{1, 0, 2, 3}));
  EXPECT_EQ(a.swaps(), 3u);
  EXPECT_TRUE(active_sorted(a));
  EXPECT_EQ(sorting_error(a), 2);
  a.dg().finish();
  EXPECT_EQ(a.dg().episodes(), 1u);
  EXPECT_DOUBLE_EQ(a.dg().mean(), 0.0);
}

TEST(SortSelection, DuplicatesAreRefusedAndPassed) {
  // [1,1,0], order 0,1,2. Sweep 1: id0 at its ideal 0; id1 (1) >= 1: ideal 1; id2 (0) < 1: swap(0,2) ->
  // [0,1,1]. Sweep 2: id0 (1, now at 2) >= 0: ideal 1. Sweep 3: id0 (1) >= 1 (a duplicate): ideal 2.
  Array a = make({1, 1, 0}, Algotype::Selection);
  EXPECT_EQ(run_in_order(a, k012), 3u);
  EXPECT_EQ(values(a), (std::vector<int>{0, 1, 1}));
  EXPECT_EQ(a.swaps(), 1u);
  EXPECT_EQ(a.descents(), 0);
}

// ---------------------------------------------------------------------------------------------------
// Traditional top-down versions, same damage model

TEST(SortTraditional, BubbleByHand) {
  // [3,2,1]: pass 1 swaps (0,1) and (1,2) -> [2,1,3]; pass 2 swaps (0,1): 3 swaps, and the classic bound
  // of n - 1 = 2 passes is reached.
  Array a = make({3, 2, 1}, Algotype::Bubble);
  int passes = 0;
  traditional_sort(a, Algotype::Bubble, [&] { ++passes; });
  EXPECT_EQ(values(a), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(a.swaps(), 3u);
  EXPECT_EQ(passes, 2);
}

TEST(SortTraditional, FrozenInitiatorFailsWhereCellViewSucceeds) {
  // [3F,2,1], the 3 frozen but movable. Traditional bubble: the carried element 3 is frozen, so (0,1)
  // fails every pass; (1,2) swaps once -> [3F,1,2], then a pass without swaps ends it.
  Array t = make({3, 2, 1}, Algotype::Bubble, {{0, Frozen::Movable}});
  traditional_sort(t, Algotype::Bubble);
  EXPECT_EQ(values(t), (std::vector<int>{3, 1, 2}));
  EXPECT_EQ(t.swaps(), 1u);
  // Cell view, order 2,1,0: sweep 1: id2 (1) swaps left -> [3F,1,2]; sweep 2: id2 (1) swaps with the
  // movable 3 -> [1,3F,2], then id1 (2) swaps with it too -> [1,2,3F]: sorted.
  Array c = make({3, 2, 1}, Algotype::Bubble, {{0, Frozen::Movable}});
  EXPECT_EQ(run_in_order(c, {2, 1, 0}), 2u);
  EXPECT_EQ(values(c), (std::vector<int>{1, 2, 3}));
}

TEST(SortTraditional, InsertionAndSelectionWithFrozenCells) {
  // Insertion [2,3F,1]: movable: the 1 is inserted past the 3 and the 2 -> [1,2,3F] (2 swaps);
  // immovable: the 1 is refused at once -> unchanged.
  Array m = make({2, 3, 1}, Algotype::Insertion, {{1, Frozen::Movable}});
  traditional_sort(m, Algotype::Insertion);
  EXPECT_EQ(values(m), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(m.swaps(), 2u);
  Array im = make({2, 3, 1}, Algotype::Insertion, {{1, Frozen::Immovable}});
  traditional_sort(im, Algotype::Insertion);
  EXPECT_EQ(values(im), (std::vector<int>{2, 3, 1}));
  EXPECT_EQ(im.swaps(), 0u);
  // Selection [1F,2,0], the 1 immovable: i = 0 wants the 0 there and fails; i = 1 swaps the 0 and the 2.
  Array s = make({1, 2, 0}, Algotype::Selection, {{0, Frozen::Immovable}});
  traditional_sort(s, Algotype::Selection);
  EXPECT_EQ(values(s), (std::vector<int>{1, 0, 2}));
  EXPECT_EQ(s.swaps(), 1u);
}

// ---------------------------------------------------------------------------------------------------
// Measures

TEST(SortMeasures, HandComputedValues) {
  Array a = make({1, 0, 2, 3}, Algotype::Bubble);
  EXPECT_EQ(a.descents(), 1);
  EXPECT_DOUBLE_EQ(a.sortedness(), 2.0 / 3.0);
  EXPECT_EQ(sorting_error(a), 2);  // positions 0 and 1 differ from [0,1,2,3]
  // Duplicates: [2,1,1,0] against [0,1,1,2]: positions 0 and 3 differ.
  EXPECT_EQ(sorting_error(make({2, 1, 1, 0}, Algotype::Bubble)), 2);
  // Aggregation: B B S B S S: same-type pairs BB and SS, 2 of 5.
  std::vector<Cell> cells(6);
  const Algotype t[6] = {Algotype::Bubble, Algotype::Bubble, Algotype::Selection,
                         Algotype::Bubble, Algotype::Selection, Algotype::Selection};
  for (size_t i = 0; i < 6; ++i) cells[i] = Cell{static_cast<int>(i), t[i], Frozen::None, static_cast<uint32_t>(i), 0};
  EXPECT_DOUBLE_EQ(aggregation(Array(cells)), 0.4);
  // Random expectation: 3 and 3 of 6: (3*2 + 3*2) / (6*5) = 0.4; 50 and 50: 2*50*49/(100*99).
  const size_t c33[] = {3, 3}, c21[] = {2, 1}, c50[] = {50, 50};
  EXPECT_DOUBLE_EQ(aggregation_expected(c33), 0.4);
  EXPECT_DOUBLE_EQ(aggregation_expected(c21), 2.0 / 6.0);
  EXPECT_NEAR(aggregation_expected(c50), 4900.0 / 9900.0, 1e-15);
}

TEST(SortMeasures, DelayedGratificationEpisodes) {
  // Errors 5,6,7,4,4,5,3: rise 2, fall 3 -> (3-2)/2 = 0.5; rise 1, fall 2 -> (2-1)/1 = 1; mean 0.75.
  DelayedGratification dg;
  for (int e : {5, 6, 7, 4, 4, 5, 3}) dg.observe(e);
  dg.finish();
  EXPECT_EQ(dg.episodes(), 2u);
  EXPECT_DOUBLE_EQ(dg.mean(), 0.75);
  // A fall first, and a final rise with no fall after it, are not episodes.
  DelayedGratification d2;
  for (int e : {5, 3, 4, 6}) d2.observe(e);
  d2.finish();
  EXPECT_EQ(d2.episodes(), 0u);
  EXPECT_TRUE(std::isnan(d2.mean()));
}

TEST(SortMeasures, IncrementalCountsMatchANaiveRecount) {
  // Random swaps on an array with frozen cells: descents and the insertion "left part sorted" test must
  // equal a recount from scratch after every swap.
  Stream rng(42);
  std::vector<int> v(150);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int>(rng.below(40));
  std::vector<std::pair<size_t, Frozen>> fz;
  for (size_t p : {3u, 64u, 65u, 127u}) fz.push_back({p, p % 2 ? Frozen::Movable : Frozen::Immovable});
  Array a = make(v, Algotype::Bubble, fz);
  for (int k = 0; k < 2000; ++k) {
    const size_t i = rng.below(a.size()), j = rng.below(a.size());
    if (i == j) continue;
    a.swap(i, j);
    int64_t d = 0;
    for (size_t p = 0; p + 1 < a.size(); ++p) d += a.at(p).value > a.at(p + 1).value;
    ASSERT_EQ(a.descents(), d);
    const size_t p = rng.below(a.size() + 1);
    bool sorted = true;
    for (size_t q = 1; q < p; ++q)
      if (a.at(q).frozen == Frozen::None && a.at(q - 1).frozen == Frozen::None && a.at(q).value < a.at(q - 1).value)
        sorted = false;
    ASSERT_EQ(a.left_sorted(p), sorted) << "p " << p;
  }
}

// ---------------------------------------------------------------------------------------------------
// Runs

TEST(SortRuns, UndamagedArraysAlwaysSort) {
  for (Algotype al : {Algotype::Bubble, Algotype::Insertion, Algotype::Selection}) {
    Condition c;
    c.algotypes = {al};
    c.size = 40;
    c.distinct = al == Algotype::Selection ? 7 : 0;  // duplicates too
    for (const auto& r : simulate_runs(c, 3, 20, 1, false)) {
      EXPECT_TRUE(r.finished && r.sorted) << algotype_name(al) << " run " << r.run;
      EXPECT_EQ(r.final_error, 0);
    }
  }
}

TEST(SortRuns, SelectionSortsTheActiveCellsAroundImmovableCells) {
  // Selection jumps over immovable cells (docs/sorting.md): the non-frozen cells always end in order.
  Condition c;
  c.algotypes = {Algotype::Selection};
  c.size = 60;
  c.frozen = 5;
  c.frozen_kind = Frozen::Immovable;
  for (const auto& r : simulate_runs(c, 9, 30, 1, false)) EXPECT_TRUE(r.finished && r.active_sorted);
}

TEST(SortRuns, SameSeedSameResultsAtAnyThreadCount) {
  Condition c;
  c.algotypes = {Algotype::Bubble, Algotype::Selection, Algotype::Insertion};
  c.size = 50;
  c.frozen = 3;
  c.frozen_kind = Frozen::Movable;
  const auto one = simulate_runs(c, 7, 24, 1, true);
  for (unsigned t : {2u, 5u}) {
    const auto many = simulate_runs(c, 7, 24, t, true);
    ASSERT_EQ(one.size(), many.size());
    for (size_t i = 0; i < one.size(); ++i) {
      EXPECT_EQ(one[i].swaps, many[i].swaps);
      EXPECT_EQ(one[i].sweeps, many[i].sweeps);
      EXPECT_EQ(one[i].dg_episodes, many[i].dg_episodes);
      EXPECT_EQ(one[i].agg_peak, many[i].agg_peak);
      ASSERT_EQ(one[i].trajectory.size(), many[i].trajectory.size());
      for (size_t k = 0; k < one[i].trajectory.size(); ++k) {
        EXPECT_EQ(one[i].trajectory[k].sortedness, many[i].trajectory[k].sortedness);
        EXPECT_EQ(one[i].trajectory[k].error, many[i].trajectory[k].error);
      }
    }
  }
  // A different seed gives different arrays.
  EXPECT_NE(simulate_runs(c, 8, 1, 1, false)[0].swaps + simulate_runs(c, 8, 2, 1, false)[1].swaps,
            one[0].swaps + one[1].swaps);
}

TEST(SortRuns, CommonArraysAcrossAlgotypes) {
  // Values and frozen positions come from their own streams: every algotype (and the traditional
  // version) starts from the same array for a given (seed, run).
  Condition b, s;
  b.algotypes = {Algotype::Bubble};
  s.algotypes = {Algotype::Selection};
  b.frozen = s.frozen = 4;
  const Array x = make_array(b, 5, 3), y = make_array(s, 5, 3);
  for (size_t p = 0; p < x.size(); ++p) {
    EXPECT_EQ(x.at(p).value, y.at(p).value);
    EXPECT_EQ(x.at(p).frozen, y.at(p).frozen);
  }
}

TEST(SortEvolve, DecodePolicy) {
  const double g[4] = {0.0, 0.0, 0.0, 0.0};
  const MixPolicy p = decode_policy(g);
  EXPECT_NEAR(p.w_bubble, 1.0 / 3.0, 1e-15);
  EXPECT_NEAR(p.w_selection, 1.0 / 3.0, 1e-15);
  EXPECT_DOUBLE_EQ(p.detour, 0.5);
  // A mixed cell with all weight on selection follows the hand-worked selection trajectory above.
  std::vector<Cell> cells(4);
  const int v[4] = {1, 3, 2, 0};
  for (size_t i = 0; i < 4; ++i) cells[i] = Cell{v[i], Algotype::Mixed, Frozen::None, static_cast<uint32_t>(i), 0};
  cells[0].frozen = Frozen::Immovable;
  Array a(cells);
  Stream rng(3);
  const MixPolicy sel{0.0, 0.0, 1.0, 0.0};
  size_t sweeps = 0;
  while (!finished(a, sel)) {
    sweep_in_order(a, k0123, sel, rng);
    ++sweeps;
  }
  EXPECT_EQ(sweeps, 5u);
  EXPECT_EQ(values(a), (std::vector<int>{1, 0, 2, 3}));
  EXPECT_EQ(a.swaps(), 3u);
}

TEST(SortEvolve, ReplicatesAreThreadInvariant) {
  // A tiny evolution through the public strategy API: same genomes and test results with 1 or 2 threads;
  // an unknown strategy is a UsageError.
  EvolveOptions o;
  o.size = 20;
  o.frozen = 2;
  o.deadline = 20;
  o.train_arrays = 4;
  o.test_arrays = 5;
  o.budget = 24;
  o.seeds = 3;
  o.threads = 1;
  const auto a = evolve_replicates(o);
  o.threads = 2;
  const auto b = evolve_replicates(o);
  ASSERT_EQ(a.size(), 3u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].genome, b[i].genome);
    EXPECT_EQ(a[i].evolved.successes, b[i].evolved.successes);
    EXPECT_EQ(a[i].evaluations, 24u);
    for (int k = 0; k < 3; ++k) EXPECT_EQ(a[i].classic[k].arrays, 5u);
  }
  o.strategy = "no_such_strategy";
  EXPECT_THROW(evolve_replicates(o), neuroevo::UsageError);
}
