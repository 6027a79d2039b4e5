// Generational tree-based genetic programming (Koza 1992) over gp_program genomes
// (genomes/gp_program.hpp), with a choice of how the second parent is chosen (`mate_choice`):
//   "tournament": a second tournament, the standard GP set-up;
//   "random":     uniformly from the population (the random mate choice baseline of Simoes et al. 2023);
//   "pimp":       mating preferences as ideal mating partners (Leitao & Machado; Simoes, Lourenco & Machado,
//                 "All You Need Is Sex for Diversity", EuroGP 2023): every individual carries a second
//                 tree, its ideal mate; the first parent (chosen by tournament) looks at `mate_candidates`
//                 individuals drawn uniformly and mates with the one closest to its ideal mate. The child's
//                 ideal mate is the subtree crossover of its parents' ideal mates and goes through the same
//                 mutations as the program, so preferences evolve with the population. docs/gp.md lists
//                 the choices the papers leave open and the ones made here (the distance, notably).
//
// Generation g > 0, child i, from the counter-based stream (seed, g, i, Mutation) and the previous
// population alone (so build(i) is const, thread-safe and identical on every MPI rank):
//   i < elites: the i-th best program of the previous generation, unchanged;
//   else parent 1 by tournament; with probability `crossover` subtree crossover with parent 2 (above),
//   else a copy of parent 1; then subtree mutation (probability `subtree_mutation`, a "grow" tree of depth
//   <= mutation_depth), point mutation (probability `point_mutation`, each node with `point_rate`) and hoist
//   mutation (probability `hoist_mutation`); a child deeper than max_depth or larger than max_size is
//   replaced by parent 1 (Koza's rule, as DEAP's staticLimit).
// Generation 0 is ramped half-and-half (Koza 1992): depths init_min_depth..init_max_depth in turn, half
// "full" and half "grow" trees.
// The champion is the best program seen so far (ties: the earliest).
//
// `selection` picks parent 1 (and parent 2 when mate_choice = "tournament", which means "a second,
// independent selection event"):
//   "tournament": tournaments of `tournament` programs by fitness (the default, as above);
//   "lexicase":   epsilon-lexicase selection on the per-row absolute errors (strategies/lexicase.hpp:
//                 La Cava et al. 2016, the semi-dynamic variant of La Cava et al. 2019, MAD epsilons);
//   "nsga2":      NSGA-II over (training RMSE, size), both minimised (strategies/nsga2.hpp, Deb et al.
//                 2002): the state keeps the N parents; parents are picked by binary crowded tournaments,
//                 and after evaluation the N parents plus the N children are cut back to N by fronts and
//                 crowding distance ((mu + lambda)). `elites` is not used: this selection is elitist.
// `constant_fitting = "lm"`: the task fits each child's constants by at most `lm_iterations`
// Levenberg-Marquardt steps before measuring its error (genomes/gp_fit.hpp) and returns them; the child
// keeps the fitted constants (Lamarckian: its offspring inherit them).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/genomes/gp_fit.hpp"
#include "neuroevo/genomes/gp_program.hpp"
#include "neuroevo/strategies/builtin.hpp"
#include "neuroevo/strategies/lexicase.hpp"
#include "neuroevo/strategies/nsga2.hpp"
#include "neuroevo/strategies/schema.hpp"

