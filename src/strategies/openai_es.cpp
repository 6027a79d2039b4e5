// OpenAI-ES (Salimans et al., "Evolution Strategies as a Scalable Alternative to Reinforcement
// Learning", 2017): a Gaussian search distribution N(theta, sigma^2 I) whose centre theta follows
// Adam on an estimate of the gradient of the expected centred-rank fitness, with weight decay.
//
// The update mirrors the authors' code, openai/evolution-strategies-starter, es_distributed/es.py
// (run_master):  g = sum_k (r_k+ - r_k-) eps_k / returns.size;  optimizer.update(-g + l2coeff * theta)
// where r are centred ranks of all returns and returns.size is the number of evaluated candidates P.
// Note that the reference does NOT divide by sigma: under Adam that only rescales g, but it sets how
// strong the l2 term is against g, and the published l2 = 0.005 was tuned for this scale, so we keep it.
#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

#include "neuroevo/core/adam.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/strategies/builtin.hpp"

namespace neuroevo {

namespace {

struct OpenAiEsSettings {
  size_t population = 0;
  double sigma = 0.0;
  double learning_rate = 0.0;
  double l2 = 0.0;
  double beta1 = 0.0;
  double beta2 = 0.0;
};

std::string show(double x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

double positive(ConfigSection& cfg, const std::string& key, double def) {
  const double x = cfg.get_double(key, def, 0.0);
  if (!(x > 0.0)) throw UsageError("config key '" + cfg.full_key(key) + "' must be > 0, got " + show(x));
  return x;
}

double below_one(ConfigSection& cfg, const std::string& key, double def) {
  const double x = cfg.get_double(key, def, 0.0, 1.0);
  if (!(x < 1.0)) throw UsageError("config key '" + cfg.full_key(key) + "' must be in [0, 1), got " + show(x));
  return x;
}

OpenAiEsSettings read_settings(ConfigSection& cfg) {
  OpenAiEsSettings s;
  // Default 256: the default popsize of OpenES in hardmaru/estool (es.py), a common single-machine
  // setting; the paper's 10,000-episode batches are for clusters.
  const int64_t p = cfg.get_int("population", 256, 2, std::numeric_limits<int32_t>::max());
  if (p % 2 != 0)
    throw UsageError("config key '" + cfg.full_key("population") + "' must be even (antithetic pairs), got " +
                     std::to_string(p));
  s.population = static_cast<size_t>(p);
  // sigma 0.02, Adam step 0.01, l2 0.005: Salimans et al. 2017 (docs/reference/algorithms.md).
  s.sigma = positive(cfg, "sigma", 0.02);
  s.learning_rate = positive(cfg, "learning_rate", 0.01);
  s.l2 = cfg.get_double("l2", 0.005, 0.0);
  // Adam defaults of Kingma & Ba 2015.
  s.beta1 = below_one(cfg, "beta1", 0.9);
  s.beta2 = below_one(cfg, "beta2", 0.999);
  return s;
}

class OpenAiEs final : public Strategy {
 public:
  OpenAiEs(const OpenAiEsSettings& s, const StrategyContext& ctx)
      : s_(s),
        seed_(ctx.seed),
        noise_(ctx.noise),
        n_(ctx.num_params),
        theta_(n_),
        adam_(n_, s.learning_rate, s.beta1, s.beta2) {
    // Fails now, with the noise table's own message, rather than later inside an evaluator thread.
    (void)noise_->offset(0, n_);
    ctx.space->init_params(stream_key(ctx.seed, 0, 0, Purpose::Init), theta_);
    refresh_seeds();
  }

  // episodes = 0: each candidate runs the task's configured number of episodes.
  Batch ask() override { return Batch{s_.population, 0, Purpose::Episode}; }

  // Candidate 2k = theta + sigma eps_k, candidate 2k+1 = theta - sigma eps_k (antithetic pair k).
  void decode(size_t i, std::span<float> params) const override {
    if (i >= s_.population || params.size() != n_)
      throw std::invalid_argument("openai_es: decode(" + std::to_string(i) + ") out of range or wrong size");
    const float scale = (i % 2 == 0) ? static_cast<float>(s_.sigma) : -static_cast<float>(s_.sigma);
    add_scaled(theta_, scale, noise_->for_seed(seeds_[i / 2], n_), params);
  }

  bool tell(std::span<const Result> results) override {
    if (results.size() != s_.population)
      throw std::invalid_argument("openai_es: tell() got " + std::to_string(results.size()) + " results, expected " +
                                  std::to_string(s_.population));
    // Invalid results become -inf and so take the lowest ranks.
    const std::vector<double> w = centered_ranks(ranking_fitness(results));
    // Accumulated in double, pair by pair in candidate order: the sum, and so the run, is independent
    // of how the evaluations were scheduled.
    std::vector<double> grad(n_, 0.0);
    for (size_t k = 0; k < s_.population / 2; ++k) {
      const double c = w[2 * k] - w[2 * k + 1];
      if (c == 0.0) continue;
      const std::span<const float> eps = noise_->for_seed(seeds_[k], n_);
      for (size_t j = 0; j < n_; ++j) grad[j] += c * static_cast<double>(eps[j]);
    }
    const double inv_p = 1.0 / static_cast<double>(s_.population);
    // Adam minimises, so it gets the negated ascent direction plus the weight decay term.
    for (size_t j = 0; j < n_; ++j) grad[j] = -(grad[j] * inv_p) + s_.l2 * static_cast<double>(theta_[j]);
    adam_.step(theta_, grad);
    ++generation_;
    refresh_seeds();
    return true;
  }

  uint64_t generation() const override { return generation_; }
  Genome champion() const override { return Genome::make_dense(theta_); }

  // Perturbation seeds are a function of (run seed, generation), so generation, theta and Adam are the
  // whole state. population and num_params are stored only to reject a checkpoint of another config.
  nlohmann::json save() const override {
    return {{"strategy", "openai_es"}, {"generation", generation_}, {"population", s_.population},
            {"num_params", n_},        {"theta", theta_},           {"adam", adam_.save()}};
  }

  void load(const nlohmann::json& state) override {
    try {
      if (state.at("strategy").get<std::string>() != "openai_es")
        throw UsageError("checkpoint is not an openai_es state");
      if (state.at("population").get<size_t>() != s_.population || state.at("num_params").get<size_t>() != n_)
        throw UsageError("openai_es checkpoint was written with population " + state.at("population").dump() +
                         " and " + state.at("num_params").dump() + " parameters; this run has " +
                         std::to_string(s_.population) + " and " + std::to_string(n_));
      auto theta = state.at("theta").get<std::vector<float>>();
      if (theta.size() != n_) throw UsageError("openai_es checkpoint: theta has the wrong size");
      const auto generation = state.at("generation").get<uint64_t>();
      adam_.load(state.at("adam"));  // validates before it changes anything; last step that can throw
      generation_ = generation;
      theta_ = std::move(theta);
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed openai_es checkpoint: ") + e.what());
    }
    refresh_seeds();
  }

 private:
  void refresh_seeds() {
    seeds_.resize(s_.population / 2);
    for (size_t k = 0; k < seeds_.size(); ++k) seeds_[k] = Stream(seed_, generation_, k, Purpose::Mutation).next_u32();
  }

  OpenAiEsSettings s_;
  uint64_t seed_;
  const NoiseTable* noise_;
  size_t n_;
  std::vector<float> theta_;
  Adam adam_;
  uint64_t generation_ = 0;
  std::vector<uint32_t> seeds_;  // noise seed of each antithetic pair of the current generation
};

}  // namespace

std::unique_ptr<Strategy> make_openai_es(ConfigSection& cfg, const StrategyContext& ctx) {
  const OpenAiEsSettings s = read_settings(cfg);
  if (ctx.space == nullptr || ctx.noise == nullptr)
    throw std::invalid_argument("openai_es needs a policy and a noise table");
  if (ctx.num_params != 0 && ctx.num_params != ctx.space->num_params())
    throw std::invalid_argument("openai_es: context num_params differs from the policy's");
  StrategyContext c = ctx;
  c.num_params = ctx.space->num_params();
  return std::make_unique<OpenAiEs>(s, c);
}

}  // namespace neuroevo
