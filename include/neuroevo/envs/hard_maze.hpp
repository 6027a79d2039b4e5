// The deceptive hard maze (Lehman & Stanley 2011; docs/reference/hard_maze.md): map, robot simulation,
// sensors and the 84x84 top-down render of the image variant.
//
// Conventions (those of the original map file): coordinates in maze units, y grows downwards; headings in
// degrees, 0 along +x, positive angles turning towards +y (clockwise on screen).
#pragma once
#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "neuroevo/envs/env.hpp"

namespace neuroevo {

std::unique_ptr<Env> make_hard_maze();        // "hard_maze": rangefinder and radar inputs
std::unique_ptr<Env> make_hard_maze_image();  // "hard_maze_image": 84x84x4 stacked top-down frames

namespace maze {

struct Vec2 {
  double x = 0.0, y = 0.0;
};

struct Segment {
  Vec2 a, b;
};

struct MazeMap {
  std::vector<Segment> walls;  // the outer boundary's four sides included
  Vec2 low, high;              // bounding box of the maze
  Vec2 start;
  double start_heading = 0.0;  // degrees
  Vec2 goal;
};

// The classic hard maze of the spec.
const MazeMap& hard_maze_map();
// The map drawn for an environment's behaviour plots, or null if the environment is not a maze.
const MazeMap* map_of_env(const std::string& env_name);

// Constants of the spec.
constexpr double kRobotRadius = 8.0;
constexpr double kRangefinderRange = 100.0;
constexpr double kMaxSpeed = 3.0;        // |speed| and |angular velocity| are kept within this
constexpr double kSolvedDistance = 10.0;  // solved when the final position is this close to the goal
constexpr double kFitnessOffset = 300.0;  // fitness = 300 - final distance to the goal
constexpr int kTrialSteps = 400;
// Rangefinder directions relative to the heading, in the spec's (and the original's) input order.
constexpr std::array<double, 6> kRangefinderAngles = {-90.0, -45.0, 0.0, 45.0, 90.0, -180.0};
constexpr size_t kSensorInputs = 6 + 4 + 1;  // rangefinders, radars (front, right, back, left), bias

double distance(Vec2 p, Vec2 q);
double point_segment_distance(Vec2 p, const Segment& s);
// Distance from p along the direction `angle_deg` to the nearest wall, capped at `range`.
double ray_distance(const MazeMap& map, Vec2 p, double angle_deg, double range);
// Index (0 front, 1 right, 2 back, 3 left) of the pie-slice radar seeing `target` from `p` at `heading`.
int radar_slice(Vec2 p, double heading_deg, Vec2 target);

struct Robot {
  Vec2 pos;
  double heading = 0.0;  // degrees in [0, 360)
  double speed = 0.0;
  double ang_vel = 0.0;  // degrees per step
};

// The robot in a maze: the physics and the sensors of the original simulator.
class MazeSim {
 public:
  explicit MazeSim(const MazeMap& map) : map_(&map) { reset(); }
  void reset();  // the map's start, speed and angular velocity 0
  void set(const Robot& r) { robot_ = r; }
  // One step from the two network outputs o1, o2 in [0, 1]:
  //   angular velocity += o1 - 0.5, speed += o2 - 0.5, both clamped to +-3;
  //   the position advances by speed along the current heading, the heading then turns by the angular
  //   velocity; a move that would bring a wall closer than the robot's radius is not made.
  void step(double o1, double o2);
  bool collides(Vec2 p) const;
  // 11 inputs: rangefinders / range (in kRangefinderAngles order), the 4 radars, bias 1.
  void sensors(std::span<float> out) const;
  double goal_distance() const { return distance(robot_.pos, map_->goal); }
  const Robot& robot() const { return robot_; }
  const MazeMap& map() const { return *map_; }

 private:
  const MazeMap* map_;
  Robot robot_;
};

// The robot of a maze environment (hard_maze, hard_maze_image) as it is now, for replays and plots; null
// when `env` is not a maze environment.
const Robot* robot_of(const Env& env);

// Top-down grayscale frames for the image variant.
constexpr int kFrameSize = 84;
constexpr int kFrameStack = 4;
// Pixel values: background 0, walls 1, goal 0.5, robot body 0.7 with a heading line of 1.
constexpr float kWallPixel = 1.0f, kGoalPixel = 0.5f, kRobotPixel = 0.7f, kNosePixel = 1.0f;

class FrameRenderer {
 public:
  explicit FrameRenderer(const MazeMap& map);
  // Writes the kFrameSize x kFrameSize frame (row-major, row 0 at the top = smallest y).
  void render(const Robot& robot, std::span<float> frame) const;
  // Pixel centre of (row, col) in maze coordinates.
  Vec2 pixel_centre(int row, int col) const;
  const std::vector<float>& background() const { return background_; }

 private:
  const MazeMap* map_;
  double scale_;  // maze units per pixel
  std::vector<float> background_;  // walls and goal, drawn once
};

}  // namespace maze
}  // namespace neuroevo
