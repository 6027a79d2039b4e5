#!/usr/bin/python3
"""Per-generation overhead of Debian's python3-cmaes (`from cmaes import CMA`, Nomura & Shibata) on the
sphere, at the same dimensions and lambda (4 + floor(3 ln D)) as bench/peers/cmaes_vs_pagmo.cpp, to put
next to neuroevo's `cmaes` and pagmo2's. Run with Debian's python (it has python3-cmaes and numpy):

    /usr/bin/python3 bench/python/cmaes_overhead.py [--dims 10,100,1000] [--generations G] [--json]

Times ask + sphere + tell for G generations (default: about a second per dimension, at least 20
generations) after one warm-up generation, with wall and process CPU time.
"""
import argparse
import json
import math
import time

import numpy as np
from cmaes import CMA


def per_generation(dim, lam, gens, seed=1):
    rng = np.random.default_rng(seed)
    opt = CMA(mean=rng.uniform(-4, 4, dim), sigma=0.5, population_size=lam, seed=seed)

    def generation():
        sols = []
        for _ in range(opt.population_size):
            x = opt.ask()
            sols.append((x, float(np.dot(x, x))))
        opt.tell(sols)

    generation()  # warm-up
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(gens):
        generation()
    return (time.perf_counter() - w0) / gens, (time.process_time() - c0) / gens


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dims", default="10,100,1000")
    ap.add_argument("--generations", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    print(f"{'D':<8} {'lambda':>6} {'gens':>6} {'wall s/gen':>12} {'cpu s/gen':>12}")
    for d in (int(x) for x in a.dims.split(",")):
        lam = 4 + int(math.floor(3 * math.log(d)))
        gens = a.generations or max(20, 2_000_000 // (d * d + 100 * d))
        wall, cpu = per_generation(d, lam, gens)
        print(f"{d:<8} {lam:>6} {gens:>6} {wall:>12.3e} {cpu:>12.3e}")
        if a.json:
            print(json.dumps({"bench": "python_cmaes", "dim": d, "lambda": lam, "generations": gens,
                              "wall_s_per_gen": wall, "cpu_s_per_gen": cpu}))


if __name__ == "__main__":
    main()