namespace neuroevo {

// Programs in the checkpoint: their structured-genome JSON.
NEUROEVO_GENOME_CODEC(GpProgram, "gp_program", gp_program_from_bytes)

namespace {

struct Params {
  size_t population = 0, tournament = 0, elites = 0, mate_candidates = 0;
  double crossover = 0, subtree_mutation = 0, point_mutation = 0, point_rate = 0, hoist_mutation = 0;
  int64_t init_min_depth = 0, init_max_depth = 0, mutation_depth = 0, max_depth = 0, max_size = 0;
  int64_t lm_iterations = 0;
  bool constants = true;
  double const_low = 0, const_high = 0;
};

// Defaults: crossover 0.9, ramped half-and-half up to depth 6 and the depth limit 17 are Koza's (1992)
// tableau; Koza selected by fitness-proportionate selection, we by tournaments of 7 (our choice; DEAP's
// symbolic-regression example uses 3); subtree mutation 0.1 with new subtrees of depth <= 2 follows
// DEAP's example (mutUniform with genFull 0..2).
const ParamTable<Params>& table() {
  static const ParamTable<Params> t =
      ParamTable<Params>()
          .population(&Params::population, 500, 2, "programs per generation")
          .integer("tournament", &Params::tournament, 7, 1, 1000, "tournament size (selection = \"tournament\")")
          .integer("elites", &Params::elites, 1, 0, 1000, "best programs copied unchanged into the next generation")
          .integer("mate_candidates", &Params::mate_candidates, 7, 1, 1000, "PIMP: individuals a first parent chooses its mate among")
          .probability("crossover", &Params::crossover, 0.9, "probability of subtree crossover")
          .probability("subtree_mutation", &Params::subtree_mutation, 0.1, "probability of subtree mutation")
          .probability("point_mutation", &Params::point_mutation, 0.0, "probability of point mutation")
          .probability("point_rate", &Params::point_rate, 0.1, "point mutation: probability per node")
          .probability("hoist_mutation", &Params::hoist_mutation, 0.0, "probability of hoist mutation")
          .integer("init_min_depth", &Params::init_min_depth, 2, 0, 30, "ramped half-and-half: smallest depth")
          .integer("init_max_depth", &Params::init_max_depth, 6, 0, 30, "ramped half-and-half: largest depth")
          .integer("mutation_depth", &Params::mutation_depth, 2, 0, 30, "subtree mutation: depth of the new subtree")
          .integer("max_depth", &Params::max_depth, 17, 1, 1000, "children deeper than this are replaced by parent 1")
          .integer("max_size", &Params::max_size, 300, 1, 1000000, "children with more nodes are replaced by parent 1")
          .flag("constants", &Params::constants, true, "ephemeral random constants among the terminals")
          .real("const_low", &Params::const_low, -1.0, -1e9, 1e9, "ERC range: low end")
          .real("const_high", &Params::const_high, 1.0, -1e9, 1e9, "ERC range: high end")
          // 10 steps: our choice, a small budget (LM on the few constants of a GP tree converges in a
          // handful of steps; each step costs a Jacobian, i.e. about two evaluations of the program).
          .integer("lm_iterations", &Params::lm_iterations, 10, 1, 100000,
                   "constant_fitting = \"lm\": Levenberg-Marquardt steps per child");
  return t;
}

enum class MateChoice { Tournament, Random, Pimp };
enum class Selection { Tournament, Lexicase, Nsga2 };

struct State {
  uint64_t generation = 0;
  std::vector<GpProgram> population, preferences;
  std::vector<double> fitness;
  GpProgram best;
  double best_fitness = -std::numeric_limits<double>::infinity();
  // selection = "lexicase": the population's absolute errors (population x cases, row-major) and the
  // per-case epsilons; "nsga2": the parents' front (0 = non-dominated) and crowding distance.
  std::vector<double> cases, epsilons;
  uint64_t case_count = 0;
  std::vector<uint64_t> rank;
  std::vector<double> crowding;
  NEUROEVO_STATE_FIELDS(State, population, preferences, fitness, best, best_fitness, cases, epsilons, case_count, rank,
                        crowding)
};

class Gp final : public StrategyBase<Params, State> {
 public:
  Gp(const Params& p, uint64_t seed, GpPrimitives prim, MateChoice mate, Selection sel, bool lm)
      : StrategyBase("gp", table(), p), seed_(seed), prim_(std::move(prim)), mate_(mate), sel_(sel), lm_(lm) {
    state_.best = GpProgram({GpNode{GpOp::Var, 0, 0.0}}, prim_.variables);
  }

  bool structured() const override { return true; }
  void decode(size_t, std::span<float>) const override {
    throw std::logic_error("gp candidates are programs; use build()");
  }
  std::unique_ptr<const Candidate> build(size_t i) const override {
    return std::make_unique<GpProgram>(child(i).first);
  }

  Genome champion() const override { return state_.best.genome(); }

  Batch ask() override {
    Batch b = StrategyBase::ask();
    b.cases = sel_ == Selection::Lexicase;
    b.refine = lm_ ? static_cast<uint32_t>(params_.lm_iterations) : 0;
    return b;
  }

