// ARS, augmented random search (Mania, Guy & Recht, "Simple random search provides a competitive
// approach to reinforcement learning", NeurIPS 2018), versions V1-t and V2-t.
//
// Each generation draws N directions delta_k ~ N(0, I) and evaluates the pair
//   candidate 2k = theta + nu delta_k,  candidate 2k+1 = theta - nu delta_k.
// The directions are ordered by max(r_2k, r_2k+1); with the top b of them and sigma_R the standard
// deviation of their 2b returns,
//   theta <- theta + alpha / (b sigma_R) * sum_{top b} (r_2k - r_2k+1) delta_k.
// top = directions (b = N) is V1/V2 without the "-t" selection. Returns are used raw (no ranks): the
// division by sigma_R is the algorithm's own scaling.
//
// V2's state normalisation (a running mean/std of observations applied before the linear policy) is
// not part of the strategy here: the engine provides it for every strategy as policy.obs_norm = true,
// so ars with obs_norm is V2(-t) and without it V1(-t). The paper's policies are linear (an MLP with
// no hidden layers, policy.hidden = []).
//
// Defaults: N = 8, alpha = 0.02, nu = 0.03, the HalfCheetah example of the authors' code
// (modestyachts/ARS, README.md; code/ars.py computes the same update and divides by np.std of the
// selected returns and by the number of selected directions); b = N by default.
//
// Invalid results: a direction with an invalid (NaN/inf) return is never selected. If no direction is
// usable, or the selected returns have zero spread, theta is left unchanged for that generation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroevo/strategies/builtin.hpp"
#include "search_util.hpp"

namespace neuroevo {

namespace {

using namespace search;

struct ArsSettings {
  size_t directions = 0;
  size_t top = 0;
  double step_size = 0.0;
  double noise = 0.0;
  ChampionKind champion = ChampionKind::Mean;
};

ArsSettings read_settings(ConfigSection& cfg) {
  ArsSettings s;
  s.directions = static_cast<size_t>(cfg.get_int("directions", 8, 1, std::numeric_limits<int32_t>::max() / 2));
  s.top = static_cast<size_t>(cfg.get_int("top", static_cast<int64_t>(s.directions), 1,
                                          static_cast<int64_t>(s.directions)));
  s.step_size = positive(cfg, "step_size", 0.02);
  s.noise = positive(cfg, "noise", 0.03);
  s.champion = read_champion_kind(cfg);
  return s;
}

class Ars final : public Strategy {
 public:
  Ars(const ArsSettings& s, const StrategyContext& ctx, size_t n)
      : s_(s), seed_(ctx.seed), n_(n), theta_(initial_point(ctx, n)) {
    best_.x = theta_;
  }

  Batch ask() override { return Batch{2 * s_.directions, 0, Purpose::Episode}; }

  // Candidate 2k = theta + nu delta_k, candidate 2k+1 = theta - nu delta_k.
  void decode_double(size_t i, std::span<double> x) const override {
    check_decode("ars", i, 2 * s_.directions, x.size(), n_);
    Stream rng(seed_, generation_, i / 2, Purpose::Mutation);
    const double scale = i % 2 == 0 ? s_.noise : -s_.noise;
    for (size_t j = 0; j < n_; ++j) x[j] = theta_[j] + scale * rng.normal();
  }

  void decode(size_t i, std::span<float> params) const override {
    check_decode("ars", i, 2 * s_.directions, params.size(), n_);
    std::vector<double> x(n_);
    decode_double(i, x);
    to_float(x, params);
  }

  bool tell(std::span<const Result> results) override {
    check_tell("ars", results.size(), 2 * s_.directions);
    const std::vector<double> f = ranking_fitness(results);
    best_.update(f, [&](size_t i, std::span<double> out) { decode_double(i, out); });

    // Usable directions ordered by their better return, ties by index.
    std::vector<size_t> dirs;
    for (size_t k = 0; k < s_.directions; ++k)
      if (std::isfinite(f[2 * k]) && std::isfinite(f[2 * k + 1])) dirs.push_back(k);
    std::stable_sort(dirs.begin(), dirs.end(), [&](size_t a, size_t b) {
      return std::max(f[2 * a], f[2 * a + 1]) > std::max(f[2 * b], f[2 * b + 1]);
    });
    dirs.resize(std::min(dirs.size(), s_.top));
    std::sort(dirs.begin(), dirs.end());  // accumulate in candidate order

    if (!dirs.empty()) {
      double mean = 0.0;
      for (size_t k : dirs) mean += f[2 * k] + f[2 * k + 1];
      mean /= static_cast<double>(2 * dirs.size());
      double var = 0.0;
      for (size_t k : dirs)
        var += (f[2 * k] - mean) * (f[2 * k] - mean) + (f[2 * k + 1] - mean) * (f[2 * k + 1] - mean);
      const double std_r = std::sqrt(var / static_cast<double>(2 * dirs.size()));
      if (std_r > 0.0 && std::isfinite(std_r)) {
        std::vector<double> g(n_, 0.0);
        for (size_t k : dirs) {
          const double c = f[2 * k] - f[2 * k + 1];
          if (c == 0.0) continue;
          Stream rng(seed_, generation_, k, Purpose::Mutation);
          for (size_t j = 0; j < n_; ++j) g[j] += c * rng.normal();
        }
        const double scale = s_.step_size / (static_cast<double>(dirs.size()) * std_r);
        for (size_t j = 0; j < n_; ++j) theta_[j] += scale * g[j];
      }
    }
    ++generation_;
    return true;
  }

  uint64_t generation() const override { return generation_; }

  // theta (default; what the paper evaluates), or the best candidate so far (champion = "best").
  Genome champion() const override {
    const std::vector<double>& x = s_.champion == ChampionKind::Best ? best_.x : theta_;
    return Genome::make_dense(std::vector<float>(x.begin(), x.end()));
  }

  nlohmann::json save() const override {
    return {{"strategy", "ars"}, {"num_params", n_}, {"directions", s_.directions}, {"generation", generation_},
            {"theta", theta_},   {"best", best_.to_json()}};
  }

  void load(const nlohmann::json& state) override {
    try {
      check_header(state, "ars", n_);
      if (state.at("directions").get<size_t>() != s_.directions)
        throw UsageError("ars checkpoint was written with " + state.at("directions").dump() +
                         " directions; this run has " + std::to_string(s_.directions));
      auto theta = vector_from_json(state.at("theta"), n_, "ars theta");
      BestSoFar best;
      best.from_json(state.at("best"), n_);
      const auto generation = state.at("generation").get<uint64_t>();
      theta_ = std::move(theta);
      best_ = std::move(best);
      generation_ = generation;
    } catch (const nlohmann::json::exception& e) {
      throw UsageError(std::string("malformed ars checkpoint: ") + e.what());
    }
  }

 private:
  ArsSettings s_;
  uint64_t seed_;
  size_t n_;
  std::vector<double> theta_;
  BestSoFar best_;
  uint64_t generation_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_ars(ConfigSection& cfg, const StrategyContext& ctx) {
  const ArsSettings s = read_settings(cfg);
  const size_t n = search::num_params_of(ctx, "ars");
  return std::make_unique<Ars>(s, ctx, n);
}

}  // namespace neuroevo
