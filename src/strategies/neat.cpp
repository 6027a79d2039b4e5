// NEAT (Stanley & Miikkulainen 2002, "Evolving Neural Networks through Augmenting Topologies",
// Evolutionary Computation 10(2)): a population of topology-and-weight genomes (genomes/neat.hpp),
// speciated by compatibility distance, reproducing by explicit fitness sharing.
//
// One generation = one batch of `population` candidates; candidate i is population genome i, held in the
// state, so build(i) is a copy (const, thread-safe, identical on every MPI rank). tell() does, in order:
//  1. champion: the best valid genome seen so far (strictly better replaces);
//  2. speciation (section 3.3): each genome, in index order, joins the first species whose representative
//     (a random member of that species last generation, or its best with representative = "best") is within
//     `compat_threshold`; otherwise it founds a
//     species. With target_species > 0 the threshold moves by threshold_step towards that species count;
//  3. stagnation: a species whose best fitness has not improved for `stagnation` generations gets no
//     offspring (the species holding this generation's best genome is kept); when the population's best has
//     not improved for `population_stagnation` generations, only the two best species reproduce (4.1);
//  4. explicit fitness sharing (equation 2): species s gets offspring in proportion to the sum of its members'
//     adjusted fitness f_i / |s| (fitness shifted so the lowest is >= 0 when some are negative); floors plus
//     the largest remainders;
//  5. reproduction inside each species: the champion of a species of more than `elitism_min_size` members is
//     copied unchanged; the others come from the top `survival` fraction, by mutation alone (p mutate_only)
//     or by crossover (interspecies with p interspecies), crossover children mutated unless p mate_only.
// Every random choice of offspring k comes from the counter-based stream (seed, generation, k, Mutation);
// new innovation numbers are handed out in offspring order by one tracker per generation, so the same
// structural mutation in one generation gets the same number. Constants default to the paper's XOR setup
// (section 4.1) and Stanley's NEAT 1.2 XOR parameter file (weight power 2.5, survival 0.2, mate-only 0.2).
//
// fitness = "novelty" (Lehman & Stanley 2011, "Abandoning objectives", whose novelty search is NEAT with
// the novelty score in place of the fitness): each genome's score is the k-nearest-neighbour novelty of its
// behaviour descriptor against the novelty archive plus the population (strategies/novelty.hpp, the archive
// the GA's novelty fitness and NS-ES use), the archive is updated by its rule every generation, and that
// score drives everything fitness drives above (speciation's stagnation clocks, sharing, selection, elitism).
// Invalid results score -infinity. The champion stays the genome with the best reward seen.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroevo/genomes/hyperneat.hpp"
#include "neuroevo/genomes/neat.hpp"
#include "neuroevo/strategies/builtin.hpp"
#include "neuroevo/strategies/novelty.hpp"
#include "neuroevo/strategies/schema.hpp"