 private:
  void update(std::span<const Result> results, std::span<const double> f) override {
    const size_t n = params_.population;
    std::vector<GpProgram> pop(n), pref(mate_ == MateChoice::Pimp ? n : 0);
    for (size_t i = 0; i < n; ++i) {
      auto c = child(i);
      pop[i] = std::move(c.first);
      if (mate_ == MateChoice::Pimp) pref[i] = std::move(c.second);
      // Lamarckian constant fitting: the child keeps the constants the task fitted.
      if (!results[i].refined.empty()) gp_set_constants(pop[i], results[i].refined);
    }
    for (size_t i = 0; i < f.size(); ++i)
      if (f[i] > state_.best_fitness) {
        state_.best_fitness = f[i];
        state_.best = pop[i];
      }
    if (sel_ == Selection::Lexicase) {
      const size_t m = results.empty() ? 0 : results[0].cases.size();
      state_.cases.assign(n * m, 0.0);
      for (size_t i = 0; i < n; ++i) {
        if (results[i].cases.size() != m || m == 0)
          throw std::runtime_error("gp: selection = \"lexicase\" needs the task's per-case errors (task.type = \"symbolic_regression\")");
        std::copy(results[i].cases.begin(), results[i].cases.end(), state_.cases.begin() + static_cast<std::ptrdiff_t>(i * m));
      }
      state_.case_count = m;
      state_.epsilons = lexicase_epsilons(state_.cases, n, m);
    }
    if (sel_ == Selection::Nsga2) {
      // (mu + lambda): the parents (none in generation 0) and the children, cut back to n.
      std::vector<GpProgram> all = std::move(state_.population), all_pref = std::move(state_.preferences);
      std::vector<double> all_f = std::move(state_.fitness);
      if (state_.generation == 0) all.clear(), all_pref.clear(), all_f.clear();
      for (size_t i = 0; i < n; ++i) {
        all.push_back(std::move(pop[i]));
        all_f.push_back(f[i]);
        if (mate_ == MateChoice::Pimp) all_pref.push_back(std::move(pref[i]));
      }
      const std::vector<double> obj = nsga2_objectives(all, all_f);
      const Nsga2Survivors s = nsga2_survivors(obj, all.size(), 2, n);
      pop.assign(n, GpProgram());
      pref.assign(mate_ == MateChoice::Pimp ? n : 0, GpProgram());
      state_.fitness.assign(n, 0.0);
      state_.rank.assign(s.rank.begin(), s.rank.end());
      state_.crowding = s.crowding;
      for (size_t j = 0; j < n; ++j) {
        pop[j] = std::move(all[s.chosen[j]]);
        if (mate_ == MateChoice::Pimp) pref[j] = std::move(all_pref[s.chosen[j]]);
        state_.fitness[j] = all_f[s.chosen[j]];
      }
    } else {
      state_.fitness.assign(f.begin(), f.end());
    }
    state_.population = std::move(pop);
    state_.preferences = std::move(pref);
  }

  // NSGA-II's objectives, both minimised: the training RMSE (an invalid program's, +inf, becomes the
  // largest double so the crowding distances stay finite) and the size.
  static std::vector<double> nsga2_objectives(const std::vector<GpProgram>& progs, const std::vector<double>& fitness) {
    std::vector<double> obj(2 * progs.size());
    for (size_t i = 0; i < progs.size(); ++i) {
      obj[2 * i] = std::isfinite(fitness[i]) ? -fitness[i] : std::numeric_limits<double>::max();
      obj[2 * i + 1] = static_cast<double>(progs[i].size());
    }
    return obj;
  }

 public:
  std::vector<std::string> metric_names() const override {
    std::vector<std::string> n = {"unique_programs", "genotypic_entropy", "mean_size", "mean_depth"};
    if (probe_rows_ > 0) n.insert(n.begin() + 2, {"unique_behaviours", "behavioural_entropy"});
    if (mate_ == MateChoice::Pimp) n.push_back("mean_preference_size");
    if (sel_ == Selection::Nsga2) n.push_back("first_front");
    return n;
  }

