#!/usr/bin/env python3
"""Reference trajectories of the five MinAtar games, checked against `neuroevo env rollout`.

An independent implementation of the MinAtar rules (Young & Tian 2019, "MinAtar: An Atari-inspired
testbed for thorough and reproducible reinforcement learning experiments", arXiv:1903.03176), written
from the published code at github.com/kenjyoung/MinAtar, commit 4241f24 (minatar/environment.py and
minatar/environments/*.py). It keeps MinAtar's semantics exactly, including the order in which entity
lists are walked (newest first) and what a removed enemy still does on that frame.

Randomness. MinAtar draws from numpy's RandomState; neuroevo draws from its own SplitMix64 stream
(include/neuroevo/core/rng.hpp, seeded with the reset seed). So that trajectories can be compared draw
for draw, this script reimplements that stream and maps each numpy call MinAtar makes, in MinAtar's
order, to one draw:
    rand()                -> uniform()             (53 random bits / 2^53)
    randint(lo, hi)       -> lo + below(hi - lo)   (Lemire multiply-shift)
    breakout randint(2)   -> 1 if uniform() < 0.5  (ball starts on the right)
    freeway sign(rand()-0.5) -> -1 if uniform() < 0.5 else +1
The sticky-action draw comes first in every frame, as in MinAtar's Environment.act (p = 0.1).

Documented deviations of neuroevo (docs/reference/minatar.md), applied here only where the flag says so:
  * seaquest, surfacing with 6 divers: MinAtar's _surface empties the load and then also subtracts one
    diver, leaving -1 (after which surfacing never ends the game); neuroevo empties to 0. The script
    follows neuroevo and counts how often the case occurred (SEAQUEST_FULL_LOAD_ZERO).
  * neuroevo resets the previous (sticky) action to noop at every reset; MinAtar keeps it across
    episodes. Every trajectory here starts from a fresh environment, where both hold noop.
Seaquest's oxygen rule is MinAtar's current one, `oxygen <= 0` ends the episode (commit da3dc2d
"fixed a bug in seaquest which caused the oxygen bar to flash to full one time step before oxygen ran
out"; MinAtar 1.0 had `oxygen < 0`).

Usage: minatar_ref.py NEUROEVO_BINARY [WORK_DIR]. Runs every game for several seeds with scripted
policies (closed-loop on the reference's own state, so episodes are long and reach ramping, refills,
surfacing and oxygen exhaustion), replays the same actions through the binary and compares every
observation, reward and termination flag. Exit 0 if all agree, 1 with the first difference otherwise.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

MASK = (1 << 64) - 1
SEAQUEST_FULL_LOAD_ZERO = True


class SplitMix:
    """neuroevo's Stream: SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) started at the seed."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def rand(self):
        return (self.next_u64() >> 11) * 2.0**-53

    def randint(self, lo, hi):
        return lo + ((self.next_u64() * (hi - lo)) >> 64)


ACTIONS = "nlurdf"  # MinAtar's action_map


