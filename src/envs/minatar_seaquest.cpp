// minatar/seaquest (docs/reference/minatar.md; MinAtar's seaquest.py): a submarine (front and back cells)
// shoots enemy fish and enemy subs (+1 each), picks up divers (at most 6) and must surface for oxygen.
// It starts on the surface (row 0) at column 5 facing left with 200 oxygen, losing 1 per frame under
// water. Enemies spawn every e_spawn_speed frames (20 at first; a sub with probability 1/3; not into a
// row holding an enemy moving the other way), divers every 30 frames; enemies move every move_speed
// frames (5 at first), divers every 5; enemy subs fire every 10 frames; the shot cooldown is 5 frames.
// Surfacing: with 6 divers, +oxygen*10/200 (integer division) and the divers are emptied; with 1-5
// divers one diver is removed; either way oxygen is refilled and, with ramping, the difficulty rises
// (e_spawn_speed -1 down to 1; move_speed -1 on every second ramp down to 2). Surfacing with no diver,
// running out of oxygen, or touching an enemy or enemy bullet ends the episode.
//
// One deliberate difference: MinAtar's _surface also subtracts a diver after emptying a full load,
// leaving -1 divers (after which surfacing never ends the game); here a full load empties to 0, as the
// spec states.
// Entities are updated in MinAtar's order (friendly bullets, divers, enemy subs, enemy bullets, fish;
// each list from its newest element back), and an enemy sub destroyed or leaving the grid still fires
// if its shot timer is due on that frame, as in MinAtar.
//
// Channels: 0 sub front, 1 sub back, 2 friendly bullet, 3 trail, 4 enemy bullet, 5 enemy fish,
// 6 enemy sub, 7 oxygen gauge (row 9, oxygen*10/200 cells from the left), 8 diver gauge (row 9, one cell
// per diver ending at column 8), 9 diver.
// Minimal actions: all six.
// State vector: oxygen, diver_count, sub_x, sub_y, sub_right, e_spawn_speed, e_spawn_timer, d_spawn_timer,
// move_speed, ramp_index, shot_timer, surfaced, then five lists, each a count followed by a fixed number
// of slots (unused slots ignored but range-checked): friendly bullets (10 x [x, y, right]), enemy bullets
// (20 x [x, y, right]), fish (20 x [x, y, right, move_timer]), subs (20 x [x, y, right, move_timer,
// shot_timer]), divers (20 x [x, y, right, move_timer]).
#include <vector>

#include "minatar_base.hpp"

namespace neuroevo {
namespace {

// Constants of MinAtar's seaquest.py.
constexpr int kMaxOxygen = 200;
constexpr int kInitSpawnSpeed = 20;
constexpr int kDiverSpawnSpeed = 30;
constexpr int kInitMoveInterval = 5;
constexpr int kShotCoolDown = 5;
constexpr int kEnemyShotInterval = 10;
constexpr int kDiverMoveInterval = 5;
constexpr int kMaxDivers = 6;

// Slots of each list in the set_state vector.
constexpr int kFriendlySlots = 10, kEnemyBulletSlots = 20, kFishSlots = 20, kSubSlots = 20, kDiverSlots = 20;
constexpr size_t kStateDim = 12 + (1 + 3 * kFriendlySlots) + (1 + 3 * kEnemyBulletSlots) + (1 + 4 * kFishSlots) +
                             (1 + 5 * kSubSlots) + (1 + 4 * kDiverSlots);

struct Mover {
  int x = 0, y = 0;
  bool right = false;
  int move_timer = 0;  // fish, subs, divers
  int shot_timer = 0;  // subs
  void advance() { x += right ? 1 : -1; }
  bool off_grid() const { return x < 0 || x > 9; }
  bool at(int px, int py) const { return x == px && y == py; }
};

class Seaquest final : public MinAtarEnv {
 public:
  explicit Seaquest(const MinAtarOptions& o)
      : MinAtarEnv(o.minimal_actions ? "minatar/seaquest-minimal" : "minatar/seaquest", 10,
                   {kNoop, kLeft, kUp, kRight, kDown, kFire}, o, kStateDim) {}

 private:
  int oxygen_ = kMaxOxygen, divers_carried_ = 0, sub_x_ = 5, sub_y_ = 0;
  bool sub_right_ = false;
  int e_spawn_speed_ = kInitSpawnSpeed, e_spawn_timer_ = kInitSpawnSpeed, d_spawn_timer_ = kDiverSpawnSpeed;
  int move_speed_ = kInitMoveInterval, ramp_index_ = 0, shot_timer_ = 0;
  bool surfaced_ = true;
  std::vector<Mover> f_bullets_, e_bullets_, fish_, subs_, divers_;

  void new_game() override {
    oxygen_ = kMaxOxygen;
    divers_carried_ = 0;
    sub_x_ = 5;
    sub_y_ = 0;
    sub_right_ = false;
    f_bullets_.clear();
    e_bullets_.clear();
    fish_.clear();
    subs_.clear();
    divers_.clear();
    e_spawn_speed_ = kInitSpawnSpeed;
    e_spawn_timer_ = e_spawn_speed_;
    d_spawn_timer_ = kDiverSpawnSpeed;
    move_speed_ = kInitMoveInterval;
    ramp_index_ = 0;
    shot_timer_ = 0;
    surfaced_ = true;
  }