  // Diversity of the population last evaluated (generation 0 before any tell: NaN):
  //   unique_programs    distinct programs (node for node, constants bit for bit) / population;
  //   genotypic_entropy  -sum_k p_k ln p_k over the classes of identical programs (Rosca 1995; Burke,
  //                      Gustafson & Kendall 2004, "Diversity in genetic programming", IEEE TEC 8(1));
  //   unique_behaviours, behavioural_entropy: the same over the programs' output vectors on the task's
  //                      probe inputs (the first kProbeRows training rows), bit for bit;
  //   mean_size, mean_depth; mean_preference_size (PIMP: the ideal mates' mean size).
  std::vector<double> metrics() const override {
    const size_t n = state_.population.size();
    std::vector<double> m;
    if (n == 0) return std::vector<double>(metric_names().size(), std::nan(""));
    std::vector<std::vector<uint8_t>> genotypes(n), behaviours(probe_rows_ > 0 ? n : 0);
    double size = 0, depth = 0;
    std::vector<double> out(probe_rows_);
    for (size_t i = 0; i < n; ++i) {
      const GpProgram& p = state_.population[i];
      genotypes[i] = p.to_bytes();
      size += static_cast<double>(p.size());
      depth += p.depth();
      if (probe_rows_ > 0) {
        p.evaluate(probe_, probe_rows_, out);
        const auto* b = reinterpret_cast<const uint8_t*>(out.data());
        behaviours[i].assign(b, b + out.size() * sizeof(double));
      }
    }
    const auto [unique_g, entropy_g] = classes(std::move(genotypes));
    m = {unique_g, entropy_g};
    if (probe_rows_ > 0) {
      const auto [unique_b, entropy_b] = classes(std::move(behaviours));
      m.push_back(unique_b);
      m.push_back(entropy_b);
    }
    m.push_back(size / static_cast<double>(n));
    m.push_back(depth / static_cast<double>(n));
    if (mate_ == MateChoice::Pimp) {
      double ps = 0;
      for (const auto& p : state_.preferences) ps += static_cast<double>(p.size());
      m.push_back(state_.preferences.empty() ? std::nan("") : ps / static_cast<double>(state_.preferences.size()));
    }
    if (sel_ == Selection::Nsga2)  // the parents on the first front (non-dominated in (error, size))
      m.push_back(static_cast<double>(std::count(state_.rank.begin(), state_.rank.end(), uint64_t{0})));
    return m;
  }

  // At most this many probe rows measure behaviour (the benchmark problems have 20 to 676 training rows;
  // a large CSV would otherwise make the measure cost as much as the evaluation).
  static constexpr size_t kProbeRows = 256;

  void set_probe(std::span<const double> probe) {
    const size_t vars = prim_.variables, rows = vars ? probe.size() / vars : 0;
    probe_rows_ = std::min(rows, kProbeRows);
    probe_.assign(vars * probe_rows_, 0.0);
    for (size_t v = 0; v < vars; ++v)
      for (size_t r = 0; r < probe_rows_; ++r) probe_[v * probe_rows_ + r] = probe[v * rows + r];
  }

 private:
  void validate(const State& s) const override {
    if (s.generation > 0 && (s.population.size() != params_.population || s.fitness.size() != params_.population))
      throw corrupt_checkpoint(name_, "population size differs from the parameters");
    if (mate_ == MateChoice::Pimp && s.generation > 0 && s.preferences.size() != params_.population)
      throw corrupt_checkpoint(name_, "PIMP state without one preference per individual");
    for (const auto& p : s.population)
      if (p.variables() != prim_.variables) throw corrupt_checkpoint(name_, "programs written for another task");
    if (sel_ == Selection::Lexicase && s.generation > 0 &&
        (s.case_count == 0 || s.cases.size() != params_.population * s.case_count || s.epsilons.size() != s.case_count))
      throw corrupt_checkpoint(name_, "lexicase state without the population's per-case errors");
    if (sel_ == Selection::Nsga2 && s.generation > 0 &&
        (s.rank.size() != params_.population || s.crowding.size() != params_.population))
      throw corrupt_checkpoint(name_, "NSGA-II state without the parents' ranks and crowding distances");
  }

  // Parent selection by the configured operator.
  size_t select(Stream& rng) const {
    switch (sel_) {
      case Selection::Tournament: return tournament(rng);
      case Selection::Lexicase: {
        std::vector<size_t> pool, order;
        return epsilon_lexicase_select(state_.cases, params_.population, state_.case_count, state_.epsilons, rng, pool,
                                       order);
      }
      case Selection::Nsga2: {
        const std::vector<size_t> rank(state_.rank.begin(), state_.rank.end());
        return crowded_tournament(rank, state_.crowding, rng);
      }
    }
    return 0;
  }