# ----------------------------------------------------------------------------------- Breakout
class Breakout:
    channels = 4

    def __init__(self, rng):
        self.rng = rng
        self.ball_y = 3
        start_right = 1 if rng.rand() < 0.5 else 0
        self.ball_x, self.ball_dir = [(0, 2), (9, 3)][start_right]
        self.pos = 4
        self.bricks = np.zeros((10, 10), dtype=int)
        self.bricks[1:4, :] = 1
        self.strike = False
        self.last_x, self.last_y = self.ball_x, self.ball_y
        self.terminal = False

    def act(self, a):
        r = 0
        if a == "l":
            self.pos = max(0, self.pos - 1)
        elif a == "r":
            self.pos = min(9, self.pos + 1)
        self.last_x, self.last_y = self.ball_x, self.ball_y
        dx, dy = [(-1, -1), (1, -1), (1, 1), (-1, 1)][self.ball_dir]
        nx, ny = self.ball_x + dx, self.ball_y + dy
        hit_brick = False
        if nx < 0 or nx > 9:
            nx = min(max(nx, 0), 9)
            self.ball_dir = [1, 0, 3, 2][self.ball_dir]
        if ny < 0:
            ny = 0
            self.ball_dir = [3, 2, 1, 0][self.ball_dir]
        elif self.bricks[ny, nx] == 1:
            hit_brick = True
            if not self.strike:
                r += 1
                self.strike = True
                self.bricks[ny, nx] = 0
                ny = self.last_y
                self.ball_dir = [3, 2, 1, 0][self.ball_dir]
        elif ny == 9:
            if not self.bricks.any():
                self.bricks[1:4, :] = 1
            if self.ball_x == self.pos:
                self.ball_dir = [3, 2, 1, 0][self.ball_dir]
                ny = self.last_y
            elif nx == self.pos:
                self.ball_dir = [2, 3, 0, 1][self.ball_dir]
                ny = self.last_y
            else:
                self.terminal = True
        if not hit_brick:
            self.strike = False
        self.ball_x, self.ball_y = nx, ny
        return r

    def obs(self):
        s = np.zeros((10, 10, 4), dtype=np.uint8)
        s[self.ball_y, self.ball_x, 1] = 1
        s[9, self.pos, 0] = 1
        s[self.last_y, self.last_x, 2] = 1
        s[:, :, 3] = self.bricks
        return s

    def policy(self, k, noise):
        # follow the column the ball moves to, with a few random moves
        if noise.rand() < 0.03:
            return int(noise.randint(0, 6))
        target = min(max(self.ball_x + [-1, 1, 1, -1][self.ball_dir], 0), 9)
        return 1 if target < self.pos else 3 if target > self.pos else 0


# ----------------------------------------------------------------------------------- Asterix
class Asterix:
    channels = 4
    ramp_interval, init_spawn, init_move = 100, 10, 5

    def __init__(self, rng, ramping=True):
        self.rng = rng
        self.ramping = ramping
        self.px, self.py = 5, 5
        self.ent = [None] * 8  # lane i (row i+1): [x, y, right, gold]
        self.spawn_speed = self.init_spawn
        self.spawn_timer = self.spawn_speed
        self.move_speed = self.init_move
        self.move_timer = self.move_speed
        self.ramp_timer = self.ramp_interval
        self.ramp_index = 0
        self.terminal = False

    def spawn(self):
        right = self.rng.rand() < 0.5
        gold = self.rng.rand() < 1 / 3
        free = [i for i in range(8) if self.ent[i] is None]
        if not free:
            return
        lane = free[self.rng.randint(0, len(free))]
        self.ent[lane] = [0 if right else 9, lane + 1, right, gold]

    def touch(self, i, r):
        if self.ent[i][3]:
            self.ent[i] = None
            return r + 1
        self.terminal = True
        return r

    def act(self, a):
        r = 0
        if self.spawn_timer == 0:
            self.spawn()
            self.spawn_timer = self.spawn_speed
        if a == "l":
            self.px = max(0, self.px - 1)
        elif a == "r":
            self.px = min(9, self.px + 1)
        elif a == "u":
            self.py = max(1, self.py - 1)
        elif a == "d":
            self.py = min(8, self.py + 1)
        for i in range(8):
            e = self.ent[i]
            if e is not None and e[0:2] == [self.px, self.py]:
                r = self.touch(i, r)
        if self.move_timer == 0:
            self.move_timer = self.move_speed
            for i in range(8):
                e = self.ent[i]
                if e is None:
                    continue
                e[0] += 1 if e[2] else -1
                if e[0] < 0 or e[0] > 9:
                    self.ent[i] = None
                # MinAtar tests the (now possibly removed) entity's position anyway; off-grid never matches
                if e[0:2] == [self.px, self.py]:
                    r = self.touch(i, r)
        self.spawn_timer -= 1
        self.move_timer -= 1
        if self.ramping and (self.spawn_speed > 1 or self.move_speed > 1):
            if self.ramp_timer >= 0:
                self.ramp_timer -= 1
            else:
                if self.move_speed > 1 and self.ramp_index % 2:
                    self.move_speed -= 1
                if self.spawn_speed > 1:
                    self.spawn_speed -= 1
                self.ramp_index += 1
                self.ramp_timer = self.ramp_interval
        return r

    def obs(self):
        s = np.zeros((10, 10, 4), dtype=np.uint8)
        s[self.py, self.px, 0] = 1
        for e in self.ent:
            if e is None:
                continue
            s[e[1], e[0], 3 if e[3] else 1] = 1
            back = e[0] - 1 if e[2] else e[0] + 1
            if 0 <= back <= 9:
                s[e[1], back, 2] = 1
        return s

    def threat(self, row, x):
        """True if an enemy in `row` is at most 2 cells from column x and moving towards it (or on it)."""
        for e in self.ent:
            if e is not None and not e[3] and e[1] == row:
                d = (x - e[0]) * (1 if e[2] else -1)
                if 0 <= d <= 2:
                    return True
        return False

    def policy(self, k, noise):
        # dodge: leave a row with an approaching enemy for a safe one, otherwise chase gold or wander
        if self.threat(self.py, self.px):
            for move, row in ((2, self.py - 1), (4, self.py + 1)):
                if 1 <= row <= 8 and not self.threat(row, self.px):
                    return move
        gold = [e for e in self.ent if e is not None and e[3]]
        if gold and noise.rand() < 0.7:
            g = gold[0]
            move, row = (2, self.py - 1) if g[1] < self.py else (4, self.py + 1) if g[1] > self.py else (0, self.py)
            if not self.threat(row, self.px):
                return move
        return int(noise.choice([0, 1, 3]))