  void spawn_enemy() {
    const bool right = rng().uniform() < 0.5;
    const bool is_sub = rng().uniform() < 1.0 / 3.0;
    const int y = 1 + static_cast<int>(rng().below(8));
    for (const auto* list : {&subs_, &fish_})
      for (const Mover& m : *list)
        if (m.y == y && m.right != right) return;  // would collide with a row mate moving the other way
    Mover m{right ? 0 : 9, y, right, move_speed_, kEnemyShotInterval};
    (is_sub ? subs_ : fish_).push_back(m);
  }

  void spawn_diver() {
    const bool right = rng().uniform() < 0.5;
    const int y = 1 + static_cast<int>(rng().below(8));
    divers_.push_back({right ? 0 : 9, y, right, kDiverMoveInterval, 0});
  }

  // Removes the first (oldest) element of `list` at (x, y); true if there was one.
  static bool remove_at(std::vector<Mover>& list, int x, int y) {
    for (size_t j = 0; j < list.size(); ++j)
      if (list[j].at(x, y)) {
        list.erase(list.begin() + static_cast<ptrdiff_t>(j));
        return true;
      }
    return false;
  }

  // Fish and subs: collision with the player before and after moving, a friendly bullet on arrival.
  // Returns false if the enemy left the grid or was shot.
  bool update_enemy(Mover& e, int& reward, bool& terminal) {
    if (e.at(sub_x_, sub_y_)) terminal = true;
    if (e.move_timer != 0) {
      --e.move_timer;
      return true;
    }
    e.move_timer = move_speed_;
    e.advance();
    if (e.off_grid()) return false;
    if (e.at(sub_x_, sub_y_)) {
      terminal = true;
      return true;
    }
    if (remove_at(f_bullets_, e.x, e.y)) {
      reward += 1;
      return false;
    }
    return true;
  }

  int surface() {
    surfaced_ = true;
    int reward = 0;
    if (divers_carried_ == kMaxDivers) {
      divers_carried_ = 0;
      reward = oxygen_ * 10 / kMaxOxygen;
    } else {
      --divers_carried_;
    }
    oxygen_ = kMaxOxygen;
    if (ramping() && (e_spawn_speed_ > 1 || move_speed_ > 2)) {
      if (move_speed_ > 2 && ramp_index_ % 2) --move_speed_;
      if (e_spawn_speed_ > 1) --e_spawn_speed_;
      ++ramp_index_;
    }
    return reward;
  }

  int act(int a, bool& terminal) override {
    int reward = 0;
    if (e_spawn_timer_ == 0) {
      spawn_enemy();
      e_spawn_timer_ = e_spawn_speed_;
    }
    if (d_spawn_timer_ == 0) {
      spawn_diver();
      d_spawn_timer_ = kDiverSpawnSpeed;
    }
    if (a == kFire && shot_timer_ == 0) {
      f_bullets_.push_back({sub_x_, sub_y_, sub_right_, 0, 0});
      shot_timer_ = kShotCoolDown;
    } else if (a == kLeft) {
      sub_x_ = std::max(0, sub_x_ - 1);
      sub_right_ = false;
    } else if (a == kRight) {
      sub_x_ = std::min(9, sub_x_ + 1);
      sub_right_ = true;
    } else if (a == kUp) {
      sub_y_ = std::max(0, sub_y_ - 1);
    } else if (a == kDown) {
      sub_y_ = std::min(8, sub_y_ + 1);
    }

    for (size_t i = f_bullets_.size(); i-- > 0;) {
      Mover& b = f_bullets_[i];
      b.advance();
      const bool hit = !b.off_grid() && (remove_at(fish_, b.x, b.y) || remove_at(subs_, b.x, b.y));
      if (hit) reward += 1;
      if (hit || b.off_grid()) f_bullets_.erase(f_bullets_.begin() + static_cast<ptrdiff_t>(i));
    }

    for (size_t i = divers_.size(); i-- > 0;) {
      Mover& d = divers_[i];
      bool gone = false;
      if (d.at(sub_x_, sub_y_) && divers_carried_ < kMaxDivers) {
        ++divers_carried_;
        gone = true;
      } else if (d.move_timer == 0) {
        d.move_timer = kDiverMoveInterval;
        d.advance();
        if (d.off_grid()) {
          gone = true;
        } else if (d.at(sub_x_, sub_y_) && divers_carried_ < kMaxDivers) {
          ++divers_carried_;
          gone = true;
        }
      } else {
        --d.move_timer;
      }
      if (gone) divers_.erase(divers_.begin() + static_cast<ptrdiff_t>(i));
    }

    for (size_t i = subs_.size(); i-- > 0;) {
      const bool stays = update_enemy(subs_[i], reward, terminal);
      Mover s = subs_[i];  // fires below even when removed this frame (MinAtar keeps its reference)
      if (!stays) subs_.erase(subs_.begin() + static_cast<ptrdiff_t>(i));
      if (s.shot_timer == 0) {
        if (stays) subs_[i].shot_timer = kEnemyShotInterval;
        e_bullets_.push_back({s.x, s.y, s.right, 0, 0});
      } else if (stays) {
        --subs_[i].shot_timer;
      }
    }

    for (size_t i = e_bullets_.size(); i-- > 0;) {
      Mover& b = e_bullets_[i];
      if (b.at(sub_x_, sub_y_)) terminal = true;
      b.advance();
      if (b.off_grid()) e_bullets_.erase(e_bullets_.begin() + static_cast<ptrdiff_t>(i));
      else if (b.at(sub_x_, sub_y_)) terminal = true;
    }

    for (size_t i = fish_.size(); i-- > 0;)
      if (!update_enemy(fish_[i], reward, terminal)) fish_.erase(fish_.begin() + static_cast<ptrdiff_t>(i));

    if (e_spawn_timer_ > 0) --e_spawn_timer_;
    if (d_spawn_timer_ > 0) --d_spawn_timer_;
    if (shot_timer_ > 0) --shot_timer_;
    if (oxygen_ <= 0) terminal = true;
    if (sub_y_ > 0) {
      --oxygen_;
      surfaced_ = false;
    } else if (!surfaced_) {
      if (divers_carried_ == 0) terminal = true;
      else reward += surface();
    }
    return reward;
  }

