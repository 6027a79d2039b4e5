"""RGB frames of the built-in environments for ``Env.render()``: a small numpy rasteriser (thick line
segments, discs, rectangles) and one drawing per environment family.

Coordinates are pixel coordinates (x = column, y = row, y downwards); pixel (row, col) covers
[col, col + 1) x [row, row + 1), so a point at x = 12.3 falls in column 12. Layouts of the classic-control
frames follow Gymnasium's own renderers (screen sizes, world widths, cart and pole sizes) so frames look
familiar; the drawing code is this file's own.
"""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from . import _core

Color = Sequence[int]
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)
CART = (40, 40, 40)
POLE = (202, 152, 101)
AXLE = (129, 132, 203)
TRACK = (0, 0, 0)
CAR = (60, 60, 200)
LINK = (0, 204, 204)
GOAL = (30, 170, 30)
ROBOT = (60, 60, 220)
NOSE = (240, 240, 0)
# MinAtar: one colour per observation channel, drawn in channel order (a later channel covers an earlier).
MINATAR_PALETTE = [(230, 25, 75), (60, 180, 75), (255, 225, 25), (0, 130, 200), (245, 130, 48), (145, 30, 180),
                   (70, 240, 240), (240, 50, 230), (210, 245, 60), (250, 190, 212)]


class Canvas:
    def __init__(self, height: int, width: int, background: Color = WHITE) -> None:
        self.image = np.empty((height, width, 3), dtype=np.uint8)
        self.image[:] = background

    def _window(self, x0: float, y0: float, x1: float, y1: float):
        """The pixels whose centres may lie in [x0, x1] x [y0, y1]: slices and their centre grids."""
        h, w = self.image.shape[:2]
        c0, c1 = max(0, int(np.floor(x0))), min(w, int(np.ceil(x1)) + 1)
        r0, r1 = max(0, int(np.floor(y0))), min(h, int(np.ceil(y1)) + 1)
        if c0 >= c1 or r0 >= r1:
            return None
        y, x = np.mgrid[r0:r1, c0:c1].astype(np.float64) + 0.5
        return self.image[r0:r1, c0:c1], x, y

    def segment(self, x0: float, y0: float, x1: float, y1: float, width: float, color: Color) -> None:
        """Every pixel whose centre is within width/2 of the segment (a thick line with round ends)."""
        r = width / 2
        win = self._window(min(x0, x1) - r, min(y0, y1) - r, max(x0, x1) + r, max(y0, y1) + r)
        if win is None:
            return
        view, x, y = win
        dx, dy = x1 - x0, y1 - y0
        length2 = dx * dx + dy * dy
        t = np.zeros_like(x) if length2 == 0 else np.clip(((x - x0) * dx + (y - y0) * dy) / length2, 0, 1)
        view[(x - (x0 + t * dx)) ** 2 + (y - (y0 + t * dy)) ** 2 <= r * r] = color

    def disc(self, cx: float, cy: float, radius: float, color: Color) -> None:
        win = self._window(cx - radius, cy - radius, cx + radius, cy + radius)
        if win is not None:
            view, x, y = win
            view[(x - cx) ** 2 + (y - cy) ** 2 <= radius * radius] = color

    def rect(self, x0: float, y0: float, x1: float, y1: float, color: Color) -> None:
        """Pixels whose centre lies in [x0, x1] x [y0, y1]."""
        win = self._window(x0, y0, x1, y1)
        if win is not None:
            view, x, y = win
            view[(x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)] = color


# CartPole: Gymnasium's 600x400 screen showing x in [-2.4, 2.4] (twice the termination threshold).
CARTPOLE_SIZE = (400, 600)
CARTPOLE_SCALE = 600 / 4.8          # pixels per metre
CARTPOLE_CART = (50.0, 30.0)        # width, height in pixels
CARTPOLE_CART_Y = 300.0             # row of the cart's centre and of the track
CARTPOLE_POLE = (10.0, 125.0)       # width, length (2 * 0.5 m half-length, scaled)


def cartpole(obs: np.ndarray) -> np.ndarray:
    x, theta = float(obs[0]), float(obs[2])
    c = Canvas(*CARTPOLE_SIZE)
    cx = x * CARTPOLE_SCALE + CARTPOLE_SIZE[1] / 2
    c.segment(0, CARTPOLE_CART_Y, CARTPOLE_SIZE[1], CARTPOLE_CART_Y, 1, TRACK)
    w, h = CARTPOLE_CART
    c.rect(cx - w / 2, CARTPOLE_CART_Y - h / 2, cx + w / 2, CARTPOLE_CART_Y + h / 2, CART)
    axle_y = CARTPOLE_CART_Y - h / 4
    pw, pl = CARTPOLE_POLE
    c.segment(cx, axle_y, cx + pl * np.sin(theta), axle_y - pl * np.cos(theta), pw, POLE)
    c.disc(cx, axle_y, pw / 2, AXLE)
    return c.image


# MountainCar (discrete and continuous): positions [-1.2, 0.6] on a 600x400 screen, hill y = 0.45 sin(3x) + 0.55.
MOUNTAIN_SIZE = (400, 600)
MOUNTAIN_RANGE = (-1.2, 0.6)
MOUNTAIN_SCALE = 600 / 1.8
MOUNTAIN_CAR_RADIUS = 10.0


def mountain_height(x):
    return 0.45 * np.sin(3 * x) + 0.55


