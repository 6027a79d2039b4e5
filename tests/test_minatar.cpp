// Tests of the MinAtar-style games (src/envs/minatar_*.cpp): rules on constructed states (set_state),
// observation channels, action sets, sticky actions and determinism; and end to end through the CLI:
// a Deep GA run on minatar/breakout is bit-identical on 1 and 2 threads, and `eval --env ... --policy
// random` gives the random baseline with the full action set and sticky actions.
//
// Rule tests build states with set_state and turn sticky actions off (make_minatar options), so one
// step applies exactly the chosen action. A state vector is the game's components (documented at the
// top of each game's file) followed by [last_action, rng_seed].
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/core/rng.hpp"
#include "neuroevo/envs/env.hpp"
#include "neuroevo/envs/minatar.hpp"

namespace neuroevo {
namespace {

constexpr MinAtarOptions kNoSticky{.sticky_prob = 0.0, .ramping = true, .minimal_actions = false};

struct Game {
  std::unique_ptr<Env> env;
  std::vector<float> obs;
  int channels;
  explicit Game(const std::string& name, MinAtarOptions o = kNoSticky) : env(make_minatar(name, o)) {
    obs.resize(env->observation_space().dim());
    channels = env->observation_space().shape.at(2);
  }
  float at(int row, int col, int ch) const { return obs[static_cast<size_t>((row * 10 + col) * channels + ch)]; }
  int count(int ch) const {
    int n = 0;
    for (int r = 0; r < 10; ++r)
      for (int c = 0; c < 10; ++c) n += at(r, c, ch) == 1.0f;
    return n;
  }
  void set(std::vector<double> s, int last_action = 0, double rng_seed = 1) {
    s.push_back(last_action);
    s.push_back(rng_seed);
    env->set_state(s, obs);
  }
  StepResult step(int a) {
    const float act[1] = {static_cast<float>(a)};
    return env->step(act, obs);
  }
};

enum { kNoop = 0, kLeft = 1, kUp = 2, kRight = 3, kDown = 4, kFire = 5 };

// ----- Breakout ---------------------------------------------------------------------------------------

// ball_x, ball_y, ball_dir, paddle, strike, last_x, last_y, bricks[100] (rows 1-3 full unless changed).
std::vector<double> breakout_state(int bx, int by, int dir, int paddle, bool full_bricks = true) {
  std::vector<double> s = {double(bx), double(by), double(dir), double(paddle), 0, double(bx), double(by)};
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) s.push_back(full_bricks && r >= 1 && r <= 3 ? 1 : 0);
  return s;
}

TEST(MinAtarBreakout, BrickIsRemovedScoresAndBouncesBack) {
  Game g("breakout");
  g.set(breakout_state(3, 4, /*up-left*/ 0, 4));
  ASSERT_EQ(g.count(3), 30);
  const StepResult r = g.step(kNoop);
  EXPECT_EQ(r.reward, 1.0);
  EXPECT_FALSE(r.terminated);
  EXPECT_EQ(g.count(3), 29);
  EXPECT_EQ(g.at(3, 2, 3), 0.0f) << "the brick at row 3, column 2 is gone";
  EXPECT_EQ(g.at(4, 2, 1), 1.0f) << "the ball bounced back to its row, one column left";
  EXPECT_EQ(g.at(4, 3, 2), 1.0f) << "trail at the ball's previous cell";
  // Now moving down-left: next frame (3, 5)... the ball goes down, no second brick.
  const StepResult r2 = g.step(kNoop);
  EXPECT_EQ(r2.reward, 0.0);
  EXPECT_EQ(g.at(5, 1, 1), 1.0f);
}

TEST(MinAtarBreakout, BallPastThePaddleEndsTheEpisodeAndThePaddleBounces) {
  Game g("breakout");
  g.set(breakout_state(2, 8, /*down-right*/ 2, 7));
  EXPECT_TRUE(g.step(kNoop).terminated);
  // Straight above the paddle: bounces back up the same column.
  g.set(breakout_state(4, 8, 2, 4));
  StepResult r = g.step(kNoop);
  EXPECT_FALSE(r.terminated);
  EXPECT_EQ(g.at(8, 5, 1), 1.0f);
  // Onto the paddle's corner: reverses.
  g.set(breakout_state(4, 8, 2, 5));
  r = g.step(kNoop);
  EXPECT_FALSE(r.terminated);
  EXPECT_EQ(g.at(8, 5, 1), 1.0f);
  g.step(kNoop);
  EXPECT_EQ(g.at(7, 4, 1), 1.0f) << "moving up-left after the corner hit";
}

TEST(MinAtarBreakout, BricksAreRefilledWhenAllAreGone) {
  Game g("breakout");
  g.set(breakout_state(4, 8, 2, 4, /*full_bricks=*/false));
  ASSERT_EQ(g.count(3), 0);
  g.step(kNoop);  // the ball reaches the paddle row: bricks come back
  EXPECT_EQ(g.count(3), 30);
}

TEST(MinAtarBreakout, PaddleMovesAndStopsAtTheWalls) {
  Game g("breakout");
  g.set(breakout_state(0, 3, 2, 0));
  g.step(kLeft);
  EXPECT_EQ(g.at(9, 0, 0), 1.0f);
  g.step(kRight);
  EXPECT_EQ(g.at(9, 1, 0), 1.0f);
  g.step(kUp);  // no effect in Breakout
  EXPECT_EQ(g.at(9, 1, 0), 1.0f);
}

// ----- Freeway ----------------------------------------------------------------------------------------

// chicken row, move_timer, terminate_timer, then 8 x [x, timer, velocity].
std::vector<double> freeway_state(int row, int move_timer, int terminate_timer, std::array<int, 8> xs,
                                  int velocity = 5) {
  std::vector<double> s = {double(row), double(move_timer), double(terminate_timer)};
  for (int x : xs) s.insert(s.end(), {double(x), 5.0, double(velocity)});
  return s;
}

TEST(MinAtarFreeway, ChickenHitByACarIsSentBack) {
  Game g("freeway");
  g.set(freeway_state(3, 2, 2500, {0, 0, 4, 0, 0, 0, 0, 0}));  // car in row 3 at the chicken's column
  ASSERT_EQ(g.at(3, 4, 0), 1.0f);
  const StepResult r = g.step(kNoop);
  EXPECT_EQ(r.reward, 0.0);
  EXPECT_EQ(g.at(9, 4, 0), 1.0f);
  EXPECT_EQ(g.count(0), 1);
}

TEST(MinAtarFreeway, CrossingScoresAndRestarts) {
  Game g("freeway");
  g.set(freeway_state(1, 0, 2500, {0, 0, 0, 0, 0, 0, 0, 0}));
  const StepResult r = g.step(kUp);
  EXPECT_EQ(r.reward, 1.0);
  EXPECT_EQ(g.at(9, 4, 0), 1.0f);
}

TEST(MinAtarFreeway, ChickenMovesOnlyEveryThirdFrame) {
  Game g("freeway");
  g.set(freeway_state(9, 0, 2500, {0, 0, 0, 0, 0, 0, 0, 0}));
  g.step(kUp);
  EXPECT_EQ(g.at(8, 4, 0), 1.0f);
  g.step(kUp);
  g.step(kUp);
  EXPECT_EQ(g.at(8, 4, 0), 1.0f) << "move timer still running";
  g.step(kUp);
  EXPECT_EQ(g.at(7, 4, 0), 1.0f);
}

TEST(MinAtarFreeway, EndsAfter2500FramesAndTrailShowsSpeed) {
  Game g("freeway");
  g.set(freeway_state(9, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}, -3));
  // Car velocity -3 (moving left): the trail is to its right, in channel speed3 (= 1 + 3).
  EXPECT_EQ(g.at(1, 1, 4), 1.0f);
  EXPECT_TRUE(g.step(kNoop).terminated);
  // A fresh game lasts 2501 frames (MinAtar's timer goes below 0 on frame 2501).
  g.env->reset(5, g.obs);
  int frames = 0;
  for (bool done = false; !done; ++frames) done = g.step(kNoop).terminated;
  EXPECT_EQ(frames, 2501);
}