namespace neuroevo {

// Genomes in the checkpoint: their structured-genome JSON.
NEUROEVO_GENOME_CODEC(NeatGenome, "neat", neat_from_bytes)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<std::string> activation_names() {
  return {"steep_sigmoid", "sigmoid", "tanh", "sine", "gauss", "abs", "identity", "step", "relu"};
}

struct Params {
  size_t population = 0;
  double c1 = 0, c2 = 0, c3 = 0, compat_threshold = 0;
  size_t normalize_below = 0, target_species = 0;
  double threshold_step = 0, threshold_min = 0;
  double add_node = 0, add_connection = 0, weight_mutation = 0, perturb = 0, weight_power = 0, init_range = 0,
         weight_max = 0, toggle_enable = 0;
  size_t connection_tries = 0;
  double disable_inherited = 0, mutate_only = 0, mate_only = 0, interspecies = 0, survival = 0;
  size_t stagnation = 0, population_stagnation = 0, elitism_min_size = 0;
  bool recurrent = false;
  double recurrent_only = 0, reenable = 0, crossover_average = 0;
  bool exclusive_mutation = false;
  std::string weight_scheme;
  std::string output_activation, hidden_activation;
  double activation_mutation = 0;
  std::string encoding, substrate, cppn_activations;
  double weight_threshold = 0, max_weight = 0;
  std::string fitness, representative, substrate_input;
  NoveltySettings novelty;
};

std::vector<NeatActivation> parse_activations(const std::string& text, const std::string& key) {
  std::vector<NeatActivation> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(activation_from_name(item, key));
  if (out.empty()) throw UsageError("config key '" + key + "' lists no activation");
  return out;
}

const ParamTable<Params>& table() {
  static const ParamTable<Params> t =
      ParamTable<Params>()
          .integer("population", &Params::population, 150, 2, 10'000'000, "genomes per generation (paper: 150)")
          .real("c1", &Params::c1, 1.0, 0.0, 1e6, "compatibility weight of excess genes (paper: 1.0)")
          .real("c2", &Params::c2, 1.0, 0.0, 1e6, "compatibility weight of disjoint genes (paper: 1.0)")
          .real("c3", &Params::c3, 0.4, 0.0, 1e6, "compatibility weight of mean weight difference (paper: 0.4; 3.0 for DPNV)")
          .real("compat_threshold", &Params::compat_threshold, 3.0, 0.0, 1e6,
                "compatibility threshold delta_t (paper: 3.0; 4.0 for DPNV)", ParamTable<Params>::Low)
          .choice("representative", &Params::representative, "random", {"random", "best"},
                  "the member of each species that next generation's genomes are compared with: a random one "
                  "(the paper, section 3.3) or the best (NEAT 1.2 compares with the first of its fitness-sorted list)")
          .integer("normalize_below", &Params::normalize_below, 20, 0, 1'000'000,
                   "N = 1 in the distance when both genomes have fewer genes than this (paper: 20)")
          .integer("target_species", &Params::target_species, 0, 0, 1'000'000,
                   "dynamic threshold: species count to steer towards (0 = fixed threshold)")
          .real("threshold_step", &Params::threshold_step, 0.3, 0.0, 1e6, "dynamic threshold: change per generation")
          .real("threshold_min", &Params::threshold_min, 0.3, 0.0, 1e6, "dynamic threshold: lowest value", ParamTable<Params>::Low)
          .real("add_node", &Params::add_node, 0.03, 0.0, 1.0, "probability of the add-node mutation (paper: 0.03)")
          .real("add_connection", &Params::add_connection, 0.05, 0.0, 1.0,
                "probability of the add-connection mutation (paper: 0.05; 0.3 for large populations)")
          .real("weight_mutation", &Params::weight_mutation, 0.8, 0.0, 1.0,
                "probability a genome's weights are mutated (paper: 0.8)")
          .real("perturb", &Params::perturb, 0.9, 0.0, 1.0,
                "per weight: probability of a perturbation, else a new value (paper: 0.9)")
          .real("weight_power", &Params::weight_power, 2.5, 0.0, 1e6,
                "perturbations and new values uniform in [-power, power] (NEAT 1.2 XOR: 2.5)")
          .real("init_range", &Params::init_range, 1.0, 0.0, 1e6,
                "initial and new-connection weights uniform in [-range, range]")
          .real("weight_max", &Params::weight_max, 8.0, 0.0, 1e9, "weights clipped to [-max, max] after mutation", ParamTable<Params>::Low)
          .real("toggle_enable", &Params::toggle_enable, 0.0, 0.0, 1.0,
                "probability one connection's enabled flag flips (NEAT 1.2 XOR: 0)")
          .integer("connection_tries", &Params::connection_tries, 20, 1, 1'000'000,
                   "attempts to find a new connection (NEAT 1.2: newlink_tries 20)")
          .real("disable_inherited", &Params::disable_inherited, 0.75, 0.0, 1.0,
                "a gene disabled in either parent is disabled in the child with this probability (paper: 0.75)")
          .real("mutate_only", &Params::mutate_only, 0.25, 0.0, 1.0,
                "fraction of offspring by mutation without crossover (paper: 0.25)")
          .real("mate_only", &Params::mate_only, 0.2, 0.0, 1.0,
                "probability a crossover child is not mutated (NEAT 1.2: 0.2)")
          .real("interspecies", &Params::interspecies, 0.001, 0.0, 1.0, "interspecies mating rate (paper: 0.001)")
          .real("survival", &Params::survival, 0.2, 0.0, 1.0,
                "fraction of each species (best first) that may parent offspring (NEAT 1.2: 0.2)", ParamTable<Params>::Low)
          .integer("stagnation", &Params::stagnation, 15, 1, 1'000'000,
                   "generations without improvement after which a species stops reproducing (paper: 15)")
          .integer("population_stagnation", &Params::population_stagnation, 20, 0, 1'000'000,
                   "generations without population improvement after which only the top 2 species reproduce "
                   "(paper: 20; 0 = off)")
          .integer("elitism_min_size", &Params::elitism_min_size, 5, 0, 1'000'000,
                   "species with more members than this keep their champion unchanged (paper: 5)")
          .flag("recurrent", &Params::recurrent, false,
                "allow recurrent connections (networks step once per environment step)")
          .real("recurrent_only", &Params::recurrent_only, 0.2, 0.0, 1.0,
                "recurrent = true: probability an add-connection mutation seeks a recurrent link, else a "
                "feed-forward one (NEAT 1.2 p2nv: recur_only_prob 0.2)")
          .flag("exclusive_mutation", &Params::exclusive_mutation, false,
                "NEAT 1.2's schedule: add node, else add connection, else weight/toggle/re-enable mutations "
                "(false: each drawn independently)")
          .real("reenable", &Params::reenable, 0.0, 0.0, 1.0,
                "probability the first disabled connection is re-enabled (NEAT 1.2 p2nv: 0.05)")
          .choice("weight_scheme", &Params::weight_scheme, "paper", {"paper", "neat12"},
                  "paper: each weight perturbed with p perturb, else replaced; neat12: NEAT 1.2's "
                  "mutate_link_weights (severe half the time, gentler on the newest genes)")
          .real("crossover_average", &Params::crossover_average, 0.0, 0.0, 1.0,
                "probability a crossover averages matching weights instead of picking one parent's "
                "(NEAT 1.2: mate_multipoint_avg 0.4)")
          .choice("output_activation", &Params::output_activation, "steep_sigmoid", activation_names(),
                  "activation of output nodes (paper: sigmoid 1/(1+exp(-4.9x)))")
          .choice("hidden_activation", &Params::hidden_activation, "steep_sigmoid", activation_names(),
                  "activation of new hidden nodes (encoding neat)")
          .real("activation_mutation", &Params::activation_mutation, 0.0, 0.0, 1.0,
                "probability one hidden node's activation is redrawn (CPPNs)")
          .choice("encoding", &Params::encoding, "neat", {"neat", "hyperneat"},
                  "neat: genomes are the policies; hyperneat: genomes are CPPNs painting the substrate")
          .text("substrate", &Params::substrate, "3x3",
                "hyperneat: hidden grids ROWSxCOLS, comma-separated (\"\" = inputs straight to outputs)",
                [](const std::string& v, const std::string& key) { parse_substrate_layers(v, key); })
          .text("cppn_activations", &Params::cppn_activations, "sine,gauss,sigmoid,abs,identity,tanh,step",
                "hyperneat: activations drawn for new CPPN nodes",
                [](const std::string& v, const std::string& key) { parse_activations(v, key); })
          .choice("substrate_input", &Params::substrate_input, "row", {"row", "grid"},
                  "hyperneat: the observation as one row of input nodes, or as its rows x columns x channels image "
                  "(channel-last, e.g. MinAtar), the channel a sixth CPPN input")
          .real("weight_threshold", &Params::weight_threshold, 0.2, 0.0, 0.999,
                "hyperneat: |CPPN output| at or below this expresses no connection (Gauci & Stanley: 0.2)")
          .real("max_weight", &Params::max_weight, 3.0, 0.0, 1e6, "hyperneat: weight of a CPPN output of magnitude 1", ParamTable<Params>::Low)
          .choice("fitness", &Params::fitness, "reward", {"reward", "novelty"},
                  "reward: the task's return; novelty: novelty search (Lehman & Stanley 2011) with the novelty_* "
                  "and archive_* keys")
          .include(novelty_table(), &Params::novelty);
  return t;
}

struct State {
  uint64_t generation = 0;
  std::vector<NeatGenome> population;
  uint32_t next_innovation = 0, next_node = 0;
  double threshold = 0.0;
  // Species, in founding order (parallel arrays).
  std::vector<uint64_t> species_id;
  std::vector<NeatGenome> species_rep;
  std::vector<double> species_best;
  std::vector<uint64_t> species_improved;  // generation of the last improvement of species_best
  uint64_t next_species = 0;
  NeatGenome champion;
  double champion_fitness = -kInf;
  double best_recent = -kInf;  // the population's best since the last population-stagnation reset
  uint64_t best_improved = 0;
  NoveltyArchiveState archive;  // fitness = "novelty" only (empty otherwise)
  NEUROEVO_STATE_FIELDS(State, population, next_innovation, next_node, threshold, species_id, species_rep,
                        species_best, species_improved, next_species, champion, champion_fitness, best_recent,
                        best_improved, archive)
};

class Neat final : public StrategyBase<Params, State> {
 public:
  Neat(const Params& p, uint64_t seed, uint32_t env_inputs, uint32_t env_outputs, Substrate substrate)
      : StrategyBase("neat", table(), p), seed_(seed), hyper_(p.encoding == "hyperneat"), novelty_(p.fitness == "novelty"),
        env_inputs_(env_inputs), env_outputs_(env_outputs), inputs_(hyper_ ? cppn_inputs(substrate) : env_inputs),
        outputs_(hyper_ ? kCppnOutputs : env_outputs), substrate_(std::move(substrate)) {
    const uint32_t inputs = inputs_, outputs = outputs_;
    mutation_.add_node = p.add_node;
    mutation_.add_connection = p.add_connection;
    mutation_.weights = p.weight_mutation;
    mutation_.perturb = p.perturb;
    mutation_.power = p.weight_power;
    mutation_.init_range = p.init_range;
    mutation_.weight_max = p.weight_max;
    mutation_.toggle_enable = p.toggle_enable;
    mutation_.connection_tries = static_cast<uint32_t>(p.connection_tries);
    mutation_.recurrent = p.recurrent;
    mutation_.recurrent_only = p.recurrent_only;
    mutation_.exclusive = p.exclusive_mutation;
    mutation_.reenable = p.reenable;
    mutation_.neat12_weights = p.weight_scheme == "neat12";
    mutation_.activations = hyper_ ? parse_activations(p.cppn_activations, "strategy.cppn_activations")
                                   : std::vector<NeatActivation>{activation_from_name(p.hidden_activation, "strategy.hidden_activation")};
    mutation_.activation = p.activation_mutation;
    out_act_ = activation_from_name(p.output_activation, "strategy.output_activation");
    compat_ = {p.c1, p.c2, p.c3, p.normalize_below};
    // The initial population: minimal genomes (inputs + bias fully connected to the outputs, section 3.4)
    // with random weights; they share innovations 0..(inputs+1)*outputs-1.
    for (size_t i = 0; i < p.population; ++i) {
      Stream rng(seed, 0, i, Purpose::Init);
      state_.population.emplace_back(inputs, outputs, p.recurrent, out_act_, mutation_.activations[0], p.init_range, &rng);
    }
    state_.next_innovation = (inputs + 1) * outputs;
    state_.next_node = inputs + 1 + outputs;
    state_.threshold = p.compat_threshold;
    state_.champion = state_.population[0];
    if (novelty_) state_.archive = NoveltyArchive(p.novelty, seed).state();
  }

