"""A Python-defined environment (Gymnasium protocol) solved by the GA through ask/tell: the example
examples/python/ga_python_env.py, checked against a hand-written proportional controller's return."""
import importlib.util
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_example():
    spec = importlib.util.spec_from_file_location("ga_python_env", os.path.join(ROOT, "examples", "python", "ga_python_env.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_ga_solves_python_env():
    ex = load_example()
    env = ex.ReachTarget()

    def controller_return(seed):  # move at full speed to the target, then hold: near-optimal
        obs, _ = env.reset(seed=seed)
        total, done = 0.0, False
        while not done:
            obs, r, term, trunc, _ = env.step(np.array([np.clip(10 * (obs[1] - obs[0]), -1, 1)]))
            total += r
            done = term or trunc
        return total

    reference = np.mean([controller_return(10_000 + k) for k in range(20)])
    do_nothing = np.mean([ex.episode_return(env, np.zeros(3), 10_000 + k) for k in range(20)])
    score = ex.main()
    # Solved: at least 80% of the way from standing still to the controller on the same 20 episodes.
    assert score > do_nothing + 0.8 * (reference - do_nothing)
