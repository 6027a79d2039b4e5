// Lanes of a MinAtar game for lockstep rollouts (batch_env.hpp): lane k is a scalar game object of its
// own (its own random stream, sticky action and episode counter), advanced by the scalar game's code, so
// each lane has the scalar environment's bits by construction.
//
// Why the games' rules are not written across lanes as SIMD vectors, as the classic-control steps are
// (classic_control_base.hpp): a MinAtar frame is a few dozen integer compares and branches per lane, and
// it is a small share of a rollout step. `neuroevo bench env` (docs/benchmarks.md, issue 23, session 8)
// measured Breakout's scalar step, observation included, at about 1e-7 s against 1.1e-5 s for the
// MinAtar conv policy and 5e-7 s for a linear 400-6 policy. What the lanes buy is the policy's side:
// observations in structure of arrays for Policy::act_lanes, drawn straight into their lane's column
// (no per-lane observation copy), and no virtual Env::step per lane.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "minatar_base.hpp"
#include "neuroevo/envs/batch_env.hpp"

namespace neuroevo {
namespace {

class MinAtarBatchEnv final : public BatchEnv {
 public:
  MinAtarBatchEnv(const std::string& game, const MinAtarOptions& o, size_t lanes) {
    games_.reserve(lanes);
    for (size_t l = 0; l < lanes; ++l) games_.push_back(make_minatar_game(game, o));
    obs_dim_ = games_.front()->observation_space().dim();
    // Every lane starts from a live game, so that a lane that never gets an episode still has a frame to
    // draw (its column is redrawn unchanged at every step).
    std::vector<float> row(obs_dim_);
    for (auto& g : games_) g->reset(0, row);
  }
  size_t lanes() const override { return games_.size(); }
  const Space& observation_space() const override { return games_.front()->observation_space(); }
  const Space& action_space() const override { return games_.front()->action_space(); }
  int max_episode_steps() const override { return games_.front()->max_episode_steps(); }

  void reset(size_t lane, uint64_t seed, std::span<float> obs) override {
    if (lane >= games_.size() || obs.size() != obs_dim_ * games_.size())
      throw std::invalid_argument("batched reset: bad lane or buffer");
    row_.resize(obs_dim_);
    games_[lane]->reset(seed, row_);
    const size_t k = games_.size();
    for (size_t d = 0; d < obs_dim_; ++d) obs[d * k + lane] = row_[d];
  }

  void step(std::span<const float> actions, std::span<const uint8_t> active, std::span<float> obs,
            std::span<double> reward, std::span<uint8_t> flags) override {
    const size_t k = games_.size();
    check_batch(actions.size(), active.size(), obs.size(), reward.size(), flags.size(), k, obs_dim_);
    // Every active lane's action is checked before any lane advances (an invalid one throws the scalar
    // environment's UsageError and leaves every lane as it was).
    for (size_t l = 0; l < k; ++l)
      if (active[l]) games_[l]->check_step(actions[l]);
    for (size_t l = 0; l < k; ++l) {
      reward[l] = 0.0;
      flags[l] = 0;
      if (!active[l]) continue;
      const StepResult r = games_[l]->advance(actions[l]);
      reward[l] = r.reward;
      flags[l] = static_cast<uint8_t>((r.terminated ? kLaneTerminated : 0) | (r.truncated ? kLaneTruncated : 0));
    }
    // The observation of every lane, active or not, drawn into its column of the zeroed buffer.
    std::fill(obs.begin(), obs.end(), 0.0f);
    for (size_t l = 0; l < k; ++l) {
      GridWriter grid(obs.data() + l, games_[l]->channels(), k);
      games_[l]->draw_into(grid);
    }
  }

 private:
  std::vector<std::unique_ptr<MinAtarEnv>> games_;
  size_t obs_dim_ = 0;
  std::vector<float> row_;
};

}  // namespace

std::unique_ptr<BatchEnv> make_minatar_batch(const std::string& game, const MinAtarOptions& o, size_t lanes) {
  if (lanes == 0) throw std::invalid_argument("make_minatar_batch: no lanes");
  return std::make_unique<MinAtarBatchEnv>(game, o, lanes);
}

}  // namespace neuroevo
