"""CMA-ES (neuroevo.Strategy) on a user-defined function: the Rosenbrock function in 10 dimensions.

    PYTHONPATH=build/python python3 examples/python/cmaes_user_function.py
"""
import numpy as np

import neuroevo


def rosenbrock(x: np.ndarray) -> float:
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


es = neuroevo.Strategy("cmaes", num_params=10, seed=0, sigma=0.5, max_generations=2000)
while not es.stop():
    X = es.ask()
    f = np.array([rosenbrock(x) for x in X])
    es.tell(X, f)
    if f.min() < 1e-10:
        break
x = es.champion().astype(np.float64)
print(f"generation {es.generation}: f(champion) = {rosenbrock(x):.3e}, best told = {es.best[1]:.3e}")
