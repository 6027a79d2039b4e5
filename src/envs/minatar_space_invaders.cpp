// minatar/space_invaders (docs/reference/minatar.md; MinAtar's space_invaders.py): a cannon on the bottom
// row shoots at a block of 24 aliens (rows 0-3, columns 2-7) that moves sideways, steps down and reverses
// at an edge. Aliens move every min(#aliens, interval) frames (interval 12, -1 per new wave down to 6
// when ramping); the alien nearest the cannon's column (lowest one in that column; ties to the left)
// fires every 10 frames; the cannon's shot cooldown is 5 frames. +1 per alien; a new wave when all are
// gone; an alien or enemy bullet reaching the cannon ends the episode.
//
// Channels: 0 cannon, 1 alien, 2 alien moving left, 3 alien moving right, 4 friendly bullet, 5 enemy bullet.
// Minimal actions: noop, left, right, fire.
// State vector: cannon x, alien_dir (0 left, 1 right), move_interval, alien_move_timer, alien_shot_timer,
// ramp_index, shot_timer, then three 100-cell maps row by row: aliens, friendly bullets, enemy bullets.
#include <array>
#include <cstdlib>

#include "minatar_base.hpp"

namespace neuroevo {
namespace {

// Constants of MinAtar's space_invaders.py.
constexpr int kShotCoolDown = 5;
constexpr int kEnemyMoveInterval = 12;
constexpr int kMinMoveInterval = 6;
constexpr int kEnemyShotInterval = 10;

using Map = std::array<std::array<bool, kGrid>, kGrid>;  // [row][col]

class SpaceInvaders final : public MinAtarEnv {
 public:
  explicit SpaceInvaders(const MinAtarOptions& o)
      : MinAtarEnv(o.minimal_actions ? "minatar/space_invaders-minimal" : "minatar/space_invaders", 6,
                   {kNoop, kLeft, kRight, kFire}, o, 7 + 3 * kGrid * kGrid) {}

 private:
  int pos_ = 5, alien_dir_ = -1, move_interval_ = kEnemyMoveInterval;
  int alien_move_timer_ = kEnemyMoveInterval, alien_shot_timer_ = kEnemyShotInterval;
  int ramp_index_ = 0, shot_timer_ = 0;
  Map aliens_{}, f_bullets_{}, e_bullets_{};

  static void new_wave(Map& m) {
    for (int r = 0; r < 4; ++r)
      for (int c = 2; c < 8; ++c) m[r][c] = true;
  }
  int alien_count() const {
    int n = 0;
    for (const auto& row : aliens_)
      for (bool a : row) n += a;
    return n;
  }
  bool column_has_alien(int c) const {
    for (int r = 0; r < kGrid; ++r)
      if (aliens_[r][c]) return true;
    return false;
  }

  void new_game() override {
    pos_ = 5;
    aliens_ = {};
    f_bullets_ = {};
    e_bullets_ = {};
    new_wave(aliens_);
    alien_dir_ = -1;
    move_interval_ = kEnemyMoveInterval;
    alien_move_timer_ = move_interval_;
    alien_shot_timer_ = kEnemyShotInterval;
    ramp_index_ = 0;
    shot_timer_ = 0;
  }

