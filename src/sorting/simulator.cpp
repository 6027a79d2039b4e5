// Cell-view sorting: the array, the three cell policies of Zhang, Goldstein & Levin (2024) and the
// traditional top-down versions under the same damage model. Definitions: docs/sorting.md.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/suggest.hpp"
#include "neuroevo/sorting/sorting.hpp"

namespace neuroevo::sorting {

const char* algotype_name(Algotype a) {
  switch (a) {
    case Algotype::Bubble: return "bubble";
    case Algotype::Insertion: return "insertion";
    case Algotype::Selection: return "selection";
    case Algotype::Mixed: return "mixed";
  }
  return "?";
}

Algotype parse_algotype(const std::string& name, const std::string& option) {
  if (name == "bubble") return Algotype::Bubble;
  if (name == "insertion") return Algotype::Insertion;
  if (name == "selection") return Algotype::Selection;
  if (name == "mixed") return Algotype::Mixed;
  throw UsageError(option + ": " + unknown_name_message("algotype", name, {"bubble", "insertion", "selection", "mixed"}));
}

const char* frozen_name(Frozen f) {
  switch (f) {
    case Frozen::None: return "none";
    case Frozen::Movable: return "movable";
    case Frozen::Immovable: return "immovable";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------------
// Delayed gratification

void DelayedGratification::observe(int64_t error) {
  if (!started_) {
    started_ = true;
    last_ = error;
    return;
  }
  const int64_t d = error - last_;
  last_ = error;
  if (d == 0) return;
  const int s = d > 0 ? 1 : -1;
  if (s == sign_) {
    run_ += d > 0 ? d : -d;
    return;
  }
  close_run();
  sign_ = s;
  run_ = d > 0 ? d : -d;
}

void DelayedGratification::close_run() {
  if (sign_ > 0) {
    pending_loss_ = run_;
  } else if (sign_ < 0 && pending_loss_ > 0) {
    // A rise of the error by L followed directly by a fall by G: (G - L) / L.
    sum_ += static_cast<double>(run_ - pending_loss_) / static_cast<double>(pending_loss_);
    ++episodes_;
    pending_loss_ = 0;
  }
}

void DelayedGratification::finish() {
  close_run();
  sign_ = 0;
  run_ = 0;
  pending_loss_ = 0;
}

double DelayedGratification::mean() const {
  return episodes_ == 0 ? std::numeric_limits<double>::quiet_NaN() : sum_ / static_cast<double>(episodes_);
}

// ---------------------------------------------------------------------------------------------------
// Array

Array::Array(std::vector<Cell> cells) : cells_(std::move(cells)) {
  const size_t n = cells_.size();
  pos_.assign(n, 0);
  for (size_t p = 0; p < n; ++p) {
    if (cells_[p].id >= n) throw UsageError("cell id out of range");
    pos_[cells_[p].id] = static_cast<uint32_t>(p);
  }
  sorted_values_.reserve(n);
  for (const auto& c : cells_) sorted_values_.push_back(c.value);
  std::sort(sorted_values_.begin(), sorted_values_.end());
  breaks_.assign(n / 64 + 1, 0);
  for (size_t i = 0; i + 1 < n; ++i) descents_ += descent_at(i) ? 1 : 0;
  for (size_t i = 1; i < n; ++i) set_break(i, break_at(i));
  dg_.observe(descents_);
}

bool Array::break_at(size_t i) const {
  const Cell& l = cells_[i - 1];
  const Cell& r = cells_[i];
  return l.frozen == Frozen::None && r.frozen == Frozen::None && r.value < l.value;
}

void Array::set_break(size_t i, bool on) {
  const uint64_t bit = uint64_t{1} << (i % 64);
  if (on) breaks_[i / 64] |= bit;
  else breaks_[i / 64] &= ~bit;
}

bool Array::left_sorted(size_t p) const {
  // No break at indices 1..p-1.
  if (p <= 1) return true;
  const size_t last = p - 1;
  for (size_t w = 0; w <= last / 64; ++w) {
    uint64_t word = breaks_[w];
    if (w == last / 64) {
      const unsigned hi = static_cast<unsigned>(last % 64);
      word &= hi == 63 ? ~uint64_t{0} : ((uint64_t{1} << (hi + 1)) - 1);
    }
    if (word != 0) return false;
  }
  return true;
}

double Array::sortedness() const {
  if (cells_.size() < 2) return 1.0;
  return 1.0 - static_cast<double>(descents_) / static_cast<double>(cells_.size() - 1);
}

void Array::swap(size_t i, size_t j) {
  const size_t n = cells_.size();
  if (i > j) std::swap(i, j);
  // Pairs (k, k+1) whose descent flag may change, and break indices (pair (k-1, k)) likewise.
  std::array<size_t, 4> pairs{};
  size_t np = 0;
  auto add = [&](size_t k) {
    for (size_t t = 0; t < np; ++t)
      if (pairs[t] == k) return;
    pairs[np++] = k;
  };
  for (size_t k : {i, j}) {
    if (k >= 1) add(k - 1);
    if (k + 1 < n) add(k);
  }
  for (size_t t = 0; t < np; ++t) descents_ -= descent_at(pairs[t]) ? 1 : 0;
  std::swap(cells_[i], cells_[j]);
  pos_[cells_[i].id] = static_cast<uint32_t>(i);
  pos_[cells_[j].id] = static_cast<uint32_t>(j);
  for (size_t t = 0; t < np; ++t) {
    descents_ += descent_at(pairs[t]) ? 1 : 0;
    set_break(pairs[t] + 1, break_at(pairs[t] + 1));  // pair (k, k+1) is break index k+1
  }
  ++swaps_;
  dg_.observe(descents_);
}

// ---------------------------------------------------------------------------------------------------
// Cell policies

namespace {

struct BubbleView {
  bool want_left = false, want_right = false, ok_left = false, ok_right = false;
};

BubbleView bubble_view(const Array& a, size_t p) {
  BubbleView v;
  const Cell& c = a.at(p);
  if (p > 0) {
    v.want_left = c.value < a.at(p - 1).value;
    v.ok_left = v.want_left && a.at(p - 1).frozen != Frozen::Immovable;
  }
  if (p + 1 < a.size()) {
    v.want_right = c.value > a.at(p + 1).value;
    v.ok_right = v.want_right && a.at(p + 1).frozen != Frozen::Immovable;
  }
  return v;
}

struct InsertionView {
  bool want = false, ok = false;
};

InsertionView insertion_view(const Array& a, size_t p) {
  InsertionView v;
  if (p == 0) return v;
  v.want = a.at(p).value < a.at(p - 1).value && a.left_sorted(p);
  v.ok = v.want && a.at(p - 1).frozen != Frozen::Immovable;
  return v;
}

bool selection_can(const Array& a, size_t p) { return a.at(p).ideal < p; }

}  // namespace

bool bubble_turn(Array& a, size_t p, Stream& rng, bool* blocked) {
  const BubbleView v = bubble_view(a, p);
  if (blocked) *blocked = (v.want_left && !v.ok_left) || (v.want_right && !v.ok_right);
  if (!v.ok_left && !v.ok_right) return false;
  // Out of order with both neighbours (left > me > right): a fair coin picks the side. This is the only
  // random draw of the bubble rule, so trajectories without such ties can be worked by hand.
  bool go_left = v.ok_left;
  if (v.ok_left && v.ok_right) go_left = rng.below(2) == 0;
  if (go_left) a.swap(p - 1, p);
  else a.swap(p, p + 1);
  return true;
}

bool insertion_turn(Array& a, size_t p, bool* blocked) {
  const InsertionView v = insertion_view(a, p);
  if (blocked) *blocked = v.want && !v.ok;
  if (!v.ok) return false;
  a.swap(p - 1, p);
  return true;
}

// Why selection cells end with the non-frozen cells in order (docs/sorting.md): invariant "every
// non-immovable value left of a selection cell's ideal position is <= its value". It holds at the start
// (ideal 0). The ideal only advances past a value that is <= the cell's or immovable. Any swap moves the
// smaller of two values to the left position, so a position left of the ideal only ever receives a smaller
// value or one from another position left of it; and the cell itself never moves left of its ideal (it
// would have to pass a larger value there). At a fixed point ideal == position for every selection cell.
bool selection_turn(Array& a, size_t p) {
  const Cell& c = a.at(p);
  const size_t t = c.ideal;
  if (t >= p) return false;  // at (or, for mixed cells, left of) its ideal position: nothing to do
  const Cell& target = a.at(t);
  if (target.frozen == Frozen::Immovable || c.value >= target.value) {
    // Refused (or not smaller): the ideal position moves one to the right.
    a.set_ideal(p, static_cast<uint32_t>(t + 1));
    return true;
  }
  a.swap(t, p);  // the cell takes its ideal position; the occupant goes to the cell's old place
  return true;
}

bool cell_turn(Array& a, size_t p, const MixPolicy& mix, Stream& rng) {
  const Cell& c = a.at(p);
  if (c.frozen != Frozen::None) return false;
  switch (c.type) {
    case Algotype::Bubble: return bubble_turn(a, p, rng);
    case Algotype::Insertion: return insertion_turn(a, p);
    case Algotype::Selection: return selection_turn(a, p);
    case Algotype::Mixed: {
      const double total = mix.w_bubble + mix.w_insertion + mix.w_selection;
      const double u = rng.uniform() * total;
      bool blocked = false;
      bool changed = false;
      if (u < mix.w_bubble) changed = bubble_turn(a, p, rng, &blocked);
      else if (u < mix.w_bubble + mix.w_insertion) changed = insertion_turn(a, p, &blocked);
      else return selection_turn(a, p);
      if (!changed && blocked && mix.detour > 0.0 && rng.uniform() < mix.detour) return selection_turn(a, p);
      return changed;
    }
  }
  return false;
}

bool can_act(const Array& a, size_t p, const MixPolicy& mix) {
  const Cell& c = a.at(p);
  if (c.frozen != Frozen::None) return false;
  switch (c.type) {
    case Algotype::Bubble: {
      const BubbleView v = bubble_view(a, p);
      return v.ok_left || v.ok_right;
    }
    case Algotype::Insertion: return insertion_view(a, p).ok;
    case Algotype::Selection: return selection_can(a, p);
    case Algotype::Mixed: {
      const BubbleView b = bubble_view(a, p);
      const InsertionView in = insertion_view(a, p);
      if (mix.w_bubble > 0.0 && (b.ok_left || b.ok_right)) return true;
      if (mix.w_insertion > 0.0 && in.ok) return true;
      if (!selection_can(a, p)) return false;
      if (mix.w_selection > 0.0) return true;
      const bool blocked = (mix.w_bubble > 0.0 && ((b.want_left && !b.ok_left) || (b.want_right && !b.ok_right))) ||
                           (mix.w_insertion > 0.0 && in.want && !in.ok);
      return mix.detour > 0.0 && blocked;
    }
  }
  return false;
}

size_t sweep_in_order(Array& a, std::span<const uint32_t> order, const MixPolicy& mix, Stream& rng) {
  size_t changes = 0;
  for (const uint32_t id : order)
    if (cell_turn(a, a.position_of(id), mix, rng)) ++changes;
  return changes;
}

size_t sweep(Array& a, const MixPolicy& mix, Stream& rng) {
  std::vector<uint32_t> order;
  return sweep(a, mix, rng, order);
}

size_t sweep(Array& a, const MixPolicy& mix, Stream& rng, std::vector<uint32_t>& order) {
  order.resize(a.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  // Fisher-Yates: a uniformly random order of the cells for this sweep.
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return sweep_in_order(a, order, mix, rng);
}

bool finished(const Array& a, const MixPolicy& mix) {
  for (size_t p = 0; p < a.size(); ++p)
    if (can_act(a, p, mix)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Traditional top-down versions

namespace {
// The initiator (the element the algorithm carries) may not be frozen; its partner may not be immovable.
bool may_swap(const Array& a, size_t initiator, size_t partner) {
  return a.at(initiator).frozen == Frozen::None && a.at(partner).frozen != Frozen::Immovable;
}
}  // namespace

void traditional_sort(Array& a, Algotype algo, const std::function<void()>& on_pass) {
  const size_t n = a.size();
  if (n < 2) return;
  switch (algo) {
    case Algotype::Bubble:
      // Passes left to right until a pass makes no swap (at most n - 1 passes, the classic bound).
      for (size_t pass = 0; pass + 1 < n; ++pass) {
        bool swapped = false;
        for (size_t i = 0; i + 1 < n; ++i)
          if (a.at(i).value > a.at(i + 1).value && may_swap(a, i, i + 1)) {
            a.swap(i, i + 1);
            swapped = true;
          }
        if (on_pass) on_pass();
        if (!swapped) break;
      }
      break;
    case Algotype::Insertion:
      for (size_t i = 1; i < n; ++i) {
        for (size_t j = i; j > 0 && a.at(j).value < a.at(j - 1).value; --j) {
          if (!may_swap(a, j, j - 1)) break;
          a.swap(j - 1, j);
        }
        if (on_pass) on_pass();
      }
      break;
    case Algotype::Selection:
      for (size_t i = 0; i + 1 < n; ++i) {
        size_t m = i;
        for (size_t k = i + 1; k < n; ++k)
          if (a.at(k).value < a.at(m).value) m = k;
        if (m != i && may_swap(a, m, i)) a.swap(i, m);
        if (on_pass) on_pass();
      }
      break;
    case Algotype::Mixed:
      throw UsageError("there is no traditional version of the mixed cell policy");
  }
}

// ---------------------------------------------------------------------------------------------------
// Measures

int64_t sorting_error(const Array& a) {
  const std::vector<int>& sorted = a.sorted_values();
  int64_t e = 0;
  for (size_t p = 0; p < a.size(); ++p) e += a.at(p).value != sorted[p] ? 1 : 0;
  return e;
}

bool active_sorted(const Array& a) {
  bool have = false;
  int prev = 0;
  for (const auto& c : a.cells()) {
    if (c.frozen != Frozen::None) continue;
    if (have && c.value < prev) return false;
    prev = c.value;
    have = true;
  }
  return true;
}

double aggregation(const Array& a) {
  if (a.size() < 2) return 1.0;
  size_t same = 0;
  for (size_t i = 0; i + 1 < a.size(); ++i) same += a.at(i).type == a.at(i + 1).type ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(a.size() - 1);
}

double aggregation_expected(std::span<const size_t> counts) {
  double n = 0.0, s = 0.0;
  for (const size_t k : counts) {
    n += static_cast<double>(k);
    s += static_cast<double>(k) * (static_cast<double>(k) - 1.0);
  }
  return n < 2.0 ? 1.0 : s / (n * (n - 1.0));
}

}  // namespace neuroevo::sorting
