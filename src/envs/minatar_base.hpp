// Shared frame of the MinAtar-style games (internal to src/envs/).
//
// The base owns what the five games share: the 10x10xC binary observation, the action sets, sticky
// actions, the per-episode random stream, the episode cap and the set_state plumbing. A game supplies
// its start state, one frame of its rules (act), its drawing and the decoding of its state vector.
//
// Sticky actions follow MinAtar's Environment.act: before every frame a uniform draw below sticky_prob
// replaces the chosen action by the previous one, and whatever was executed becomes the previous action.
// Unlike MinAtar (whose last action survives across episodes) the previous action is reset to noop at
// every reset, so an episode is a pure function of its seed. The sticky draw and the game's own draws
// (spawns, car speeds) share the episode's stream, as MinAtar's do.
//
// set_state vector: the game's own components (see each game's file), then [last_action, rng_seed]:
// the previous executed action (0..5, full set) and a seed (integer in [0, 2^53]) that restarts the
// episode's random stream.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/minatar.hpp"

namespace neuroevo {

// Full action indices (MinAtar's action_map ['n','l','u','r','d','f']).
enum MinAtarAction : int { kNoop = 0, kLeft = 1, kUp = 2, kRight = 3, kDown = 4, kFire = 5 };

constexpr int kGrid = 10;

// Writes 1s into a zeroed channel-last 10x10xC observation; cells outside the grid are ignored. Value
// (row, col, channel) is at base[((row * 10 + col) * C + channel) * stride]: stride 1 for one
// observation, and for lane k of a batched environment (structure of arrays, batch_env.hpp) base =
// obs + k and stride = the lane count.
class GridWriter {
 public:
  // Zeroes `obs` (one observation) first.
  GridWriter(std::span<float> obs, int channels) : base_(obs.data()), channels_(channels), stride_(1) {
    std::fill(obs.begin(), obs.end(), 0.0f);
  }
  // Writes into an already zeroed strided observation.
  GridWriter(float* base, int channels, size_t stride) : base_(base), channels_(channels), stride_(stride) {}
  void set(int row, int col, int channel) {
    if (row < 0 || row >= kGrid || col < 0 || col >= kGrid) return;
    base_[static_cast<size_t>((row * kGrid + col) * channels_ + channel) * stride_] = 1.0f;
  }

 private:
  float* base_;
  int channels_;
  size_t stride_;
};

// Reads integer components of a set_state vector with range checks (UsageError naming the component).
class StateReader {
 public:
  // `base`: the index of s[0] in the whole set_state vector, so messages count from its start (from 0).
  StateReader(std::string env, std::span<const double> s, size_t base = 0) : env_(std::move(env)), s_(s), base_(base) {}
  int next(const char* what, int lo, int hi) {
    const double v = s_[pos_];
    if (!(v >= lo && v <= hi && v == std::floor(v)))
      throw UsageError(env_ + ": state component " + std::to_string(base_ + pos_) + " (" + what + ") must be an integer from " +
                       std::to_string(lo) + " to " + std::to_string(hi));
    ++pos_;
    return static_cast<int>(v);
  }
  bool flag(const char* what) { return next(what, 0, 1) == 1; }
  size_t position() const { return pos_; }

 private:
  std::string env_;
  std::span<const double> s_;
  size_t base_ = 0;
  size_t pos_ = 0;
};

class MinAtarEnv : public Env {
 public:
  // No MinAtar game has a time limit except Freeway's own 2500 frames; this cap only stops endless
  // episodes of a good player (Breakout refills its bricks). task.max_steps overrides it downwards.
  static constexpr int kEpisodeCap = 10'000;

  const Space& observation_space() const final { return obs_space_; }
  const Space& action_space() const final { return action_space_; }
  int max_episode_steps() const final { return kEpisodeCap; }
  size_t state_dim() const final { return game_state_dim_ + 2; }

  void reset(uint64_t seed, std::span<float> obs) final {
    check_size("observation buffer", obs.size(), obs_space_.dim());
    rng_ = Stream(seed);
    last_action_ = kNoop;
    steps_ = 0;
    terminated_ = false;
    new_game();
    draw_obs(obs);
  }

  void set_state(std::span<const double> state, std::span<float> obs) final {
    check_size("state", state.size(), state_dim());
    check_size("observation buffer", obs.size(), obs_space_.dim());
    StateReader tail(name_, state.subspan(game_state_dim_), game_state_dim_);
    const int last = tail.next("last_action", 0, 5);
    const double seed = state[game_state_dim_ + 1];
    if (!(seed >= 0 && seed <= 9007199254740992.0 && seed == std::floor(seed)))
      throw UsageError(name_ + ": state component " + std::to_string(game_state_dim_ + 1) +
                       " (rng_seed) must be an integer from 0 to 2^53");
    assign(state.first(game_state_dim_));  // validates and throws before anything below changes
    last_action_ = last;
    rng_ = Stream(static_cast<uint64_t>(seed));
    steps_ = 0;
    terminated_ = false;
    draw_obs(obs);
  }

