"""Figures of docs/benchmarks.md for the Python package (run with PYTHONPATH=build/python):

1. ask+tell cost per generation at lambda 64, D 100: neuroevo.Strategy("cmaes") against the `cmaes`
   package (python3-cmaes), in the same process, on the same cheap objective (the sphere, so the
   strategies' own work dominates), plus the binding's own cost per call (a trivial method call).
2. Task.evaluate steps/s against a plain Python loop over the Gymnasium-protocol wrapper (neuroevo.make)
   with the same policy (Task.policy), CartPole-v1, a 64x64 MLP.

CPU time (time.process_time) is reported beside wall time: the machine is shared.
"""
import sys
import time

import numpy as np

import neuroevo

GENERATIONS = 300


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def neuroevo_cmaes():
    es = neuroevo.Strategy("cmaes", num_params=100, seed=0, sigma=0.5, population=64)
    for _ in range(GENERATIONS):
        X = es.ask()
        es.tell(X, np.einsum("ij,ij->i", X, X))


def pycmaes():
    from cmaes import CMA

    opt = CMA(mean=np.zeros(100), sigma=0.5, population_size=64, seed=0)
    for _ in range(GENERATIONS):
        sols = []
        for _ in range(opt.population_size):
            x = opt.ask()
            sols.append((x, float(x @ x)))
        opt.tell(sols)


def binding_call_cost(n=200_000):
    es = neuroevo.Strategy("cmaes", num_params=100, seed=0, population=64)
    core = es._core
    t = time.perf_counter()
    for _ in range(n):
        core.generation
    return (time.perf_counter() - t) / n


def main():
    print(f"load average at start: {open('/proc/loadavg').read().split()[:3]}")
    if "--evaluate-only" not in sys.argv:
        ask_tell()
    evaluate(int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1)


def ask_tell():
    w, c, _ = timed(neuroevo_cmaes)
    print(f"neuroevo cmaes ask+tell: {1e6 * w / GENERATIONS:.1f} us/generation wall, {1e6 * c / GENERATIONS:.1f} us CPU")
    w, c, _ = timed(pycmaes)
    print(f"cmaes package ask+tell:  {1e6 * w / GENERATIONS:.1f} us/generation wall, {1e6 * c / GENERATIONS:.1f} us CPU")
    print(f"binding cost of one call (property read): {1e6 * binding_call_cost():.3f} us")


def evaluate(threads):

    task = neuroevo.Task("CartPole-v1", policy={"type": "mlp", "hidden": [64, 64]})
    rng = np.random.default_rng(0)
    # Both sides run the same policies on the same episode seeds; rates are per step, and Task.evaluate
    # runs 20 episodes per row so that its fixed cost per call is negligible.
    params = (np.stack([task.init_params(s) for s in range(64)]) + rng.normal(0, 0.05, (64, task.num_params))).astype(np.float32)
    best = None
    for _ in range(3):  # the best of three by CPU time (the machine is shared)
        w, c, (ret, steps, _) = timed(lambda: task.evaluate(params, episodes=20, seed=0, threads=threads, return_info=True))
        if best is None or c < best[1]:
            best = (w, c, steps.sum())
    w, c, total = best
    fast = total / c
    print(f"Task.evaluate ({threads} thread(s)): {total} steps in {w:.3f} s wall ({c:.3f} s CPU): {fast:.0f} steps/s (CPU)")

    env = neuroevo.make("CartPole-v1")

    def python_loop(rows=64):
        n = 0
        for i in range(rows):
            env_seed, policy_seed = neuroevo.episode_seeds(0, i, 0)
            obs, _ = env.reset(options={"episode_seed": env_seed})
            policy = task.policy(params[i], policy_seed)
            done = False
            while not done:
                obs, r, term, trunc, _ = env.step(int(policy(obs)[0]))
                n += 1
                done = term or trunc
        return n

    w, c, n = timed(python_loop)
    slow = n / c
    print(f"Python loop over neuroevo.make + Task.policy: {n} steps in {w:.3f} s wall ({c:.3f} s CPU): {slow:.0f} steps/s (CPU)")
    print(f"speed-up (CPU time): {fast / slow:.0f}x")


if __name__ == "__main__":
    main()