// ----- Seaquest ---------------------------------------------------------------------------------------

// oxygen, divers, sub_x, sub_y, sub_right, e_spawn_speed, e_spawn_timer, d_spawn_timer, move_speed,
// ramp_index, shot_timer, surfaced, then the five empty lists.
std::vector<double> seaquest_state(int oxygen, int divers, int x, int y, bool surfaced) {
  std::vector<double> s = {double(oxygen), double(divers), double(x), double(y), 0, 20, 20, 30, 5, 0, 0,
                           double(surfaced)};
  for (int slots_fields : {10 * 3, 20 * 3, 20 * 4, 20 * 5, 20 * 4}) {
    s.push_back(0);
    s.insert(s.end(), static_cast<size_t>(slots_fields), 0.0);
  }
  // y of entity slots must be valid (>= 1 for fish/subs/divers): fill y = 1 everywhere it matters.
  return s;
}

void fix_entity_rows(std::vector<double>& s) {
  // Lists start at 12: friendly (1 + 30), enemy bullets (1 + 60), fish (1 + 80), subs (1 + 100), divers.
  size_t p = 12 + 31 + 61;
  for (int list = 0; list < 3; ++list) {
    const int fields = list == 1 ? 5 : 4;
    for (int k = 0; k < 20; ++k) s[p + 1 + k * fields + 1] = 1;
    p += 1 + 20 * fields;
  }
}

