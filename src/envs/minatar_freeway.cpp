// minatar/freeway (docs/reference/minatar.md; MinAtar's freeway.py): a chicken in column 4 crosses eight
// lanes of cars (rows 1..8). The chicken may move once every 3 frames; each car moves one cell every k
// frames (k uniform in 1..5, signed direction, wrapping around). A hit sends the chicken back to row 9;
// reaching row 0 gives +1, puts it back on row 9 and re-draws every car's speed and direction. The game
// ends after 2500 frames (MinAtar's terminate timer goes below 0 on frame 2501). No ramping.
//
// Channels: 0 chicken, 1 car, 2..6 speed1..speed5 (a trail behind each car, in the channel of its speed).
// Minimal actions: noop, up, down.
// State vector: chicken row, move_timer, terminate_timer, then for lanes 1..8: x, timer, velocity
// (-5..-1 moving left, 1..5 moving right; |velocity| = frames per move).
#include <cstdlib>

#include "minatar_base.hpp"

namespace neuroevo {
namespace {

// Constants of MinAtar's freeway.py.
constexpr int kPlayerSpeed = 3;
constexpr int kTimeLimit = 2500;
constexpr int kChickenCol = 4;
constexpr int kCars = 8;

struct Car {
  int x = 0;
  int timer = 1;
  int velocity = 1;  // sign: direction; magnitude: frames between moves
};

class Freeway final : public MinAtarEnv {
 public:
  explicit Freeway(const MinAtarOptions& o)
      : MinAtarEnv(o.minimal_actions ? "minatar/freeway-minimal" : "minatar/freeway", 7, {kNoop, kUp, kDown}, o,
                   3 + 3 * kCars) {}

 private:
  int pos_ = 9, move_timer_ = kPlayerSpeed, terminate_timer_ = kTimeLimit;
  Car cars_[kCars];  // car k drives in row k + 1

  // All speeds first, then all directions, as MinAtar draws them.
  void randomize_cars(bool initialize) {
    int speed[kCars];
    for (int& s : speed) s = 1 + static_cast<int>(rng().below(5));
    for (int k = 0; k < kCars; ++k) {
      const int v = rng().uniform() < 0.5 ? -speed[k] : speed[k];
      if (initialize) cars_[k].x = 0;
      cars_[k].timer = std::abs(v);
      cars_[k].velocity = v;
    }
  }

  void new_game() override {
    randomize_cars(true);
    pos_ = 9;
    move_timer_ = kPlayerSpeed;
    terminate_timer_ = kTimeLimit;
  }

  int act(int a, bool& terminal) override {
    int reward = 0;
    if (a == kUp && move_timer_ == 0) {
      move_timer_ = kPlayerSpeed;
      pos_ = std::max(0, pos_ - 1);
    } else if (a == kDown && move_timer_ == 0) {
      move_timer_ = kPlayerSpeed;
      pos_ = std::min(9, pos_ + 1);
    }
    if (pos_ == 0) {  // crossed: score, back to the start, new traffic
      reward += 1;
      randomize_cars(false);
      pos_ = 9;
    }
    for (int k = 0; k < kCars; ++k) {
      Car& c = cars_[k];
      const int row = k + 1;
      if (c.x == kChickenCol && row == pos_) pos_ = 9;
      if (c.timer == 0) {
        c.timer = std::abs(c.velocity);
        c.x += c.velocity > 0 ? 1 : -1;
        if (c.x < 0) c.x = 9;
        else if (c.x > 9) c.x = 0;
        if (c.x == kChickenCol && row == pos_) pos_ = 9;
      } else {
        --c.timer;
      }
    }
    if (move_timer_ > 0) --move_timer_;
    if (--terminate_timer_ < 0) terminal = true;
    return reward;
  }

  void draw(GridWriter& g) const override {
    g.set(pos_, kChickenCol, 0);
    for (int k = 0; k < kCars; ++k) {
      const Car& c = cars_[k];
      g.set(k + 1, c.x, 1);
      int back = c.velocity > 0 ? c.x - 1 : c.x + 1;
      if (back < 0) back = 9;
      else if (back > 9) back = 0;
      g.set(k + 1, back, 1 + std::abs(c.velocity));
    }
  }

  void assign(std::span<const double> s) override {
    StateReader in(name(), s);
    const int pos = in.next("chicken_row", 0, 9), mt = in.next("move_timer", 0, kPlayerSpeed);
    const int tt = in.next("terminate_timer", 0, kTimeLimit);
    Car cars[kCars];
    for (auto& c : cars) {
      c.x = in.next("x", 0, 9);
      c.timer = in.next("timer", 0, 5);
      c.velocity = in.next("velocity", -5, 5);
      if (c.velocity == 0)
        throw UsageError(name() + ": state component " + std::to_string(in.position() - 1) + " (velocity) must not be 0");
    }
    pos_ = pos, move_timer_ = mt, terminate_timer_ = tt;
    std::copy(std::begin(cars), std::end(cars), std::begin(cars_));
  }
};

}  // namespace

std::unique_ptr<MinAtarEnv> make_minatar_freeway(const MinAtarOptions& o) { return std::make_unique<Freeway>(o); }

}  // namespace neuroevo
