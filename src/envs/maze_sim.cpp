// Hard-maze geometry, robot simulation and frame rendering (see include/neuroevo/envs/hard_maze.hpp).
//
// The physics and sensors follow the description of Lehman & Stanley's maze simulator ("Abandoning
// objectives", Evolutionary Computation 2011) and docs/reference/hard_maze.md: a disc robot of radius 8,
// six rangefinders of range 100, four 90-degree pie-slice goal radars (front = relative bearing in
// [315, 405), right [45, 135), back [135, 225), left [225, 315), the original's slice bounds), speed and
// angular velocity integrated from the outputs and kept within +-3, and a move cancelled when it would
// bring any wall closer than the radius.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "neuroevo/envs/hard_maze.hpp"

namespace neuroevo::maze {

namespace {

constexpr double kDeg = std::numbers::pi / 180.0;

Vec2 direction(double angle_deg) { return {std::cos(angle_deg * kDeg), std::sin(angle_deg * kDeg)}; }

double wrap_degrees(double a) {
  a = std::fmod(a, 360.0);
  if (a < 0.0) a += 360.0;
  return a >= 360.0 ? 0.0 : a;  // fmod of a tiny negative number can round up to 360
}

MazeMap build_hard_maze() {
  MazeMap m;
  m.low = {5, 5};
  m.high = {200, 200};
  // Outer boundary, then the interior walls of the spec (the original map file's segments).
  m.walls = {{{5, 5}, {200, 5}},       {{200, 5}, {200, 200}},   {{200, 200}, {5, 200}},
             {{5, 200}, {5, 5}},       {{5, 49}, {57, 53}},      {{56, 54}, {56, 157}},
             {{57, 106}, {158, 162}},  {{77, 200}, {108, 164}},  {{5, 80}, {33, 121}},
             {{200, 146}, {87, 91}},   {{56, 55}, {133, 30}}};
  m.start = {36, 184};
  m.start_heading = 0.0;
  m.goal = {31, 20};
  return m;
}

}  // namespace

const MazeMap& hard_maze_map() {
  static const MazeMap map = build_hard_maze();  // immutable after construction
  return map;
}

const MazeMap* map_of_env(const std::string& env_name) {
  if (env_name == "hard_maze" || env_name == "hard_maze_image") return &hard_maze_map();
  return nullptr;
}

double distance(Vec2 p, Vec2 q) { return std::hypot(p.x - q.x, p.y - q.y); }

double point_segment_distance(Vec2 p, const Segment& s) {
  const double dx = s.b.x - s.a.x, dy = s.b.y - s.a.y;
  const double len2 = dx * dx + dy * dy;
  double t = len2 > 0.0 ? ((p.x - s.a.x) * dx + (p.y - s.a.y) * dy) / len2 : 0.0;
  t = std::clamp(t, 0.0, 1.0);
  return distance(p, {s.a.x + t * dx, s.a.y + t * dy});
}

double ray_distance(const MazeMap& map, Vec2 p, double angle_deg, double range) {
  const Vec2 d = direction(angle_deg);
  double best = range;
  for (const Segment& w : map.walls) {
    // p + t d = a + u (b - a): solved with 2-D cross products.
    const double ex = w.b.x - w.a.x, ey = w.b.y - w.a.y;
    const double denom = d.x * ey - d.y * ex;
    if (denom == 0.0) continue;  // parallel: a grazing ray does not count as a hit
    const double ax = w.a.x - p.x, ay = w.a.y - p.y;
    const double t = (ax * ey - ay * ex) / denom;
    const double u = (ax * d.y - ay * d.x) / denom;
    if (t >= 0.0 && u >= 0.0 && u <= 1.0 && t < best) best = t;
  }
  return best;
}

int radar_slice(Vec2 p, double heading_deg, Vec2 target) {
  const double bearing = std::atan2(target.y - p.y, target.x - p.x) / kDeg;
  const double rel = wrap_degrees(bearing - heading_deg);
  if (rel >= 315.0 || rel < 45.0) return 0;  // front
  if (rel < 135.0) return 1;                 // right (positive angles turn towards +y, clockwise)
  if (rel < 225.0) return 2;                 // back
  return 3;                                  // left
}

void MazeSim::reset() { robot_ = Robot{map_->start, map_->start_heading, 0.0, 0.0}; }

bool MazeSim::collides(Vec2 p) const {
  return std::any_of(map_->walls.begin(), map_->walls.end(),
                     [&](const Segment& w) { return point_segment_distance(p, w) < kRobotRadius; });
}

void MazeSim::step(double o1, double o2) {
  robot_.ang_vel = std::clamp(robot_.ang_vel + (o1 - 0.5), -kMaxSpeed, kMaxSpeed);
  robot_.speed = std::clamp(robot_.speed + (o2 - 0.5), -kMaxSpeed, kMaxSpeed);
  const Vec2 d = direction(robot_.heading);
  const Vec2 next{robot_.pos.x + d.x * robot_.speed, robot_.pos.y + d.y * robot_.speed};
  robot_.heading = wrap_degrees(robot_.heading + robot_.ang_vel);
  if (!collides(next)) robot_.pos = next;
}

void MazeSim::sensors(std::span<float> out) const {
  for (size_t i = 0; i < kRangefinderAngles.size(); ++i)
    out[i] = static_cast<float>(
        ray_distance(*map_, robot_.pos, robot_.heading + kRangefinderAngles[i], kRangefinderRange) /
        kRangefinderRange);
  const int slice = radar_slice(robot_.pos, robot_.heading, map_->goal);
  for (int k = 0; k < 4; ++k) out[6 + k] = k == slice ? 1.0f : 0.0f;
  out[10] = 1.0f;  // bias
}

FrameRenderer::FrameRenderer(const MazeMap& map)
    : map_(&map),
      scale_(std::max(map.high.x - map.low.x, map.high.y - map.low.y) / kFrameSize),
      background_(static_cast<size_t>(kFrameSize) * kFrameSize, 0.0f) {
  // A pixel belongs to a wall when its centre is within 0.75 pixel of the segment: wide enough that
  // diagonal walls stay connected (a pixel's half-diagonal is 0.71), narrow enough to stay 1-2 px thick.
  const double wall_reach = 0.75 * scale_;
  constexpr double kGoalRadius = 4.0;  // maze units, about 2 pixels
  for (int r = 0; r < kFrameSize; ++r)
    for (int c = 0; c < kFrameSize; ++c) {
      const Vec2 p = pixel_centre(r, c);
      float v = distance(p, map.goal) <= kGoalRadius ? kGoalPixel : 0.0f;
      for (const Segment& w : map.walls)
        if (point_segment_distance(p, w) <= wall_reach) v = kWallPixel;
      background_[static_cast<size_t>(r) * kFrameSize + c] = v;
    }
}

Vec2 FrameRenderer::pixel_centre(int row, int col) const {
  return {map_->low.x + (col + 0.5) * scale_, map_->low.y + (row + 0.5) * scale_};
}

void FrameRenderer::render(const Robot& robot, std::span<float> frame) const {
  std::copy(background_.begin(), background_.end(), frame.begin());
  // The body, then a line from the centre to the front edge so the heading is visible.
  const Vec2 d = direction(robot.heading);
  const Segment nose{robot.pos, {robot.pos.x + d.x * kRobotRadius, robot.pos.y + d.y * kRobotRadius}};
  const double nose_reach = 0.75 * scale_;
  auto to_pixel = [&](double v, double lo) { return static_cast<int>(std::floor((v - lo) / scale_)); };
  const int c0 = std::max(0, to_pixel(robot.pos.x - kRobotRadius, map_->low.x));
  const int c1 = std::min(kFrameSize - 1, to_pixel(robot.pos.x + kRobotRadius, map_->low.x));
  const int r0 = std::max(0, to_pixel(robot.pos.y - kRobotRadius, map_->low.y));
  const int r1 = std::min(kFrameSize - 1, to_pixel(robot.pos.y + kRobotRadius, map_->low.y));
  for (int r = r0; r <= r1; ++r)
    for (int c = c0; c <= c1; ++c) {
      const Vec2 p = pixel_centre(r, c);
      if (distance(p, robot.pos) > kRobotRadius) continue;
      frame[static_cast<size_t>(r) * kFrameSize + c] =
          point_segment_distance(p, nose) <= nose_reach ? kNosePixel : kRobotPixel;
    }
}

}  // namespace neuroevo::maze
