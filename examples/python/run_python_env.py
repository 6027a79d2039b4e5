"""The GA through neuroevo.run on an environment written in Python (ReachTarget of ga_python_env.py):
the CLI's run directory, checkpoints and champion for your own environment, then the champion loaded
back as a callable policy and rolled out in a plain Python loop.

    PYTHONPATH=build/python python3 examples/python/run_python_env.py [run directory]
"""
import os
import sys

import numpy as np

import neuroevo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ga_python_env import ReachTarget  # noqa: E402


def main(out="runs/python-env-ga"):
    config = {
        "run": {"generations": 15, "seed": 0, "eval_episodes": 20},
        # python_env: the policy ([task.policy]) runs in C++, the environment in Python.
        "task": {"episodes": 2, "policy": {"type": "mlp", "hidden": [4]}},
        "strategy": {"name": "ga", "population": 40, "truncation": 8, "sigma": 0.5},
        "noise": {"size": 1 << 16},
    }
    if os.path.exists(os.path.join(out, "checkpoint.ckpt")) and not os.path.exists(os.path.join(out, "summary.json")):
        run = neuroevo.run(None, resume=out, env=ReachTarget)  # an interrupted run continues
    else:
        run = neuroevo.run(config, out=out, env=ReachTarget)
    policy = neuroevo.load_run(out, env=ReachTarget).champion
    env, returns = ReachTarget(), []
    for seed in range(10_000, 10_010):
        obs, _ = env.reset(seed=seed)
        policy.reset(0)
        total, done = 0.0, False
        while not done:
            obs, r, terminated, truncated, _ = env.step(policy(obs))
            total += r
            done = terminated or truncated
        returns.append(total)
    print(f"champion: {run.summary['champion']['mean_return']:.2f} in the run's evaluation, "
          f"{np.mean(returns):.2f} over 10 new episodes in Python")


if __name__ == "__main__":
    main(*sys.argv[1:])
