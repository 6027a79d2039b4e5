// Tests of the hard maze (docs/reference/hard_maze.md): sensors and collisions on constructed states with
// values worked out by hand from the map, the reward and behaviour descriptor, the image variant's frames,
// and GA-NS end to end from the CLI with its artefacts.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "cli_util.hpp"
#include "neuroevo/core/error.hpp"
#include "neuroevo/envs/hard_maze.hpp"
#include "neuroevo/runtime/behaviour_log.hpp"

namespace neuroevo {
namespace {

using maze::kFrameSize;

std::vector<float> set_state(Env& env, std::vector<double> s) {
  std::vector<float> obs(env.observation_space().dim());
  env.set_state(s, obs);
  return obs;
}

std::vector<float> step(Env& env, float o1, float o2, StepResult* r = nullptr) {
  std::vector<float> obs(env.observation_space().dim());
  const std::vector<float> a{o1, o2};
  const StepResult res = env.step(a, obs);
  if (r) *r = res;
  return obs;
}

TEST(HardMaze, SpacesAndRegistry) {
  auto env = make_env("hard_maze");
  EXPECT_EQ(env->observation_space().dim(), 11u);
  EXPECT_EQ(env->action_space().dim(), 2u);
  EXPECT_EQ(env->action_space().low, (std::vector<double>{0.0, 0.0}));
  EXPECT_EQ(env->action_space().high, (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(env->max_episode_steps(), 400);
  EXPECT_EQ(env->state_dim(), 5u);
  auto img = make_env("hard_maze_image");
  EXPECT_EQ(img->observation_space().dim(), 84u * 84u * 4u);
  EXPECT_EQ(img->observation_space().shape, (std::vector<int>{84, 84, 4}));  // channel-last, for conv policies
  EXPECT_THROW(make_env("hard_maz"), UsageError);
}

// At the start (36, 184) facing east (heading 0), worked out from the wall segments:
//   -90 (north): the nearest wall on x = 36 is (5,49)-(57,53) at y = 51.38, 132.6 away: beyond the range;
//   -45: x + y = 220 meets (57,106)-(158,162) at (93.669, 126.331), 81.556 away;
//   0 (east): y = 184 meets (77,200)-(108,164) at x = 77 + 31 * 16/36 = 90.778, 54.778 away;
//   45: reaches the boundary y = 200 after 16 * sqrt(2) = 22.627;
//   90 (south): the boundary y = 200, 16 away;  -180 (west): the boundary x = 5, 31 away.
// The goal (31, 20) is at bearing atan2(-164, -5) = 268.3 degrees relative to the heading: the left radar.
TEST(HardMaze, SensorsAtTheStart) {
  auto env = make_env("hard_maze");
  std::vector<float> obs(11);
  env->reset(123, obs);
  const std::vector<double> want = {1.0, 0.81555985, 0.54777778, 0.22627417, 0.16, 0.31, 0, 0, 0, 1, 1};
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(obs[i], want[i], 2e-7) << "input " << i;
}

TEST(HardMaze, RadarSlicesFollowTheHeading) {
  const maze::Vec2 p{100, 100};
  EXPECT_EQ(maze::radar_slice(p, 0, {150, 100}), 0);    // ahead
  EXPECT_EQ(maze::radar_slice(p, 0, {100, 150}), 1);    // +y is to the right of an east-facing robot
  EXPECT_EQ(maze::radar_slice(p, 0, {50, 100}), 2);     // behind
  EXPECT_EQ(maze::radar_slice(p, 0, {100, 50}), 3);     // left
  EXPECT_EQ(maze::radar_slice(p, 90, {100, 150}), 0);   // facing +y, that point is now ahead
  EXPECT_EQ(maze::radar_slice(p, 90, {150, 100}), 3);   // and +x is on the left
  EXPECT_EQ(maze::radar_slice(p, 0, {150, 140}), 0);    // 38.7 degrees: still the front slice
  EXPECT_EQ(maze::radar_slice(p, 0, {150, 160}), 1);    // 50.2 degrees: the right slice
  EXPECT_EQ(maze::radar_slice(p, 350, {150, 100}), 0);  // 10 degrees, across the 0/360 wrap
}

TEST(HardMaze, RangefindersOnAConstructedState) {
  auto env = make_env("hard_maze");
  // At (150, 20) facing north (heading 270): -90 looks west, 0 north, 90 east, -180 south.
  const auto obs = set_state(*env, {150, 20, 270, 0, 0});
  EXPECT_NEAR(obs[2], 15.0 / 100, 1e-7);   // north: the boundary y = 5
  EXPECT_NEAR(obs[4], 50.0 / 100, 1e-7);   // east: the boundary x = 200
  // west: y = 20 meets (56,55)-(133,30)? That wall spans y 30..55, so no; the boundary x = 5 is 145 away.
  EXPECT_NEAR(obs[0], 1.0, 1e-7);
  // south: x = 150 meets (200,146)-(87,91) at y = 91 + 55 * (150 - 87) / 113 = 121.664, 101.66 away.
  EXPECT_NEAR(obs[5], 1.0, 1e-7);
  const auto obs2 = set_state(*env, {150, 30, 270, 0, 0});  // 10 further south: now 91.664 away
  EXPECT_NEAR(obs2[5], (91.0 + 55.0 * 63.0 / 113.0 - 30.0) / 100.0, 1e-7);
}

TEST(HardMaze, MovesAlongTheOldHeadingThenTurns) {
  auto env = make_env("hard_maze");
  auto* base = env.get();
  set_state(*base, {100, 20, 0, 2, 0});
  step(*base, 1.0f, 1.0f);  // angular velocity 0.5, speed 2.5, along heading 0; then heading 0.5
  EXPECT_NEAR(base->behaviour()[0], 102.5, 1e-12);
  EXPECT_NEAR(base->behaviour()[1], 20.0, 1e-12);
  step(*base, 0.5f, 0.5f);  // speed 2.5 along heading 0.5 degrees
  const double h = 0.5 * std::numbers::pi / 180;
  EXPECT_NEAR(base->behaviour()[0], 102.5 + 2.5 * std::cos(h), 1e-12);
  EXPECT_NEAR(base->behaviour()[1], 20.0 + 2.5 * std::sin(h), 1e-12);
}

TEST(HardMaze, SpeedAndTurnRateAreClampedAtThree) {
  auto env = make_env("hard_maze");
  set_state(*env, {100, 20, 0, 3, 3});
  step(*env, 1.0f, 1.0f);  // both would become 3.5: kept at 3
  EXPECT_NEAR(env->behaviour()[0], 103.0, 1e-12);
  step(*env, 0.5f, 0.5f);  // heading is now 3 degrees; speed still 3
  EXPECT_NEAR(env->behaviour()[0], 103.0 + 3.0 * std::cos(3.0 * std::numbers::pi / 180), 1e-12);
  EXPECT_THROW(set_state(*env, {100, 20, 0, 3.5, 0}), UsageError);
  EXPECT_THROW(set_state(*env, {100, 20, 0, 0, std::nan("")}), UsageError);
  EXPECT_THROW(set_state(*env, {100, 20, 0}), UsageError);
}

TEST(HardMaze, CollisionsStopTheMotion) {
  auto env = make_env("hard_maze");
  // 10 above the boundary y = 200, moving south at 3: the move to y = 193 would leave 7 < radius 8.
  set_state(*env, {20, 190, 90, 3, 0});
  step(*env, 0.5f, 0.5f);
  EXPECT_EQ(env->behaviour(), (std::vector<double>{20, 190}));
  // From 12 above: the move to 191 leaves 9 and is made; the next (to 194) is not.
  set_state(*env, {20, 188, 90, 3, 0});
  step(*env, 0.5f, 0.5f);
  EXPECT_NEAR(env->behaviour()[1], 191.0, 1e-12);
  step(*env, 0.5f, 0.5f);
  EXPECT_NEAR(env->behaviour()[1], 191.0, 1e-12);
  // The interior wall x = 56 (y 54..157): approaching from the west at (45, 100), speed 3.
  set_state(*env, {45, 100, 0, 3, 0});
  for (int i = 0; i < 5; ++i) step(*env, 0.5f, 0.5f);
  EXPECT_NEAR(env->behaviour()[0], 48.0, 1e-12);  // 45 -> 48 (8 from the wall); 51 would be 5 away
  // The wall's end point counts too: passing just below (56, 157)... at (56, 166) moving north.
  set_state(*env, {56, 166, 270, 2, 0});
  step(*env, 0.5f, 0.5f);  // to (56, 164): 7 from the end point, blocked
  EXPECT_NEAR(env->behaviour()[1], 166.0, 1e-9);
  const maze::MazeSim sim(maze::hard_maze_map());
  EXPECT_TRUE(sim.collides({56, 164.5}));
  EXPECT_FALSE(sim.collides({56, 165.5}));
}

TEST(HardMaze, ReturnIsThreeHundredMinusTheFinalDistance) {
  auto env = make_env("hard_maze");
  std::vector<float> obs(11);
  env->reset(0, obs);
  double ret = 0.0;
  int steps = 0;
  StepResult r;
  for (; steps < 1000; ++steps) {
    const float o1 = steps % 50 < 10 ? 0.8f : 0.5f;  // wander with turns and bumps
    step(*env, o1, 0.9f, &r);
    ret += r.reward;
    EXPECT_FALSE(r.terminated);
    if (r.truncated) break;
  }
  EXPECT_EQ(steps + 1, 400);
  const auto b = env->behaviour();
  const double d = std::hypot(b[0] - 31.0, b[1] - 20.0);
  EXPECT_NEAR(ret, 300.0 - d, 1e-9);
  EXPECT_GT(std::hypot(b[0] - 36.0, b[1] - 184.0), 1.0);  // it did move
}

// ---- Image variant ---------------------------------------------------------------------------------

TEST(HardMazeImage, FrameShowsWallsGoalAndRobot) {
  const maze::FrameRenderer r(maze::hard_maze_map());
  std::vector<float> f(kFrameSize * kFrameSize);
  r.render(maze::Robot{{100, 120}, 0, 0, 0}, f);
  auto at = [&](double x, double y) {
    const int c = static_cast<int>((x - 5) / (195.0 / kFrameSize)), row = static_cast<int>((y - 5) / (195.0 / kFrameSize));
    return f[static_cast<size_t>(row) * kFrameSize + c];
  };
  EXPECT_EQ(f[0], maze::kWallPixel);                        // top-left corner of the boundary
  EXPECT_EQ(f[kFrameSize * kFrameSize - 1], maze::kWallPixel);
  EXPECT_EQ(at(56, 100), maze::kWallPixel);                 // the interior wall x = 56
  EXPECT_EQ(at(31, 20), maze::kGoalPixel);
  EXPECT_EQ(at(150, 180), 0.0f);                            // open floor
  EXPECT_EQ(at(100 - 5, 120 + 3), maze::kRobotPixel);       // the body
  EXPECT_EQ(at(100 + 6, 120), maze::kNosePixel);            // the heading line points east
  EXPECT_EQ(at(100 - 6, 120), maze::kRobotPixel);
  // Every wall is drawn without gaps: each pixel along a segment is within reach of a wall pixel.
  for (const auto& w : maze::hard_maze_map().walls)
    for (int k = 0; k <= 100; ++k) {
      const double x = w.a.x + (w.b.x - w.a.x) * k / 100.0, y = w.a.y + (w.b.y - w.a.y) * k / 100.0;
      const int c = std::min(kFrameSize - 1, static_cast<int>((x - 5) / (195.0 / kFrameSize)));
      const int row = std::min(kFrameSize - 1, static_cast<int>((y - 5) / (195.0 / kFrameSize)));
      bool near = false;
      for (int dr = -1; dr <= 1; ++dr)
        for (int dc = -1; dc <= 1; ++dc) {
          const int rr = row + dr, cc = c + dc;
          if (rr >= 0 && rr < kFrameSize && cc >= 0 && cc < kFrameSize &&
              r.background()[static_cast<size_t>(rr) * kFrameSize + cc] == maze::kWallPixel)
            near = true;
        }
      EXPECT_TRUE(near) << "no wall pixel near (" << x << ", " << y << ")";
    }
}

TEST(HardMazeImage, FourFramesStackedNewestLast) {
  auto env = make_env("hard_maze_image");
  const maze::FrameRenderer r(maze::hard_maze_map());
  std::vector<float> obs(env->observation_space().dim());
  env->reset(0, obs);
  std::vector<std::vector<float>> frames;  // rendered independently from the robot's positions
  auto frame_now = [&](double x, double y, double heading) {
    std::vector<float> f(kFrameSize * kFrameSize);
    r.render(maze::Robot{{x, y}, heading, 0, 0}, f);
    return f;
  };
  frames.push_back(frame_now(36, 184, 0));
  for (int k = 0; k < 4; ++k)
    for (size_t p = 0; p < frames[0].size(); ++p) ASSERT_EQ(obs[p * 4 + k], frames[0][p]);  // all = first
  for (int t = 1; t <= 5; ++t) {
    std::vector<float> a{0.5f, 1.0f}, o(obs.size());
    env->step(a, o);
    const auto b = env->behaviour();
    frames.push_back(frame_now(b[0], b[1], 0));
    for (int k = 0; k < 4; ++k) {
      const auto& want = frames[static_cast<size_t>(std::max(0, t - 3 + k))];
      for (size_t p = 0; p < want.size(); ++p) ASSERT_EQ(o[p * 4 + k], want[p]) << "step " << t << " frame " << k;
    }
    obs = o;
  }
  // The robot moved east: the newest frame differs from the oldest.
  bool differs = false;
  for (size_t p = 0; p < frames[0].size(); ++p) differs |= obs[p * 4 + 3] != obs[p * 4 + 0];
  EXPECT_TRUE(differs);
}

// ---- End to end: GA-NS from the CLI ----------------------------------------------------------------

std::string ga_ns_config(int population, int generations) {
  return "[run]\nseed = 0\ngenerations = " + std::to_string(generations) +
         "\ncheckpoint_every = 2\neval_episodes = 1\n[env]\nname = \"hard_maze\"\n[policy]\ntype = \"mlp\"\n"
         "hidden = [16]\nactivation = \"tanh\"\n[noise]\nsize = 1048576\n[strategy]\nname = \"ga\"\n"
         "fitness = \"novelty\"\npopulation = " +
         std::to_string(population) + "\ntruncation = 20\nsigma = 0.1\n";
}

TEST(HardMazeCli, GaNsArtefactsAreWrittenAndThreadCountInvariant) {
  using namespace cli_test;
  TempDir tmp;
  const std::string cfg = tmp / "ga_ns.toml";
  write_file(cfg, ga_ns_config(40, 5));
  const auto dirs = run_on_one_and_two_threads(tmp, {"run", cfg});
  ASSERT_EQ(dirs.size(), 2u);
  const std::string &a = dirs[0], &b = dirs[1];
  expect_same_results(a, b);
  const auto rows = lines_of(read_file(a + "/behaviours.csv"));
  ASSERT_EQ(rows.size(), 1u + 5u * 40u);
  EXPECT_EQ(rows[0], "generation,candidate,fitness,b0,b1");
  EXPECT_EQ(rows[1].substr(0, 4), "0,0,");
  EXPECT_EQ(rows.back().substr(0, 5), "4,39,");
  for (const char* f : {"behaviours.csv", "archive.csv"}) EXPECT_EQ(read_file(a + "/" + f), read_file(b + "/" + f)) << f;
  EXPECT_EQ(checked_payload_json(a + "/checkpoint.ckpt")["strategy"],
            checked_payload_json(b + "/checkpoint.ckpt")["strategy"]);
  const auto archive = lines_of(read_file(a + "/archive.csv"));
  EXPECT_EQ(archive[0], "index,fitness,b0,b1");
  EXPECT_GT(archive.size(), 10u);  // the threshold rule takes many of the first, spread-out generations
  const std::string svg = read_file(a + "/behaviours.svg");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  size_t walls = 0;
  for (size_t p = 0; (p = svg.find("<line", p)) != std::string::npos; ++p) ++walls;
  EXPECT_EQ(walls, maze::hard_maze_map().walls.size());
  const auto summary = read_json(a + "/summary.json");
  ASSERT_EQ(summary["champion"]["behaviour"].size(), 2u);
  const double x = summary["champion"]["behaviour"][0], y = summary["champion"]["behaviour"][1];
  EXPECT_NEAR(summary["champion"]["mean_return"].get<double>(), 300.0 - std::hypot(x - 31.0, y - 20.0), 1e-9);
}

// GA-NS with the example's settings reaches the goal (final distance < 10) within 40 generations on
// seed 0, where following the reward leads into the trap (see docs/benchmarks.md for 10 seeds).
TEST(HardMazeCli, GaNsSolvesTheMaze) {
  using namespace cli_test;
  TempDir tmp;
  const std::string cfg = tmp / "ga_ns.toml";
  write_file(cfg, ga_ns_config(200, 40));
  const CliResult r = run_cli({"run", cfg, "--out", tmp / "run", "--threads", "2", "--quiet"});
  ASSERT_EQ(r.code, 0) << r.describe();
  const auto summary = read_json(tmp / "run/summary.json");
  EXPECT_GE(summary["champion"]["mean_return"].get<double>(), 290.0) << summary.dump(2);
}

TEST(BehaviourLog, ResumeKeepsOnlyTheCheckpointedGenerations) {
  cli_test::TempDir tmp;
  const std::string dir = tmp.path();
  auto results = [](double base) {
    std::vector<Result> rs(3);
    for (size_t i = 0; i < rs.size(); ++i) rs[i].behaviour = {base + static_cast<double>(i), 1.0}, rs[i].fitness = 1;
    return rs;
  };
  {
    BehaviourLog log(dir, 0);
    for (int g = 0; g < 4; ++g) log.record(static_cast<uint64_t>(g), results(10.0 * g));
  }
  {
    BehaviourLog log(dir, 2);  // resumed from the checkpoint of generation 2: rows of 2 and 3 go
    log.record(2, results(100));
    log.write_snapshot({{{5, 5}, std::nan("")}}, "hard_maze");
  }
  const auto rows = cli_test::lines_of(cli_test::read_file(dir + "/behaviours.csv"));
  ASSERT_EQ(rows.size(), 1u + 3u * 3u);
  EXPECT_EQ(rows[7], "2,0,1,100,1");
  EXPECT_EQ(cli_test::read_file(dir + "/archive.csv"), "index,fitness,b0,b1\n0,nan,5,5\n");
  EXPECT_NE(cli_test::read_file(dir + "/behaviours.svg").find("9 final positions"), std::string::npos);
}

}  // namespace
}  // namespace neuroevo
