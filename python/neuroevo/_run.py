"""`neuroevo run` from Python, and run directories as numpy arrays."""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Union

import numpy as np

from . import _core, _toml


class ChampionPolicy:
    """A run's champion (champion.bin): ``policy(obs) -> action`` for tasks with an environment (an int
    for a Discrete action space, else a float32 array), and ``params`` (its parameter vector, float32).

    ``reset(seed)`` starts an episode (clears recurrent state, reseeds the policy's own randomness).
    Observation normalisation recorded with the champion is applied as in the run.
    """

    def __init__(self, path: str, env: Optional[Callable[[], Any]] = None) -> None:
        self._core = _core.ChampionCore(path, env)
        self.params = self._core.params()
        self.generation = self._core.generation
        self.train_fitness = self._core.train_fitness
        self.env_id = self._core.env
        self.task_type = self._core.task_type
        if self._core.has_policy:
            self._core.reset(0)

    @property
    def has_policy(self) -> bool:
        """False for tasks without an environment (a fitness function, bbob): only ``params``."""
        return self._core.has_policy

    def reset(self, seed: int = 0) -> None:
        self._core.reset(int(seed))

    def __call__(self, obs: Any):
        a = self._core.act(np.ascontiguousarray(obs, dtype=np.float32).reshape(-1))
        return int(a[0]) if self._core.discrete else a

    def __repr__(self) -> str:
        return f"neuroevo.ChampionPolicy({self._core.describe()}, generation={self.generation})"


@dataclass
class Run:
    """A run directory: ``metrics`` (column name -> numpy array, one row per generation), ``summary``
    (summary.json), ``config`` (config.toml text), ``dir``, and ``champion`` (a :class:`ChampionPolicy`
    once the run wrote champion.bin, else None)."""

    dir: str
    metrics: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)
    config: str = ""
    champion: Optional[ChampionPolicy] = None

    def __repr__(self) -> str:
        return f"neuroevo.Run({self.dir!r}, generations={len(next(iter(self.metrics.values()), []))})"


def _read_metrics(path: str) -> dict:
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        header = f.readline().strip().split(",")
        rows = [line.rstrip("\n").split(",") for line in f if line.strip()]
    out = {}
    for j, name in enumerate(header):
        col = [r[j] if j < len(r) else "" for r in rows]
        try:
            out[name] = np.array([float(v) if v != "" else np.nan for v in col])
        except ValueError:
            out[name] = np.array(col)
    return out


def load_run(directory: str, env: Optional[Callable[[], Any]] = None) -> Run:
    """Reads a run directory written by `neuroevo run` or :func:`run`.

    ``env``: for a run on a Python environment, the same class (or factory) given to :func:`run`; the
    champion's policy needs its spaces.
    """
    if not os.path.isdir(directory):
        raise ValueError(f"load_run(): '{directory}' is not a directory")
    summary = {}
    sp = os.path.join(directory, "summary.json")
    if os.path.exists(sp):
        with open(sp) as f:
            summary = json.load(f)
    config = ""
    cp = os.path.join(directory, "config.toml")
    if os.path.exists(cp):
        with open(cp) as f:
            config = f.read()
    metrics = _read_metrics(os.path.join(directory, "metrics.csv"))
    if not metrics and not summary:
        raise ValueError(f"load_run(): '{directory}' holds no metrics.csv or summary.json")
    champion = None
    cp = os.path.join(directory, "champion.bin")
    if os.path.exists(cp):
        champion = ChampionPolicy(cp, env)
    return Run(directory, metrics, summary, config, champion)


def _with_task_type(config: Mapping[str, Any], fitness: Any, env: Any) -> Mapping[str, Any]:
    if fitness is not None and env is not None:
        raise ValueError("run(): give fitness= or env=, not both")
    if fitness is None and env is None:
        return config
    task = dict(config.get("task", {}))
    task.setdefault("type", "python_function" if fitness is not None else "python_env")
    out = dict(config)
    out["task"] = task
    return out


def run(config: Union[str, os.PathLike, Mapping[str, Any]], out: Optional[str] = None, threads: int = 0,
        seed: Optional[int] = None, quiet: bool = False, resume: Optional[str] = None,
        set: Optional[list] = None, stop: Optional[Callable[[], bool]] = None,
        fitness: Optional[Callable[[np.ndarray], Any]] = None, env: Optional[Callable[[], Any]] = None) -> Run:
    """Runs an experiment exactly as ``neuroevo run`` does and returns its :class:`Run`.

    ``config``: a TOML file's path or a dict of tables (``{"env": {...}, "strategy": {...}, ...}``);
    ``resume``: a run directory to continue instead. ``quiet=True`` silences the per-generation line.
    ``set``: ``["key=value", ...]`` overrides, as ``--set``. ``stop``: called between generations;
    returning True writes a checkpoint and ends the run early (resume it with ``resume=dir``). Ctrl-C,
    or an exception raised by ``stop``, also checkpoints and then raises that exception here.

    Your own problems (``[task] type`` is set for you when a dict config has none):

    - ``fitness=f`` (``[task] type = "python_function"``, keys ``dim`` (required), ``init_low``,
      ``init_high``, ``minimize`` (default True), ``batch`` (default 256)): ``f(X)`` gets a (n, dim)
      float64 array of up to ``batch`` candidates and returns n numbers.
    - ``env=E`` (``[task] type = "python_env"``, keys ``episodes``, ``max_steps``, and the policy as the
      ``[task.policy]`` table): ``E()`` builds an environment with the Gymnasium protocol (one per
      worker thread); the policy runs in C++, ``reset(seed=...)`` gets the engine's episode seeds.

    Python code runs with the GIL held, so these evaluations are serial whatever ``threads`` is. An
    exception raised by ``f`` or the environment is raised here with its traceback; the run directory
    keeps its last checkpoint, and ``run(None, resume=dir, fitness=f)`` continues it.
    """
    if seed is not None and (not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    sets = [str(s) for s in (set or [])]
    tmp = None
    try:
        if resume is not None:
            path = ""
        elif isinstance(config, Mapping):
            config = _with_task_type(config, fitness, env)
            tmp = tempfile.NamedTemporaryFile("w", suffix=".toml", prefix="neuroevo-config-", delete=False)
            tmp.write(_toml.dumps(config))
            tmp.close()
            path = tmp.name
        elif isinstance(config, (str, os.PathLike)):
            path = os.fspath(config)
            if not os.path.exists(path):
                raise ValueError(f"run(): config file '{path}' does not exist")
        else:
            raise TypeError(f"run(): config must be a dict or a path, got {type(config).__name__}")
        if out is None and resume is None:
            raise ValueError("run(): out= (the run directory) is required")
        if fitness is not None and not callable(fitness):
            raise TypeError(f"run(): fitness must be callable, got {type(fitness).__name__}")
        if env is not None and not callable(env):
            raise TypeError(f"run(): env must be a class or a callable returning an environment, got {type(env).__name__}")
        code = _core.run_experiment(path, sets, out or "", resume or "", seed, int(threads), bool(quiet), stop,
                                    fitness, env)
    finally:
        if tmp is not None:
            os.unlink(tmp.name)
    if code != 0:
        raise RuntimeError(f"run(): the experiment ended with exit code {code}")
    return load_run(resume or out, env)
