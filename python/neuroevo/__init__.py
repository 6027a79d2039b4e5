"""neuroevo: gradient-free neuroevolution (GA, ES, CMA-ES, NES, novelty search...) from Python.

- :class:`Strategy`: ask/tell for every registered fixed-vector strategy on numpy arrays.
- :class:`Task`: a built-in environment and policy, evaluated in C++ on the engine's thread pool.
- :func:`make`: a built-in environment with the Gymnasium protocol (reset/step/spaces).
- :func:`run` / :func:`load_run`: `neuroevo run` from Python (also on your own fitness function or
  Gymnasium-protocol environment: ``run(config, fitness=f)`` / ``run(config, env=EnvClass)``), and its run
  directory as numpy arrays with the champion as a callable policy.

The engine is the C++ library of `neuroevo`; docs/python.md is the user guide.
"""
from __future__ import annotations

from . import _core
from ._strategy import Strategy, bbob
from ._task import Policy, Task
from ._env import Box, Discrete, Env, make, env_ids
from ._run import ChampionPolicy, Run, run, load_run

__all__ = ["Strategy", "Task", "Env", "Box", "Discrete", "make", "env_ids", "run", "load_run", "Run", "bbob",
           "strategy_names", "Policy", "episode_seeds", "ChampionPolicy"]


def strategy_names() -> list[str]:
    """The registered strategies' names (`neuroevo list`)."""
    return list(_core.strategy_names())


def episode_seeds(seed: int, individual: int, episode: int) -> tuple[int, int]:
    """(environment seed, policy seed) of an episode of ``Task.evaluate(..., seed=seed)``: replay it with
    ``env.reset(options={"episode_seed": env_seed})`` and ``task.policy(params, policy_seed)``."""
    return _core.episode_seeds(int(seed), int(individual), int(episode))
