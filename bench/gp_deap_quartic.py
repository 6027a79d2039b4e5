#!/usr/bin/python3
"""DEAP (Debian's python3-deap) on Koza's quartic with the set-up of examples/gp_quartic.toml, for the
programs/s comparison of bench/gp_speed.sh: population 500, 50 generations, 20 points uniform in [-1, 1],
{+, -, *, protected /} without constants, ramped half-and-half of depth 2..6, tournament 7, subtree
crossover 0.9 (cxOnePoint), subtree mutation 0.1 (mutUniform with genFull 0..2), depth limit 17,
one elite; fitness the RMSE over the points (vectorised by nothing: DEAP's compiled lambda per point,
as in its symbreg example). Prints one JSON line: evaluations, CPU seconds, programs/s, best RMSE.

    /usr/bin/python3 bench/gp_deap_quartic.py [--seed 0] [--population 500] [--generations 50]
"""
import argparse
import json
import math
import operator
import random
import time

from deap import base, creator, gp, tools


def protected_div(a, b):
    return 1.0 if abs(b) < 1e-12 else a / b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--population", type=int, default=500)
    ap.add_argument("--generations", type=int, default=50)
    args = ap.parse_args()
    random.seed(args.seed)
    points = [random.uniform(-1, 1) for _ in range(20)]
    target = [x ** 4 + x ** 3 + x ** 2 + x for x in points]

    pset = gp.PrimitiveSet("MAIN", 1)
    pset.addPrimitive(operator.add, 2)
    pset.addPrimitive(operator.sub, 2)
    pset.addPrimitive(operator.mul, 2)
    pset.addPrimitive(protected_div, 2)
    pset.renameArguments(ARG0="x")
    creator.create("FitnessMin", base.Fitness, weights=(-1.0,))
    creator.create("Individual", gp.PrimitiveTree, fitness=creator.FitnessMin)
    tb = base.Toolbox()
    tb.register("expr", gp.genHalfAndHalf, pset=pset, min_=2, max_=6)
    tb.register("individual", tools.initIterate, creator.Individual, tb.expr)
    tb.register("population", tools.initRepeat, list, tb.individual)
    tb.register("compile", gp.compile, pset=pset)

    def evaluate(ind):
        f = tb.compile(expr=ind)
        try:
            s = sum((f(x) - y) ** 2 for x, y in zip(points, target))
            return (math.sqrt(s / len(points)),)
        except (OverflowError, ValueError):
            return (float("inf"),)

    tb.register("evaluate", evaluate)
    tb.register("select", tools.selTournament, tournsize=7)
    tb.register("mate", gp.cxOnePoint)
    tb.register("expr_mut", gp.genFull, min_=0, max_=2)
    tb.register("mutate", gp.mutUniform, expr=tb.expr_mut, pset=pset)
    tb.decorate("mate", gp.staticLimit(key=operator.attrgetter("height"), max_value=17))
    tb.decorate("mutate", gp.staticLimit(key=operator.attrgetter("height"), max_value=17))

    t0 = time.process_time()
    pop = tb.population(n=args.population)
    evaluations = 0
    for ind in pop:
        ind.fitness.values = tb.evaluate(ind)
    evaluations += len(pop)
    for _ in range(args.generations - 1):
        elite = tools.selBest(pop, 1)
        off = [tb.clone(i) for i in tb.select(pop, len(pop) - 1)]
        for i in range(1, len(off), 2):
            if random.random() < 0.9:
                off[i - 1], off[i] = tb.mate(off[i - 1], off[i])
                del off[i - 1].fitness.values, off[i].fitness.values
        for i in range(len(off)):
            if random.random() < 0.1:
                (off[i],) = tb.mutate(off[i])
                del off[i].fitness.values
        # DEAP's examples re-evaluate only changed individuals; we evaluate every program, as neuroevo does.
        for ind in off:
            ind.fitness.values = tb.evaluate(ind)
        evaluations += len(off)
        pop = [tb.clone(e) for e in elite] + off
    cpu = time.process_time() - t0
    best = min(i.fitness.values[0] for i in pop)
    print(json.dumps({"peer": "deap", "seed": args.seed, "evaluations": evaluations, "cpu_s": round(cpu, 3),
                      "programs_per_s": evaluations / cpu, "best_rmse": best}))


if __name__ == "__main__":
    main()