def mountain_point(pos: float) -> tuple[float, float]:
    """Screen point of the track at position `pos` (the ground the car stands on)."""
    return (pos - MOUNTAIN_RANGE[0]) * MOUNTAIN_SCALE, MOUNTAIN_SIZE[0] - mountain_height(pos) * MOUNTAIN_SCALE


def mountain_car(obs: np.ndarray) -> np.ndarray:
    c = Canvas(*MOUNTAIN_SIZE)
    xs = np.linspace(*MOUNTAIN_RANGE, 100)
    for a, b in zip(xs[:-1], xs[1:]):
        c.segment(*mountain_point(a), *mountain_point(b), 2, BLACK)
    gx, gy = mountain_point(0.5)  # the goal flag
    c.segment(gx, gy, gx, gy - 40, 2, BLACK)
    c.rect(gx, gy - 40, gx + 20, gy - 30, GOAL)
    px, py = mountain_point(float(obs[0]))
    c.disc(px, py - MOUNTAIN_CAR_RADIUS, MOUNTAIN_CAR_RADIUS, CAR)
    return c.image


# Pendulum: a 500x500 screen, the pivot in the centre, theta = 0 upright, rod 200 pixels.
PENDULUM_SIZE = 500
PENDULUM_ROD = 200.0


def pendulum(obs: np.ndarray) -> np.ndarray:
    cos_t, sin_t = float(obs[0]), float(obs[1])
    c = Canvas(PENDULUM_SIZE, PENDULUM_SIZE)
    o = PENDULUM_SIZE / 2
    c.segment(o, o, o + PENDULUM_ROD * sin_t, o - PENDULUM_ROD * cos_t, 20, POLE)
    c.disc(o, o, 5, BLACK)
    return c.image


# Acrobot: a 500x500 screen showing [-2.2, 2.2]^2, two links of 1 m hanging down at theta = 0.
ACROBOT_SIZE = 500
ACROBOT_SCALE = 500 / 4.4


def acrobot_points(obs: np.ndarray) -> list[tuple[float, float]]:
    t1 = np.arctan2(obs[1], obs[0])
    t2 = np.arctan2(obs[3], obs[2])
    o = ACROBOT_SIZE / 2
    p1 = (o + ACROBOT_SCALE * np.sin(t1), o + ACROBOT_SCALE * np.cos(t1))
    p2 = (p1[0] + ACROBOT_SCALE * np.sin(t1 + t2), p1[1] + ACROBOT_SCALE * np.cos(t1 + t2))
    return [(o, o), p1, p2]


def acrobot(obs: np.ndarray) -> np.ndarray:
    c = Canvas(ACROBOT_SIZE, ACROBOT_SIZE)
    pts = acrobot_points(obs)
    c.segment(0, ACROBOT_SIZE / 2 - ACROBOT_SCALE, ACROBOT_SIZE, ACROBOT_SIZE / 2 - ACROBOT_SCALE, 1, BLACK)  # goal line
    for a, b in zip(pts[:-1], pts[1:]):
        c.segment(*a, *b, 10, LINK)
    for p in pts[:-1]:
        c.disc(*p, 5, AXLE)
    return c.image


# MinAtar: the 10x10xC observation, CELL pixels per cell.
MINATAR_CELL = 16


def minatar(obs: np.ndarray) -> np.ndarray:
    obs = np.asarray(obs).reshape(10, 10, -1)
    img = np.zeros((10, 10, 3), dtype=np.uint8)
    for k in range(obs.shape[2]):
        img[obs[:, :, k] > 0] = MINATAR_PALETTE[k % len(MINATAR_PALETTE)]
    return np.repeat(np.repeat(img, MINATAR_CELL, axis=0), MINATAR_CELL, axis=1)


# Hard maze: MAZE_SIZE pixels across the maze's larger side, y downwards as in the map file.
MAZE_SIZE = 400


def maze_transform(m: dict):
    low, high = m["low"], m["high"]
    scale = MAZE_SIZE / max(high[0] - low[0], high[1] - low[1])
    return (lambda x, y: ((x - low[0]) * scale, (y - low[1]) * scale)), scale


def maze(m: dict, robot: Optional[tuple]) -> np.ndarray:
    to_px, scale = maze_transform(m)
    c = Canvas(MAZE_SIZE, MAZE_SIZE)
    for ax, ay, bx, by in m["walls"]:
        c.segment(*to_px(ax, ay), *to_px(bx, by), 3, BLACK)
    c.disc(*to_px(*m["goal"]), 4, GOAL)
    if robot is not None:
        x, y, heading = robot
        px, py = to_px(x, y)
        r = m["robot_radius"] * scale
        c.disc(px, py, r, ROBOT)
        a = np.radians(heading)  # 0 along +x, turning towards +y
        c.segment(px, py, px + r * np.cos(a), py + r * np.sin(a), 2, NOSE)
    return c.image


def drawer(env_id: str):
    """A function (core env, last observation) -> RGB array for `env_id`, or None when it cannot be drawn."""
    if env_id == "CartPole-v1":
        return lambda core, obs: cartpole(obs)
    if env_id in ("MountainCar-v0", "MountainCarContinuous-v0"):
        return lambda core, obs: mountain_car(obs)
    if env_id == "Pendulum-v1":
        return lambda core, obs: pendulum(obs)
    if env_id == "Acrobot-v1":
        return lambda core, obs: acrobot(obs)
    if env_id.startswith("minatar/"):
        return lambda core, obs: minatar(obs)
    m = _core.maze_map(env_id)
    if m is not None:
        return lambda core, obs: maze(m, core.maze_robot())
    return None
