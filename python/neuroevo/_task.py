"""Built-in environment + policy evaluated in C++ (see :class:`Task`)."""
from __future__ import annotations

from typing import Any, Mapping, Optional

import numpy as np

from . import _core, _toml


class Task:
    """A built-in environment and a policy, evaluated on the engine's thread pool.

    ``Task("CartPole-v1", policy={"type": "mlp", "hidden": [64, 64]}, episodes=1, max_steps=0)``:
    ``policy`` is the CLI's ``[policy]`` table. :meth:`evaluate` runs a whole batch of parameter vectors
    in C++ with the GIL released, so other Python threads keep running.
    """

    def __init__(self, env: str, policy: Optional[Mapping[str, Any]] = None, episodes: int = 1, max_steps: int = 0) -> None:
        if not isinstance(env, str):
            raise TypeError(f"env must be a built-in environment's name, got {type(env).__name__}")
        if policy is None:
            policy = {"type": "mlp"}
        if not isinstance(policy, Mapping):
            raise TypeError(f"policy must be a dict (the [policy] table), got {type(policy).__name__}")
        if episodes < 1:
            raise ValueError(f"episodes must be >= 1, got {episodes}")
        if max_steps < 0:
            raise ValueError(f"max_steps must be >= 0, got {max_steps}")
        self.env_id = env
        self.policy_config = dict(policy)
        self._core: Optional[_core.TaskCore] = _core.TaskCore(env, _toml.dumps({"policy": dict(policy)}), int(episodes), int(max_steps))

    def _live(self) -> _core.TaskCore:
        if self._core is None:
            raise ValueError("this Task is closed")
        return self._core

    @property
    def num_params(self) -> int:
        """Length of the policy's parameter vector."""
        return self._live().num_params

    def describe(self) -> str:
        return self._live().describe()

    def init_params(self, seed: int = 0) -> np.ndarray:
        """The policy's initial parameters for `seed` (what a run's strategy starts from)."""
        return self._live().init_params(int(seed))

    def evaluate(self, params: np.ndarray, episodes: int = 0, seed: int = 0, threads: int = 0,
                 return_info: bool = False):
        """Mean episode returns of every row of `params` (shape (batch, num_params)).

        ``episodes=0`` uses the task's number; episode seeds derive from (seed, row) as in generation 0 of
        a run with that seed, so results do not depend on ``threads`` (0: all cores). With
        ``return_info=True`` returns ``(returns, steps, behaviours)``.
        """
        if episodes < 0:
            raise ValueError(f"episodes must be >= 0, got {episodes}")
        if seed < 0:
            raise ValueError(f"seed must be >= 0, got {seed}")
        returns, steps, behaviours = self._live().evaluate(params, int(episodes), int(seed), int(threads))
        if return_info:
            return returns, steps, behaviours
        return returns

    def policy(self, params: np.ndarray, seed: int = 0) -> "Policy":
        """`params` as a callable ``policy(obs) -> action`` (float32 array; a discrete action is its index).

        `seed` seeds the policy's own randomness for the episode; ``policy.reset(seed)`` starts another.
        """
        return Policy(self._live(), params, seed)

    def close(self) -> None:
        """Frees the task; later calls raise ValueError."""
        self._core = None

    def __enter__(self) -> "Task":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Policy:
    """A policy with fixed parameters: ``policy(obs) -> action`` (see :meth:`Task.policy`)."""

    def __init__(self, core: "_core.TaskCore", params: np.ndarray, seed: int = 0) -> None:
        self._core = core
        self._params = np.ascontiguousarray(params, dtype=np.float32)
        if self._params.shape != (core.num_params,):
            raise ValueError(f"params must have shape ({core.num_params},), got {self._params.shape}")
        self.reset(seed)

    def reset(self, seed: int = 0) -> None:
        """Starts an episode: clears recurrent/plastic state and reseeds the policy's randomness."""
        self._seed = int(seed)
        self._core.reset_policy(self._seed)

    def __call__(self, obs: np.ndarray) -> np.ndarray:
        return self._core.act(self._params, np.ascontiguousarray(obs, dtype=np.float32).reshape(-1), self._seed)