std::vector<double> seaquest(int oxygen, int divers, int x, int y, bool surfaced) {
  auto s = seaquest_state(oxygen, divers, x, y, surfaced);
  fix_entity_rows(s);
  return s;
}

TEST(MinAtarSeaquest, OxygenRunsOut) {
  Game g("seaquest");
  g.set(seaquest(1, 0, 5, 3, false));
  EXPECT_FALSE(g.step(kNoop).terminated);  // oxygen 1 -> 0 this frame
  EXPECT_EQ(g.count(7), 0) << "empty oxygen gauge";
  EXPECT_TRUE(g.step(kNoop).terminated);
}

TEST(MinAtarSeaquest, OxygenGaugeAndUnderwaterConsumption) {
  Game g("seaquest");
  g.set(seaquest(200, 0, 5, 3, false));
  EXPECT_EQ(g.count(7), 10);
  for (int k = 0; k < 20; ++k) g.step(kNoop);
  EXPECT_EQ(g.count(7), 9) << "180 oxygen -> 9 gauge cells";
}

TEST(MinAtarSeaquest, SurfacingWithoutDiversEndsTheGame) {
  Game g("seaquest");
  g.set(seaquest(150, 0, 5, 1, false));
  EXPECT_TRUE(g.step(kUp).terminated);
}

TEST(MinAtarSeaquest, SurfacingWithSomeDiversCostsOneAndRefills) {
  Game g("seaquest");
  g.set(seaquest(50, 3, 5, 1, false));
  EXPECT_EQ(g.count(8), 3);
  const StepResult r = g.step(kUp);
  EXPECT_FALSE(r.terminated);
  EXPECT_EQ(r.reward, 0.0);
  EXPECT_EQ(g.count(8), 2);
  EXPECT_EQ(g.count(7), 10);
}

TEST(MinAtarSeaquest, SurfacingWithSixDiversGivesTheOxygenBonus) {
  Game g("seaquest");
  g.set(seaquest(101, 6, 5, 1, false));
  const StepResult r = g.step(kUp);
  EXPECT_FALSE(r.terminated);
  EXPECT_EQ(r.reward, 101 * 10 / 200);  // 5: oxygen is read before refilling (no decrement on the surface)
  EXPECT_EQ(g.count(8), 0);
}

TEST(MinAtarSeaquest, ShootingAFishScores) {
  Game g("seaquest");
  auto s = seaquest(200, 0, 5, 4, false);
  s[4] = 1;  // facing right
  // One fish at (x 7, y 4) moving left with move timer 3.
  const size_t fish = 12 + 31 + 61;
  s[fish] = 1;
  s[fish + 1] = 7, s[fish + 2] = 4, s[fish + 3] = 0, s[fish + 4] = 3;
  g.set(s);
  EXPECT_EQ(g.at(4, 7, 5), 1.0f);
  EXPECT_EQ(g.at(4, 8, 3), 1.0f) << "trail behind the left-moving fish";
  EXPECT_EQ(g.at(4, 5, 0), 1.0f);
  EXPECT_EQ(g.at(4, 4, 1), 1.0f) << "sub back is behind a right-facing sub";
  StepResult r = g.step(kFire);  // bullet at 6 after its first move
  EXPECT_EQ(r.reward, 0.0);
  EXPECT_EQ(g.at(4, 6, 2), 1.0f);
  r = g.step(kNoop);  // bullet to 7: hits the fish
  EXPECT_EQ(r.reward, 1.0);
  EXPECT_EQ(g.count(5), 0);
  EXPECT_EQ(g.count(2), 0);
}

