// "hard_maze_image": the hard maze seen from above (the Deep GA paper's image hard maze, Such et al. 2017):
// an 84x84 grayscale frame of the maze with the robot drawn in, stacked with the 3 previous frames.
//
// Observation layout: height x width x frames, row-major with the frame index fastest, i.e.
// obs[(row * 84 + col) * 4 + k], frame k = 3 the newest and k = 0 the oldest (the Atari-style 84x84x4
// input, Space::shape = {84, 84, 4}, read by the conv policy). At the start of an episode all four frames
// are the first frame.
#include <algorithm>

#include "maze_env_base.hpp"

namespace neuroevo {
namespace {

constexpr size_t kPixels = static_cast<size_t>(maze::kFrameSize) * maze::kFrameSize;

class HardMazeImage final : public maze::MazeEnvBase {
 public:
  HardMazeImage()
      : MazeEnvBase("hard_maze_image", Space::image(maze::kFrameSize, maze::kFrameSize, maze::kFrameStack, 0.0, 1.0)),
        renderer_(maze::hard_maze_map()),
        frames_(maze::kFrameStack, std::vector<float>(kPixels)) {}

 private:
  void observe(std::span<float> obs, bool first) override {
    // frames_ is a ring: newest_ holds the latest frame, (newest_ + 1) % 4 the oldest.
    newest_ = (newest_ + 1) % maze::kFrameStack;
    renderer_.render(sim().robot(), frames_[newest_]);
    if (first)
      for (auto& f : frames_) f = frames_[newest_];
    for (int k = 0; k < maze::kFrameStack; ++k) {
      const auto& f = frames_[(newest_ + 1 + k) % maze::kFrameStack];
      for (size_t p = 0; p < kPixels; ++p) obs[p * maze::kFrameStack + k] = f[p];
    }
  }

  maze::FrameRenderer renderer_;
  std::vector<std::vector<float>> frames_;
  int newest_ = 0;
};

}  // namespace

std::unique_ptr<Env> make_hard_maze_image() { return std::make_unique<HardMazeImage>(); }

}  // namespace neuroevo