  int act(int a, bool& terminal) override {
    int reward = 0;
    if (a == kFire && shot_timer_ == 0) {
      f_bullets_[9][pos_] = true;
      shot_timer_ = kShotCoolDown;
    } else if (a == kLeft) {
      pos_ = std::max(0, pos_ - 1);
    } else if (a == kRight) {
      pos_ = std::min(9, pos_ + 1);
    }
    // Friendly bullets move up one row (leaving from the top), enemy bullets down one row.
    for (int r = 0; r + 1 < kGrid; ++r) f_bullets_[r] = f_bullets_[r + 1];
    f_bullets_[9] = {};
    for (int r = kGrid - 1; r > 0; --r) e_bullets_[r] = e_bullets_[r - 1];
    e_bullets_[0] = {};
    if (e_bullets_[9][pos_]) terminal = true;

    if (aliens_[9][pos_]) terminal = true;
    if (alien_move_timer_ == 0) {
      alien_move_timer_ = std::min(alien_count(), move_interval_);
      if ((column_has_alien(0) && alien_dir_ < 0) || (column_has_alien(9) && alien_dir_ > 0)) {
        alien_dir_ = -alien_dir_;
        for (bool x : aliens_[9])
          if (x) terminal = true;
        std::rotate(aliens_.rbegin(), aliens_.rbegin() + 1, aliens_.rend());  // down one row (wrapping, as np.roll)
      } else {
        for (auto& row : aliens_) {  // sideways; the edge column in that direction is empty, so nothing wraps
          if (alien_dir_ < 0) std::rotate(row.begin(), row.begin() + 1, row.end());
          else std::rotate(row.rbegin(), row.rbegin() + 1, row.rend());
        }
      }
      if (aliens_[9][pos_]) terminal = true;
    }
    if (alien_shot_timer_ == 0) {
      alien_shot_timer_ = kEnemyShotInterval;
      // Columns by distance from the cannon, the left one first on ties (Python's stable sort).
      for (int d = 0; d < kGrid; ++d) {
        bool fired = false;
        for (int c : {pos_ - d, pos_ + d}) {
          if (c < 0 || c > 9 || !column_has_alien(c)) continue;  // (d = 0 checks the same column twice)
          int r = kGrid - 1;
          while (!aliens_[r][c]) --r;
          e_bullets_[r][c] = true;
          fired = true;
          break;
        }
        if (fired) break;
      }
    }
    for (int r = 0; r < kGrid; ++r)
      for (int c = 0; c < kGrid; ++c)
        if (aliens_[r][c] && f_bullets_[r][c]) {
          aliens_[r][c] = f_bullets_[r][c] = false;
          reward += 1;
        }
    if (shot_timer_ > 0) --shot_timer_;
    --alien_move_timer_;
    --alien_shot_timer_;
    if (alien_count() == 0) {
      if (move_interval_ > kMinMoveInterval && ramping()) {
        --move_interval_;
        ++ramp_index_;
      }
      new_wave(aliens_);
    }
    return reward;
  }

  void draw(GridWriter& g) const override {
    g.set(9, pos_, 0);
    for (int r = 0; r < kGrid; ++r)
      for (int c = 0; c < kGrid; ++c) {
        if (aliens_[r][c]) {
          g.set(r, c, 1);
          g.set(r, c, alien_dir_ < 0 ? 2 : 3);
        }
        if (f_bullets_[r][c]) g.set(r, c, 4);
        if (e_bullets_[r][c]) g.set(r, c, 5);
      }
  }

  void assign(std::span<const double> s) override {
    StateReader in(name(), s);
    const int pos = in.next("cannon_x", 0, 9), dir = in.flag("alien_dir") ? 1 : -1;
    const int mi = in.next("move_interval", 1, 1000), mt = in.next("alien_move_timer", 0, 1000);
    const int st = in.next("alien_shot_timer", 0, 1000), ri = in.next("ramp_index", 0, 1 << 20);
    const int sh = in.next("shot_timer", 0, 1000);
    Map maps[3];
    for (auto& m : maps)
      for (auto& row : m)
        for (auto&& cell : row) cell = in.flag("map cell");
    bool any = false;
    for (const auto& row : maps[0])
      for (bool x : row) any = any || x;
    if (!any) throw UsageError(name() + ": the state must contain at least one alien");
    pos_ = pos, alien_dir_ = dir, move_interval_ = mi, alien_move_timer_ = mt, alien_shot_timer_ = st;
    ramp_index_ = ri, shot_timer_ = sh;
    aliens_ = maps[0], f_bullets_ = maps[1], e_bullets_ = maps[2];
  }
};

}  // namespace

std::unique_ptr<MinAtarEnv> make_minatar_space_invaders(const MinAtarOptions& o) {
  return std::make_unique<SpaceInvaders>(o);
}

}  // namespace neuroevo