TEST(MinAtarSeaquest, TouchingAnEnemyEndsTheGame) {
  Game g("seaquest");
  auto s = seaquest(200, 0, 5, 4, false);
  const size_t subs = 12 + 31 + 61 + 81;
  s[subs] = 1;
  s[subs + 1] = 6, s[subs + 2] = 4, s[subs + 3] = 0, s[subs + 4] = 0, s[subs + 5] = 9;  // moves left now
  g.set(s);
  EXPECT_TRUE(g.step(kNoop).terminated);
}

// ----- Space Invaders ---------------------------------------------------------------------------------

// cannon, dir (0 left), move interval, move timer, shot timer, ramp index, shot cooldown, 3 maps.
std::vector<double> invaders_state(int cannon, std::vector<std::pair<int, int>> aliens,
                                   std::vector<std::pair<int, int>> bullets, int interval = 12) {
  std::vector<double> s = {double(cannon), 0, double(interval), 50, 50, 0, 0};
  std::vector<double> maps(300, 0.0);
  for (auto [r, c] : aliens) maps[static_cast<size_t>(r * 10 + c)] = 1;
  for (auto [r, c] : bullets) maps[static_cast<size_t>(100 + r * 10 + c)] = 1;
  s.insert(s.end(), maps.begin(), maps.end());
  return s;
}

TEST(MinAtarSpaceInvaders, ShootingTheLastAlienStartsANewWave) {
  Game g("space_invaders");
  g.set(invaders_state(5, {{3, 5}}, {{4, 5}}));  // a bullet right below the last alien
  ASSERT_EQ(g.count(1), 1);
  const StepResult r = g.step(kNoop);
  EXPECT_EQ(r.reward, 1.0);
  EXPECT_EQ(g.count(1), 24) << "new wave";
  for (int row = 0; row < 4; ++row)
    for (int col = 2; col < 8; ++col) EXPECT_EQ(g.at(row, col, 1), 1.0f);
  EXPECT_EQ(g.count(2), 24) << "aliens shown moving left";
  EXPECT_EQ(g.count(4), 0) << "the bullet is spent";
}

TEST(MinAtarSpaceInvaders, AliensReverseAndStepDownAtTheEdge) {
  Game g("space_invaders");
  auto s = invaders_state(5, {{0, 0}, {1, 3}}, {});
  s[3] = 0;  // move now
  g.set(s);
  g.step(kNoop);
  EXPECT_EQ(g.at(1, 0, 1), 1.0f);
  EXPECT_EQ(g.at(2, 3, 1), 1.0f);
  EXPECT_EQ(g.count(3), 2) << "now moving right";
}

TEST(MinAtarSpaceInvaders, EnemyBulletOnTheCannonEndsTheGame) {
  Game g("space_invaders");
  auto s = invaders_state(5, {{0, 0}}, {});
  s[207 + 8 * 10 + 5] = 1;  // enemy bullet at row 8 above the cannon
  g.set(s);
  EXPECT_TRUE(g.step(kNoop).terminated);
}

TEST(MinAtarSpaceInvaders, NearestAlienFiresEveryTenFrames) {
  Game g("space_invaders");
  auto s = invaders_state(5, {{0, 2}, {2, 6}, {1, 6}}, {});
  s[4] = 0;  // shot timer due
  g.set(s);
  g.step(kNoop);
  EXPECT_EQ(g.at(2, 6, 5), 1.0f) << "the lowest alien of the nearest column fires";
  EXPECT_EQ(g.count(5), 1);
}

// ----- Asterix ----------------------------------------------------------------------------------------

// player x, y, spawn speed, spawn timer, move speed, move timer, ramp timer, ramp index, 8 lanes.
std::vector<double> asterix_state(int px, int py, int lane, int x, bool right, bool gold, int move_timer) {
  std::vector<double> s = {double(px), double(py), 10, 5, 5, double(move_timer), 100, 0};
  for (int k = 0; k < 8; ++k) {
    if (k == lane) s.insert(s.end(), {1, double(x), double(right), double(gold)});
    else s.insert(s.end(), {0, 0, 0, 0});
  }
  return s;
}