  bool structured() const override { return true; }
  void decode(size_t, std::span<float>) const override {
    throw std::logic_error("neat candidates are structured genomes; use build()");
  }
  std::unique_ptr<const Candidate> build(size_t i) const override {
    check_index(i, params_.population);
    if (hyper_) return std::make_unique<HyperNeatGenome>(state_.population[i], substrate_, env_inputs_, env_outputs_);
    return std::make_unique<NeatGenome>(state_.population[i]);
  }
  Genome champion() const override {
    if (hyper_) return HyperNeatGenome(state_.champion, substrate_, env_inputs_, env_outputs_).genome();
    return state_.champion.genome();
  }

  std::vector<ArchiveEntry> archive() const override {
    std::vector<ArchiveEntry> out;
    if (!novelty_) return out;
    NoveltyArchive a(params_.novelty, seed_);
    a.restore(state_.archive);
    for (size_t i = 0; i < a.points().size(); ++i)
      out.push_back({{a.points()[i].begin(), a.points()[i].end()}, std::numeric_limits<double>::quiet_NaN()});
    return out;
  }

 private:
  void update(std::span<const Result> results, std::span<const double> reward) override {
    const uint64_t gen = state_.generation;
    const size_t n = reward.size();
    // 1. Champion: the best reward seen.
    size_t top = n;
    for (size_t i = 0; i < n; ++i)
      if (reward[i] > -kInf && (top == n || reward[i] > reward[top])) top = i;
    if (top != n && reward[top] > state_.champion_fitness) {
      state_.champion = state_.population[top];
      state_.champion_fitness = reward[top];
    }
    // The score that drives the search: the reward, or the novelty against the archive and the population.
    std::vector<double> scores;
    if (novelty_) {
      const PointSet b = behaviours_of(results, "neat with fitness = \"novelty\"");
      NoveltyArchive archive(params_.novelty, seed_);
      archive.restore(state_.archive);
      scores = archive.population_novelty(b);
      for (size_t i = 0; i < n; ++i)
        if (!(reward[i] > -kInf) || std::isnan(scores[i])) scores[i] = -kInf;
      archive.update(b, scores, gen);
      state_.archive = archive.state();
    }
    const std::span<const double> ranked = novelty_ ? std::span<const double>(scores) : reward;
    size_t best = n;
    for (size_t i = 0; i < n; ++i)
      if (ranked[i] > -kInf && (best == n || ranked[i] > ranked[best])) best = i;
    if (best != n && ranked[best] > state_.best_recent) {
      state_.best_recent = ranked[best];
      state_.best_improved = gen;
    }
    // Fitness for sharing: invalid results count as the lowest valid fitness; shifted to be >= 0.
    double lowest = kInf;
    for (double f : ranked)
      if (f > -kInf) lowest = std::min(lowest, f);
    if (lowest == kInf) lowest = 0.0;
    std::vector<double> fit(n);
    for (size_t i = 0; i < n; ++i) fit[i] = (ranked[i] > -kInf ? ranked[i] : lowest) - std::min(0.0, lowest);

    // 2. Speciation against last generation's representatives.
    const size_t old_species = state_.species_id.size();
    std::vector<std::vector<size_t>> members(old_species);
    std::vector<NeatGenome> reps = state_.species_rep;
    std::vector<uint64_t> ids = state_.species_id;
    std::vector<double> sbest = state_.species_best;
    std::vector<uint64_t> simproved = state_.species_improved;
    for (size_t i = 0; i < n; ++i) {
      size_t s = 0;
      while (s < reps.size() && !(compatibility(state_.population[i], reps[s], compat_) < state_.threshold)) ++s;
      if (s == reps.size()) {
        reps.push_back(state_.population[i]);
        ids.push_back(state_.next_species++);
        sbest.push_back(-kInf);
        simproved.push_back(gen);
        members.emplace_back();
      }
      members[s].push_back(i);
    }
    std::vector<size_t> live;  // species with members, in founding order
    for (size_t s = 0; s < members.size(); ++s)
      if (!members[s].empty()) live.push_back(s);
    if (params_.target_species > 0) {
      if (live.size() < params_.target_species) state_.threshold = std::max(params_.threshold_min, state_.threshold - params_.threshold_step);
      else if (live.size() > params_.target_species) state_.threshold += params_.threshold_step;
    }

    // 3. Species' bests, stagnation.
    std::vector<double> smax(members.size(), -kInf);
    for (size_t s : live) {
      for (size_t i : members[s]) smax[s] = std::max(smax[s], ranked[i]);
      if (smax[s] > sbest[s]) {
        sbest[s] = smax[s];
        simproved[s] = gen;
      }
    }
    size_t best_species = live.front();
    for (size_t s : live)
      if (best != n && std::find(members[s].begin(), members[s].end(), best) != members[s].end()) best_species = s;
    std::vector<size_t> breeding;
    for (size_t s : live)
      if (s == best_species || gen - simproved[s] < params_.stagnation) breeding.push_back(s);
    if (params_.population_stagnation > 0 && gen - state_.best_improved >= params_.population_stagnation) {
      // Only the two species with the best current members reproduce; the clock restarts.
      std::stable_sort(breeding.begin(), breeding.end(), [&](size_t a, size_t b) { return smax[a] > smax[b]; });
      if (breeding.size() > 2) breeding.resize(2);
      std::sort(breeding.begin(), breeding.end());
      state_.best_improved = gen;
      state_.best_recent = -kInf;
    }

    // 4. Offspring counts by explicit fitness sharing.
    std::vector<double> share(members.size(), 0.0);
    double total = 0.0;
    for (size_t s : breeding) {
      for (size_t i : members[s]) share[s] += fit[i];
      share[s] /= static_cast<double>(members[s].size());
      total += share[s];
    }
    if (!(total > 0.0)) {  // every adjusted fitness zero: in proportion to species size
      total = 0.0;
      for (size_t s : breeding) total += (share[s] = static_cast<double>(members[s].size()));
    }
    std::vector<size_t> count(members.size(), 0);
    std::vector<std::pair<double, size_t>> remainder;
    size_t assigned = 0;
    for (size_t s : breeding) {
      const double exact = static_cast<double>(n) * share[s] / total;
      count[s] = static_cast<size_t>(std::floor(exact));
      assigned += count[s];
      remainder.emplace_back(exact - std::floor(exact), s);
    }
    std::stable_sort(remainder.begin(), remainder.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t k = 0; assigned < n; ++k, ++assigned) ++count[remainder[k % remainder.size()].second];

    // 5. Reproduction.
    InnovationTracker innovations(state_.next_innovation, state_.next_node);
    std::vector<NeatGenome> next;
    next.reserve(n);
    auto by_fitness = [&](std::vector<size_t> v) {
      std::stable_sort(v.begin(), v.end(), [&](size_t a, size_t b) { return ranked[a] > ranked[b]; });
      return v;
    };
    for (size_t s : breeding) {
      if (count[s] == 0) continue;
      const std::vector<size_t> sorted = by_fitness(members[s]);
      size_t made = 0;
      if (sorted.size() > params_.elitism_min_size) {
        next.push_back(state_.population[sorted[0]]);
        ++made;
      }
      const size_t survivors =
          std::clamp<size_t>(static_cast<size_t>(std::ceil(params_.survival * static_cast<double>(sorted.size()))), 1,
                             sorted.size());
      for (; made < count[s]; ++made) {
        Stream rng(seed_, gen, next.size(), Purpose::Mutation);
        const size_t mom = sorted[static_cast<size_t>(rng.below(survivors))];
        NeatGenome child;
        bool mutate_child = true;
        if (survivors == 1 || rng.uniform() < params_.mutate_only) {
          child = state_.population[mom];
        } else {
          size_t dad = sorted[static_cast<size_t>(rng.below(survivors))];
          if (rng.uniform() < params_.interspecies && live.size() > 1) {
            std::vector<size_t> others;
            for (size_t o : live)
              if (o != s) others.push_back(o);
            const size_t other = others[static_cast<size_t>(rng.below(others.size()))];
            dad = members[other][static_cast<size_t>(rng.below(members[other].size()))];
          }
          const NeatGenome& a = state_.population[mom];
          const NeatGenome& b = state_.population[dad];
          const bool a_fitter = ranked[mom] > ranked[dad] ||
                                (ranked[mom] == ranked[dad] && a.connections().size() <= b.connections().size());
          const bool average = params_.crossover_average > 0.0 && rng.uniform() < params_.crossover_average;
          child = a_fitter ? crossover(a, b, params_.disable_inherited, rng, average)
                           : crossover(b, a, params_.disable_inherited, rng, average);
          mutate_child = mom == dad || !(rng.uniform() < params_.mate_only);
        }
        if (mutate_child) mutate(child, mutation_, innovations, rng);
        next.push_back(std::move(child));
      }
    }

    // New representatives: a random member (or the best) of each species that reproduced.
    state_.species_id.clear();
    state_.species_rep.clear();
    state_.species_best.clear();
    state_.species_improved.clear();
    for (size_t s : breeding) {
      if (count[s] == 0) continue;
      size_t rep = 0;
      if (params_.representative == "best") {
        rep = by_fitness(members[s]).front();
      } else {
        Stream rng(seed_, gen, ids[s], Purpose::Selection);
        rep = members[s][static_cast<size_t>(rng.below(members[s].size()))];
      }
      state_.species_id.push_back(ids[s]);
      state_.species_rep.push_back(state_.population[rep]);
      state_.species_best.push_back(sbest[s]);
      state_.species_improved.push_back(simproved[s]);
    }
    state_.population = std::move(next);
    state_.next_innovation = innovations.next_innovation();
    state_.next_node = innovations.next_node();
  }

