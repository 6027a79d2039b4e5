// Strategy interface: ask / tell over batches of candidates, with the whole state serialisable.
//
// A generation is one or more batches: ask() describes the next batch, decode(i) writes candidate i's
// parameters (const and thread-safe, called from the evaluator's workers), tell() takes the results in
// candidate order and returns true when the generation is complete. The Deep GA uses a second batch
// per generation to re-evaluate its elite candidates on extra episodes.
//
// Candidates are fixed float vectors (decode(), the fast path: written into a per-thread buffer) or
// structured genomes (structured() and build(), candidate.hpp). docs/architecture.md has the contract.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroevo/core/rng.hpp"
#include "neuroevo/strategies/genome.hpp"
#include "neuroevo/tasks/task.hpp"

namespace neuroevo {

class ConfigSection;
class ParamSpace;
class NoiseTable;
class Candidate;
struct Space;

struct Batch {
  size_t size = 0;
  uint32_t episodes = 0;               // episodes per candidate; 0 = the task's configured number
  Purpose purpose = Purpose::Episode;  // keys the episode seeds; Episode marks the generation's population
  bool cases = false;                  // ask the task for per-case errors (Result::cases; lexicase selection)
  uint32_t refine = 0;                 // ask the task to refine candidates' parameters (Result::refined)
};

// One point of a strategy's behaviour archive (a novelty archive, a MAP-Elites grid), for the artefacts of
// the run directory; fitness is NaN when the archive does not keep one.
struct ArchiveEntry {
  std::vector<double> behaviour;
  double fitness = 0.0;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual Batch ask() = 0;
  virtual void decode(size_t i, std::span<float> params) const = 0;
  // Candidate i in double precision, for black-box functions whose targets (1e-8) are below float32
  // resolution. Strategies that keep double state override it; the default widens decode().
  virtual void decode_double(size_t i, std::span<double> x) const;
  // True when candidates are structured genomes: the evaluator then calls build() instead of decode().
  virtual bool structured() const { return false; }
  // Candidate i of the current batch as a structured genome; const and thread-safe like decode(). The
  // default throws std::logic_error (fixed-vector strategies never get this call).
  virtual std::unique_ptr<const Candidate> build(size_t i) const;
  virtual bool tell(std::span<const Result> results) = 0;
  // Number of completed generations.
  virtual uint64_t generation() const = 0;
  // The strategy's current answer: the GA's elite, an ES centre, the best point seen...
  virtual Genome champion() const = 0;
  virtual nlohmann::json save() const = 0;
  // Restores a state written by save() of a strategy built from the same config.
  virtual void load(const nlohmann::json& state) = 0;
  // The strategy's behaviour archive, written by the experiment as archive.csv; empty by default.
  virtual std::vector<ArchiveEntry> archive() const { return {}; }
  // Strategy-specific measures of the population last told (GP's diversity measures, say), appended to
  // metrics.csv / metrics.jsonl after the common columns and plotted by the report. The names are fixed
  // for a run (metrics.csv has one header); metrics() returns one value per name, each generation.
  virtual std::vector<std::string> metric_names() const { return {}; }
  virtual std::vector<double> metrics() const { return {}; }
};

// What a strategy factory gets: the run seed, the parameter space (a policy, or a box for black-box
// functions: num_params and init), and the noise table.
struct StrategyContext {
  uint64_t seed = 0;
  const ParamSpace* space = nullptr;
  const NoiseTable* noise = nullptr;
  size_t num_params = 0;
  // The environment's spaces for strategies that build their own phenotypes (null for black-box tasks).
  const Space* observation = nullptr;
  const Space* action = nullptr;
  // Sample inputs of the task (column-major, probe.size() / observation->dim() rows), on which a
  // structured strategy may run its candidates to measure behaviour; empty when the task has none.
  std::span<const double> probe = {};
};

// One configuration key of a strategy, for `neuroevo list --keys` (schema.hpp builds these).
struct ParamDoc {
  std::string key, type, default_value, range, doc;
};

struct StrategyInfo {
  std::string name;
  std::string description;
  bool uses_noise_table = false;
  std::function<std::unique_ptr<Strategy>(ConfigSection&, const StrategyContext&)> make;
  // The declared parameter table (schema.hpp); empty for strategies that read their keys by hand, whose
  // keys `list --keys` finds by resolving their defaults.
  std::function<std::vector<ParamDoc>()> keys = {};
  // True when the strategy's candidates are structured genomes (Strategy::structured()), so it can run on
  // tasks that have no fixed parameter vector.
  bool structured = false;
};

const std::vector<StrategyInfo>& strategy_registry();
const StrategyInfo& find_strategy(const std::string& name);  // throws UsageError with a suggestion

// Fitness values for ranking: invalid results (NaN/inf returns) become -infinity.
std::vector<double> ranking_fitness(std::span<const Result> results);

}  // namespace neuroevo