TEST(MinAtarAsterix, GoldIsCollected) {
  Game g("asterix");
  g.set(asterix_state(5, 5, /*lane of row 5*/ 4, 6, false, true, 0));
  EXPECT_EQ(g.at(5, 6, 3), 1.0f);
  EXPECT_EQ(g.at(5, 7, 2), 1.0f) << "trail";
  const StepResult r = g.step(kNoop);
  EXPECT_EQ(r.reward, 1.0);
  EXPECT_FALSE(r.terminated);
  EXPECT_EQ(g.count(3), 0);
}

TEST(MinAtarAsterix, EnemyEndsTheGameAndPlayerStaysInRows1To8) {
  Game g("asterix");
  g.set(asterix_state(5, 5, 4, 4, true, false, 3));
  EXPECT_FALSE(g.step(kNoop).terminated);
  EXPECT_TRUE(g.step(kLeft).terminated) << "walking into the enemy";
  g.set(asterix_state(5, 1, 7, 0, true, false, 3));
  g.step(kUp);
  EXPECT_EQ(g.at(1, 5, 0), 1.0f);
}

TEST(MinAtarAsterix, RampingShortensTheSpawnInterval) {
  // Spawn due now, ramp due at the end of this frame (timer -1), entities frozen (move timer 1000).
  // Without ramping entities spawn on frames 1, 11, 22; with ramping the interval drops to 9 after the
  // first frame, so the third spawn comes on frame 20.
  auto entities_after = [](bool ramping, int frames) {
    Game g("asterix", {.sticky_prob = 0.0, .ramping = ramping, .minimal_actions = false});
    std::vector<double> s = {5, 5, 10, 0, 5, 1000, -1, 0};
    s.resize(8 + 32, 0.0);
    g.set(s);
    for (int t = 0; t < frames; ++t) EXPECT_FALSE(g.step(kNoop).terminated);
    return g.count(1) + g.count(3);
  };
  EXPECT_EQ(entities_after(false, 11), 2);
  EXPECT_EQ(entities_after(true, 11), 2);
  EXPECT_EQ(entities_after(false, 20), 2);
  EXPECT_EQ(entities_after(true, 20), 3);
  EXPECT_EQ(entities_after(false, 22), 3);
}

// ----- all games --------------------------------------------------------------------------------------

TEST(MinAtar, RegistryNamesShapesAndActionSets) {
  const std::vector<std::pair<std::string, std::array<int, 2>>> games = {
      {"asterix", {4, 5}}, {"breakout", {4, 3}}, {"freeway", {7, 3}}, {"seaquest", {10, 6}}, {"space_invaders", {6, 4}}};
  for (const auto& [game, ca] : games) {
    auto full = make_env("minatar/" + game);
    EXPECT_EQ(full->observation_space().shape, (std::vector<int>{10, 10, ca[0]})) << game;
    EXPECT_EQ(full->observation_space().dim(), static_cast<size_t>(100 * ca[0]));
    EXPECT_EQ(full->action_space().n, 6);
    auto minimal = make_env("minatar/" + game + "-minimal");
    EXPECT_EQ(minimal->action_space().n, ca[1]) << game;
  }
  EXPECT_THROW(make_env("minatar/breakot"), UsageError);
}

TEST(MinAtar, StartObservations) {
  Game b("breakout");
  b.env->reset(1, b.obs);
  EXPECT_EQ(b.count(3), 30);
  EXPECT_EQ(b.at(9, 4, 0), 1.0f);
  EXPECT_TRUE(b.at(3, 0, 1) == 1.0f || b.at(3, 9, 1) == 1.0f);
  Game f("freeway");
  f.env->reset(1, f.obs);
  EXPECT_EQ(f.at(9, 4, 0), 1.0f);
  EXPECT_EQ(f.count(1), 8);
  for (int row = 1; row <= 8; ++row) EXPECT_EQ(f.at(row, 0, 1), 1.0f);
  Game s("seaquest");
  s.env->reset(1, s.obs);
  EXPECT_EQ(s.at(0, 5, 0), 1.0f);
  EXPECT_EQ(s.at(0, 6, 1), 1.0f);
  EXPECT_EQ(s.count(7), 10);
  Game i("space_invaders");
  i.env->reset(1, i.obs);
  EXPECT_EQ(i.at(9, 5, 0), 1.0f);
  EXPECT_EQ(i.count(1), 24);
  EXPECT_EQ(i.count(2), 24);
  Game a("asterix");
  a.env->reset(1, a.obs);
  EXPECT_EQ(a.at(5, 5, 0), 1.0f);
  EXPECT_EQ(a.count(0), 1);
  for (float v : a.obs) EXPECT_TRUE(v == 0.0f || v == 1.0f);
}