  void validate(const State& s) const override {
    if (s.population.size() != params_.population)
      throw corrupt_checkpoint(name_, "population holds " + std::to_string(s.population.size()) + " genomes, expected " +
                                          std::to_string(params_.population));
    const size_t k = s.species_id.size();
    if (s.species_rep.size() != k || s.species_best.size() != k || s.species_improved.size() != k)
      throw corrupt_checkpoint(name_, "species arrays differ in length");
    auto fits = [&](const NeatGenome& g) {
      return g.inputs() == inputs_ && g.outputs() == outputs_ && g.recurrent() == params_.recurrent;
    };
    for (const auto& g : s.population)
      if (!fits(g)) throw corrupt_checkpoint(name_, "a population genome was written for another environment");
    for (const auto& g : s.species_rep)
      if (!fits(g)) throw corrupt_checkpoint(name_, "a species representative was written for another environment");
    if (!fits(s.champion)) throw corrupt_checkpoint(name_, "the champion was written for another environment");
    for (const auto& g : s.population)
      for (const auto& c : g.connections())
        if (c.innovation >= s.next_innovation) throw corrupt_checkpoint(name_, "an innovation number is not below next_innovation");
    if (!(s.threshold > 0.0)) throw corrupt_checkpoint(name_, "threshold must be > 0");
    try {
      NoveltyArchive(params_.novelty, seed_).restore(s.archive);
    } catch (const std::invalid_argument& e) {
      throw corrupt_checkpoint(name_, e.what());
    }
  }