# ----------------------------------------------------------------------------------- Freeway
class Freeway:
    channels = 7
    player_speed, time_limit = 3, 2500

    def __init__(self, rng):
        self.rng = rng
        self.cars = [[0, i + 1, 0, 0] for i in range(8)]  # [x, y, timer, velocity]
        self.randomize()
        self.pos = 9
        self.move_timer = self.player_speed
        self.terminate_timer = self.time_limit
        self.terminal = False

    def randomize(self):
        speeds = [self.rng.randint(1, 6) for _ in range(8)]
        signs = [-1 if self.rng.rand() < 0.5 else 1 for _ in range(8)]
        for c, v, d in zip(self.cars, speeds, signs):
            c[2], c[3] = v, v * d

    def act(self, a):
        r = 0
        if a == "u" and self.move_timer == 0:
            self.move_timer = self.player_speed
            self.pos = max(0, self.pos - 1)
        elif a == "d" and self.move_timer == 0:
            self.move_timer = self.player_speed
            self.pos = min(9, self.pos + 1)
        if self.pos == 0:
            r += 1
            self.randomize()
            self.pos = 9
        for c in self.cars:
            if c[0:2] == [4, self.pos]:
                self.pos = 9
            if c[2] == 0:
                c[2] = abs(c[3])
                c[0] += 1 if c[3] > 0 else -1
                c[0] = 9 if c[0] < 0 else 0 if c[0] > 9 else c[0]
                if c[0:2] == [4, self.pos]:
                    self.pos = 9
            else:
                c[2] -= 1
        self.move_timer -= self.move_timer > 0
        self.terminate_timer -= 1
        if self.terminate_timer < 0:
            self.terminal = True
        return r

    def obs(self):
        s = np.zeros((10, 10, 7), dtype=np.uint8)
        s[self.pos, 4, 0] = 1
        for x, y, _, v in self.cars:
            s[y, x, 1] = 1
            back = x - 1 if v > 0 else x + 1
            back = 9 if back < 0 else 0 if back > 9 else back
            s[y, back, 1 + abs(v)] = 1
        return s

    def policy(self, k, noise):
        return 2 if noise.rand() < 0.8 else int(noise.randint(0, 6))