TEST(MinAtar, BreakoutStartSideIsRandomWithBothSides) {
  int left = 0;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Game b("breakout");
    b.env->reset(seed, b.obs);
    left += b.at(3, 0, 1) == 1.0f;
  }
  EXPECT_GT(left, 70);
  EXPECT_LT(left, 130);
}

TEST(MinAtar, StickyActionsRepeatThePreviousActionWithProbabilityOneTenth) {
  // Paddle at column 0, previous action noop, action right: with probability 0.1 the first frame
  // repeats noop and the paddle stays.
  int stayed = 0;
  const int trials = 4000;
  for (int t = 0; t < trials; ++t) {
    Game g("breakout", {});  // default options: sticky 0.1
    g.set(breakout_state(0, 3, 2, 0), kNoop, t);
    g.step(kRight);
    stayed += g.at(9, 0, 0) == 1.0f;
  }
  EXPECT_GT(stayed, trials * 0.08);
  EXPECT_LT(stayed, trials * 0.12);
  // p = 1: the previous action (left) always wins; p = 0: never.
  Game always("breakout", {.sticky_prob = 1.0, .ramping = true, .minimal_actions = false});
  always.set(breakout_state(0, 3, 2, 5), kLeft, 1);
  for (int k = 0; k < 3; ++k) always.step(kRight);
  EXPECT_EQ(always.at(9, 2, 0), 1.0f);
  Game never("breakout");
  never.set(breakout_state(0, 3, 2, 5), kLeft, 1);
  for (int k = 0; k < 3; ++k) never.step(kRight);
  EXPECT_EQ(never.at(9, 8, 0), 1.0f);
}

TEST(MinAtar, MinimalActionSetMapsToTheGamesActions) {
  Game g("breakout", {.sticky_prob = 0.0, .ramping = true, .minimal_actions = true});
  g.set(breakout_state(0, 3, 2, 5));
  g.step(2);  // minimal action 2 = right
  EXPECT_EQ(g.at(9, 6, 0), 1.0f);
  g.step(1);  // left
  EXPECT_EQ(g.at(9, 5, 0), 1.0f);
  EXPECT_THROW(g.step(3), UsageError);
}

TEST(MinAtar, SameSeedSameTrajectoryInEveryGame) {
  for (const auto& game : minatar_games()) {
    auto run = [&](uint64_t seed) {
      Game g(game, {});
      g.env->reset(seed, g.obs);
      std::vector<float> trace = g.obs;
      Stream actions(99);
      for (int t = 0; t < 300; ++t) {
        const StepResult r = g.step(static_cast<int>(actions.below(6)));
        trace.insert(trace.end(), g.obs.begin(), g.obs.end());
        trace.push_back(static_cast<float>(r.reward));
        if (r.terminated) break;
      }
      return trace;
    };
    EXPECT_EQ(run(7), run(7)) << game;
    bool differs = false;
    for (uint64_t s = 8; s < 12 && !differs; ++s) differs = run(s) != run(7);
    EXPECT_TRUE(differs) << game << ": different seeds should give different games";
  }
}

TEST(MinAtar, BadStatesAndActionsAreUsageErrors) {
  Game g("breakout");
  std::vector<double> s = breakout_state(3, 4, 0, 4);
  s[2] = 4;  // ball_dir out of range
  s.push_back(0);
  s.push_back(1);
  EXPECT_THROW(g.env->set_state(s, g.obs), UsageError);
  s.pop_back();
  EXPECT_THROW(g.env->set_state(s, g.obs), UsageError);
  std::vector<double> paddle_row_brick = breakout_state(3, 4, 0, 4);
  paddle_row_brick[7 + 9 * 10 + 2] = 1;  // bricks exist only in rows 1-3
  paddle_row_brick.push_back(0);
  paddle_row_brick.push_back(1);
  EXPECT_THROW(g.env->set_state(paddle_row_brick, g.obs), UsageError);
  g.env->reset(1, g.obs);
  EXPECT_THROW(g.step(6), UsageError);
  const float half[1] = {0.5f};
  EXPECT_THROW(g.env->step(half, g.obs), UsageError);
}

