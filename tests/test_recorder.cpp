// The progress line's time estimate (estimate_eta, runtime/recorder.hpp) against values worked out by
// hand from its definition: generations left x (wall time / generations done), and with a frame budget
// frames left / frames per second, the smaller of the two.
#include <gtest/gtest.h>

#include "neuroevo/runtime/recorder.hpp"

namespace neuroevo {
namespace {

// Generation 4 after 10 s (2.5 s per generation), 40,000 env steps, the last generation at 5,000 steps/s.
GenerationRow row_at_generation_4() {
  GenerationRow r;
  r.generation = 4;
  r.wall_time = 10.0;
  r.env_steps = 40'000;
  r.steps_per_s = 5'000.0;
  return r;
}

TEST(RecorderEta, WithoutAFrameBudgetCountsGenerations) {
  const Eta eta = estimate_eta(row_at_generation_4(), {10, 0});
  EXPECT_DOUBLE_EQ(eta.seconds, 15.0);  // 6 generations left x 2.5 s
  EXPECT_FALSE(eta.frames);
}

TEST(RecorderEta, FrameBudgetReachedFirstCountsFrames) {
  // 60,000 frames left at 5,000/s = 12 s, against 996 generations x 2.5 s = 2,490 s.
  const Eta eta = estimate_eta(row_at_generation_4(), {1000, 100'000});
  EXPECT_DOUBLE_EQ(eta.seconds, 12.0);
  EXPECT_TRUE(eta.frames);
}

TEST(RecorderEta, GenerationCountReachedFirstCountsGenerations) {
  // 1 generation x 2.5 s, against 960,000 frames / 5,000 per s = 192 s.
  const Eta eta = estimate_eta(row_at_generation_4(), {5, 1'000'000});
  EXPECT_DOUBLE_EQ(eta.seconds, 2.5);
  EXPECT_FALSE(eta.frames);
}

TEST(RecorderEta, WithoutARecentRateUsesTheRunsMeanFrameRate) {
  GenerationRow r = row_at_generation_4();
  r.steps_per_s = 0.0;  // e.g. a generation too short to time
  const Eta eta = estimate_eta(r, {1000, 100'000});
  EXPECT_DOUBLE_EQ(eta.seconds, 15.0);  // 60,000 frames / (40,000 / 10 s)
  EXPECT_TRUE(eta.frames);
}

TEST(RecorderEta, ReachedBudgetLeavesNothing) {
  GenerationRow r = row_at_generation_4();
  r.env_steps = 100'500;  // the generation that reaches the budget overshoots it
  const Eta frames = estimate_eta(r, {1000, 100'000});
  EXPECT_DOUBLE_EQ(frames.seconds, 0.0);
  EXPECT_TRUE(frames.frames);
  const Eta both = estimate_eta(r, {4, 100'000});  // the generation count is reached as well
  EXPECT_DOUBLE_EQ(both.seconds, 0.0);
  EXPECT_FALSE(both.frames);
}

TEST(RecorderEta, NoStepTakenYetKeepsTheGenerationEstimate) {
  GenerationRow r;
  r.generation = 2;
  r.wall_time = 3.0;
  const Eta eta = estimate_eta(r, {8, 100'000});
  EXPECT_DOUBLE_EQ(eta.seconds, 9.0);  // 6 generations x 1.5 s; no frame rate to estimate with
  EXPECT_FALSE(eta.frames);
}

}  // namespace
}  // namespace neuroevo
