// Novelty search machinery (Lehman & Stanley 2011): k-nearest-neighbour novelty of behaviour descriptors
// and the novelty archive with its addition rules. Shared by the ga's novelty fitness, ns_es / nsr_es.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace neuroevo {

class ConfigSection;
struct Result;

// Points of one dimension stored row by row.
class PointSet {
 public:
  PointSet() = default;
  explicit PointSet(size_t dim) : dim_(dim) {}
  size_t dim() const { return dim_; }
  size_t size() const { return dim_ == 0 ? 0 : data_.size() / dim_; }
  bool empty() const { return data_.empty(); }
  std::span<const double> operator[](size_t i) const { return {data_.data() + i * dim_, dim_}; }
  void push_back(std::span<const double> p);  // throws std::invalid_argument on a dimension mismatch
  void append(const PointSet& other);
  const std::vector<double>& data() const { return data_; }

 private:
  size_t dim_ = 0;
  std::vector<double> data_;
};

// Euclidean distance, summed in coordinate order (the one distance function of the k-NN code, so the
// exact and indexed searches compare bit-identical values).
double behaviour_distance(std::span<const double> a, std::span<const double> b);

enum class KnnIndex { Exact, KdTree, Auto };

// Novelty of each query point: the mean of its k smallest distances to the reference points, the
// reference point excluded[i] left out for query i (pass SIZE_MAX for none); fewer than k neighbours
// when the reference set is small; 0 with no neighbour. The k distances are summed in ascending order,
// so KnnIndex::Exact (brute force) and KnnIndex::KdTree give identical values; Auto uses the k-d tree
// from `kdtree_min` reference points on.
std::vector<double> knn_novelty(const PointSet& reference, const PointSet& queries, std::span<const size_t> excluded,
                                size_t k, KnnIndex index = KnnIndex::Auto, size_t kdtree_min = 1024);

struct NoveltySettings {
  size_t k = 15;  // Lehman & Stanley's maze experiments and the Deep GA paper use k = 15
  KnnIndex index = KnnIndex::Auto;
  size_t kdtree_min = 1024;
  enum class Rule { Threshold, Probability } rule = Rule::Threshold;
  // Threshold rule, Lehman & Stanley's reference code (noveltyset.h, add_pending): add when novelty >
  // threshold (6 at first, spec); after 10 generations in a row without an addition lower it by 5%
  // (not below the floor); when more than 4 are added in one generation raise it by 20%.
  double threshold = 6.0;
  double floor = 0.25;
  uint32_t stall_generations = 10;
  double lower_factor = 0.95;
  size_t many = 4;
  double raise_factor = 1.2;
  // Probability rule (Such et al. 2017, GA-NS): every population member is added with this probability.
  double add_probability = 0.01;
};

template <class P>
class ParamTable;
// The novelty keys of a strategy section (novelty_k, novelty_index, archive_rule, archive_threshold,
// archive_floor, archive_stall, archive_lower, archive_many, archive_raise, archive_probability), for a
// strategy's table to include().
const ParamTable<NoveltySettings>& novelty_table();
NoveltySettings read_novelty_settings(ConfigSection& cfg);

// The archive's state as a value (a strategy's state struct lists it as one field): the points row by
// row, their dimension, and the threshold rule's adaptive threshold and stall count.
struct NoveltyArchiveState {
  uint64_t dim = 0;
  std::vector<double> points;
  double threshold = 0.0;
  uint32_t stalled = 0;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v("dim", s.dim);
    v("points", s.points);
    v("threshold", s.threshold);
    v("stalled", s.stalled);
  }
  bool operator==(const NoveltyArchiveState&) const = default;
};

class NoveltyArchive {
 public:
  NoveltyArchive(NoveltySettings s, uint64_t seed) : s_(s), seed_(seed) {}

  // Novelty of each population member against the archive plus the rest of the population (the spec's
  // definition for the GA). The descriptors must all have the same dimension.
  std::vector<double> population_novelty(const PointSet& population) const;
  // Novelty of each point against the archive only (NS-ES, Conti et al. 2018).
  std::vector<double> archive_novelty(const PointSet& points) const;

  // Applies the archive rule to a generation's population with its novelty; returns the indices added,
  // in order. `generation` keys the random draws of the probability rule.
  std::vector<size_t> update(const PointSet& population, std::span<const double> novelty, uint64_t generation);
  // Adds one point unconditionally (NS-ES adds the behaviour of each updated centre).
  void add(std::span<const double> point);

  const PointSet& points() const { return points_; }
  double threshold() const { return threshold_; }
  const NoveltySettings& settings() const { return s_; }

  NoveltyArchiveState state() const;
  // Throws std::invalid_argument when the points do not match their dimension; changes nothing then.
  void restore(const NoveltyArchiveState& s);
  // The state through the checkpoint codec (schema.hpp); load() throws UsageError on a malformed state.
  nlohmann::json save() const;
  void load(const nlohmann::json& j);

 private:
  NoveltySettings s_;
  uint64_t seed_;
  PointSet points_;
  double threshold_ = s_.threshold;
  uint32_t stalled_ = 0;  // consecutive generations without an addition (threshold rule)
};

// The behaviour descriptors of a batch of results as a point set. Throws UsageError when a result has
// none (the environment defines no behaviour) or the dimensions differ.
PointSet behaviours_of(std::span<const Result> results, const std::string& strategy);

}  // namespace neuroevo
