#!/usr/bin/env python3
"""Episodes and wall time to the ARS paper's thresholds, from the run directories of examples/ars_*.toml.

    bench/examples.py --quick --only '^ars_'      # runs seeds 0-2 of each (build/examples/ars_<task>/seed<S>)
    bench/ars_locomotion.py [RUNS_DIR]              # prints the markdown table of docs/benchmarks.md

Threshold crossing: the first generation whose population mean return (metrics.csv `mean`, the mean over
all 2N perturbed policies theta +- nu delta of that generation) reaches the threshold. That is a
conservative stand-in for the paper's criterion, the mean return of the centre theta over 100 rollouts
(the perturbed policies are on average no better than the centre once it is near an optimum). Episodes
are training episodes up to and including that generation (metrics.csv `episodes`); wall time is
metrics.csv's `wall_time` at that generation, on the shared machine. The final centre's return over
100 fresh episodes is summary.json's champion.
"""
import csv
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (example, task, threshold, ARS V2-t median episodes to the threshold in the paper's Table 1, as recalled).
TASKS = [("ars_swimmer", "Swimmer-v4", 325, 427), ("ars_hopper", "Hopper-v4", 3120, 1973),
         ("ars_halfcheetah", "HalfCheetah-v4", 3430, 1707), ("ars_walker2d", "Walker2d-v4", 4390, 24000)]


def crossing(metrics: Path, threshold: float):
    with open(metrics) as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        if float(r["mean"]) >= threshold:
            return int(r["generation"]), int(r["episodes"]), float(r["wall_time"]), rows
    return None, None, None, rows


def main() -> int:
    runs = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "examples"
    print("| task (example) | threshold | paper V2-t episodes | seeds | reached | episodes to threshold (per seed) "
          "| median | wall s to threshold (per seed) | final centre, 100 episodes (per seed) | budget (episodes) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, task, threshold, paper in TASKS:
        seeds = sorted(runs.glob(f"{name}/seed*/summary.json"))
        if not seeds:
            print(f"| {task} (`{name}`) | {threshold} | {paper:,} | 0 | not run | | | | | |")
            continue
        eps, walls, finals, budget = [], [], [], 0
        for s in seeds:
            summary = json.loads(s.read_text())
            _, e, w, rows = crossing(s.parent / "metrics.csv", threshold)
            eps.append(e)
            walls.append(w)
            finals.append(summary["champion"]["mean_return"])
            budget = int(rows[-1]["episodes"]) if rows else 0
        reached = [e for e in eps if e is not None]
        med = f"{statistics.median(reached):,.0f}" if len(reached) * 2 > len(eps) else "-"
        show = lambda xs, f: ", ".join("not reached" if x is None else f(x) for x in xs)
        print(f"| {task} (`{name}`) | {threshold} | {paper:,} | {len(seeds)} | {len(reached)}/{len(seeds)} | "
              f"{show(eps, lambda x: f'{x:,}')} | {med} | {show(walls, lambda x: f'{x:.0f}')} | "
              f"{', '.join(f'{x:.0f}' for x in finals)} | {budget:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
