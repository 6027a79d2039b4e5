// NS-ES and NSR-ES (Conti et al., "Improving Exploration in Evolution Strategies for Deep Reinforcement
// Learning via a Population of Novelty-Seeking Agents", NeurIPS 2018).
//
// A meta-population of M ES centres theta^m, each with its own Adam state, shares one novelty archive of
// behaviour descriptors. Each generation:
//   1. pick one centre m with probability proportional to its novelty (k-NN distance of its behaviour to
//      the archive); uniformly if every novelty is 0;
//   2. evaluate P antithetic perturbations theta^m +- sigma eps (as OpenAI-ES);
//   3. score each by its novelty against the archive (NS-ES), or by the mean of the centred ranks of
//      novelty and reward (NSR-ES), and update theta^m with the OpenAI-ES gradient estimate and Adam;
//   4. evaluate the updated centre (a batch of one) and add its behaviour to the archive.
// Before the first generation the M initial centres are evaluated and their behaviours archived.
// Centre evaluations are Purpose::Elite batches, so the metrics' population rows are the perturbations.
// The champion is the candidate (perturbation or centre) with the best reward seen in the run.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "neuroevo/core/adam.hpp"
#include "neuroevo/core/config.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/noise.hpp"
#include "neuroevo/core/param_space.hpp"
#include "neuroevo/core/shaping.hpp"
#include "neuroevo/strategies/builtin.hpp"
#include "neuroevo/strategies/novelty.hpp"

namespace neuroevo {

namespace {

struct NsEsSettings {
  bool with_reward = false;  // NSR-ES
  size_t population = 0;
  size_t centres = 0;
  double sigma = 0.0, learning_rate = 0.0, l2 = 0.0;
  NoveltySettings novelty;
};

NsEsSettings read_settings(ConfigSection& cfg, bool with_reward) {
  NsEsSettings s;
  s.with_reward = with_reward;
  const int64_t p = cfg.get_int("population", 256, 2, std::numeric_limits<int32_t>::max());
  if (p % 2 != 0)
    throw UsageError("config key '" + cfg.full_key("population") + "' must be even (antithetic pairs), got " +
                     std::to_string(p));
  s.population = static_cast<size_t>(p);
  // M = 5 centres (Conti et al. 2018, the meta-population size of their experiments).
  s.centres = static_cast<size_t>(cfg.get_int("centres", 5, 1, 1 << 16));
  // sigma, step and l2 of OpenAI-ES (Salimans et al. 2017), which Conti et al. build on.
  s.sigma = cfg.get_double("sigma", 0.02, 0.0, 1e6);
  s.learning_rate = cfg.get_double("learning_rate", 0.01, 0.0, 1e6);
  s.l2 = cfg.get_double("l2", 0.005, 0.0, 1e6);
  if (!(s.sigma > 0.0) || !(s.learning_rate > 0.0))
    throw UsageError("config keys '" + cfg.full_key("sigma") + "' and '" + cfg.full_key("learning_rate") +
                     "' must be > 0");
  s.novelty = read_novelty_settings(cfg);
  return s;
}

enum Phase { kInit = 0, kPopulation = 1, kCentre = 2 };

class NsEs final : public Strategy {
 public:
  NsEs(NsEsSettings s, const StrategyContext& ctx)
      : s_(std::move(s)), name_(s_.with_reward ? "nsr_es" : "ns_es"), seed_(ctx.seed), noise_(ctx.noise),
        n_(ctx.num_params), archive_(s_.novelty, ctx.seed) {
    (void)noise_->offset(0, n_);  // fails now, with the noise table's own message
    for (size_t m = 0; m < s_.centres; ++m) {
      theta_.emplace_back(n_);
      ctx.space->init_params(stream_key(ctx.seed, 0, m, Purpose::Init), theta_.back());
      adam_.emplace_back(n_, s_.learning_rate);
    }
    centre_behaviour_.resize(s_.centres);
    refresh_seeds();
  }

  Batch ask() override { return batch(); }

  void decode(size_t i, std::span<float> params) const override {
    if (i >= batch().size || params.size() != n_)
      throw std::invalid_argument(name_ + ": decode(" + std::to_string(i) + ") out of range or wrong size");
    if (phase_ == kInit) {
      std::copy(theta_[i].begin(), theta_[i].end(), params.begin());
    } else if (phase_ == kPopulation) {
      const float scale = (i % 2 == 0) ? static_cast<float>(s_.sigma) : -static_cast<float>(s_.sigma);
      add_scaled(theta_[current_], scale, noise_->for_seed(seeds_[i / 2], n_), params);
    } else {
      std::copy(theta_[current_].begin(), theta_[current_].end(), params.begin());
    }
  }

