"""Built-in environments with the Gymnasium protocol (duck-typed; Gymnasium is not a dependency)."""
from __future__ import annotations

import warnings
from typing import Any, Optional

import numpy as np

from . import _core, _render


class Discrete:
    """Gymnasium-style Discrete(n) space: integers 0..n-1."""

    def __init__(self, n: int, seed: Optional[int] = None) -> None:
        self.n = int(n)
        self.shape: tuple = ()
        self.dtype = np.dtype(np.int64)
        self.np_random = np.random.default_rng(seed)

    def seed(self, seed: Optional[int] = None) -> None:
        self.np_random = np.random.default_rng(seed)

    def sample(self) -> int:
        return int(self.np_random.integers(self.n))

    def contains(self, x: Any) -> bool:
        try:
            v = np.asarray(x)
        except Exception:
            return False
        return v.shape == () and np.issubdtype(v.dtype, np.integer) and 0 <= int(v) < self.n

    def __repr__(self) -> str:
        return f"Discrete({self.n})"


class Box:
    """Gymnasium-style Box space: float32 arrays within [low, high]."""

    def __init__(self, low: np.ndarray, high: np.ndarray, shape: Optional[tuple] = None, seed: Optional[int] = None) -> None:
        self.dtype = np.dtype(np.float32)
        self.low = np.asarray(low, dtype=np.float32)
        self.high = np.asarray(high, dtype=np.float32)
        if shape is not None:
            self.low = self.low.reshape(shape)
            self.high = self.high.reshape(shape)
        self.shape = self.low.shape
        self.np_random = np.random.default_rng(seed)

    def seed(self, seed: Optional[int] = None) -> None:
        self.np_random = np.random.default_rng(seed)

    def sample(self) -> np.ndarray:
        # As Gymnasium: uniform on bounded dimensions, normal or shifted exponential on unbounded ones.
        lo, hi = self.low.astype(np.float64), self.high.astype(np.float64)
        out = np.empty(self.shape)
        fin_lo, fin_hi = np.isfinite(lo), np.isfinite(hi)
        both = fin_lo & fin_hi
        out[both] = self.np_random.uniform(lo[both], hi[both])
        none = ~fin_lo & ~fin_hi
        out[none] = self.np_random.normal(size=int(none.sum()))
        lo_only = fin_lo & ~fin_hi
        out[lo_only] = lo[lo_only] + self.np_random.exponential(size=int(lo_only.sum()))
        hi_only = ~fin_lo & fin_hi
        out[hi_only] = hi[hi_only] - self.np_random.exponential(size=int(hi_only.sum()))
        return out.astype(np.float32)

    def contains(self, x: Any) -> bool:
        try:
            v = np.asarray(x, dtype=np.float64)
        except Exception:
            return False
        return v.shape == self.shape and bool(np.all(v >= self.low) and np.all(v <= self.high))

    def __repr__(self) -> str:
        return f"Box({self.shape}, float32)"


def _space(d: dict):
    if d["discrete"]:
        return Discrete(d["n"])
    shape = tuple(d["shape"]) if d["shape"] else (len(d["low"]),)
    return Box(np.array(d["low"]), np.array(d["high"]), shape)


class Env:
    """A built-in environment with Gymnasium's API: reset(seed, options) -> (obs, info) and
    step(action) -> (obs, reward, terminated, truncated, info). Episodes truncate at the environment's
    step limit (``spec_max_episode_steps``), as Gymnasium's TimeLimit wrapper does."""

    def __init__(self, env_id: str, render_mode: Optional[str] = None) -> None:
        self._core = _core.EnvCore(env_id)
        self.env_id = env_id
        self._drawer = _render.drawer(env_id)
        # Gymnasium's metadata: render_modes lists "rgb_array" where the environment can be drawn.
        self.metadata = {"render_modes": ["rgb_array"] if self._drawer else [], "render_fps": 50}
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"{env_id}: render_mode {render_mode!r} is not supported "
                             f"(supported: {self.metadata['render_modes']})")
        self.render_mode = render_mode
        self._obs = None
        self.observation_space = _space(self._core.observation_space())
        self.action_space = _space(self._core.action_space())
        self.spec_max_episode_steps = self._core.max_episode_steps
        self._rng = np.random.default_rng()
        self._needs_reset = True

    def reset(self, *, seed: Optional[int] = None, options: Optional[dict] = None):
        if options and "episode_seed" in options:
            # The engine's own episode seed (neuroevo.episode_seeds), to replay an episode of Task.evaluate.
            episode_seed = int(options["episode_seed"])
            obs = self._core.reset(episode_seed)
            self._needs_reset = False
            self._steps = 0
            self._obs = obs
            return obs.reshape(self.observation_space.shape), {}
        if seed is not None:
            if seed < 0:
                raise ValueError(f"seed must be >= 0, got {seed}")
            self._rng = np.random.default_rng(seed)
            self.action_space.seed(seed)
        episode_seed = int(self._rng.integers(2**63))
        obs = self._core.reset(episode_seed)
        self._needs_reset = False
        self._steps = 0
        self._obs = obs
        return obs.reshape(self.observation_space.shape), {}

    def step(self, action: Any):
        if self._needs_reset:
            raise ValueError("step() before reset(): call reset() first")
        if isinstance(self.action_space, Discrete):
            if not self.action_space.contains(action):
                raise ValueError(f"action {action!r} is not in {self.action_space}")
            a = np.array([float(int(action))], dtype=np.float32)
        else:
            a = np.asarray(action, dtype=np.float32).reshape(-1)
        obs, reward, terminated, truncated = self._core.step(a)
        self._obs = obs
        self._steps += 1
        # Gymnasium's TimeLimit: truncate at the environment's step limit (the engine's rollouts stop there).
        truncated = bool(truncated) or self._steps >= self.spec_max_episode_steps
        if terminated or truncated:
            self._needs_reset = True
        info = {}
        b = self._core.behaviour()
        if b:
            info["behaviour"] = np.asarray(b)
        return obs.reshape(self.observation_space.shape), float(reward), bool(terminated), bool(truncated), info

    def render(self):
        """The current state as an RGB uint8 array (height, width, 3) when ``render_mode="rgb_array"``
        (classic control, MinAtar, the hard maze); None without a render mode, as Gymnasium."""
        if self.render_mode is None:
            warnings.warn(f"{self.env_id}: render() without a render_mode; use make(id, render_mode='rgb_array')")
            return None
        if self._obs is None:
            raise ValueError("render() before reset(): call reset() first")
        return self._drawer(self._core, self._obs)

    def close(self) -> None:
        pass

    @property
    def unwrapped(self) -> "Env":
        return self

    def __repr__(self) -> str:
        return f"neuroevo.Env({self.env_id!r})"


def make(env_id: str, render_mode: Optional[str] = None, **kwargs: Any) -> Env:
    """A built-in environment (``neuroevo list`` names, e.g. "CartPole-v1") with the Gymnasium protocol.

    ``render_mode="rgb_array"``: ``render()`` returns RGB frames (classic control, MinAtar, hard maze).
    """
    if kwargs:
        raise TypeError(f"make(): unexpected arguments {sorted(kwargs)}")
    return Env(env_id, render_mode)


def env_ids() -> list[str]:
    """Every built-in environment's name."""
    return list(_core.env_names())
