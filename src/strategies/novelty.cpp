// k-nearest-neighbour novelty and the novelty archive (include/neuroevo/strategies/novelty.hpp).
//
// Two searches give the same k smallest distance values: brute force, and a k-d tree (median splits on
// the widest coordinate, leaves of up to 8 points). Both compute every distance with
// behaviour_distance() and sum the k values in ascending order, so the novelty is bit-identical whichever
// is used; only which of several equidistant neighbours is found may differ, which does not change the
// values.
#include "neuroevo/strategies/novelty.hpp"
#include "neuroevo/strategies/schema.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

namespace {

constexpr size_t kNone = std::numeric_limits<size_t>::max();
constexpr size_t kLeafSize = 8;
// Keys the archive's random draws apart from every other use of Purpose::Strategy.
constexpr uint64_t kArchiveSalt = 0x6172636869766531ULL;  // "archive1"

// The k smallest values seen so far, ascending.
class Best {
 public:
  explicit Best(size_t k) : k_(k) { v_.reserve(k); }
  bool full() const { return v_.size() == k_; }
  double worst() const { return v_.back(); }
  void offer(double d) {
    if (k_ == 0 || std::isnan(d) || (full() && !(d < worst()))) return;  // NaN descriptors are nobody's neighbour
    if (full()) v_.pop_back();
    v_.insert(std::upper_bound(v_.begin(), v_.end(), d), d);
  }
  double mean() const {
    if (v_.empty()) return 0.0;
    double s = 0.0;
    for (double d : v_) s += d;  // ascending order: the same sum for both searches
    return s / static_cast<double>(v_.size());
  }

 private:
  size_t k_;
  std::vector<double> v_;
};

class KdTree {
 public:
  explicit KdTree(const PointSet& pts) : pts_(pts), idx_(pts.size()) {
    for (size_t i = 0; i < idx_.size(); ++i) idx_[i] = i;
    if (!idx_.empty()) build(0, idx_.size());
  }

  void knn(std::span<const double> q, size_t skip, Best& best) const {
    if (!nodes_.empty()) search(0, q, skip, best);
  }

 private:
  struct Node {
    size_t begin, end;
    size_t dim = 0;
    double split = 0.0;
    int left = -1, right = -1;  // children; -1 for a leaf
  };

  int build(size_t b, size_t e) {
    const int id = static_cast<int>(nodes_.size());
    nodes_.push_back({b, e});
    if (e - b <= kLeafSize) return id;
    size_t dim = 0;
    double widest = -1.0;
    for (size_t d = 0; d < pts_.dim(); ++d) {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (size_t i = b; i < e; ++i) {
        lo = std::min(lo, pts_[idx_[i]][d]);
        hi = std::max(hi, pts_[idx_[i]][d]);
      }
      if (hi - lo > widest) widest = hi - lo, dim = d;
    }
    if (!(widest > 0.0)) return id;  // all points equal: keep them in one leaf
    const size_t mid = b + (e - b) / 2;
    std::nth_element(idx_.begin() + static_cast<ptrdiff_t>(b), idx_.begin() + static_cast<ptrdiff_t>(mid),
                     idx_.begin() + static_cast<ptrdiff_t>(e),
                     [&](size_t x, size_t y) { return pts_[x][dim] < pts_[y][dim]; });
    // Points in [b, mid) have coordinate <= split, points in [mid, e) >= split.
    const double split = pts_[idx_[mid]][dim];
    const int left = build(b, mid);
    const int right = build(mid, e);
    nodes_[id].dim = dim;
    nodes_[id].split = split;
    nodes_[id].left = left;
    nodes_[id].right = right;
    return id;
  }

  void search(int id, std::span<const double> q, size_t skip, Best& best) const {
    const Node& n = nodes_[static_cast<size_t>(id)];
    if (n.left < 0) {
      for (size_t i = n.begin; i < n.end; ++i)
        if (idx_[i] != skip) best.offer(behaviour_distance(q, pts_[idx_[i]]));
      return;
    }
    const double diff = q[n.dim] - n.split;
    const int near = diff < 0.0 ? n.left : n.right;
    const int far = diff < 0.0 ? n.right : n.left;
    search(near, q, skip, best);
    // Every point beyond the plane is at least |diff| away (rounding is monotonic, so the computed
    // distances are too): when that exceeds the current k-th distance it cannot change the k values.
    if (!best.full() || !(std::abs(diff) > best.worst())) search(far, q, skip, best);
  }

