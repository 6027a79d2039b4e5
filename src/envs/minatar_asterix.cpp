// minatar/asterix (docs/reference/minatar.md; MinAtar's asterix.py): the player moves on rows 1..8 while
// enemies and gold cross 8 lanes (rows 1..8, one entity per lane). +1 per gold collected; touching an
// enemy ends the episode. An entity spawns every spawn_speed frames on a random side (gold with
// probability 1/3) into a random free lane; entities move every move_speed frames. Ramping: every
// ramp_interval + 2 frames (MinAtar's timer counts down to -1) spawn_speed drops by 1 down to 1 and, on
// every second ramp, move_speed drops by 1 down to 1.
//
// Channels: 0 player, 1 enemy, 2 trail (the cell an entity came from), 3 gold.
// Minimal actions: noop, left, up, right, down.
// State vector: player_x, player_y, spawn_speed, spawn_timer, move_speed, move_timer, ramp_timer,
// ramp_index, then for lanes 1..8: present, x, moving_right, gold.
#include "minatar_base.hpp"

namespace neuroevo {
namespace {

// Constants of MinAtar's asterix.py.
constexpr int kRampInterval = 100;
constexpr int kInitSpawnSpeed = 10;
constexpr int kInitMoveInterval = 5;
constexpr int kLanes = 8;

struct Entity {
  bool present = false;
  int x = 0;
  bool right = false;  // moving right
  bool gold = false;
};

class Asterix final : public MinAtarEnv {
 public:
  explicit Asterix(const MinAtarOptions& o)
      : MinAtarEnv(o.minimal_actions ? "minatar/asterix-minimal" : "minatar/asterix", 4,
                   {kNoop, kLeft, kUp, kRight, kDown}, o, 8 + 4 * kLanes) {}

 private:
  int player_x_ = 5, player_y_ = 5;
  int spawn_speed_ = kInitSpawnSpeed, spawn_timer_ = kInitSpawnSpeed;
  int move_speed_ = kInitMoveInterval, move_timer_ = kInitMoveInterval;
  int ramp_timer_ = kRampInterval, ramp_index_ = 0;
  Entity lanes_[kLanes];  // lane k is row k + 1

  void new_game() override {
    player_x_ = 5;
    player_y_ = 5;
    for (auto& e : lanes_) e = Entity{};
    spawn_speed_ = kInitSpawnSpeed;
    spawn_timer_ = spawn_speed_;
    move_speed_ = kInitMoveInterval;
    move_timer_ = move_speed_;
    ramp_timer_ = kRampInterval;
    ramp_index_ = 0;
  }

  // Side, then gold, then a uniformly chosen free lane (nothing if every lane is taken), as in MinAtar.
  void spawn() {
    const bool right = rng().uniform() < 0.5;
    const bool gold = rng().uniform() < 1.0 / 3.0;
    int free[kLanes], n = 0;
    for (int k = 0; k < kLanes; ++k)
      if (!lanes_[k].present) free[n++] = k;
    if (n == 0) return;
    const int lane = free[rng().below(static_cast<uint64_t>(n))];
    lanes_[lane] = {true, right ? 0 : 9, right, gold};
  }

  // The player meets entity k: gold is collected (+1), an enemy ends the episode.
  void meet(int k, int& reward, bool& terminal) {
    if (lanes_[k].gold) {
      lanes_[k] = Entity{};
      reward += 1;
    } else {
      terminal = true;
    }
  }

  int act(int a, bool& terminal) override {
    int reward = 0;
    if (spawn_timer_ == 0) {
      spawn();
      spawn_timer_ = spawn_speed_;
    }
    if (a == kLeft) player_x_ = std::max(0, player_x_ - 1);
    else if (a == kRight) player_x_ = std::min(9, player_x_ + 1);
    else if (a == kUp) player_y_ = std::max(1, player_y_ - 1);
    else if (a == kDown) player_y_ = std::min(8, player_y_ + 1);
    for (int k = 0; k < kLanes; ++k)
      if (lanes_[k].present && lanes_[k].x == player_x_ && k + 1 == player_y_) meet(k, reward, terminal);
    if (move_timer_ == 0) {
      move_timer_ = move_speed_;
      for (int k = 0; k < kLanes; ++k) {
        Entity& e = lanes_[k];
        if (!e.present) continue;
        e.x += e.right ? 1 : -1;
        if (e.x < 0 || e.x > 9) e = Entity{};
        else if (e.x == player_x_ && k + 1 == player_y_) meet(k, reward, terminal);
      }
    }
    --spawn_timer_;
    --move_timer_;
    if (ramping() && (spawn_speed_ > 1 || move_speed_ > 1)) {
      if (ramp_timer_ >= 0) {
        --ramp_timer_;
      } else {
        if (move_speed_ > 1 && ramp_index_ % 2) --move_speed_;
        if (spawn_speed_ > 1) --spawn_speed_;
        ++ramp_index_;
        ramp_timer_ = kRampInterval;
      }
    }
    return reward;
  }

  void draw(GridWriter& g) const override {
    g.set(player_y_, player_x_, 0);
    for (int k = 0; k < kLanes; ++k) {
      const Entity& e = lanes_[k];
      if (!e.present) continue;
      g.set(k + 1, e.x, e.gold ? 3 : 1);
      g.set(k + 1, e.right ? e.x - 1 : e.x + 1, 2);  // off-grid trails are dropped
    }
  }

  void assign(std::span<const double> s) override {
    StateReader in(name(), s);
    const int px = in.next("player_x", 0, 9), py = in.next("player_y", 1, 8);
    const int ss = in.next("spawn_speed", 1, 1000), st = in.next("spawn_timer", 0, 1000);
    const int ms = in.next("move_speed", 1, 1000), mt = in.next("move_timer", 0, 1000);
    const int rt = in.next("ramp_timer", -1, 1000), ri = in.next("ramp_index", 0, 1 << 20);
    Entity lanes[kLanes];
    for (auto& e : lanes) {
      e.present = in.flag("present");
      e.x = in.next("x", 0, 9);
      e.right = in.flag("moving_right");
      e.gold = in.flag("gold");
    }
    player_x_ = px, player_y_ = py, spawn_speed_ = ss, spawn_timer_ = st, move_speed_ = ms, move_timer_ = mt;
    ramp_timer_ = rt, ramp_index_ = ri;
    std::copy(std::begin(lanes), std::end(lanes), std::begin(lanes_));
  }
};

}  // namespace

std::unique_ptr<MinAtarEnv> make_minatar_asterix(const MinAtarOptions& o) { return std::make_unique<Asterix>(o); }

}  // namespace neuroevo