  void draw(GridWriter& g) const override {
    g.set(sub_y_, sub_x_, 0);
    g.set(sub_y_, sub_right_ ? sub_x_ - 1 : sub_x_ + 1, 1);
    for (int c = 0; c < std::max(0, oxygen_) * 10 / kMaxOxygen; ++c) g.set(9, c, 7);
    for (int c = 9 - divers_carried_; c < 9; ++c) g.set(9, c, 8);
    for (const Mover& b : f_bullets_) g.set(b.y, b.x, 2);
    for (const Mover& b : e_bullets_) g.set(b.y, b.x, 4);
    auto with_trail = [&](const std::vector<Mover>& list, int channel) {
      for (const Mover& m : list) {
        g.set(m.y, m.x, channel);
        g.set(m.y, m.right ? m.x - 1 : m.x + 1, 3);  // off-grid trails are dropped
      }
    };
    with_trail(fish_, 5);
    with_trail(subs_, 6);
    with_trail(divers_, 9);
  }

  static std::vector<Mover> read_list(StateReader& in, int slots, int fields, int min_y) {
    const int n = in.next("list count", 0, slots);
    std::vector<Mover> out;
    for (int k = 0; k < slots; ++k) {
      Mover m;
      m.x = in.next("x", 0, 9);
      m.y = in.next("y", min_y, 9);
      m.right = in.flag("right");
      if (fields >= 4) m.move_timer = in.next("move_timer", 0, 1000);
      if (fields >= 5) m.shot_timer = in.next("shot_timer", 0, 1000);
      if (k < n) out.push_back(m);
    }
    return out;
  }

  void assign(std::span<const double> s) override {
    StateReader in(name(), s);
    const int oxygen = in.next("oxygen", 0, kMaxOxygen), carried = in.next("diver_count", 0, kMaxDivers);
    const int sx = in.next("sub_x", 0, 9), sy = in.next("sub_y", 0, 8);
    const bool sr = in.flag("sub_right");
    const int ess = in.next("e_spawn_speed", 1, 1000), est = in.next("e_spawn_timer", 0, 1000);
    const int dst = in.next("d_spawn_timer", 0, 1000), ms = in.next("move_speed", 1, 1000);
    const int ri = in.next("ramp_index", 0, 1 << 20), st = in.next("shot_timer", 0, 1000);
    const bool surfaced = in.flag("surfaced");
    auto fb = read_list(in, kFriendlySlots, 3, 0);
    auto eb = read_list(in, kEnemyBulletSlots, 3, 0);
    auto fish = read_list(in, kFishSlots, 4, 1);
    auto subs = read_list(in, kSubSlots, 5, 1);
    auto divers = read_list(in, kDiverSlots, 4, 1);
    oxygen_ = oxygen, divers_carried_ = carried, sub_x_ = sx, sub_y_ = sy, sub_right_ = sr;
    e_spawn_speed_ = ess, e_spawn_timer_ = est, d_spawn_timer_ = dst, move_speed_ = ms, ramp_index_ = ri;
    shot_timer_ = st, surfaced_ = surfaced;
    f_bullets_ = std::move(fb), e_bullets_ = std::move(eb), fish_ = std::move(fish), subs_ = std::move(subs);
    divers_ = std::move(divers);
  }
};

}  // namespace

std::unique_ptr<MinAtarEnv> make_minatar_seaquest(const MinAtarOptions& o) { return std::make_unique<Seaquest>(o); }

}  // namespace neuroevo
