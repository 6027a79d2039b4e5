// MinAtar-style games (Young & Tian, "MinAtar: An Atari-inspired testbed", 2019), following the rules
// of docs/reference/minatar.md: a 10x10 grid of C binary channels, six actions [noop, left, up, right,
// down, fire], sticky actions and difficulty ramping.
//
// Observation: 10 x 10 x C floats, each 0 or 1, channel-last: index (row * 10 + col) * C + channel, row 0
// at the top. observation_space().shape is {10, 10, C}. Channel order per game is listed in each game's
// file and in docs/design.md.
//
// Registered names: `minatar/<game>` (all 6 actions) and `minatar/<game>-minimal` (the game's minimal
// action set, action k = the k-th action of that set), for game in asterix, breakout, freeway, seaquest,
// space_invaders. Both have sticky actions (p = 0.1) and ramping on.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "neuroevo/envs/env.hpp"

namespace neuroevo {

struct MinAtarOptions {
  double sticky_prob = 0.1;      // MinAtar's default sticky_action_prob
  bool ramping = true;           // MinAtar's default difficulty_ramping
  bool minimal_actions = false;  // the game's minimal action set instead of all six
};

// The five game names, in listing order.
const std::vector<std::string>& minatar_games();
// Throws UsageError for an unknown game.
std::unique_ptr<Env> make_minatar(const std::string& game, const MinAtarOptions& options = {});

class BatchEnv;
// `lanes` (>= 1) lanes of the game for lockstep rollouts (batch_env.hpp), lane k giving the bits of
// make_minatar(game, options) fed the same seed and actions.
std::unique_ptr<BatchEnv> make_minatar_batch(const std::string& game, const MinAtarOptions& options, size_t lanes);

}  // namespace neuroevo
