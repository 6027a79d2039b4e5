// NEAT genomes and the neat strategy (genomes/neat.hpp, strategies/neat.cpp), checked against hand
// computations from Stanley & Miikkulainen 2002 (figure 4's crossover, equation 1's distance) and naive
// reference evaluations of small networks written out by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/genomes/hyperneat.hpp"
#include "neuroevo/genomes/neat.hpp"
#include "neuroevo/nn/policy.hpp"
#include "neuroevo/strategies/strategy.hpp"
#include "neuroevo/tasks/rl_task.hpp"

namespace neuroevo {
namespace {

NeatNode node(uint32_t id, NeatNodeKind k, NeatActivation a = NeatActivation::SteepSigmoid) { return {id, k, a}; }

// The parents of the paper's figure 4, with its inputs 1..3 as our nodes 0..2, our bias node 3 unused, its
// output 4 as our 4 and its hidden nodes 5 and 6 as ours.
std::vector<NeatNode> fig4_nodes(bool with6) {
  std::vector<NeatNode> n = {node(0, NeatNodeKind::Input), node(1, NeatNodeKind::Input), node(2, NeatNodeKind::Input),
                             node(3, NeatNodeKind::Bias), node(4, NeatNodeKind::Output), node(5, NeatNodeKind::Hidden)};
  if (with6) n.push_back(node(6, NeatNodeKind::Hidden));
  return n;
}
NeatGenome fig4_parent1() {
  return NeatGenome(3, 1, false, fig4_nodes(false),
                    {{1, 0, 4, 1.0f, true}, {2, 1, 4, 1.0f, false}, {3, 2, 4, 1.0f, true}, {4, 1, 5, 1.0f, true},
                     {5, 5, 4, 1.0f, true}, {8, 0, 5, 1.0f, true}});
}
NeatGenome fig4_parent2() {
  return NeatGenome(3, 1, false, fig4_nodes(true),
                    {{1, 0, 4, 0.5f, true}, {2, 1, 4, 1.5f, false}, {3, 2, 4, 1.0f, true}, {4, 1, 5, 2.0f, true},
                     {5, 5, 4, 0.0f, false}, {6, 5, 6, 1.0f, true}, {7, 6, 4, 1.0f, true}, {9, 2, 5, 1.0f, true},
                     {10, 0, 6, 1.0f, true}});
}

TEST(NeatGenome, FigureFourParentsAreValid) {
  EXPECT_NO_THROW(fig4_parent1().check());
  EXPECT_NO_THROW(fig4_parent2().check());
}

TEST(NeatCompatibility, MatchesTheHandComputationOfEquationOne) {
  // Matching 1..5; disjoint 6, 7 (parent 2) and 8 (parent 1); excess 9, 10. Weight differences of the
  // matching genes: 0.5, 0.5, 0, 1, 1 -> mean 0.6.
  const NeatGenome a = fig4_parent1(), b = fig4_parent2();
  EXPECT_NEAR(compatibility(a, b, {1.0, 1.0, 0.4, 20}), 1.0 * 2 + 1.0 * 3 + 0.4 * 0.6, 1e-12);
  EXPECT_NEAR(compatibility(b, a, {1.0, 1.0, 0.4, 20}), 5.24, 1e-12);
  // Normalised by the larger genome (9 genes) when normalisation starts below that size.
  EXPECT_NEAR(compatibility(a, b, {2.0, 3.0, 1.0, 5}), 2.0 * 2 / 9 + 3.0 * 3 / 9 + 0.6, 1e-12);
  EXPECT_EQ(compatibility(a, a, {1.0, 1.0, 0.4, 20}), 0.0);
}

TEST(NeatCrossover, AlignsByInnovationAndTakesDisjointAndExcessFromTheFitterParent) {
  const NeatGenome a = fig4_parent1(), b = fig4_parent2();
  int from_b = 0, gene5_disabled = 0, gene2_disabled = 0;
  constexpr int kTrials = 4000;
  for (int t = 0; t < kTrials; ++t) {
    Stream rng(1234, 0, static_cast<uint64_t>(t), Purpose::Mutation);
    const NeatGenome child = crossover(a, b, 0.75, rng);
    ASSERT_EQ(child.connections().size(), 6u);
    const std::vector<uint32_t> want = {1, 2, 3, 4, 5, 8};
    for (size_t k = 0; k < want.size(); ++k) EXPECT_EQ(child.connections()[k].innovation, want[k]);
    EXPECT_EQ(child.nodes(), a.nodes());
    const float w1 = child.connections()[0].weight;
    EXPECT_TRUE(w1 == 1.0f || w1 == 0.5f);
    from_b += w1 == 0.5f;
    EXPECT_EQ(child.connections()[5].weight, 1.0f);  // gene 8: parent 1 only
    EXPECT_TRUE(child.connections()[2].enabled);      // enabled in both parents
    gene5_disabled += !child.connections()[4].enabled;  // disabled in parent 2
    gene2_disabled += !child.connections()[1].enabled;  // disabled in both
    ASSERT_NO_THROW(child.check());
  }
  EXPECT_NEAR(from_b / double(kTrials), 0.5, 0.04);
  EXPECT_NEAR(gene5_disabled / double(kTrials), 0.75, 0.04);
  EXPECT_NEAR(gene2_disabled / double(kTrials), 0.75, 0.04);
}

TEST(NeatCrossover, AveragingTakesTheMeanOfMatchingWeights) {
  // NEAT 1.2's mate_multipoint_avg on figure 4's parents: matching genes 1..5 get the mean weight, gene 8
  // (parent 1 only) keeps its own.
  Stream rng(7);
  const NeatGenome child = crossover(fig4_parent1(), fig4_parent2(), 0.75, rng, true);
  const std::vector<float> want = {0.75f, 1.25f, 1.0f, 1.5f, 0.5f, 1.0f};
  ASSERT_EQ(child.connections().size(), want.size());
  for (size_t k = 0; k < want.size(); ++k) EXPECT_EQ(child.connections()[k].weight, want[k]) << k;
}

TEST(NeatMutation, Neat12WeightSchemeKeepsReplacesAndPerturbsInItsProportions) {
  // NEAT 1.2's mutate_link_weights at rate 1 on genomes of fewer than 10 genes: half the calls "severe"
  // (per gene 70% perturbed, 20% replaced, 10% kept), the other half perturb every gene. Overall: kept
  // 0.05, replaced 0.10, perturbed 0.85. Weights start at 100 with power 1, so a perturbed weight lies in
  // [99, 101], a replaced one in [-1, 1] and a kept one is exactly 100.
  NeatMutation m;
  m.neat12_weights = true;
  m.power = 1.0;
  m.weight_max = 1e9;
  size_t kept = 0, replaced = 0, perturbed = 0;
  for (int t = 0; t < 4000; ++t) {
    NeatGenome g(4, 1, false, NeatActivation::SteepSigmoid, NeatActivation::SteepSigmoid, 1.0, nullptr);
    for (auto& c : g.connections()) c.weight = 100.0f;
    Stream rng(11, 0, static_cast<uint64_t>(t), Purpose::Mutation);
    mutate_weights(g, m, rng);
    for (const auto& c : g.connections()) {
      if (c.weight == 100.0f) ++kept;
      else if (std::abs(c.weight) <= 1.0f) ++replaced;
      else if (std::abs(c.weight - 100.0f) <= 1.0f) ++perturbed;
      else ADD_FAILURE() << c.weight;
    }
  }
  const double n = static_cast<double>(kept + replaced + perturbed);
  EXPECT_NEAR(kept / n, 0.05, 0.01);
  EXPECT_NEAR(replaced / n, 0.10, 0.015);
  EXPECT_NEAR(perturbed / n, 0.85, 0.02);
}

TEST(NeatMutation, ExclusiveScheduleSkipsWeightsAfterAStructuralMutation) {
  NeatMutation m;
  m.exclusive = true;
  m.weights = 1.0;
  InnovationTracker t(100, 100);
  for (int which = 0; which < 2; ++which) {
    m.add_node = which == 0 ? 1.0 : 0.0;
    m.add_connection = 1.0;
    Stream init(3);
    NeatGenome g(3, 2, false, NeatActivation::SteepSigmoid, NeatActivation::SteepSigmoid, 1.0, &init);
    ASSERT_TRUE(mutate_add_node(g, m, t, init));  // a hidden node, so a new feed-forward link exists
    const NeatGenome before = g;
    Stream rng(5, 0, static_cast<uint64_t>(which), Purpose::Mutation);
    mutate(g, m, t, rng);
    // Exactly one structural change (a node: +1 node, +2 genes; else a connection: +1 gene), and every
    // old gene keeps its weight except the one an add-node splits (disabled, weight kept too).
    EXPECT_EQ(g.hidden_nodes(), before.hidden_nodes() + (which == 0 ? 1 : 0));
    EXPECT_EQ(g.connections().size(), before.connections().size() + (which == 0 ? 2 : 1));
    for (const auto& c : before.connections()) {
      const auto it = std::find_if(g.connections().begin(), g.connections().end(),
                                   [&](const NeatConnection& x) { return x.innovation == c.innovation; });
      ASSERT_NE(it, g.connections().end());
      EXPECT_EQ(it->weight, c.weight);
    }
  }
  // Without a structural mutation the weights do change.
  m.add_node = m.add_connection = 0.0;
  Stream init(4);
  NeatGenome g(3, 2, false, NeatActivation::SteepSigmoid, NeatActivation::SteepSigmoid, 1.0, &init);
  const NeatGenome before = g;
  Stream rng(6);
  mutate(g, m, t, rng);
  EXPECT_NE(g.connections(), before.connections());
}

TEST(NeatMutation, RecurrentOnlyChoosesTheKindOfNewLink) {
  for (double p : {0.0, 1.0}) {
    NeatMutation m;
    m.recurrent = true;
    m.recurrent_only = p;
    m.add_node = 0.3;
    m.add_connection = 1.0;
    m.weights = 0.0;
    Stream init(8);
    NeatGenome g(3, 1, true, NeatActivation::SteepSigmoid, NeatActivation::SteepSigmoid, 1.0, &init);
    InnovationTracker t(100, 100);
    size_t added = 0;
    for (int step = 0; step < 60; ++step) {
      const NeatGenome before = g;
      Stream rng(21, 0, static_cast<uint64_t>(step), Purpose::Mutation);
      mutate(g, m, t, rng);
      for (const auto& c : g.connections()) {
        const bool is_new = std::none_of(before.connections().begin(), before.connections().end(),
                                         [&](const NeatConnection& x) { return x.innovation == c.innovation; });
        // Links made by add-connection (not the two of an add-node): a loop exactly when p = 1, judged on
        // the genome before the link was added.
        if (is_new && g.hidden_nodes() == before.hidden_nodes()) {
          ++added;
          EXPECT_EQ(before.reaches(c.out, c.in), p == 1.0) << "link " << c.in << " -> " << c.out;
        }
      }
    }
    EXPECT_GT(added, 10u);
  }
}

TEST(NeatMutation, ReenableTurnsOnTheFirstDisabledConnection) {
  NeatGenome g = fig4_parent2();  // genes 2 and 5 disabled
  NeatMutation m;
  m.weights = 0.0;
  m.reenable = 1.0;
  InnovationTracker t(100, 100);
  Stream rng(1);
  mutate(g, m, t, rng);
  EXPECT_TRUE(g.connections()[1].enabled);   // gene 2
  EXPECT_FALSE(g.connections()[4].enabled);  // gene 5 waits for the next re-enable
}

TEST(NeatInnovations, OneNumberPerStructuralMutationPerGeneration) {
  InnovationTracker t(10, 7);
  EXPECT_EQ(t.connection(0, 4), 10u);
  EXPECT_EQ(t.connection(1, 4), 11u);
  EXPECT_EQ(t.connection(0, 4), 10u);
  const auto s1 = t.split(3), s2 = t.split(3), s3 = t.split(4);
  EXPECT_EQ(s1, (std::tuple<uint32_t, uint32_t, uint32_t>{7, 12, 13}));
  EXPECT_EQ(s2, s1);
  EXPECT_EQ(s3, (std::tuple<uint32_t, uint32_t, uint32_t>{8, 14, 15}));
  EXPECT_EQ(t.next_innovation(), 16u);
  EXPECT_EQ(t.next_node(), 9u);

  // Two genomes splitting the same connection in one generation get the same node and innovations.
  NeatGenome g(1, 1, false, {node(0, NeatNodeKind::Input), node(1, NeatNodeKind::Bias), node(2, NeatNodeKind::Output)},
               {{0, 0, 2, 0.7f, true}, {1, 1, 2, 0.3f, false}});
  NeatGenome h = g;
  InnovationTracker gen(2, 3);
  NeatMutation m;
  Stream r1(1), r2(2);
  ASSERT_TRUE(mutate_add_node(g, m, gen, r1));
  ASSERT_TRUE(mutate_add_node(h, m, gen, r2));
  EXPECT_EQ(g.connections(), h.connections());
  ASSERT_EQ(g.connections().size(), 4u);
  EXPECT_FALSE(g.connections()[0].enabled);  // the split connection
  EXPECT_EQ(g.connections()[2], (NeatConnection{2, 0, 3, 1.0f, true}));   // in -> new node, weight 1
  EXPECT_EQ(g.connections()[3], (NeatConnection{3, 3, 2, 0.7f, true}));   // new node -> out, the old weight
  // The next generation's tracker numbers the same split anew.
  InnovationTracker next(gen.next_innovation(), gen.next_node());
  NeatGenome k(1, 1, false, {node(0, NeatNodeKind::Input), node(1, NeatNodeKind::Bias), node(2, NeatNodeKind::Output)},
               {{0, 0, 2, 0.7f, true}});
  Stream r3(3);
  ASSERT_TRUE(mutate_add_node(k, m, next, r3));
  EXPECT_EQ(k.nodes().back().id, 4u);
  EXPECT_EQ(k.connections()[1].innovation, 4u);
}

TEST(NeatMutation, FeedForwardGenomesStayAcyclicAndRecurrentOnesMayLoop) {
  for (bool recurrent : {false, true}) {
    Stream init(5);
    NeatGenome g(3, 2, recurrent, NeatActivation::SteepSigmoid, NeatActivation::SteepSigmoid, 1.0, &init);
    NeatMutation m;
    m.add_node = 0.5;
    m.add_connection = 0.9;
    m.recurrent = recurrent;
    m.toggle_enable = 0.1;
    InnovationTracker t(100, 100);
    bool loop = false;
    for (int step = 0; step < 300; ++step) {
      Stream rng(9, 0, static_cast<uint64_t>(step), Purpose::Mutation);
      mutate(g, m, t, rng);
      ASSERT_NO_THROW(g.check()) << "step " << step;
      for (const auto& c : g.connections()) loop |= g.reaches(c.out, c.in);
    }
    EXPECT_EQ(loop, recurrent);
    EXPECT_GT(g.hidden_nodes(), 10u);
    const PolicyPhenotype p = g.policy(Space::box({0, 0, 0}, {1, 1, 1}), Space::discrete(2));
    EXPECT_EQ(p.params.size(), g.enabled_connections());
  }
}

double sig(double x) { return 1.0 / (1.0 + std::exp(-4.9 * x)); }

TEST(NeatPhenotype, FeedForwardMatchesAHandWrittenNetwork) {
  // inputs 0, 1; bias 2; output 3; hidden 4 (steep sigmoid) and 5 (tanh); connection 1 -> 3 disabled.
  const double a = 0.7, b = -1.3, c = 0.4, d = 2.1, e = -0.6, f = 1.7, g = -0.9, h = 5.0;
  NeatGenome net(2, 1, false,
                 {node(0, NeatNodeKind::Input), node(1, NeatNodeKind::Input), node(2, NeatNodeKind::Bias),
                  node(3, NeatNodeKind::Output), node(4, NeatNodeKind::Hidden), node(5, NeatNodeKind::Hidden, NeatActivation::Tanh)},
                 {{0, 0, 4, float(a), true}, {1, 1, 4, float(b), true}, {2, 2, 4, float(c), true}, {3, 4, 5, float(d), true},
                  {4, 0, 5, float(e), true}, {5, 5, 3, float(f), true}, {6, 4, 3, float(g), true}, {7, 1, 3, float(h), false}});
  ASSERT_NO_THROW(net.check());
  const Space obs = Space::box({-5, -5}, {5, 5}), act = Space::box({-10}, {10});
  const PolicyPhenotype p = net.policy(obs, act);
  PolicyScratch scratch;
  p.policy->reset(scratch, 0);
  for (const auto& x : std::vector<std::vector<float>>{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {-0.3f, 2.2f}}) {
    const double h4 = sig(a * x[0] + b * x[1] + c);
    const double h5 = std::tanh(d * h4 + e * x[0]);
    const double out = sig(f * h5 + g * h4);
    float y = 0;
    p.policy->act(p.params, x, std::span<float>(&y, 1), scratch);
    EXPECT_NEAR(y, out, 1e-5);
  }
}

TEST(NeatPhenotype, RecurrentStepsSynchronouslyLikeAHandWrittenNetwork) {
  // input 0, bias 1, output 2, hidden 3 with a self-loop and feedback from the output.
  const double a = 1.1, b = -0.8, c = 1.9, d = 0.6, e = -0.4;
  NeatGenome net(1, 1, true, {node(0, NeatNodeKind::Input), node(1, NeatNodeKind::Bias), node(2, NeatNodeKind::Output), node(3, NeatNodeKind::Hidden)},
                 {{0, 0, 3, float(a), true}, {1, 3, 3, float(b), true}, {2, 3, 2, float(c), true}, {3, 2, 3, float(d), true},
                  {4, 1, 2, float(e), true}});
  ASSERT_NO_THROW(net.check());
  const PolicyPhenotype p = net.policy(Space::box({-1}, {1}), Space::box({0}, {1}));
  PolicyScratch scratch;
  p.policy->reset(scratch, 0);
  double hp = 0, op = 0;  // previous step's activations, 0 at the start of an episode
  for (float x : {1.0f, -0.5f, 0.25f, 0.0f, 1.0f, 0.75f}) {
    const double hn = sig(a * x + b * hp + d * op);
    const double on = sig(c * hp + e);
    float y = 0;
    p.policy->act(p.params, std::span<const float>(&x, 1), std::span<float>(&y, 1), scratch);
    EXPECT_NEAR(y, on, 1e-5);
    hp = hn, op = on;
  }
  // A feed-forward genome with a cycle is refused.
  EXPECT_THROW(NeatGenome(1, 1, false, net.nodes(), net.connections()).check(), std::logic_error);
  const auto bytes = NeatGenome(1, 1, false, net.nodes(), net.connections()).to_bytes();
  EXPECT_THROW(neat_from_bytes(bytes), UsageError);
}

TEST(NeatGenome, BytesRoundTripAndMalformedBytesAreUsageErrors) {
  const NeatGenome g = fig4_parent2();
  EXPECT_EQ(neat_from_bytes(g.to_bytes()), g);
  const Genome rec = g.genome();
  EXPECT_EQ(static_cast<const NeatGenome&>(*decode_genome(rec)), g);
  const auto bytes = g.to_bytes();
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_THROW(neat_from_bytes(std::span<const uint8_t>(bytes.data(), n)), UsageError) << "prefix " << n;
  auto extra = bytes;
  extra.push_back(0);
  EXPECT_THROW(neat_from_bytes(extra), UsageError);
  auto magic = bytes;
  magic[0] = 'X';
  EXPECT_THROW(neat_from_bytes(magic), UsageError);
  auto act = bytes;
  act[4 + 4 + 4 + 4 + 1 + 4 + 4 + 1] = 200;  // first node's activation
  EXPECT_THROW(neat_from_bytes(act), UsageError);
  EXPECT_THROW(activation_from_name("sigmoidd", "strategy.output_activation"), UsageError);
}

// The strategy through its registry, on the xor environment.
struct NeatRun {
  Space obs = Space::box({0, 0}, {1, 1}), act = Space::box({0}, {1});
  Config cfg;
  std::unique_ptr<Strategy> strategy;
  explicit NeatRun(const std::string& toml, uint64_t seed = 0) : cfg(Config::from_string("[strategy]\n" + toml)) {
    ConfigSection s = cfg.section("strategy");
    StrategyContext ctx;
    ctx.seed = seed;
    ctx.observation = &obs;
    ctx.action = &act;
    strategy = find_strategy("neat").make(s, ctx);
  }
};

TEST(NeatStrategy, SpeciationFollowsTheThreshold) {
  for (const auto& [threshold, species] : std::vector<std::pair<std::string, size_t>>{{"1e6", 1}, {"1e-9", 30}}) {
    NeatRun r("population = 30\ncompat_threshold = " + threshold + "\n");
    std::vector<Result> res(30);
    for (size_t i = 0; i < res.size(); ++i) res[i].fitness = 1.0 + static_cast<double>(i), res[i].valid = true;
    r.strategy->tell(res);
    // Thirty random initial genomes: one species under a huge threshold, one each under a tiny one (every
    // weight vector differs). Only species that got offspring are kept.
    const auto state = r.strategy->save();
    if (species == 1) EXPECT_EQ(state.at("species_id").size(), 1u);
    else EXPECT_GT(state.at("species_id").size(), 10u);
  }
}

TEST(NeatStrategy, NewGenesOfOneGenerationShareInnovationNumbers) {
  NeatRun r("population = 200\nadd_node = 0.5\nadd_connection = 0.5\n");
  std::vector<Result> res(200);
  for (size_t i = 0; i < res.size(); ++i) res[i].fitness = static_cast<double>(i % 7), res[i].valid = true;
  r.strategy->tell(res);
  std::map<std::pair<uint32_t, uint32_t>, std::set<uint32_t>> by_pair;
  size_t grown = 0;
  for (size_t i = 0; i < 200; ++i) {
    const auto candidate = r.strategy->build(i);
    const auto& g = static_cast<const NeatGenome&>(*candidate);
    grown += g.hidden_nodes();
    for (const auto& c : g.connections()) by_pair[std::make_pair(c.in, c.out)].insert(c.innovation);
  }
  EXPECT_GT(grown, 20u);
  // Hidden-node ids differ between different splits, but a pair (in, out) never has two numbers within
  // the generation; and splits of the same connection share their node id.
  for (const auto& [pair, innovations] : by_pair) EXPECT_EQ(innovations.size(), 1u) << pair.first << "->" << pair.second;
}

TEST(NeatStrategy, SolvesXorWithThePapersSettings) {
  // XOR solved: a network whose four outputs lie on the correct side of 0.5 (section 4.2). The paper
  // solves in 32 generations on average; allow 150.
  const RlTask task("xor", nullptr, nullptr, 1, 0);
  auto ws = task.make_workspace();
  for (uint64_t seed : {0u, 1u, 2u}) {
    NeatRun r("population = 150\n", seed);
    bool solved = false;
    for (uint64_t gen = 0; gen < 150 && !solved; ++gen) {
      std::vector<Result> res(150);
      for (size_t i = 0; i < res.size(); ++i) {
        res[i] = task.evaluate(*r.strategy->build(i), {gen * 1000 + i, 1, false}, *ws);
        const auto& y = res[i].behaviour;
        ASSERT_EQ(y.size(), 4u);
        solved |= y[0] < 0.5 && y[1] > 0.5 && y[2] > 0.5 && y[3] < 0.5;
      }
      r.strategy->tell(res);
    }
    EXPECT_TRUE(solved) << "seed " << seed;
  }
}

TEST(ParityEnv, FitnessIsNeatsSquaredErrorScore) {
  auto env = make_env("xor");
  std::vector<float> obs(2);
  env->reset(0, obs);
  const std::vector<float> outputs = {0.1f, 0.8f, 0.6f, 0.3f};  // targets 0 1 1 0
  const std::vector<std::vector<float>> patterns = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  double reward = 0;
  for (size_t t = 0; t < 4; ++t) {
    EXPECT_EQ(obs, patterns[t]);
    const StepResult s = env->step(std::span<const float>(&outputs[t], 1), obs);
    reward += s.reward;
    EXPECT_EQ(s.terminated, t == 3);
  }
  const double err = 0.1 + 0.2 + 0.4 + 0.3;
  EXPECT_NEAR(reward, (4 - err) * (4 - err), 1e-6);
  EXPECT_EQ(make_env("parity-3")->max_episode_steps(), 8);
  EXPECT_THROW(make_env("parity-11"), UsageError);
}

TEST(HyperNeat, SubstrateLayersParseAndBadLayersNameTheKey) {
  EXPECT_EQ(parse_substrate_layers("3x3,2x4", "k"), (std::vector<std::pair<uint32_t, uint32_t>>{{3, 3}, {2, 4}}));
  EXPECT_TRUE(parse_substrate_layers("", "k").empty());
  for (const char* bad : {"0x3", "3x0", "3", "ax2", "3x3,"}) {
    try {
      parse_substrate_layers(bad, "strategy.substrate");
      ADD_FAILURE() << bad << " accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("strategy.substrate"), std::string::npos) << e.what();
    }
  }
}

TEST(HyperNeat, PaintedWeightsMatchAHandQueriedCppn) {
  // CPPN with identity outputs: weight = a x1 + b x2 + c z, bias output = d y2 + e (bias node 5).
  const double a = 0.9, b = -0.5, c = 0.3, d = 0.7, e = 0.1;
  std::vector<NeatNode> nodes;
  for (uint32_t k = 0; k < 5; ++k) nodes.push_back(node(k, NeatNodeKind::Input, NeatActivation::Identity));
  nodes.push_back(node(5, NeatNodeKind::Bias, NeatActivation::Identity));
  nodes.push_back(node(6, NeatNodeKind::Output, NeatActivation::Identity));
  nodes.push_back(node(7, NeatNodeKind::Output, NeatActivation::Identity));
  NeatGenome cppn(5, 2, false, nodes,
                  {{0, 0, 6, float(a), true}, {1, 2, 6, float(b), true}, {2, 4, 6, float(c), true}, {3, 3, 7, float(d), true},
                   {4, 5, 7, float(e), true}});
  ASSERT_NO_THROW(cppn.check());
  Substrate sub;
  sub.hidden = {{2, 1}};  // one hidden column of 2 nodes at y = -1, 1
  sub.threshold = 0.2;
  sub.max_weight = 3.0;
  const HyperNeatGenome g(cppn, sub, 3, 2);
  auto express = [&](double o) { return std::abs(o) <= 0.2 ? 0.0 : std::copysign((std::min(std::abs(o), 1.0) - 0.2) / 0.8 * 3.0, o); };
  // Layer coordinates: inputs x = -1, 0, 1 (y 0); hidden (x 0, y -1), (x 0, y 1); outputs x = -1, 1 (y 0).
  const std::vector<std::vector<std::pair<double, double>>> xy = {{{-1, 0}, {0, 0}, {1, 0}}, {{0, -1}, {0, 1}}, {{-1, 0}, {1, 0}}};
  std::vector<double> want;
  for (int l = 0; l < 2; ++l) {
    const double z = l == 0 ? -1.0 : 1.0;
    for (const auto& [x2, y2] : xy[l + 1])
      for (const auto& [x1, y1] : xy[l]) want.push_back(express(a * x1 + b * x2 + c * z));
    for (const auto& [x2, y2] : xy[l + 1]) want.push_back(express(d * y2 + e));
  }
  const std::vector<float> got = g.paint();
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-6) << k;
  // The substrate phenotype: tanh hidden and output layers, outputs clipped to the action box.
  const PolicyPhenotype p = g.policy(Space::box({-1, -1, -1}, {1, 1, 1}), Space::box({-1, -1}, {1, 1}));
  EXPECT_EQ(p.params, got);
  PolicyScratch scratch;
  p.policy->reset(scratch, 0);
  const std::vector<float> x = {0.3f, -0.7f, 0.5f};
  std::vector<float> y(2);
  p.policy->act(p.params, x, y, scratch);
  std::vector<double> h(2), o(2);
  for (int j = 0; j < 2; ++j) {
    double s = want[6 + j];
    for (int k = 0; k < 3; ++k) s += want[j * 3 + k] * x[k];
    h[j] = std::tanh(s);
  }
  for (int j = 0; j < 2; ++j) {
    double s = want[8 + 4 + j];
    for (int k = 0; k < 2; ++k) s += want[8 + j * 2 + k] * h[k];
    EXPECT_NEAR(y[j], std::tanh(s), 1e-5);
  }
  // Bytes round trip through the registry; every truncation is a UsageError.
  const auto bytes = g.to_bytes();
  EXPECT_EQ(decode_genome(g.genome())->to_bytes(), bytes);
  for (size_t n = 0; n < bytes.size(); n += 3)
    EXPECT_THROW(decode_hyperneat(std::span<const uint8_t>(bytes.data(), n)), UsageError) << n;
}

TEST(HyperNeat, StrategyRefusesUnknownActivationsAndRecurrentCppns) {
  EXPECT_THROW(NeatRun("encoding = \"hyperneat\"\ncppn_activations = \"sine,wave\"\n"), UsageError);
  EXPECT_THROW(NeatRun("encoding = \"hyperneat\"\nsubstrate = \"0x2\"\n"), UsageError);
  EXPECT_THROW(NeatRun("encoding = \"hyperneat\"\nrecurrent = true\n"), UsageError);
  NeatRun r("encoding = \"hyperneat\"\npopulation = 10\nsubstrate = \"2x2\"\n");
  const auto c = r.strategy->build(3);
  EXPECT_EQ(c->type(), "hyperneat");
  const PolicyPhenotype p = c->policy(r.obs, r.act);
  EXPECT_EQ(p.params.size(), 4u * (2 + 1) + 1u * (4 + 1));
}


// Novelty of member i against the rest of the population, by brute force (the archive is empty in the first
// generation): the mean of its k smallest Euclidean distances.
std::vector<double> naive_novelty(const std::vector<std::pair<double, double>>& b, size_t k) {
  std::vector<double> out;
  for (size_t i = 0; i < b.size(); ++i) {
    std::vector<double> d;
    for (size_t j = 0; j < b.size(); ++j)
      if (j != i) d.push_back(std::hypot(b[i].first - b[j].first, b[i].second - b[j].second));
    std::sort(d.begin(), d.end());
    double s = 0;
    for (size_t q = 0; q < k; ++q) s += d[q];
    out.push_back(s / static_cast<double>(k));
  }
  return out;
}

TEST(NeatNovelty, NoveltyDrivesSelectionAndTheArchiveWhileTheChampionIsTheBestReward) {
  // 20 genomes in one species (huge threshold): behaviours 0..9 in a tight cluster, 10..19 spread out, so
  // the most novel member and the best reward (member 3, inside the cluster) differ.
  std::vector<std::pair<double, double>> b;
  for (int i = 0; i < 10; ++i) b.emplace_back(0.1 * i, 0.0);
  for (int i = 0; i < 10; ++i) b.emplace_back(5.0 + 2.0 * i * i, 1.0 + i);
  const std::vector<double> nov = naive_novelty(b, 3);
  const size_t most_novel = static_cast<size_t>(std::max_element(nov.begin(), nov.end()) - nov.begin());
  ASSERT_NE(most_novel, 3u);
  for (const std::string fitness : {"novelty", "reward"}) {
    NeatRun r("population = 20\ncompat_threshold = 1e6\nnovelty_k = 3\narchive_threshold = 2.0\nfitness = \"" + fitness + "\"\n");
    std::vector<Result> res(20);
    std::vector<std::vector<uint8_t>> before;
    for (size_t i = 0; i < 20; ++i) {
      res[i].valid = true;
      res[i].fitness = i == 3 ? 100.0 : static_cast<double>(i % 5);
      res[i].behaviour = {b[i].first, b[i].second};
      before.push_back(r.strategy->build(i)->to_bytes());
    }
    r.strategy->tell(res);
    // The species champion (copied unchanged into slot 0) is the most novel member under novelty, the best
    // reward otherwise; the reported champion is the best reward either way.
    EXPECT_EQ(r.strategy->build(0)->to_bytes(), before[fitness == "novelty" ? most_novel : 3]) << fitness;
    EXPECT_EQ(r.strategy->champion().bytes, before[3]) << fitness;
    const std::vector<ArchiveEntry> archive = r.strategy->archive();
    if (fitness == "reward") {
      EXPECT_TRUE(archive.empty());
      continue;
    }
    // The archive holds, in index order, exactly the members whose naive novelty exceeds the threshold 2.
    std::vector<std::vector<double>> want;
    for (size_t i = 0; i < 20; ++i)
      if (nov[i] > 2.0) want.push_back({b[i].first, b[i].second});
    ASSERT_GT(want.size(), 4u);
    ASSERT_EQ(archive.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(archive[i].behaviour, want[i]) << i;
    // More than 4 additions raise the threshold by 20% (Lehman & Stanley's rule); it is checkpointed.
    EXPECT_DOUBLE_EQ(r.strategy->save().at("archive").at("threshold").get<double>(), 2.4);
  }
  // A result without a behaviour descriptor is a usage error naming the need.
  NeatRun r("population = 4\nfitness = \"novelty\"\n");
  std::vector<Result> res(4);
  for (auto& x : res) x.valid = true, x.fitness = 1.0;
  EXPECT_THROW(r.strategy->tell(res), UsageError);
}

TEST(NeatStrategy, BestRepresentativeIsTheSpeciesBestMember) {
  NeatRun r("population = 12\ncompat_threshold = 1e6\nrepresentative = \"best\"\n");
  std::vector<Result> res(12);
  std::vector<std::vector<uint8_t>> before;
  for (size_t i = 0; i < 12; ++i) {
    res[i].valid = true;
    res[i].fitness = i == 7 ? 50.0 : 1.0;
    before.push_back(r.strategy->build(i)->to_bytes());
  }
  r.strategy->tell(res);
  const auto state = r.strategy->save();
  ASSERT_EQ(state.at("species_rep").size(), 1u);
  EXPECT_EQ(Genome::from_json(state.at("species_rep")[0]).bytes, before[7]);
}

TEST(HyperNeat, GridInputPaintsOneSheetPerChannelAtTheCellsCoordinates) {
  // CPPN with identity outputs over 6 inputs (x1, y1, x2, y2, z, channel): weight = a x1 + b y1 + c ch + f x2,
  // bias output = e (bias node 6).
  const double a = 0.6, b = -0.4, c = 0.8, f = 0.25, e = -0.3;
  std::vector<NeatNode> nodes;
  for (uint32_t k = 0; k < 6; ++k) nodes.push_back(node(k, NeatNodeKind::Input, NeatActivation::Identity));
  nodes.push_back(node(6, NeatNodeKind::Bias, NeatActivation::Identity));
  nodes.push_back(node(7, NeatNodeKind::Output, NeatActivation::Identity));
  nodes.push_back(node(8, NeatNodeKind::Output, NeatActivation::Identity));
  NeatGenome cppn(6, 2, false, nodes,
                  {{0, 0, 7, float(a), true}, {1, 1, 7, float(b), true}, {2, 5, 7, float(c), true}, {3, 2, 7, float(f), true},
                   {4, 6, 8, float(e), true}});
  ASSERT_NO_THROW(cppn.check());
  Substrate sub;
  sub.grid_rows = 2, sub.grid_cols = 3, sub.grid_channels = 2;
  const HyperNeatGenome g(cppn, sub, 12, 2);
  auto express = [&](double o) { return std::abs(o) <= 0.2 ? 0.0 : std::copysign((std::min(std::abs(o), 1.0) - 0.2) / 0.8 * 3.0, o); };
  // Input (row r, column col, channel k) is observation element (r * 3 + col) * 2 + k, at x = -1, 0, 1 by
  // column, y = -1, 1 by row, channel coordinate -1, 1; the outputs sit at x2 = -1, 1.
  std::vector<double> want;
  for (double x2 : {-1.0, 1.0})
    for (double y1 : {-1.0, 1.0})
      for (double x1 : {-1.0, 0.0, 1.0})
        for (double ch : {-1.0, 1.0}) want.push_back(express(a * x1 + b * y1 + c * ch + f * x2));
  want.push_back(express(e));
  want.push_back(express(e));
  const std::vector<float> got = g.paint();
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-6) << k;
  // Bytes (format version 2) round trip; truncations and a grid that does not match the inputs are refused.
  const auto bytes = g.to_bytes();
  EXPECT_EQ(decode_genome(g.genome())->to_bytes(), bytes);
  for (size_t n = 0; n < bytes.size(); n += 3)
    EXPECT_THROW(decode_hyperneat(std::span<const uint8_t>(bytes.data(), n)), UsageError) << n;
  auto wrong = bytes;
  wrong[16] = 5;  // grid rows 5: 5 x 3 x 2 != 12 inputs
  EXPECT_THROW(decode_hyperneat(wrong), UsageError);
}

TEST(HyperNeat, GridSubstrateTakesMinAtarsImageAndRefusesVectorObservations) {
  const Space obs = Space::image(10, 10, 4, 0, 1), act = Space::discrete(6);
  Config cfg = Config::from_string("[strategy]\nencoding = \"hyperneat\"\nsubstrate_input = \"grid\"\nsubstrate = \"\"\npopulation = 4\n");
  ConfigSection s = cfg.section("strategy");
  StrategyContext ctx;
  ctx.observation = &obs;
  ctx.action = &act;
  const auto strategy = find_strategy("neat").make(s, ctx);
  const auto c = strategy->build(1);
  const auto& h = static_cast<const HyperNeatGenome&>(*c);
  EXPECT_EQ(h.cppn().inputs(), 6u);
  EXPECT_EQ(c->policy(obs, act).params.size(), 6u * (400 + 1));
  try {
    NeatRun("encoding = \"hyperneat\"\nsubstrate_input = \"grid\"\n");
    ADD_FAILURE() << "a grid substrate on a vector observation was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("strategy.substrate_input"), std::string::npos) << e.what();
  }
  EXPECT_THROW(NeatRun("substrate_input = \"grid\"\n"), UsageError);
}

}  // namespace
}  // namespace neuroevo
