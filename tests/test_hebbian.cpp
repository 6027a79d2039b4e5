// Tests of the Hebbian ABCD policy (src/nn/hebbian.cpp): the rule on hand-computed networks, the genome
// layout, per-episode weight resets, configuration errors and thread-count determinism of a short run.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_util.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/nn/policy.hpp"
#include "registry_util.hpp"

namespace {

using namespace neuroevo;

std::unique_ptr<const Policy> hebbian(const std::string& keys, const Space& obs, const Space& action) {
  return test_util::policy_from_toml("hebbian", keys, obs, action);
}

Space box(size_t n) { return Space::box(std::vector<double>(n, -1.0), std::vector<double>(n, 1.0)); }

// --------------------------------------------------------------------------------------------------
// The rule on a single synapse, numbers worked out by hand.

TEST(HebbianRule, SingleSynapseByHand) {
  // 1 -> 1, no hidden layer, continuous action in [-1, 1]: action = tanh(w x), and the rule's
  // postsynaptic activation is that same tanh(w x).
  const auto p = hebbian("hidden = []\nweight_norm = \"none\"\n", box(1), box(1));
  ASSERT_EQ(p->num_params(), 5u);
  // eta, A, B, C, D
  const std::vector<float> params = {0.5f, 1.0f, 2.0f, -1.0f, 0.25f};
  PolicyScratch s;
  p->reset(s, 1);
  ASSERT_GE(s.state.size(), 1u);
  s.state[0] = 0.5f;
  float action[1];

  // Step 1: x = 2, y = 1, o = tanh(1); dw = 0.5 (1*2*o + 2*2 - o + 0.25) = 0.5 (o + 4.25).
  const float x1[1] = {2.0f};
  p->act(params, x1, action, s);
  const double o1 = std::tanh(1.0);
  const double w1 = 0.5 + 0.5 * (o1 + 4.25);  // 3.0057970779...
  EXPECT_NEAR(action[0], o1, 1e-6);
  EXPECT_NEAR(s.state[0], w1, 1e-5);
  EXPECT_NEAR(s.state[0], 3.0057970779778825, 1e-5);

  // Step 2: x = -1, y = -w1, o = tanh(-w1); dw = 0.5 (-o - 2 - o + 0.25) = -o - 0.875.
  const float x2[1] = {-1.0f};
  p->act(params, x2, action, s);
  const double o2 = std::tanh(-w1);
  EXPECT_NEAR(action[0], o2, 1e-6);
  EXPECT_NEAR(s.state[0], w1 - o2 - 0.875, 1e-5);
}

// Independent reference of one act() in double precision: forward through the given weights ([in][out]
// per layer), then the ABCD update with coefficients laid out per layer as planes eta, A, B, C, D.
struct Reference {
  std::vector<size_t> sizes;
  bool discrete;
  bool normalise;
  std::vector<std::vector<double>> w;  // per layer, [in][out]