  const PointSet& pts_;
  std::vector<size_t> idx_;
  std::vector<Node> nodes_;
};

std::string key_of(ConfigSection& cfg, const std::string& k) { return cfg.full_key(k); }

}  // namespace

void PointSet::push_back(std::span<const double> p) {
  if (data_.empty() && dim_ == 0) dim_ = p.size();
  if (p.size() != dim_)
    throw std::invalid_argument("PointSet: point of dimension " + std::to_string(p.size()) + ", expected " +
                                std::to_string(dim_));
  data_.insert(data_.end(), p.begin(), p.end());
}

void PointSet::append(const PointSet& other) {
  for (size_t i = 0; i < other.size(); ++i) push_back(other[i]);
}

double behaviour_distance(std::span<const double> a, std::span<const double> b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = a[i] - b[i];
    s += d * d;
  }
  return std::sqrt(s);
}

std::vector<double> knn_novelty(const PointSet& reference, const PointSet& queries, std::span<const size_t> excluded,
                                size_t k, KnnIndex index, size_t kdtree_min) {
  if (!excluded.empty() && excluded.size() != queries.size())
    throw std::invalid_argument("knn_novelty: one excluded index per query expected");
  if (!reference.empty() && !queries.empty() && reference.dim() != queries.dim())
    throw std::invalid_argument("knn_novelty: reference and queries differ in dimension");
  const bool tree = index == KnnIndex::KdTree || (index == KnnIndex::Auto && reference.size() >= kdtree_min);
  std::vector<double> out(queries.size());
  if (tree) {
    const KdTree kd(reference);
    for (size_t q = 0; q < queries.size(); ++q) {
      Best best(k);
      kd.knn(queries[q], excluded.empty() ? kNone : excluded[q], best);
      out[q] = best.mean();
    }
    return out;
  }
  for (size_t q = 0; q < queries.size(); ++q) {
    Best best(k);
    const size_t skip = excluded.empty() ? kNone : excluded[q];
    for (size_t r = 0; r < reference.size(); ++r)
      if (r != skip) best.offer(behaviour_distance(queries[q], reference[r]));
    out[q] = best.mean();
  }
  return out;
}

const ParamTable<NoveltySettings>& novelty_table() {
  using S = NoveltySettings;
  using T = ParamTable<S>;
  // Defaults: see NoveltySettings (Lehman & Stanley's reference code, Such et al. 2017).
  static const T t =
      T().integer("novelty_k", &S::k, 15, 1, 1 << 20, "neighbours of the k-NN novelty")
          .custom({"novelty_index", "string", "auto", "auto | exact | kdtree", "k-NN search: brute force or k-d tree"},
                  [](ConfigSection& c, S& s, const T::Context&) {
                    const std::string index = c.get_string("novelty_index", "auto", {"auto", "exact", "kdtree"});
                    s.index = index == "exact" ? KnnIndex::Exact : index == "kdtree" ? KnnIndex::KdTree : KnnIndex::Auto;
                  },
                  [](const S& s) {
                    return nlohmann::json(s.index == KnnIndex::Exact ? "exact" : s.index == KnnIndex::KdTree ? "kdtree" : "auto");
                  })
          .custom({"archive_rule", "string", "threshold", "threshold | probability", "when a behaviour joins the archive"},
                  [](ConfigSection& c, S& s, const T::Context&) {
                    s.rule = c.get_string("archive_rule", "threshold", {"threshold", "probability"}) == "threshold"
                                 ? S::Rule::Threshold
                                 : S::Rule::Probability;
                  },
                  [](const S& s) { return nlohmann::json(s.rule == S::Rule::Threshold ? "threshold" : "probability"); })
          .real("archive_threshold", &S::threshold, 6.0, 0.0, 1e300, "initial novelty threshold (threshold rule)")
          .real("archive_floor", &S::floor, 0.25, 0.0, 1e300, "lowest threshold")
          .integer("archive_stall", &S::stall_generations, 10, 1, 1 << 30, "generations without an addition before lowering")
          .real("archive_lower", &S::lower_factor, 0.95, 0.0, 1.0, "factor lowering the threshold")
          .integer("archive_many", &S::many, 4, 0, int64_t{1} << 40, "additions in one generation that raise it")
          .real("archive_raise", &S::raise_factor, 1.2, 1.0, 1e6, "factor raising the threshold")
          .probability("archive_probability", &S::add_probability, 0.01, "chance of joining (probability rule)")
          .check([](ConfigSection& c, const S& s) {
            if (s.floor > s.threshold)
              throw UsageError("config key '" + key_of(c, "archive_floor") + "' exceeds '" +
                               key_of(c, "archive_threshold") + "'");
          });
  return t;
}

