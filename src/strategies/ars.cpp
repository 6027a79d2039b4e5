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
// so ars with obs_norm is V2(-t) and without it V1(-t). The paper's policies are linear (policy.type =
// "linear"). The engine's default filter is OpenAI-ES's (std floored at 0.1, outputs clipped to +-5);
// the authors' filter (modestyachts/ARS code/filter.py) has neither, which is policy.obs_norm_var_floor =
// 0 and obs_norm_clip = 0 with obs_norm_prob = 1 (every training state). On Hopper-v4 that difference
// decides between standing still at ~1,060 and hopping past 3,120 (docs/benchmarks.md, issue 21). Their
// survival-bonus shift (--shift) is task.reward_shift.
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

#include "neuroevo/strategies/schema.hpp"
#include "search_util.hpp"

namespace neuroevo {

namespace {

using namespace search;

struct Params {
  size_t directions = 0, top = 0;
  double step_size = 0.0, noise = 0.0;
  ChampionRule champion = ChampionRule::Mean;
};

using Table = ParamTable<Params>;

const Table& table() {
  static const Table t =
      Table()
          .integer("directions", &Params::directions, 8, 1, std::numeric_limits<int32_t>::max() / 2,
                   "directions per generation (two candidates each)")
          .integer("top", &Params::top, [](const Params& p, const Table::Context&) { return static_cast<int64_t>(p.directions); },
                   "directions", 1, std::numeric_limits<int32_t>::max() / 2, "best directions used by the step (b)")
          .real("step_size", &Params::step_size, 0.02, 0.0, Table::kInf, "step size alpha", Table::Low)
          .real("noise", &Params::noise, 0.03, 0.0, Table::kInf, "perturbation std nu", Table::Low)
          .champion(&Params::champion)
          .check([](ConfigSection& c, const Params& p) {
            if (p.top > p.directions)
              throw UsageError("config key '" + c.full_key("top") + "' must be in [1, " + std::to_string(p.directions) +
                               "] (at most 'directions'), got " + std::to_string(p.top));
          });
  return t;
}

struct State {
  uint64_t generation = 0;
  std::vector<double> theta;
  BestSeen best;
  NEUROEVO_STATE_FIELDS(State, theta, best)
};

class Ars final : public DoubleStrategyBase<Params, State> {
 public:
  Ars(const Params& p, const StrategyContext& ctx, size_t n) : DoubleStrategyBase("ars", table(), p, n), seed_(ctx.seed) {
    state_.theta = initial_point(ctx, n);
    state_.best.x = state_.theta;
  }

  size_t batch_size() const override { return 2 * params_.directions; }

  // Candidate 2k = theta + nu delta_k, candidate 2k+1 = theta - nu delta_k.
  void decode_double(size_t i, std::span<double> x) const override {
    check_decode(i, x.size());
    Stream rng(seed_, state_.generation, i / 2, Purpose::Mutation);
    const double scale = i % 2 == 0 ? params_.noise : -params_.noise;
    for (size_t j = 0; j < num_params_; ++j) x[j] = state_.theta[j] + scale * rng.normal();
  }

  // theta (default; what the paper evaluates), or the best candidate so far (champion = "best").
  Genome champion() const override { return centre_champion(state_.theta); }

 private:
  void update(std::span<const Result>, std::span<const double> f) override {
    // Usable directions ordered by their better return, ties by index.
    std::vector<size_t> dirs;
    for (size_t k = 0; k < params_.directions; ++k)
      if (std::isfinite(f[2 * k]) && std::isfinite(f[2 * k + 1])) dirs.push_back(k);
    std::stable_sort(dirs.begin(), dirs.end(), [&](size_t a, size_t b) {
      return std::max(f[2 * a], f[2 * a + 1]) > std::max(f[2 * b], f[2 * b + 1]);
    });
    dirs.resize(std::min(dirs.size(), params_.top));
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
        std::vector<double> g(num_params_, 0.0);
        for (size_t k : dirs) {
          const double c = f[2 * k] - f[2 * k + 1];
          if (c == 0.0) continue;
          Stream rng(seed_, state_.generation, k, Purpose::Mutation);
          for (size_t j = 0; j < num_params_; ++j) g[j] += c * rng.normal();
        }
        const double scale = params_.step_size / (static_cast<double>(dirs.size()) * std_r);
        for (size_t j = 0; j < num_params_; ++j) state_.theta[j] += scale * g[j];
      }
    }
  }

  void validate(const State& s) const override { require(s.theta, num_params_, "theta"); }

  uint64_t seed_;
};

}  // namespace

StrategyInfo ars_strategy() {
  return space_strategy<Ars>(
      "ars", "ARS V1-t/V2-t (Mania et al. 2018): top-b antithetic directions, step scaled by the returns' std", table);
}

}  // namespace neuroevo
