// minatar/breakout (docs/reference/minatar.md; MinAtar's breakout.py): a paddle on the bottom row, a ball
// moving diagonally, three rows of bricks. +1 per brick; the bricks are refilled when all are gone; the
// episode ends when the ball reaches the bottom row without hitting the paddle. No difficulty ramping.
//
// Channels: 0 paddle, 1 ball, 2 trail (the ball's previous cell), 3 brick.
// Minimal actions: noop, left, right.
// State vector: ball_x, ball_y, ball_dir (0 up-left, 1 up-right, 2 down-right, 3 down-left), paddle x,
// strike (1 if the ball hit a brick on the previous frame), last_x, last_y, then 100 brick cells row by row
// (0 or 1 in rows 1-3, 0 elsewhere).

#include "minatar_base.hpp"

namespace neuroevo {
namespace {

constexpr int kPaddleRow = 9;

class Breakout final : public MinAtarEnv {
 public:
  explicit Breakout(const MinAtarOptions& o)
      : MinAtarEnv(o.minimal_actions ? "minatar/breakout-minimal" : "minatar/breakout", 4, {kNoop, kLeft, kRight}, o,
                   7 + kGrid * kGrid) {}

 private:
  int ball_x_ = 0, ball_y_ = 3, ball_dir_ = 2, pos_ = 4, last_x_ = 0, last_y_ = 3;
  bool strike_ = false;
  bool bricks_[kGrid][kGrid] = {};

  void fill_bricks() {
    for (int r = 1; r <= 3; ++r)
      for (int c = 0; c < kGrid; ++c) bricks_[r][c] = true;
  }
  int brick_count() const {
    int n = 0;
    for (const auto& row : bricks_)
      for (bool b : row) n += b;
    return n;
  }

  void new_game() override {
    ball_y_ = 3;
    // Column 0 moving down-right or column 9 moving down-left, with equal probability.
    const bool right_side = rng().uniform() < 0.5;
    ball_x_ = right_side ? 9 : 0;
    ball_dir_ = right_side ? 3 : 2;
    pos_ = 4;
    for (auto& row : bricks_)
      for (bool& b : row) b = false;
    fill_bricks();
    strike_ = false;
    last_x_ = ball_x_;
    last_y_ = ball_y_;
  }

  int act(int a, bool& terminal) override {
    int reward = 0;
    if (a == kLeft) pos_ = std::max(0, pos_ - 1);
    else if (a == kRight) pos_ = std::min(9, pos_ + 1);
    last_x_ = ball_x_;
    last_y_ = ball_y_;
    static constexpr int kDx[4] = {-1, 1, 1, -1}, kDy[4] = {-1, -1, 1, 1};
    int new_x = ball_x_ + kDx[ball_dir_], new_y = ball_y_ + kDy[ball_dir_];
    bool strike_now = false;
    if (new_x < 0 || new_x > 9) {  // side wall: mirror horizontally
      new_x = std::clamp(new_x, 0, 9);
      static constexpr int kMirrorX[4] = {1, 0, 3, 2};
      ball_dir_ = kMirrorX[ball_dir_];
    }
    static constexpr int kMirrorY[4] = {3, 2, 1, 0};
    if (new_y < 0) {  // ceiling
      new_y = 0;
      ball_dir_ = kMirrorY[ball_dir_];
    } else if (bricks_[new_y][new_x]) {
      strike_now = true;
      if (!strike_) {  // a brick hit on consecutive frames counts once (MinAtar's strike flag)
        reward += 1;
        strike_ = true;
        bricks_[new_y][new_x] = false;
        new_y = last_y_;
        ball_dir_ = kMirrorY[ball_dir_];
      }
    } else if (new_y == kPaddleRow) {
      if (brick_count() == 0) fill_bricks();
      if (ball_x_ == pos_) {  // straight onto the paddle: bounce back up the same way
        ball_dir_ = kMirrorY[ball_dir_];
        new_y = last_y_;
      } else if (new_x == pos_) {  // onto the paddle's corner: bounce back the way it came
        static constexpr int kReverse[4] = {2, 3, 0, 1};
        ball_dir_ = kReverse[ball_dir_];
        new_y = last_y_;
      } else {
        terminal = true;
      }
    }
    if (!strike_now) strike_ = false;
    ball_x_ = new_x;
    ball_y_ = new_y;
    return reward;
  }

  void draw(GridWriter& g) const override {
    g.set(ball_y_, ball_x_, 1);
    g.set(kPaddleRow, pos_, 0);
    g.set(last_y_, last_x_, 2);
    for (int r = 0; r < kGrid; ++r)
      for (int c = 0; c < kGrid; ++c)
        if (bricks_[r][c]) g.set(r, c, 3);
  }

  void assign(std::span<const double> s) override {
    StateReader in(name(), s);
    const int bx = in.next("ball_x", 0, 9), by = in.next("ball_y", 0, 8), dir = in.next("ball_dir", 0, 3);
    const int pos = in.next("paddle_x", 0, 9);
    const bool strike = in.flag("strike");
    const int lx = in.next("last_x", 0, 9), ly = in.next("last_y", 0, 8);
    bool bricks[kGrid][kGrid];
    for (int r = 0; r < kGrid; ++r)
      for (int c = 0; c < kGrid; ++c)  // only rows 1-3 hold bricks: one on the paddle row would let the ball past it
        bricks[r][c] = r >= 1 && r <= 3 ? in.flag("brick") : in.next("brick outside rows 1-3", 0, 0) != 0;
    ball_x_ = bx, ball_y_ = by, ball_dir_ = dir, pos_ = pos, strike_ = strike, last_x_ = lx, last_y_ = ly;
    std::copy(&bricks[0][0], &bricks[0][0] + kGrid * kGrid, &bricks_[0][0]);
  }
};

}  // namespace

std::unique_ptr<MinAtarEnv> make_minatar_breakout(const MinAtarOptions& o) { return std::make_unique<Breakout>(o); }

}  // namespace neuroevo