  StepResult step(std::span<const float> action, std::span<float> obs) final {
    check_size("action", action.size(), 1);
    check_size("observation buffer", obs.size(), obs_space_.dim());
    check_step(action[0]);
    const StepResult r = advance(action[0]);
    draw_obs(obs);
    return r;
  }

  // The parts of step() for the batched lanes (minatar_batch.cpp), which check every lane's action
  // before any lane advances and draw into their own layout.
  // Throws UsageError unless a step with action `a` is allowed: the game is live and `a` is an index.
  void check_step(float a) const {
    // The games' rules assume a live game (Breakout's ball below the paddle row would index past the
    // grid), so a step after the end is an error, as Gymnasium's documentation asks of callers.
    if (terminated_) throw UsageError(name_ + ": step after the episode has terminated; call reset first");
    if (!(a >= 0.0f && a < static_cast<float>(action_space_.n) && a == std::floor(a)))
      throw UsageError(name_ + ": action " + std::to_string(a) + " is not a valid action index (expected an integer " +
                       "from 0 to " + std::to_string(action_space_.n - 1) + ")");
  }
  // One frame with action `a` (checked by check_step), without drawing.
  StepResult advance(float a) {
    int full = minimal_.empty() ? static_cast<int>(a) : minimal_[static_cast<size_t>(a)];
    if (sticky_prob_ > 0.0 && rng_.uniform() < sticky_prob_) full = last_action_;
    last_action_ = full;
    StepResult r;
    bool terminal = false;
    r.reward = act(full, terminal);
    r.terminated = terminal;
    terminated_ = terminal;
    r.truncated = !terminal && ++steps_ >= kEpisodeCap;
    return r;
  }
  // Draws the current frame into `grid` (zeroed by its owner).
  void draw_into(GridWriter& grid) const { draw(grid); }
  int channels() const { return channels_; }

 protected:
  MinAtarEnv(std::string name, int channels, std::vector<int> minimal_set, const MinAtarOptions& o,
             size_t game_state_dim)
      : name_(std::move(name)),
        obs_space_(Space::image(kGrid, kGrid, channels, 0.0, 1.0)),
        action_space_(Space::discrete(o.minimal_actions ? static_cast<int>(minimal_set.size()) : 6)),
        minimal_(o.minimal_actions ? std::move(minimal_set) : std::vector<int>{}),
        sticky_prob_(o.sticky_prob),
        ramping_(o.ramping),
        channels_(channels),
        game_state_dim_(game_state_dim) {}

  virtual void new_game() = 0;
  // One frame with the executed (full-set) action; returns the reward and sets `terminal`.
  virtual int act(int action, bool& terminal) = 0;
  virtual void draw(GridWriter& grid) const = 0;
  // Decodes the game's part of a set_state vector; must validate everything before changing any member.
  virtual void assign(std::span<const double> state) = 0;

  Stream& rng() { return rng_; }
  bool ramping() const { return ramping_; }
  const std::string& name() const { return name_; }

 private:
  void draw_obs(std::span<float> obs) const {
    GridWriter grid(obs, channels_);
    draw(grid);
  }
  void check_size(const char* what, size_t got, size_t want) const {
    if (got != want)
      throw UsageError(name_ + ": " + what + " has " + std::to_string(got) + " values, expected " + std::to_string(want));
  }

  std::string name_;
  Space obs_space_;
  Space action_space_;
  std::vector<int> minimal_;  // empty: the full set
  double sticky_prob_;
  bool ramping_;
  int channels_;
  size_t game_state_dim_;
  Stream rng_{0};
  int last_action_ = kNoop;
  int steps_ = 0;
  bool terminated_ = false;  // the last step ended the game: only reset() or set_state() may follow
};

// Factories of the five games (one file each).
std::unique_ptr<MinAtarEnv> make_minatar_asterix(const MinAtarOptions& o);
std::unique_ptr<MinAtarEnv> make_minatar_breakout(const MinAtarOptions& o);
std::unique_ptr<MinAtarEnv> make_minatar_freeway(const MinAtarOptions& o);
std::unique_ptr<MinAtarEnv> make_minatar_seaquest(const MinAtarOptions& o);
std::unique_ptr<MinAtarEnv> make_minatar_space_invaders(const MinAtarOptions& o);
// The game `game` (one of minatar_games()), as make_minatar returns it; throws UsageError otherwise.
std::unique_ptr<MinAtarEnv> make_minatar_game(const std::string& game, const MinAtarOptions& o);

}  // namespace neuroevo