# ----------------------------------------------------------------------------------- Seaquest
class Seaquest:
    channels = 10
    max_oxygen, init_spawn, diver_spawn, init_move = 200, 20, 30, 5
    shot_cool_down, enemy_shot_interval, diver_move_interval = 5, 10, 5

    def __init__(self, rng, ramping=True):
        self.rng = rng
        self.ramping = ramping
        self.oxygen = self.max_oxygen
        self.divers_carried = 0
        self.sx, self.sy, self.s_right = 5, 0, False
        self.f_bullets, self.e_bullets, self.fish, self.subs, self.divers = [], [], [], [], []
        self.e_spawn_speed = self.init_spawn
        self.e_spawn_timer = self.e_spawn_speed
        self.d_spawn_timer = self.diver_spawn
        self.move_speed = self.init_move
        self.ramp_index = 0
        self.shot_timer = 0
        self.surfaced = True
        self.terminal = False
        self.full_loads = 0

    def spawn_enemy(self):
        right = self.rng.rand() < 0.5
        is_sub = self.rng.rand() < 1 / 3
        y = self.rng.randint(1, 9)
        if any(e[1] == y and e[2] != right for e in self.subs + self.fish):
            return
        if is_sub:
            self.subs.append([0 if right else 9, y, right, self.move_speed, self.enemy_shot_interval])
        else:
            self.fish.append([0 if right else 9, y, right, self.move_speed])

    def spawn_diver(self):
        right = self.rng.rand() < 0.5
        y = self.rng.randint(1, 9)
        self.divers.append([0 if right else 9, y, right, self.diver_move_interval])

    def at_sub(self, e):
        return e[0] == self.sx and e[1] == self.sy

    def surface(self):
        self.surfaced = True
        r = 0
        if self.divers_carried == 6:
            self.full_loads += 1
            self.divers_carried = 0
            r = self.oxygen * 10 // self.max_oxygen
            if not SEAQUEST_FULL_LOAD_ZERO:
                self.divers_carried -= 1
        else:
            self.divers_carried -= 1
        self.oxygen = self.max_oxygen
        if self.ramping and (self.e_spawn_speed > 1 or self.move_speed > 2):
            if self.move_speed > 2 and self.ramp_index % 2:
                self.move_speed -= 1
            if self.e_spawn_speed > 1:
                self.e_spawn_speed -= 1
            self.ramp_index += 1
        return r

    def enemy_step(self, e, own_list, r):
        """Moves a fish or sub (MinAtar's loop body); returns the reward."""
        if self.at_sub(e):
            self.terminal = True
        if e[3] == 0:
            e[3] = self.move_speed
            e[0] += 1 if e[2] else -1
            if e[0] < 0 or e[0] > 9:
                own_list.remove(e)
            elif self.at_sub(e):
                self.terminal = True
            else:
                for b in self.f_bullets:
                    if b[0:2] == e[0:2]:
                        own_list.remove(e)
                        self.f_bullets.remove(b)
                        r += 1
                        break
        else:
            e[3] -= 1
        return r

    def act(self, a):
        r = 0
        if self.e_spawn_timer == 0:
            self.spawn_enemy()
            self.e_spawn_timer = self.e_spawn_speed
        if self.d_spawn_timer == 0:
            self.spawn_diver()
            self.d_spawn_timer = self.diver_spawn
        if a == "f" and self.shot_timer == 0:
            self.f_bullets.append([self.sx, self.sy, self.s_right])
            self.shot_timer = self.shot_cool_down
        elif a == "l":
            self.sx, self.s_right = max(0, self.sx - 1), False
        elif a == "r":
            self.sx, self.s_right = min(9, self.sx + 1), True
        elif a == "u":
            self.sy = max(0, self.sy - 1)
        elif a == "d":
            self.sy = min(8, self.sy + 1)
        for b in reversed(self.f_bullets):
            b[0] += 1 if b[2] else -1
            if b[0] < 0 or b[0] > 9:
                self.f_bullets.remove(b)
                continue
            hit = next((e for e in self.fish if e[0:2] == b[0:2]), None)
            if hit is not None:
                self.fish.remove(hit)
            else:
                hit = next((e for e in self.subs if e[0:2] == b[0:2]), None)
                if hit is not None:
                    self.subs.remove(hit)
            if hit is not None:
                self.f_bullets.remove(b)
                r += 1
        for d in reversed(self.divers):
            if self.at_sub(d) and self.divers_carried < 6:
                self.divers.remove(d)
                self.divers_carried += 1
            elif d[3] == 0:
                d[3] = self.diver_move_interval
                d[0] += 1 if d[2] else -1
                if d[0] < 0 or d[0] > 9:
                    self.divers.remove(d)
                elif self.at_sub(d) and self.divers_carried < 6:
                    self.divers.remove(d)
                    self.divers_carried += 1
            else:
                d[3] -= 1
        for s in reversed(self.subs):
            r = self.enemy_step(s, self.subs, r)
            # a sub removed above still fires if due (MinAtar keeps using its reference)
            if s[4] == 0:
                s[4] = self.enemy_shot_interval
                self.e_bullets.append([s[0], s[1], s[2]])
            else:
                s[4] -= 1
        for b in reversed(self.e_bullets):
            if self.at_sub(b):
                self.terminal = True
            b[0] += 1 if b[2] else -1
            if b[0] < 0 or b[0] > 9:
                self.e_bullets.remove(b)
            elif self.at_sub(b):
                self.terminal = True
        for f in reversed(self.fish):
            r = self.enemy_step(f, self.fish, r)
        self.e_spawn_timer -= self.e_spawn_timer > 0
        self.d_spawn_timer -= self.d_spawn_timer > 0
        self.shot_timer -= self.shot_timer > 0
        if self.oxygen <= 0:
            self.terminal = True
        if self.sy > 0:
            self.oxygen -= 1
            self.surfaced = False
        elif not self.surfaced:
            if self.divers_carried == 0:
                self.terminal = True
            else:
                r += self.surface()
        return r

    def obs(self):
        s = np.zeros((10, 10, 10), dtype=np.uint8)
        s[self.sy, self.sx, 0] = 1
        s[self.sy, self.sx - 1 if self.s_right else self.sx + 1, 1] = 1
        s[9, 0 : max(0, self.oxygen) * 10 // self.max_oxygen, 7] = 1
        s[9, 9 - self.divers_carried : 9, 8] = 1
        for b in self.f_bullets:
            s[b[1], b[0], 2] = 1
        for b in self.e_bullets:
            s[b[1], b[0], 4] = 1
        for lst, ch in ((self.fish, 5), (self.subs, 6), (self.divers, 9)):
            for e in lst:
                s[e[1], e[0], ch] = 1
                back = e[0] - 1 if e[2] else e[0] + 1
                if 0 <= back <= 9:
                    s[e[1], back, 3] = 1
        return s

    def danger(self, row):
        """True if an enemy or enemy bullet in `row` could reach the sub's column within 3 frames."""
        for e in self.fish + self.subs + self.e_bullets:
            if e[1] == row and (e[0] - self.sx) * (1 if e[2] else -1) <= 0 and abs(e[0] - self.sx) <= 3:
                return True
        return False

    def policy(self, k, noise):
        # mode 0: random; mode 1: stay submerged (oxygen runs out); mode 2: dodge, collect divers, surface
        if self.mode == 0:
            return int(noise.randint(0, 6))
        if self.mode == 1:
            return 4 if self.sy < 5 else int(noise.choice([0, 1, 3, 5]))
        if self.divers_carried > 0 and (self.oxygen < 30 or self.divers_carried >= 6):
            return 2
        if self.danger(self.sy) or self.sy == 0:
            for move, row in ((4, self.sy + 1), (2, self.sy - 1)):
                if 1 <= row <= 8 and not self.danger(row):
                    return move
        if any(e[1] == self.sy for e in self.fish + self.subs) and self.shot_timer == 0:
            ahead = [e for e in self.fish + self.subs if e[1] == self.sy]
            want_right = ahead[0][0] > self.sx
            return 5 if want_right == self.s_right else (3 if want_right else 1)
        divers = [d for d in self.divers if abs(d[1] - self.sy) <= 1]
        if divers:
            return 1 if divers[0][0] < self.sx else 3 if divers[0][0] > self.sx else 0
        return int(noise.choice([0, 1, 3]))


# ----------------------------------------------------------------------------------- Space Invaders
class SpaceInvaders:
    channels = 6
    shot_cool_down, enemy_move_interval, enemy_shot_interval = 5, 12, 10

    def __init__(self, rng, ramping=True):
        self.rng = rng
        self.ramping = ramping
        self.pos = 5
        self.f_bullets = np.zeros((10, 10), dtype=int)
        self.e_bullets = np.zeros((10, 10), dtype=int)
        self.aliens = np.zeros((10, 10), dtype=int)
        self.aliens[0:4, 2:8] = 1
        self.alien_dir = -1
        self.move_interval = self.enemy_move_interval
        self.alien_move_timer = self.move_interval
        self.alien_shot_timer = self.enemy_shot_interval
        self.ramp_index = 0
        self.shot_timer = 0
        self.terminal = False

    def nearest_alien(self):
        for col in sorted(range(10), key=lambda c: abs(c - self.pos)):  # stable: ties to the left
            rows = np.nonzero(self.aliens[:, col])[0]
            if rows.size:
                return rows.max(), col
        return None

    def act(self, a):
        r = 0
        if a == "f" and self.shot_timer == 0:
            self.f_bullets[9, self.pos] = 1
            self.shot_timer = self.shot_cool_down
        elif a == "l":
            self.pos = max(0, self.pos - 1)
        elif a == "r":
            self.pos = min(9, self.pos + 1)
        self.f_bullets = np.roll(self.f_bullets, -1, axis=0)
        self.f_bullets[9, :] = 0
        self.e_bullets = np.roll(self.e_bullets, 1, axis=0)
        self.e_bullets[0, :] = 0
        if self.e_bullets[9, self.pos] or self.aliens[9, self.pos]:
            self.terminal = True
        if self.alien_move_timer == 0:
            self.alien_move_timer = min(np.count_nonzero(self.aliens), self.move_interval)
            at_edge = (self.aliens[:, 0].any() and self.alien_dir < 0) or (self.aliens[:, 9].any() and self.alien_dir > 0)
            if at_edge:
                self.alien_dir = -self.alien_dir
                if self.aliens[9, :].any():
                    self.terminal = True
                self.aliens = np.roll(self.aliens, 1, axis=0)
            else:
                self.aliens = np.roll(self.aliens, self.alien_dir, axis=1)
            if self.aliens[9, self.pos]:
                self.terminal = True
        if self.alien_shot_timer == 0:
            self.alien_shot_timer = self.enemy_shot_interval
            row, col = self.nearest_alien()
            self.e_bullets[row, col] = 1
        kill = np.logical_and(self.aliens == 1, self.f_bullets == 1)
        r += int(kill.sum())
        self.aliens[kill] = 0
        self.f_bullets[kill] = 0
        self.shot_timer -= self.shot_timer > 0
        self.alien_move_timer -= 1
        self.alien_shot_timer -= 1
        if not self.aliens.any():
            if self.move_interval > 6 and self.ramping:
                self.move_interval -= 1
                self.ramp_index += 1
            self.aliens[0:4, 2:8] = 1
        return r

    def obs(self):
        s = np.zeros((10, 10, 6), dtype=np.uint8)
        s[9, self.pos, 0] = 1
        s[:, :, 1] = self.aliens
        s[:, :, 2 if self.alien_dir < 0 else 3] = self.aliens
        s[:, :, 4] = self.f_bullets
        s[:, :, 5] = self.e_bullets
        return s

    def policy(self, k, noise):
        # dodge bullets right above, otherwise fire or move under the nearest alien column
        if self.e_bullets[7:9, self.pos].any():
            return 1 if self.pos > 0 and not self.e_bullets[7:9, self.pos - 1].any() else 3
        if self.shot_timer == 0 and self.aliens[:, self.pos].any():
            return 5
        return 5 if noise.rand() < 0.4 else int(noise.choice([0, 1, 3]))


def breakout_from_state(game):
    """A late position: one brick left, so the refill rule is reached. Returns neuroevo's state vector."""
    game.ball_x, game.ball_y, game.ball_dir, game.pos = 4, 6, 0, 4
    game.strike, game.last_x, game.last_y = False, 5, 7
    game.bricks[:, :] = 0
    game.bricks[2, 1] = 1
    return [4, 6, 0, 4, 0, 5, 7] + list(game.bricks.reshape(-1))


def space_invaders_from_state(game):
    """One alien left above the cannon, so a wave is cleared and the difficulty ramps. Returns neuroevo's
    state vector."""
    game.pos, game.alien_dir = 5, 1
    game.alien_move_timer, game.alien_shot_timer, game.shot_timer = 8, 6, 0
    game.aliens[:, :] = 0
    game.aliens[6, 5] = 1
    maps = list(game.aliens.reshape(-1)) + list(game.f_bullets.reshape(-1)) + list(game.e_bullets.reshape(-1))
    return [5, 1, game.move_interval, 8, 6, 0, 0] + maps


FROM_STATE = {"breakout": breakout_from_state, "space_invaders": space_invaders_from_state}

GAMES = {"breakout": Breakout, "asterix": Asterix, "freeway": Freeway, "seaquest": Seaquest,
         "space_invaders": SpaceInvaders}


class Env:
    """MinAtar's Environment wrapper: sticky actions (p = 0.1) drawn before every frame."""

    def __init__(self, game, seed):
        self.rng = SplitMix(seed)
        self.game = GAMES[game](self.rng)
        self.last = 0

    def step(self, action):
        if self.rng.rand() < 0.1:
            action = self.last
        self.last = action
        return self.game.act(ACTIONS[action])


def reference_episode(game, seed, max_steps, mode):
    """Plays one episode with the game's scripted policy; returns the actions, the per-step results, the
    game and, for mode "state", the set_state vector it started from (the random stream then starts at
    `seed`, the vector's last component)."""
    env = Env(game, seed)
    state = None
    if mode == "state":
        state = FROM_STATE[game](env.game) + [0, seed]
        env.rng.state = seed
    env.game.mode = mode
    noise = np.random.RandomState(1000 + seed)  # the policy's own randomness, not the environment's
    actions, steps = [], []
    for k in range(max_steps):
        a = env.game.policy(k, noise)
        r = env.step(a)
        actions.append(a)
        steps.append((env.game.obs().reshape(-1).copy(), r, env.game.terminal))
        if env.game.terminal:
            break
    return actions, steps, env.game, state


def compare(binary, work, game, seed, max_steps, mode=0):
    actions, ref, g, state = reference_episode(game, seed, max_steps, mode)
    path = os.path.join(work, f"{game}_{seed}.actions")
    with open(path, "w") as f:
        f.write("\n".join(map(str, actions)) + "\n")
    start = ["--seed", str(seed)] if state is None else ["--state", ",".join(str(int(v)) for v in state)]
    out = subprocess.run([binary, "env", "rollout", "minatar/" + game, *start, "--actions", path],
                         capture_output=True, text=True)
    if state is not None:
        game += " (from a set state)"
    if out.returncode != 0:
        return f"{game} seed {seed}: neuroevo exited {out.returncode}: {out.stderr.strip()}"
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    if len(lines) != len(ref):
        return f"{game} seed {seed}: neuroevo ran {len(lines)} steps, the reference {len(ref)}"
    for k, (line, (obs, r, term)) in enumerate(zip(lines, ref)):
        got = np.array(line["obs"], dtype=float)
        if got.shape != obs.shape or not np.array_equal(got, obs):
            bad = np.nonzero(got != obs)[0] if got.shape == obs.shape else []
            cells = [(i // g.channels // 10, i // g.channels % 10, i % g.channels) for i in bad[:5]]
            return (f"{game} seed {seed} step {k + 1} (action {actions[k]}): observation differs at "
                    f"(row, col, channel) {cells}")
        if line["reward"] != r:
            return f"{game} seed {seed} step {k + 1}: reward {line['reward']}, reference {r}"
        if line["terminated"] != term or line["truncated"]:
            return f"{game} seed {seed} step {k + 1}: terminated {line['terminated']}, reference {term}"
    desc = f"{game} seed {seed}: {len(ref)} steps, return {sum(s[1] for s in ref)}, terminal {ref[-1][2]}"
    if game.startswith("seaquest"):
        desc += f", oxygen {g.oxygen}, surfacings with 6 divers {g.full_loads}, ramp {g.ramp_index}"
    if game.startswith(("asterix", "space_invaders")):
        desc += f", ramp {g.ramp_index}"
    print(desc)
    return None


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        work = sys.argv[2] if len(sys.argv) > 2 else tmp
        os.makedirs(work, exist_ok=True)
        runs = [("breakout", s, 3000, 0) for s in range(8)]
        runs += [("asterix", s, 3000, 0) for s in range(6)]
        runs += [("freeway", s, 2600, 0) for s in range(2)]
        runs += [("space_invaders", s, 3000, 0) for s in range(6)]
        runs += [("breakout", s, 3000, "state") for s in range(3)]
        runs += [("space_invaders", s, 3000, "state") for s in range(3)]
        runs += [("seaquest", s, 3000, m) for s in range(4) for m in (0, 1)]
        runs += [("seaquest", s, 3000, 2) for s in range(12)]
        errors = [e for e in (compare(binary, work, *r) for r in runs) if e]
    for e in errors:
        print("MISMATCH:", e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