  bool tell(std::span<const Result> results) override {
    if (results.size() != batch().size) throw std::invalid_argument(name_ + ": tell got a batch of the wrong size");
    const PointSet b = behaviours_of(results, name_);
    const std::vector<double> reward = ranking_fitness(results);
    if (phase_ == kInit) {
      for (size_t m = 0; m < s_.centres; ++m) {
        centre_behaviour_[m].assign(b[m].begin(), b[m].end());
        archive_.add(b[m]);
        offer_best(reward[m], theta_[m]);
      }
      choose_centre();
      phase_ = kPopulation;
      return false;
    }
    if (phase_ == kPopulation) {
      update_centre(b, reward);
      phase_ = kCentre;
      return false;
    }
    centre_behaviour_[current_].assign(b[0].begin(), b[0].end());
    archive_.add(b[0]);
    offer_best(reward[0], theta_[current_]);
    ++generation_;
    refresh_seeds();
    choose_centre();
    phase_ = kPopulation;
    return true;
  }

  uint64_t generation() const override { return generation_; }

  Genome champion() const override { return Genome::make_dense(best_params_.empty() ? theta_[0] : best_params_); }

  std::vector<ArchiveEntry> archive() const override {
    std::vector<ArchiveEntry> out;
    const PointSet& pts = archive_.points();
    for (size_t i = 0; i < pts.size(); ++i)
      out.push_back({{pts[i].begin(), pts[i].end()}, std::numeric_limits<double>::quiet_NaN()});
    return out;
  }

  nlohmann::json save() const override {
    nlohmann::json centres = nlohmann::json::array();
    for (size_t m = 0; m < s_.centres; ++m)
      centres.push_back({{"theta", theta_[m]}, {"adam", adam_[m].save()}, {"behaviour", centre_behaviour_[m]}});
    return {{"strategy", name_},
            {"generation", generation_},
            {"phase", phase_},
            {"current", current_},
            {"population", s_.population},
            {"num_params", n_},
            {"centres", std::move(centres)},
            {"archive", archive_.save()},
            {"best_reward", std::isfinite(best_reward_) ? nlohmann::json(best_reward_) : nlohmann::json(nullptr)},
            {"best_params", best_params_}};
  }

  void load(const nlohmann::json& state) override {
    try {
      if (state.at("strategy").get<std::string>() != name_) throw UsageError("checkpoint is not an " + name_ + " state");
      if (state.at("population").get<size_t>() != s_.population || state.at("num_params").get<size_t>() != n_ ||
          state.at("centres").size() != s_.centres)
        throw UsageError(name_ + " checkpoint was written with another population, centres or network size");
      const auto phase = state.at("phase").get<int>();
      const auto current = state.at("current").get<size_t>();
      if (phase < kInit || phase > kCentre || current >= s_.centres)
        throw UsageError(name_ + " checkpoint: bad phase or current centre");
      std::vector<std::vector<float>> theta;
      std::vector<Adam> adam;
      std::vector<std::vector<double>> behaviour;
      for (const auto& c : state.at("centres")) {
        theta.push_back(c.at("theta").get<std::vector<float>>());
        if (theta.back().size() != n_) throw UsageError(name_ + " checkpoint: a centre has the wrong size");
        adam.emplace_back(n_, s_.learning_rate);
        adam.back().load(c.at("adam"));
        behaviour.push_back(c.at("behaviour").get<std::vector<double>>());
      }
      NoveltyArchive archive(s_.novelty, seed_);
      archive.load(state.at("archive"));
      auto best_params = state.at("best_params").get<std::vector<float>>();
      if (!best_params.empty() && best_params.size() != n_) throw UsageError(name_ + " checkpoint: bad best_params");
      const auto& br = state.at("best_reward");
      generation_ = state.at("generation").get<uint64_t>();
      phase_ = phase;
      current_ = current;
      theta_ = std::move(theta);
      adam_ = std::move(adam);
      centre_behaviour_ = std::move(behaviour);
      archive_ = std::move(archive);
      best_params_ = std::move(best_params);
      best_reward_ = br.is_null() ? -std::numeric_limits<double>::infinity() : br.get<double>();
    } catch (const nlohmann::json::exception& e) {
      throw UsageError("malformed " + name_ + " checkpoint: " + e.what());
    }
    refresh_seeds();
  }

