// OpenAI-ES (Salimans et al., "Evolution Strategies as a Scalable Alternative to Reinforcement
// Learning", 2017): a Gaussian search distribution N(theta, sigma^2 I) whose centre theta follows
// Adam on an estimate of the gradient of the expected centred-rank fitness, with weight decay.
//
// The update mirrors the authors' code, openai/evolution-strategies-starter, es_distributed/es.py
// (run_master):  g = sum_k (r_k+ - r_k-) eps_k / returns.size;  optimizer.update(-g + l2coeff * theta)
// where r are centred ranks of all returns and returns.size is the number of evaluated candidates P.
// Note that the reference does NOT divide by sigma: under Adam that only rescales g, but it sets how
// strong the l2 term is against g, and the published l2 = 0.005 was tuned for this scale, so we keep it.
#include <limits>
#include <stdexcept>
#include <string>

#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/strategies/schema.hpp"
#include "openai_es_update.hpp"

namespace neuroevo {

namespace openai_es {

std::vector<uint32_t> pair_seeds(uint64_t seed, uint64_t generation, size_t pairs) {
  std::vector<uint32_t> seeds(pairs);
  for (size_t k = 0; k < pairs; ++k) seeds[k] = Stream(seed, generation, k, Purpose::Mutation).next_u32();
  return seeds;
}

void decode_pair(std::span<const float> theta, double sigma, const NoiseTable& noise, std::span<const uint32_t> seeds,
                 size_t i, std::span<float> out) {
  const float scale = (i % 2 == 0) ? static_cast<float>(sigma) : -static_cast<float>(sigma);
  add_scaled(theta, scale, noise.for_seed(seeds[i / 2], theta.size()), out);
}

Centre initial_centre(const ParamSpace& space, uint64_t seed, uint64_t individual) {
  Centre c{std::vector<float>(space.num_params()), AdamMoments(space.num_params())};
  space.init_params(stream_key(seed, 0, individual, Purpose::Init), c.theta);
  return c;
}

void step(std::span<const double> w, std::span<const uint32_t> seeds, const NoiseTable& noise, double l2,
          const Adam& adam, Centre& centre) {
  std::vector<float>& theta = centre.theta;
  const size_t n = theta.size();
  std::vector<double> grad(n, 0.0);
  for (size_t k = 0; k < w.size() / 2; ++k) {
    const double c = w[2 * k] - w[2 * k + 1];
    if (c == 0.0) continue;
    const std::span<const float> eps = noise.for_seed(seeds[k], n);
    for (size_t j = 0; j < n; ++j) grad[j] += c * static_cast<double>(eps[j]);
  }
  const double inv_p = 1.0 / static_cast<double>(w.size());
  // Adam minimises, so it gets the negated ascent direction plus the weight decay term.
  for (size_t j = 0; j < n; ++j) grad[j] = -(grad[j] * inv_p) + l2 * static_cast<double>(theta[j]);
  adam.step(theta, grad, centre.adam);
}

}  // namespace openai_es

namespace {

struct Params {
  size_t population = 0;
  double sigma = 0.0, learning_rate = 0.0, l2 = 0.0, beta1 = 0.0, beta2 = 0.0;
};

using Table = ParamTable<Params>;

const Table& table() {
  static const Table t =
      Table()
          // Default 256: the default popsize of OpenES in hardmaru/estool (es.py), a common single-machine
          // setting; the paper's 10,000-episode batches are for clusters.
          .population(&Params::population, 256, 2, "candidates per generation (antithetic pairs: even)")
          // sigma 0.02, Adam step 0.01, l2 0.005: Salimans et al. 2017 (docs/reference/algorithms.md).
          .real("sigma", &Params::sigma, 0.02, 0.0, std::numeric_limits<double>::infinity(), "perturbation std",
                Table::Low)
          .real("learning_rate", &Params::learning_rate, 0.01, 0.0, std::numeric_limits<double>::infinity(),
                "Adam step size", Table::Low)
          .real("l2", &Params::l2, 0.005, 0.0, std::numeric_limits<double>::infinity(), "weight decay coefficient")
          // Adam defaults of Kingma & Ba 2015.
          .real("beta1", &Params::beta1, 0.9, 0.0, 1.0, "Adam first-moment decay", Table::High)
          .real("beta2", &Params::beta2, 0.999, 0.0, 1.0, "Adam second-moment decay", Table::High)
          .even("population", &Params::population, "antithetic pairs");
  return t;
}

// Perturbation seeds are a function of (run seed, generation), so the generation and the centre (theta
// and Adam's moments) are the whole state.
struct State : openai_es::Centre {
  uint64_t generation = 0;
  NEUROEVO_STATE_FIELDS(State, theta, adam)
};

class OpenAiEs final : public StrategyBase<Params, State> {
 public:
  OpenAiEs(const Params& p, const StrategyContext& ctx, size_t n)
      : StrategyBase("openai_es", table(), p, n),
        seed_(ctx.seed),
        noise_(ctx.noise),
        adam_(p.learning_rate, p.beta1, p.beta2) {
    // Fails now, with the noise table's own message, rather than later inside an evaluator thread.
    (void)noise_->offset(0, n);
    static_cast<openai_es::Centre&>(state_) = openai_es::initial_centre(*ctx.space, ctx.seed, 0);
    derive();
  }

  void decode(size_t i, std::span<float> params) const override {
    check_decode(i, params.size());
    openai_es::decode_pair(state_.theta, params_.sigma, *noise_, seeds_, i, params);
  }

  Genome champion() const override { return Genome::make_dense(state_.theta); }

 private:
  void update(std::span<const Result>, std::span<const double> f) override {
    // Invalid results are -inf in f and so take the lowest ranks.
    openai_es::step(centered_ranks(f), seeds_, *noise_, params_.l2, adam_, state_);
  }
  void validate(const State& s) const override {
    require(s.theta, num_params_, "theta");
    require(s.adam.m, num_params_, "adam m");
    require(s.adam.v, num_params_, "adam v");
  }
  void derive() override { seeds_ = openai_es::pair_seeds(seed_, state_.generation, params_.population / 2); }

  uint64_t seed_;
  const NoiseTable* noise_;
  Adam adam_;
  std::vector<uint32_t> seeds_;  // noise seed of each antithetic pair of the current generation
};

std::unique_ptr<Strategy> make(ConfigSection& cfg, const StrategyContext& ctx) {
  const Params p = table().read(cfg);
  if (ctx.space == nullptr || ctx.noise == nullptr)
    throw std::invalid_argument("openai_es needs a policy and a noise table");
  if (ctx.num_params != 0 && ctx.num_params != ctx.space->num_params())
    throw std::invalid_argument("openai_es: context num_params differs from the policy's");
  return std::make_unique<OpenAiEs>(p, ctx, ctx.space->num_params());
}

}  // namespace

StrategyInfo openai_es_strategy() {
  return {"openai_es", "OpenAI-ES (Salimans et al. 2017): antithetic sampling, centred ranks, Adam, weight decay",
          true, make, [] { return table().docs(); }};
}

}  // namespace neuroevo