  std::vector<double> step(const std::vector<float>& params, const std::vector<double>& obs) {
    std::vector<std::vector<double>> o{obs};
    const size_t layers = sizes.size() - 1;
    for (size_t l = 0; l < layers; ++l) {
      std::vector<double> y(sizes[l + 1], 0.0);
      for (size_t j = 0; j < sizes[l + 1]; ++j)
        for (size_t i = 0; i < sizes[l]; ++i) y[j] += o[l][i] * w[l][i * sizes[l + 1] + j];
      const bool hidden = l + 1 < layers;
      if (hidden || !discrete)
        for (double& v : y) v = std::tanh(v);
      o.push_back(y);
    }
    size_t offset = 0;
    for (size_t l = 0; l < layers; ++l) {
      const size_t in = sizes[l], out = sizes[l + 1], n = in * out;
      double m = 0.0;
      for (size_t i = 0; i < in; ++i)
        for (size_t j = 0; j < out; ++j) {
          const size_t k = i * out + j;
          const double eta = params[offset + k], a = params[offset + n + k], b = params[offset + 2 * n + k],
                       c = params[offset + 3 * n + k], d = params[offset + 4 * n + k];
          const double oi = o[l][i], oj = o[l + 1][j];
          w[l][k] += eta * (a * oi * oj + b * oi + c * oj + d);
          m = std::max(m, std::abs(w[l][k]));
        }
      if (normalise && m > 0)
        for (double& v : w[l]) v /= m;
      offset += 5 * n;
    }
    return o.back();
  }
};

// A 2-3-2 (or 2-3-1) network with distinct coefficients on every synapse, two steps, against the reference.
void check_small_network(bool discrete, bool normalise) {
  const Space action = discrete ? Space::discrete(2) : box(1);
  const auto p = hebbian(std::string("hidden = [3]\nweight_norm = \"") + (normalise ? "max" : "none") + "\"\n",
                         box(2), action);
  const size_t out = discrete ? 2 : 1;
  Reference ref{{2, 3, out}, discrete, normalise, {}};
  const size_t weights = 2 * 3 + 3 * out;
  ASSERT_EQ(p->num_params(), 5 * weights);
  std::vector<float> params(p->num_params());
  for (size_t k = 0; k < params.size(); ++k) params[k] = static_cast<float>(1.7 * std::sin(1.3 * k + 0.2));

  PolicyScratch s;
  p->reset(s, 99);
  // Hand-set initial weights: layer 1 is [in=2][out=3], layer 2 [3][out].
  const std::vector<float> w0 = {0.2f, -0.4f, 0.3f, 0.1f, 0.05f, -0.25f, 0.5f, -0.6f, 0.35f, 0.15f, -0.45f, 0.7f};
  for (size_t k = 0; k < weights; ++k) s.state[k] = w0[k];
  ref.w = {std::vector<double>(w0.begin(), w0.begin() + 6), std::vector<double>(w0.begin() + 6, w0.begin() + weights)};

  const std::vector<std::vector<float>> inputs = {{0.5f, -1.0f}, {-0.3f, 0.8f}};
  for (size_t t = 0; t < inputs.size(); ++t) {
    float a[1];
    p->act(params, inputs[t], a, s);
    const std::vector<double> y = ref.step(params, {inputs[t][0], inputs[t][1]});
    if (discrete)
      EXPECT_EQ(a[0], y[1] > y[0] ? 1.0f : 0.0f) << "step " << t + 1;
    else
      EXPECT_NEAR(a[0], y[0], 1e-5) << "step " << t + 1;
    size_t k = 0;
    double max_abs = 0.0;
    for (const auto& layer : ref.w)
      for (double v : layer) {
        EXPECT_NEAR(s.state[k], v, 2e-5) << "weight " << k << " after step " << t + 1;
        max_abs = std::max(max_abs, std::abs(v));
        ++k;
      }
    if (!normalise) {
      EXPECT_GT(max_abs, 1.0) << "the test should exercise weights that normalisation would change";
    }
  }
  if (normalise) {
    // Every layer ends with max |w| = 1.
    for (auto [begin, end] : {std::pair<size_t, size_t>{0, 6}, {6, weights}}) {
      float m = 0.0f;
      for (size_t k = begin; k < end; ++k) m = std::max(m, std::abs(s.state[k]));
      EXPECT_NEAR(m, 1.0f, 1e-6);
    }
  }
}

TEST(HebbianRule, TwoLayerContinuousMatchesReference) { check_small_network(false, false); }
TEST(HebbianRule, TwoLayerDiscreteUsesRawOutputAsPostsynapticActivity) { check_small_network(true, false); }
TEST(HebbianRule, LayerMaxNormalisationAfterEachStep) {
  check_small_network(false, true);
  check_small_network(true, true);
}

// --------------------------------------------------------------------------------------------------
// Genome and configuration.

TEST(HebbianPolicy, ParameterCountIsFiveTimesTheWeights) {
  auto cartpole = make_env("CartPole-v1");
  const auto p = hebbian("", cartpole->observation_space(), cartpole->action_space());
  const size_t weights = 4 * 128 + 128 * 64 + 64 * 2;  // defaults: the paper's 128, 64, no biases
  EXPECT_EQ(p->num_params(), 5 * weights);
  EXPECT_NE(p->describe().find("4-128-64-2"), std::string::npos) << p->describe();
  EXPECT_GT(p->flops_per_act(), 2.0 * weights);

  const auto q = hebbian("hidden = [7]\n", box(3), box(2));
  EXPECT_EQ(q->num_params(), 5u * (3 * 7 + 7 * 2));
}

TEST(HebbianPolicy, CoefficientsStartStandardNormal) {
  const auto p = hebbian("hidden = [32, 32]\n", box(4), Space::discrete(2));
  std::vector<float> params(p->num_params());
  p->init_params(5, params);
  double sum = 0.0, sq = 0.0;
  for (float v : params) {
    sum += v;
    sq += double{v} * v;
  }
  const double n = static_cast<double>(params.size()), mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 0.05);
  EXPECT_NEAR(std::sqrt(sq / n - mean * mean), 1.0, 0.05);
}

TEST(HebbianPolicy, BadConfigIsAUsageError) {
  const Space o = box(2), a = Space::discrete(2);
  EXPECT_THROW(hebbian("weight_norm = \"l2\"\n", o, a), UsageError);
  EXPECT_THROW(hebbian("init_weight_range = -0.1\n", o, a), UsageError);
  EXPECT_THROW(hebbian("init_coeff_std = -1\n", o, a), UsageError);
  EXPECT_THROW(hebbian("hidden = [0]\n", o, a), UsageError);
  EXPECT_THROW(hebbian("hiden = [8]\n", o, a), UsageError);  // unknown key, caught by check_unknown
  EXPECT_THROW(hebbian("", Space::discrete(5), a), UsageError);
}

// --------------------------------------------------------------------------------------------------
// Weights reset every episode.