 private:
  Batch batch() const {
    if (phase_ == kInit) return {s_.centres, 0, Purpose::Elite};
    if (phase_ == kPopulation) return {s_.population, 0, Purpose::Episode};
    return {1, 0, Purpose::Elite};
  }

  void refresh_seeds() {
    seeds_.resize(s_.population / 2);
    for (size_t k = 0; k < seeds_.size(); ++k) seeds_[k] = Stream(seed_, generation_, k, Purpose::Mutation).next_u32();
  }

  // Step 1: a centre drawn with probability proportional to its novelty against the archive.
  void choose_centre() {
    PointSet centres;
    for (const auto& b : centre_behaviour_) centres.push_back(b);
    std::vector<double> nov = archive_.archive_novelty(centres);
    double total = 0.0;
    for (double& v : nov) {
      if (!std::isfinite(v) || v < 0.0) v = 0.0;
      total += v;
    }
    Stream rng(seed_, generation_, 0, Purpose::Selection);
    if (!(total > 0.0)) {
      current_ = static_cast<size_t>(rng.below(s_.centres));
      return;
    }
    const double u = rng.uniform() * total;
    double acc = 0.0;
    current_ = s_.centres - 1;
    for (size_t m = 0; m < s_.centres; ++m) {
      acc += nov[m];
      if (u < acc) {
        current_ = m;
        break;
      }
    }
  }

  // Steps 2-3: score the perturbations and move the chosen centre.
  void update_centre(const PointSet& b, const std::vector<double>& reward) {
    std::vector<double> novelty = archive_.archive_novelty(b);
    for (size_t i = 0; i < novelty.size(); ++i)
      if (!std::isfinite(reward[i]) || std::isnan(novelty[i])) novelty[i] = -std::numeric_limits<double>::infinity();
    std::vector<double> w = centered_ranks(novelty);
    if (s_.with_reward) {
      const std::vector<double> wr = centered_ranks(reward);
      for (size_t i = 0; i < w.size(); ++i) w[i] = 0.5 * (w[i] + wr[i]);
    }
    // The best-reward perturbation, for the champion, before the centre moves.
    const size_t top = argsort_descending(reward).front();
    if (reward[top] > best_reward_) {
      std::vector<float> p(n_);
      decode(top, p);
      offer_best(reward[top], p);
    }
    std::vector<double> grad(n_, 0.0);
    for (size_t k = 0; k < s_.population / 2; ++k) {  // pair order: independent of scheduling
      const double c = w[2 * k] - w[2 * k + 1];
      if (c == 0.0) continue;
      const std::span<const float> eps = noise_->for_seed(seeds_[k], n_);
      for (size_t j = 0; j < n_; ++j) grad[j] += c * static_cast<double>(eps[j]);
    }
    const double inv_p = 1.0 / static_cast<double>(s_.population);
    std::vector<float>& theta = theta_[current_];
    for (size_t j = 0; j < n_; ++j) grad[j] = -(grad[j] * inv_p) + s_.l2 * static_cast<double>(theta[j]);
    adam_[current_].step(theta, grad);
  }

  void offer_best(double reward, std::span<const float> params) {
    if (std::isfinite(reward) && reward > best_reward_) {
      best_reward_ = reward;
      best_params_.assign(params.begin(), params.end());
    }
  }

  NsEsSettings s_;
  std::string name_;
  uint64_t seed_;
  const NoiseTable* noise_;
  size_t n_;
  NoveltyArchive archive_;
  std::vector<std::vector<float>> theta_;
  std::vector<Adam> adam_;
  std::vector<std::vector<double>> centre_behaviour_;
  uint64_t generation_ = 0;
  int phase_ = kInit;
  size_t current_ = 0;
  std::vector<uint32_t> seeds_;
  double best_reward_ = -std::numeric_limits<double>::infinity();
  std::vector<float> best_params_;
};

std::unique_ptr<Strategy> make(ConfigSection& cfg, const StrategyContext& ctx, bool with_reward) {
  NsEsSettings s = read_settings(cfg, with_reward);
  if (ctx.space == nullptr || ctx.noise == nullptr)
    throw std::invalid_argument("ns_es / nsr_es need a parameter space and a noise table");
  StrategyContext c = ctx;
  c.num_params = ctx.space->num_params();
  return std::make_unique<NsEs>(std::move(s), c);
}

}  // namespace

std::unique_ptr<Strategy> make_ns_es(ConfigSection& cfg, const StrategyContext& ctx) { return make(cfg, ctx, false); }
std::unique_ptr<Strategy> make_nsr_es(ConfigSection& cfg, const StrategyContext& ctx) { return make(cfg, ctx, true); }

}  // namespace neuroevo