  uint64_t seed_;
  bool hyper_;
  bool novelty_;
  uint32_t env_inputs_, env_outputs_;
  uint32_t inputs_, outputs_;  // of the genomes: the policy's, or the CPPN's (5, 2)
  Substrate substrate_;
  NeatMutation mutation_;
  NeatActivation out_act_ = NeatActivation::SteepSigmoid;
  Compatibility compat_;
};

}  // namespace

std::unique_ptr<Strategy> make_neat(ConfigSection& cfg, const StrategyContext& ctx) {
  const Params p = table().read(cfg);
  if (p.encoding == "hyperneat" && p.recurrent)
    throw UsageError("config key 'strategy.recurrent': a HyperNEAT CPPN is feed-forward (recurrent = false)");
  const PolicyShape shape = policy_shape(ctx, "neat");
  Substrate substrate;
  if (p.encoding == "hyperneat") {
    substrate.hidden = parse_substrate_layers(p.substrate, cfg.full_key("substrate"));
    substrate.threshold = p.weight_threshold;
    substrate.max_weight = p.max_weight;
    if (p.substrate_input == "grid") {
      const std::vector<int>& dims = ctx.observation->shape;
      if (dims.size() != 2 && dims.size() != 3)
        throw UsageError("config key '" + cfg.full_key("substrate_input") +
                         "' = \"grid\" needs an image observation (rows x columns [x channels]); this environment's "
                         "observation is a vector of " + std::to_string(shape.inputs));
      substrate.grid_rows = static_cast<uint32_t>(dims[0]);
      substrate.grid_cols = static_cast<uint32_t>(dims[1]);
      substrate.grid_channels = dims.size() == 3 ? static_cast<uint32_t>(dims[2]) : 1;
    }
  } else if (p.substrate_input == "grid") {
    throw UsageError("config key '" + cfg.full_key("substrate_input") + "' applies to encoding = \"hyperneat\" only");
  }
  return std::make_unique<Neat>(p, ctx.seed, shape.inputs, shape.outputs, std::move(substrate));
}

std::vector<ParamDoc> neat_keys() { return table().docs(); }

StrategyInfo neat_strategy() {
  return {"neat", "NEAT (Stanley & Miikkulainen 2002): evolving topologies, innovation numbers, speciation, fitness sharing",
          false, make_neat, neat_keys, true};
}

}  // namespace neuroevo