NoveltySettings read_novelty_settings(ConfigSection& cfg) { return novelty_table().read(cfg); }

std::vector<double> NoveltyArchive::population_novelty(const PointSet& population) const {
  PointSet reference = points_;
  if (reference.empty()) reference = PointSet(population.dim());
  reference.append(population);
  std::vector<size_t> self(population.size());
  for (size_t i = 0; i < self.size(); ++i) self[i] = points_.size() + i;  // a member is not its own neighbour
  return knn_novelty(reference, population, self, s_.k, s_.index, s_.kdtree_min);
}

std::vector<double> NoveltyArchive::archive_novelty(const PointSet& points) const {
  return knn_novelty(points_, points, {}, s_.k, s_.index, s_.kdtree_min);
}

void NoveltyArchive::add(std::span<const double> point) {
  if (std::all_of(point.begin(), point.end(), [](double v) { return std::isfinite(v); })) points_.push_back(point);
}

std::vector<size_t> NoveltyArchive::update(const PointSet& population, std::span<const double> novelty,
                                           uint64_t generation) {
  if (novelty.size() != population.size())
    throw std::invalid_argument("NoveltyArchive::update: one novelty value per member expected");
  std::vector<size_t> added;
  for (size_t i = 0; i < population.size(); ++i) {
    bool take = false;
    if (s_.rule == NoveltySettings::Rule::Probability)
      take = Stream(mix64(seed_ ^ kArchiveSalt), generation, i, Purpose::Strategy).uniform() < s_.add_probability;
    else
      take = std::isfinite(novelty[i]) && novelty[i] > threshold_;
    const auto p = population[i];
    if (take && std::all_of(p.begin(), p.end(), [](double v) { return std::isfinite(v); })) {
      points_.push_back(p);
      added.push_back(i);
    }
  }
  if (s_.rule == NoveltySettings::Rule::Threshold) {
    stalled_ = added.empty() ? stalled_ + 1 : 0;
    if (stalled_ == s_.stall_generations) {
      threshold_ = std::max(threshold_ * s_.lower_factor, s_.floor);
      stalled_ = 0;
    }
    if (added.size() > s_.many) threshold_ *= s_.raise_factor;
  }
  return added;
}

NoveltyArchiveState NoveltyArchive::state() const { return {points_.dim(), points_.data(), threshold_, stalled_}; }

void NoveltyArchive::restore(const NoveltyArchiveState& s) {
  if ((s.dim == 0 && !s.points.empty()) || (s.dim != 0 && s.points.size() % s.dim != 0))
    throw std::invalid_argument("novelty archive: the points do not match their dimension");
  if (!std::isfinite(s.threshold)) throw std::invalid_argument("novelty archive: non-finite threshold");
  PointSet pts(s.dim);
  for (size_t i = 0; s.dim != 0 && i < s.points.size() / s.dim; ++i)
    pts.push_back(std::span<const double>(s.points.data() + i * s.dim, s.dim));
  points_ = std::move(pts);
  threshold_ = s.threshold;
  stalled_ = s.stalled;
}

nlohmann::json NoveltyArchive::save() const { return state_codec::encode(state()); }

void NoveltyArchive::load(const nlohmann::json& j) {
  try {
    NoveltyArchiveState s;
    state_codec::decode(j, s);
    restore(s);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("malformed novelty archive state: ") + e.what());
  }
}

PointSet behaviours_of(std::span<const Result> results, const std::string& strategy) {
  PointSet out;
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& b = results[i].behaviour;
    if (b.empty())
      throw UsageError(strategy + " needs behaviour descriptors, but the environment returns none (use an "
                                  "environment that defines one, e.g. hard_maze)");
    if (i > 0 && b.size() != out.dim())
      throw UsageError(strategy + ": behaviour descriptors of different dimensions in one batch");
    out.push_back(b);
  }
  return out;
}

}  // namespace neuroevo