  size_t tournament(Stream& rng) const {
    size_t best = rng.below(params_.population);
    for (size_t k = 1; k < params_.tournament; ++k) {
      const size_t c = rng.below(params_.population);
      if (state_.fitness[c] > state_.fitness[best]) best = c;
    }
    return best;
  }

  size_t mate(size_t p1, Stream& rng) const {
    switch (mate_) {
      case MateChoice::Tournament: return select(rng);
      case MateChoice::Random: return rng.below(params_.population);
      case MateChoice::Pimp: {
        const GpProgram& ideal = state_.preferences[p1];
        size_t best = 0;
        double best_d = std::numeric_limits<double>::infinity();
        for (size_t k = 0; k < params_.mate_candidates; ++k) {
          const size_t c = rng.below(params_.population);
          const double d = gp_mate_distance(ideal, state_.population[c]);
          if (d < best_d) {
            best_d = d;
            best = c;
          }
        }
        return best;
      }
    }
    return 0;
  }

  GpProgram mutate(GpProgram c, Stream& rng) const {
    if (rng.uniform() < params_.subtree_mutation)
      c = gp_subtree_mutation(c, prim_, static_cast<int>(params_.mutation_depth), rng);
    if (rng.uniform() < params_.point_mutation) c = gp_point_mutation(c, prim_, params_.point_rate, rng);
    if (rng.uniform() < params_.hoist_mutation) c = gp_hoist_mutation(c, rng);
    return c;
  }

  bool within_limits(const GpProgram& c) const {
    return c.size() <= static_cast<size_t>(params_.max_size) && c.depth() <= params_.max_depth;
  }

  // Candidate i and its ideal mate (empty unless mate_choice = "pimp").
  std::pair<GpProgram, GpProgram> child(size_t i) const {
    check_index(i, params_.population);
    const bool pimp = mate_ == MateChoice::Pimp;
    if (state_.generation == 0) {
      const int64_t span = params_.init_max_depth - params_.init_min_depth + 1;
      const int depth = static_cast<int>(params_.init_min_depth + static_cast<int64_t>(i % static_cast<size_t>(span)));
      const bool full = (i / static_cast<size_t>(span)) % 2 == 0;
      Stream rng(seed_, 0, i, Purpose::Init);
      GpProgram prog(gp_random_tree(prim_, depth, full, rng), prim_.variables);
      GpProgram pref;
      if (pimp) {
        Stream prng(seed_, 0, i, Purpose::Strategy);
        pref = GpProgram(gp_random_tree(prim_, depth, !full, prng), prim_.variables);
      }
      return {std::move(prog), std::move(pref)};
    }
    if (i < params_.elites && sel_ != Selection::Nsga2) {
      std::vector<size_t> order(params_.population);
      std::iota(order.begin(), order.end(), size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return state_.fitness[a] > state_.fitness[b]; });
      const size_t e = order[i];
      return {state_.population[e], pimp ? state_.preferences[e] : GpProgram()};
    }
    Stream rng(seed_, state_.generation, i, Purpose::Mutation);
    const size_t p1 = select(rng);
    GpProgram prog = state_.population[p1];
    GpProgram pref = pimp ? state_.preferences[p1] : GpProgram();
    if (rng.uniform() < params_.crossover) {
      const size_t p2 = mate(p1, rng);
      prog = gp_crossover(prog, state_.population[p2], rng);
      if (pimp) pref = gp_crossover(pref, state_.preferences[p2], rng);
    }
    prog = mutate(std::move(prog), rng);
    if (!within_limits(prog)) prog = state_.population[p1];
    if (pimp) {
      pref = mutate(std::move(pref), rng);
      if (!within_limits(pref)) pref = state_.preferences[p1];
    }
    return {std::move(prog), std::move(pref)};
  }