// A game that has ended refuses further steps until reset (found by UBSan: Breakout's ball, stepped on
// past the paddle row, indexed row 10 of the 10-row grid); reset and set_state start a live game again.
TEST(MinAtarEnv, StepAfterTerminationIsRejectedUntilReset) {
  for (const std::string game : {"asterix", "breakout", "freeway", "seaquest", "space_invaders"}) {
    auto env = make_env("minatar/" + game);
    std::vector<float> obs(env->observation_space().dim());
    env->reset(3, obs);
    Stream rng(4);
    bool terminated = false;
    for (int t = 0; t < env->max_episode_steps() && !terminated; ++t) {
      const float a[1] = {static_cast<float>(rng.below(env->action_space().n))};
      terminated = env->step(a, obs).terminated;
    }
    if (!terminated) continue;  // freeway only ends by its timer (truncation): nothing to check
    const float noop[1] = {0.0f};
    EXPECT_THROW(env->step(noop, obs), UsageError) << game;
    env->reset(5, obs);
    EXPECT_NO_THROW(env->step(noop, obs)) << game;
  }
}

}  // namespace
}  // namespace neuroevo

// ----- through the CLI -------------------------------------------------------------------------------

namespace {

using namespace cli_test;

TEST(MinAtarCli, DeepGaRunIsIdenticalOnOneAndTwoThreads) {
  TempDir tmp;
  const std::string ex = source_dir() + "/examples/minatar_breakout_ga.toml";
  const std::vector<std::string> sets = {"run.generations=3", "run.eval_episodes=5", "strategy.population=16",
                                         "strategy.truncation=4", "strategy.elite_candidates=2",
                                         "strategy.elite_episodes=2", "noise.size=1048576"};
  std::vector<std::string> args = {"run", ex};
  for (const auto& s : sets) args.insert(args.end(), {"--set", s});
  const auto dirs = run_on_one_and_two_threads(tmp, args);
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(metrics_rows(dirs[0]), 3u);
  expect_same_results(dirs[0], dirs[1]);
  const auto sa = read_json(dirs[0] + "/summary.json");
  EXPECT_EQ(sa.at("num_params").get<long long>(), 132566);
  // The champion re-evaluates from its file alone (policy section, seed chain, noise table).
  const CliResult e = run_cli({"eval", dirs[0], "--episodes", "5", "--json", "--threads", "2"});
  ASSERT_EQ(e.code, 0) << e.describe();
  EXPECT_EQ(nlohmann::json::parse(e.out).at("mean_return"), sa.at("champion").at("mean_return"));
}

TEST(MinAtarCli, RandomBaselineEval) {
  const CliResult r = run_cli({"eval", "--env", "minatar/breakout", "--policy", "random", "--episodes", "1000",
                               "--json", "--threads", "2"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto j = nlohmann::json::parse(r.out);
  // Random Breakout scores about half a brick per episode and lasts about a dozen frames.
  EXPECT_GT(j.at("mean_return").get<double>(), 0.2);
  EXPECT_LT(j.at("mean_return").get<double>(), 1.0);
  EXPECT_GT(j.at("mean_steps").get<double>(), 5.0);
  EXPECT_LT(j.at("mean_steps").get<double>(), 30.0);
  const CliResult again = run_cli({"eval", "--env", "minatar/breakout", "--policy", "random", "--episodes", "1000",
                                   "--json", "--threads", "1"});
  ASSERT_EQ(again.code, 0) << again.describe();
  EXPECT_EQ(nlohmann::json::parse(again.out).at("mean_return"), j.at("mean_return"));
}

TEST(MinAtarCli, RolloutFromAState) {
  TempDir tmp;
  const std::string actions = tmp / "actions.txt";
  write_file(actions, "0\n");
  // Breakout: ball at (x 3, y 4) moving up-left into the bricks, paddle at 4, rows 1-3 of bricks.
  std::string state = "3,4,0,4,0,3,4";
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) state += (r >= 1 && r <= 3) ? ",1" : ",0";
  state += ",0,1";
  const CliResult r = run_cli({"env", "rollout", "minatar/breakout", "--state", state, "--actions", actions});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto j = nlohmann::json::parse(lines_of(r.out).at(0));
  EXPECT_EQ(j.at("reward").get<double>(), 1.0);
  EXPECT_EQ(j.at("obs").size(), 400u);
}

}  // namespace
