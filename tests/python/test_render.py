"""Env.render(): RGB frames whose pixels are checked against closed forms of each layout (where the cart,
the car, the pendulum tip, a MinAtar cell and the maze robot must appear)."""
import math

import numpy as np
import pytest

import neuroevo
from neuroevo import _render


def color_at(img, x, y):
    return tuple(int(v) for v in img[int(y), int(x)])


def test_cartpole_cart_and_pole_land_where_the_state_puts_them():
    env = neuroevo.make("CartPole-v1", render_mode="rgb_array")
    obs, _ = env.reset(seed=3)
    for _ in range(6):  # push right: the cart moves and the pole tilts
        obs, *_ = env.step(1)
    img = env.render()
    assert img.shape == (400, 600, 3) and img.dtype == np.uint8
    x, theta = float(obs[0]), float(obs[2])
    # 600 pixels show 4.8 m: the cart centre's column is 300 + 125 x; the cart is 50 pixels wide.
    col = 300 + 125 * x
    assert color_at(img, col - 20, 300 - 10) == _render.CART and color_at(img, col + 20, 300 + 10) == _render.CART
    assert color_at(img, col - 30, 300 + 10) == _render.WHITE and color_at(img, col + 30, 300 + 10) == _render.WHITE
    # The pole's tip, 125 pixels from the axle (7.5 pixels above the cart centre) along theta.
    tip = (col + 120 * math.sin(theta), 300 - 7.5 - 120 * math.cos(theta))
    assert color_at(img, *tip) == _render.POLE
    beyond = (col + 140 * math.sin(theta), 300 - 7.5 - 140 * math.cos(theta))
    assert color_at(img, *beyond) == _render.WHITE


def test_mountain_car_sits_on_the_hill_at_its_position():
    env = neuroevo.make("MountainCar-v0", render_mode="rgb_array")
    obs, _ = env.reset(seed=0)
    img = env.render()
    pos = float(obs[0])
    col = (pos + 1.2) * 600 / 1.8
    row = 400 - (0.45 * math.sin(3 * pos) + 0.55) * 600 / 1.8 - 10  # the car's centre, one radius up
    assert color_at(img, col, row) == _render.CAR
    assert color_at(img, col, row - 15) == _render.WHITE


@pytest.mark.parametrize("theta", [0.0, 1.0, -2.5])
def test_pendulum_tip(theta):
    img = _render.pendulum(np.array([math.cos(theta), math.sin(theta), 0.0]))
    tip = (250 + 190 * math.sin(theta), 250 - 190 * math.cos(theta))
    assert color_at(img, *tip) == _render.POLE
    opposite = (250 - 100 * math.sin(theta), 250 + 100 * math.cos(theta))
    assert color_at(img, *opposite) == _render.WHITE


def test_acrobot_hangs_down_at_rest():
    env = neuroevo.make("Acrobot-v1", render_mode="rgb_array")
    obs, _ = env.reset(seed=1)  # angles near 0: both links hang below the pivot
    img = env.render()
    scale = 500 / 4.4
    assert color_at(img, 250, 250 + 1.5 * scale) == _render.LINK
    assert color_at(img, 250, 250 - 1.5 * scale) == _render.WHITE


def test_minatar_cells_take_their_channel_colour():
    env = neuroevo.make("minatar/breakout", render_mode="rgb_array")
    obs, _ = env.reset(seed=0)
    img = env.render()
    assert img.shape == (160, 160, 3)
    for r in range(10):
        for c in range(10):
            on = np.nonzero(obs[r, c])[0]
            expected = _render.MINATAR_PALETTE[on[-1]] if len(on) else (0, 0, 0)
            block = img[16 * r:16 * r + 16, 16 * c:16 * c + 16].reshape(-1, 3)
            assert (block == expected).all()


def test_hard_maze_robot_at_the_start():
    env = neuroevo.make("hard_maze", render_mode="rgb_array")
    env.reset(seed=0)
    img = env.render()
    m = neuroevo._core.maze_map("hard_maze")
    scale = 400 / max(m["high"][0] - m["low"][0], m["high"][1] - m["low"][1])
    sx, sy = m["start"]
    px, py = (sx - m["low"][0]) * scale, (sy - m["low"][1]) * scale
    # Heading 0: the nose points along +x, the body's other side is robot colour.
    assert color_at(img, px - 0.6 * 8 * scale, py) == _render.ROBOT
    assert color_at(img, px + 0.6 * 8 * scale, py) == _render.NOSE
    gx, gy = m["goal"]
    assert color_at(img, (gx - m["low"][0]) * scale, (gy - m["low"][1]) * scale) == _render.GOAL
    ax, ay, bx, by = m["walls"][0]
    mid = (((ax + bx) / 2 - m["low"][0]) * scale, ((ay + by) / 2 - m["low"][1]) * scale)
    assert color_at(img, min(mid[0], 399), min(mid[1], 399)) == _render.BLACK


def test_render_modes():
    assert neuroevo.make("CartPole-v1").metadata["render_modes"] == ["rgb_array"]
    with pytest.warns(UserWarning):
        assert neuroevo.make("CartPole-v1").render() is None
    with pytest.raises(ValueError, match="render_mode"):
        neuroevo.make("xor", render_mode="rgb_array")
    with pytest.raises(ValueError, match="reset"):
        neuroevo.make("CartPole-v1", render_mode="rgb_array").render()