TEST(HebbianPolicy, ResetDrawsFreshUniformWeightsFromTheEpisodeSeed) {
  const auto p = hebbian("hidden = [16, 8]\ninit_weight_range = 0.2\n", box(4), Space::discrete(2));
  const size_t weights = 4 * 16 + 16 * 8 + 8 * 2;
  PolicyScratch a, b;
  p->reset(a, 42);
  p->reset(b, 42);
  ASSERT_GE(a.state.size(), weights);
  EXPECT_EQ(a.state, b.state);
  float lo = 1.0f, hi = -1.0f;
  for (size_t k = 0; k < weights; ++k) {
    lo = std::min(lo, a.state[k]);
    hi = std::max(hi, a.state[k]);
  }
  EXPECT_GE(lo, -0.2f);
  EXPECT_LE(hi, 0.2f);
  EXPECT_LT(lo, -0.18f);  // 208 uniform draws cover the range
  EXPECT_GT(hi, 0.18f);

  p->reset(b, 43);
  EXPECT_NE(std::vector<float>(a.state.begin(), a.state.begin() + weights),
            std::vector<float>(b.state.begin(), b.state.begin() + weights));
}

// One CartPole episode driven by the policy: its actions, and the weights at its end.
struct Episode {
  std::vector<float> actions;
  std::vector<float> final_state;
};

Episode run_episode(const Policy& p, std::span<const float> params, PolicyScratch& s, uint64_t env_seed,
                    uint64_t policy_seed) {
  auto env = make_env("CartPole-v1");
  std::vector<float> obs(4);
  env->reset(env_seed, obs);
  p.reset(s, policy_seed);
  Episode e;
  float action[1];
  for (int t = 0; t < 200; ++t) {
    p.act(params, obs, action, s);
    e.actions.push_back(action[0]);
    const StepResult r = env->step(action, obs);
    if (r.terminated || r.truncated) break;
  }
  e.final_state = s.state;
  return e;
}

TEST(HebbianPolicy, SameEpisodeSeedSameTrajectoryInAReusedScratch) {
  auto cartpole = make_env("CartPole-v1");
  const auto p = hebbian("hidden = [16, 8]\n", cartpole->observation_space(), cartpole->action_space());
  std::vector<float> params(p->num_params());
  p->init_params(3, params);

  PolicyScratch s;
  PolicyScratch fresh;
  p->reset(fresh, 7);
  const std::vector<float> initial = fresh.state;

  const Episode first = run_episode(*p, params, s, 11, 7);
  ASSERT_GT(first.actions.size(), 1u);
  EXPECT_NE(first.final_state, initial) << "the weights must change during the episode";
  // Another episode in the same scratch, then the first one again: the weights were reset, not carried over.
  const Episode other = run_episode(*p, params, s, 12, 8);
  const Episode again = run_episode(*p, params, s, 11, 7);
  EXPECT_EQ(first.actions, again.actions);
  EXPECT_EQ(first.final_state, again.final_state);
  p->reset(s, 7);
  EXPECT_EQ(s.state, initial);
  // Only the policy seed differs: other initial weights give another weight trajectory.
  const Episode reseeded = run_episode(*p, params, s, 11, 8);
  EXPECT_NE(first.final_state, reseeded.final_state);
  (void)other;
}

// --------------------------------------------------------------------------------------------------
// A short OpenAI-ES run is bit-identical with 1 and 2 threads.

TEST(HebbianCli, OpenAiEsRunOneAndTwoThreadsIdentical) {
  using namespace cli_test;
  TempDir tmp;
  const std::string cfg = tmp / "hebbian.toml";
  write_file(cfg,
             "[run]\nseed = 4\ngenerations = 3\ncheckpoint_every = 1\neval_episodes = 4\n\n"
             "[env]\nname = \"CartPole-v1\"\n\n"
             "[policy]\ntype = \"hebbian\"\nhidden = [16, 8]\n\n"
             "[task]\nepisodes = 2\n\n"
             "[strategy]\nname = \"openai_es\"\npopulation = 16\nsigma = 0.1\nlearning_rate = 0.2\n");
  const auto dirs = run_on_one_and_two_threads(tmp, {"run", cfg});
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(metrics_rows(dirs[0]), 3u);
  expect_same_results(dirs[0], dirs[1]);
  EXPECT_NE(read_json(dirs[0] + "/summary.json").at("policy").get<std::string>().find("hebbian"), std::string::npos);
}

TEST(HebbianCli, ExampleConfigIsValid) {
  using namespace cli_test;
  // One tiny generation of the shipped example (small population and network through --set) to catch
  // drift between the example and the policy's keys.
  TempDir tmp;
  const CliResult r = run_cli({"run", source_dir() + "/examples/cartpole_hebbian_es.toml", "--out", tmp / "run",
                               "--threads", "2", "--quiet", "--set", "run.generations=1", "--set",
                               "strategy.population=4", "--set", "policy.hidden=[8]", "--set", "run.eval_episodes=1"});
  ASSERT_EQ(r.code, 0) << r.describe();
}

}  // namespace