  // Fraction of distinct keys and the Shannon entropy (nats) of their class frequencies.
  static std::pair<double, double> classes(std::vector<std::vector<uint8_t>> keys) {
    // The order of std::vector's operator<, spelt out: GCC 12 warns (-Wstringop-overread, a false
    // positive) on the memcmp that libstdc++ uses for it.
    std::sort(keys.begin(), keys.end(), [](const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
      const size_t common = std::min(a.size(), b.size());
      for (size_t k = 0; k < common; ++k)
        if (a[k] != b[k]) return a[k] < b[k];
      return a.size() < b.size();
    });
    const double n = static_cast<double>(keys.size());
    double distinct = 0, entropy = 0;
    for (size_t i = 0; i < keys.size();) {
      size_t j = i + 1;
      while (j < keys.size() && keys[j] == keys[i]) ++j;
      const double p = static_cast<double>(j - i) / n;
      entropy -= p * std::log(p);
      distinct += 1;
      i = j;
    }
    return {distinct / n, entropy};
  }

  uint64_t seed_;
  GpPrimitives prim_;
  MateChoice mate_;
  Selection sel_;
  bool lm_;
  std::vector<double> probe_;  // column-major, probe_rows_ rows
  size_t probe_rows_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_gp(ConfigSection& cfg, const StrategyContext& ctx) {
  Params p = table().read(cfg);
  if (p.init_min_depth > p.init_max_depth)
    throw UsageError("config key '" + cfg.full_key("init_min_depth") + "' must not exceed '" + cfg.full_key("init_max_depth") + "'");
  if (!(p.const_low < p.const_high))
    throw UsageError("config key '" + cfg.full_key("const_low") + "' must be below '" + cfg.full_key("const_high") + "'");
  if (p.elites >= p.population) throw UsageError("config key '" + cfg.full_key("elites") + "' must be below the population");
  if (ctx.observation == nullptr || ctx.observation->is_discrete() || ctx.observation->dim() == 0 ||
      ctx.observation->dim() > 65535)
    throw UsageError("strategy 'gp' evolves formulas over a task's input variables (task.type = \"symbolic_regression\")");
  const std::string mate = cfg.get_string("mate_choice", "tournament", {"tournament", "random", "pimp"});
  const std::string sel = cfg.get_string("selection", "tournament", {"tournament", "lexicase", "nsga2"});
  const std::string fit = cfg.get_string("constant_fitting", "none", {"none", "lm"});
  GpPrimitives prim;
  prim.variables = static_cast<uint16_t>(ctx.observation->dim());
  prim.constants = p.constants;
  prim.const_low = p.const_low;
  prim.const_high = p.const_high;
  // Koza's (1992) symbolic-regression function set: + - * % sin cos exp rlog.
  for (const auto& name : cfg.get_string_list("functions", {"add", "sub", "mul", "div", "sin", "cos", "exp", "log"}))
    prim.functions.push_back(gp_op_from_name(name, cfg.full_key("functions")));
  if (prim.functions.empty()) throw UsageError("config key '" + cfg.full_key("functions") + "' must name at least one primitive");
  const MateChoice m = mate == "random" ? MateChoice::Random : mate == "pimp" ? MateChoice::Pimp : MateChoice::Tournament;
  const Selection s = sel == "lexicase" ? Selection::Lexicase : sel == "nsga2" ? Selection::Nsga2 : Selection::Tournament;
  auto gp = std::make_unique<Gp>(p, ctx.seed, std::move(prim), m, s, fit == "lm");
  gp->set_probe(ctx.probe);
  return gp;
}

std::vector<ParamDoc> gp_keys() {
  std::vector<ParamDoc> d = table().docs();
  d.push_back({"mate_choice", "string", "tournament", "tournament | random | pimp",
               "how parent 2 is chosen (tournament: a second event of `selection`)"});
  d.push_back({"selection", "string", "tournament", "tournament | lexicase | nsga2",
               "parent selection: tournament, epsilon-lexicase (semi-dynamic, MAD), NSGA-II over (RMSE, size)"});
  d.push_back({"constant_fitting", "string", "none", "none | lm",
               "lm: Levenberg-Marquardt fit of each child's constants (Lamarckian)"});
  d.push_back({"functions", "string list", R"(["add", "sub", "mul", "div", "sin", "cos", "exp", "log"])",
               "add sub mul div sin cos exp log sqrt square tanh", "the function set"});
  return d;
}

StrategyInfo gp_strategy() {
  return {"gp", "Tree GP (Koza 1992): tournament, epsilon-lexicase or NSGA-II selection, random or PIMP mate choice (Simoes et al. 2023), LM constant fitting; symbolic regression",
          false, make_gp, gp_keys, true};
}

}  // namespace neuroevo
