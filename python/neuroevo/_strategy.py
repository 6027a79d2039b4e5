"""Ask/tell over numpy arrays (see :class:`Strategy`)."""
from __future__ import annotations

import json
from typing import Any, Optional

import numpy as np

from . import _core, _toml

# Keys of Strategy() that are not [strategy] keys: where they go in the config neuroevo builds.
_TASK_KEYS = ("init_low", "init_high")


class Strategy:
    """A registered strategy with the ask/tell interface (pycma / cmaes style).

    ``Strategy(name, num_params=..., seed=0, **keys)``: ``keys`` are the strategy's config keys
    (``neuroevo list --keys``), e.g. ``sigma=0.5, population=64``. Starting points are drawn uniformly in
    ``[init_low, init_high]^num_params`` (default ``[-4, 4]``, as the CLI's ``[task] type = "bbob"``);
    ``noise_size`` / ``noise_seed`` set the noise table of the strategies that use one (the CLI's
    ``noise.size`` / ``noise.seed``). The same settings give bit-identical candidates to
    ``neuroevo run`` on the same ``[strategy]`` table with ``[run] seed``.

    ``max_generations`` (optional) makes :meth:`stop` true after that many generations.

    Unknown keys raise KeyError with the CLI's suggestion; bad values raise ValueError.
    """

    def __init__(self, name: str, num_params: int, seed: int = 0, *, max_generations: Optional[int] = None,
                 init_low: float = -4.0, init_high: float = 4.0, noise_size: Optional[int] = None,
                 noise_seed: Optional[int] = None, **keys: Any) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Strategy name must be a string, got {type(name).__name__}")
        if not isinstance(num_params, (int, np.integer)) or isinstance(num_params, bool) or num_params < 1:
            raise ValueError(f"num_params must be a positive integer, got {num_params!r}")
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        config: dict[str, Any] = {
            "run": {"seed": int(seed)},
            "strategy": {"name": name, **keys},
            "task": {"dim": int(num_params), "init_low": init_low, "init_high": init_high},
        }
        noise: dict[str, Any] = {}
        if noise_size is not None:
            noise["size"] = noise_size
        if noise_seed is not None:
            noise["seed"] = noise_seed
        if noise:
            config["noise"] = noise
        self._max_generations = max_generations
        self._init(_toml.dumps(config))

    def _init(self, toml_text: str) -> None:
        self._core = _core.StrategyCore(toml_text)
        self._best_f = np.inf
        self._best_x: Optional[np.ndarray] = None

    def ask(self) -> np.ndarray:
        """The next batch of candidates, a (batch, num_params) float64 array (a new array each call)."""
        return self._core.ask()

    def ask_float32(self) -> np.ndarray:
        """The next batch as the float32 vectors `neuroevo run` evaluates (policy parameters)."""
        return self._core.ask_float32()

    def tell(self, X: Optional[np.ndarray], fitness: Any, maximize: bool = False) -> bool:
        """Reports the fitness of the batch ask() returned, in the same order.

        Minimises by default; ``maximize=True`` for returns. Infinite values rank last; NaN is a
        ValueError. Returns True when the generation is complete (the GA asks a second batch per
        generation to re-evaluate its elite).
        """
        f = np.asarray(fitness)
        done = self._core.tell(X, f, bool(maximize))
        if X is not None and f.size:
            g = np.asarray(f, dtype=np.float64)
            score = -g if maximize else g
            i = int(np.argmin(score))
            if score[i] < self._best_f:
                self._best_f = float(score[i])
                self._best_x = np.array(X[i], dtype=np.float64)
        return done

    def stop(self) -> bool:
        """True once ``max_generations`` generations are complete (never without ``max_generations``)."""
        return self._max_generations is not None and self.generation >= self._max_generations

    def champion(self) -> np.ndarray:
        """The strategy's current answer (ES centre, CMA-ES mean, GA elite) as float32 parameters."""
        return self._core.champion()

    @property
    def best(self) -> tuple[Optional[np.ndarray], float]:
        """The best candidate told so far and its fitness (in the tell() sense: minimised unless maximize)."""
        return self._best_x, self._best_f

    @property
    def generation(self) -> int:
        """Number of completed generations."""
        return self._core.generation

    @property
    def num_params(self) -> int:
        return self._core.num_params

    @property
    def name(self) -> str:
        return self._core.name

    def state(self) -> dict:
        """The strategy's whole state (its `save()` JSON), between tell() and ask()."""
        return json.loads(self._core.state())

    def load_state(self, state: dict) -> None:
        """Restores a state() of a strategy built with the same arguments."""
        self._core.load(json.dumps(state))

    def __getstate__(self) -> dict:
        return {"toml": self._core.toml, "state": self._core.state(), "max_generations": self._max_generations,
                "best_f": self._best_f, "best_x": self._best_x}

    def __setstate__(self, d: dict) -> None:
        self._max_generations = d["max_generations"]
        self._init(d["toml"])
        self._core.load(d["state"])
        self._best_f = d["best_f"]
        self._best_x = d["best_x"]

    def __repr__(self) -> str:
        return f"neuroevo.Strategy({self.name!r}, num_params={self.num_params}, generation={self.generation})"


def bbob(function: int, x: np.ndarray, instance: int = 1) -> np.ndarray:
    """f(x) - f_opt of BBOB function `function` (1..24), instance `instance`, for each row of x."""
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    return _core.bbob(int(function), int(instance), x.shape[1], x)
