// "hard_maze": the deceptive maze with the original robot's sensors as inputs (docs/reference/hard_maze.md).
#include "maze_env_base.hpp"

namespace neuroevo {
namespace {

class HardMaze final : public maze::MazeEnvBase {
 public:
  // Rangefinders are normalised to [0, 1]; radars and the bias are 0 or 1.
  HardMaze()
      : MazeEnvBase("hard_maze", Space::box(std::vector<double>(maze::kSensorInputs, 0.0),
                                            std::vector<double>(maze::kSensorInputs, 1.0))) {}

 private:
  void observe(std::span<float> obs, bool /*first*/) override { sim().sensors(obs); }
};

}  // namespace

std::unique_ptr<Env> make_hard_maze() { return std::make_unique<HardMaze>(); }

}  // namespace neuroevo

namespace neuroevo::maze {

const Robot* robot_of(const Env& env) {
  const auto* m = dynamic_cast<const MazeEnvBase*>(&env);
  return m != nullptr ? &m->sim().robot() : nullptr;
}

}  // namespace neuroevo::maze
