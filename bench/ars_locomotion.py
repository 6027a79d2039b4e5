#!/usr/bin/env python3
"""Episodes and wall time to the ARS paper's thresholds, from the run directories of examples/ars_*.toml.

    bench/examples.py --quick --only '^ars_'      # runs seeds 0-2 of each (build/examples/ars_<task>/seed<S>)
    bench/ars_locomotion.py [RUNS_DIR]              # prints the markdown table of docs/benchmarks.md

Threshold crossing, the paper's criterion (Mania, Guy & Recht 2018: the centre theta is evaluated every 10
iterations on 100 rollouts; an episode count is the number of training rollouts up to that point): the
examples keep the centre of every 10th generation (run.keep_champions, champions/gen<G>.bin); this script
evaluates them in order with `neuroevo eval --episodes 100 --seed 0` and reports the first whose mean
return reaches the threshold. Evaluation episodes are not counted, as in the paper. To save CPU, a kept
centre is evaluated only when its generation's best perturbed policy (metrics.csv `best`) reached 80 % of
the threshold: near the threshold the best of the 2N perturbations is above the centre. The evaluations
are cached in <run>/centre_evals.json.

Columns: episodes = metrics.csv `episodes` at the crossing generation; wall s = metrics.csv `wall_time`
there (the shared machine, see docs/benchmarks.md for its load); final centre = summary.json's champion
(the last centre over 100 fresh episodes), "-" for a run without summary.json (still going or stopped);
budget = the most training episodes any seed's metrics.csv reached.
"""
import csv
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (example, task, threshold, ARS V2-t median episodes to the threshold in the paper's Table 1, as recalled;
# the search tools reached only the paper's abstract, not its tables).
TASKS = [("ars_swimmer", "Swimmer-v4", 325, 427), ("ars_hopper", "Hopper-v4", 3120, 1973),
         ("ars_halfcheetah", "HalfCheetah-v4", 3430, 1707), ("ars_walker2d", "Walker2d-v4", 4390, 24000)]
EVAL_EPISODES = 100
PREFILTER = 0.8


def centre_return(binary: Path, champion: Path, cache: dict) -> float:
    key = champion.name
    if key not in cache:
        out = subprocess.run([str(binary), "eval", str(champion), "--episodes", str(EVAL_EPISODES), "--seed", "0",
                              "--threads", "1", "--json"], check=True, capture_output=True, text=True).stdout
        cache[key] = json.loads(out)["mean_return"]
    return cache[key]


def crossing(run: Path, threshold: float, binary: Path):
    """(generation, episodes, wall s, centre return) of the first kept centre at the threshold, or Nones."""
    with open(run / "metrics.csv") as f:
        rows = {int(r["generation"]): r for r in csv.DictReader(f)}
    cache_path = run / "centre_evals.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    found = (None, None, None, None)
    try:
        for champ in sorted((run / "champions").glob("gen*.bin")):
            gen = int(champ.stem[3:])
            r = rows.get(gen)
            if r is None or float(r["best"]) < PREFILTER * threshold:
                continue
            ret = centre_return(binary, champ, cache)
            if ret >= threshold:
                found = (gen, int(r["episodes"]), float(r["wall_time"]), ret)
                break
    finally:
        cache_path.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    last = rows[max(rows)] if rows else None
    return found, (int(last["episodes"]) if last else 0)


def main() -> int:
    runs = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "examples"
    binary = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "build" / "neuroevo"
    print("| task (example) | threshold | paper V2-t episodes | seeds | reached | episodes to threshold (per seed) "
          "| median | wall s to threshold (per seed) | final centre, 100 episodes (per seed) | budget (episodes) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, task, threshold, paper in TASKS:
        # Finished runs and runs still going or stopped (metrics.csv but no summary.json: final centre "-").
        seeds = sorted(runs.glob(f"{name}/seed*/metrics.csv"), key=lambda p: int(p.parent.name[4:]))
        if not seeds:
            print(f"| {task} (`{name}`) | {threshold} | {paper:,} | 0 | not run | | | | | |")
            continue
        eps, walls, finals, budget = [], [], [], 0
        for s in seeds:
            summary_path = s.parent / "summary.json"
            summary = json.loads(summary_path.read_text()) if summary_path.exists() else None
            (_, e, w, _), budget_s = crossing(s.parent, threshold, binary)
            budget = max(budget, budget_s)
            eps.append(e)
            walls.append(w)
            finals.append(summary["champion"]["mean_return"] if summary else None)
        reached = [e for e in eps if e is not None]
        med = f"{statistics.median(reached):,.0f}" if len(reached) * 2 > len(eps) else "-"
        show = lambda xs, f: ", ".join("not reached" if x is None else f(x) for x in xs)
        print(f"| {task} (`{name}`) | {threshold} | {paper:,} | {len(seeds)} | {len(reached)}/{len(seeds)} | "
              f"{show(eps, lambda x: f'{x:,}')} | {med} | {show(walls, lambda x: f'{x:.0f}')} | "
              f"{', '.join('-' if x is None else f'{x:.0f}' for x in finals)} | {budget:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
