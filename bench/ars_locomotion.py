#!/usr/bin/env python3
"""Episodes and wall time to the ARS paper's thresholds, from the run directories of the linear-policy
locomotion examples: ARS V2-t (examples/ars_<task>.toml) and OpenAI-ES (examples/es_linear_<task>.toml).

    bench/examples.py --quick --only '^(ars|es_linear)_'   # seeds 0-2 of each (build/examples/<example>/seed<S>)
    bench/ars_locomotion.py [RUNS_DIR [BINARY [EXAMPLE_REGEX]]]  # prints the markdown table of docs/benchmarks.md

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
budget = the most training episodes any seed's metrics.csv reached. "mean" is the mean over the seeds that
reached the threshold (all of them when the row says 3/3): the paper's Table 1 entries are means over 3
seeds, which is why they are not multiples of the 20N episodes between two evaluations (Swimmer 427 =
1,280 / 3 with N = 1, HalfCheetah 1,707 = 5,120 / 3 with N = 32, Hopper 1,973 = 5,920 / 3 with N = 8).
"""
import re
import csv
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from examples import eval_json  # noqa: E402  (neuroevo eval --json)
# (example, task, threshold, the paper's episodes to the threshold or None). ARS rows: the ARS V2-t column
# of Table 1 of Mania, Guy & Recht 2018 (means over 3 seeds), as recalled: the search tools reached only the
# paper's abstract; the divisibility noted above is consistent with them. ES rows: Table 1 has no ES column
# (as recalled, the paper compares with ES in timesteps and wall-clock time on Humanoid only), so None.
THRESHOLDS = {"Swimmer-v4": 325, "Hopper-v4": 3120, "HalfCheetah-v4": 3430, "Walker2d-v4": 4390,
              "Ant-v4": 3580, "Humanoid-v4": 6000}
PAPER_ARS_V2T = {"Swimmer-v4": 427, "Hopper-v4": 1973, "HalfCheetah-v4": 1707, "Walker2d-v4": 24000,
                 "Ant-v4": 20800, "Humanoid-v4": 142600}
TASKS = [(f"{method}_{name}", task, THRESHOLDS[task], PAPER_ARS_V2T[task] if method == "ars" else None)
         for name, task in (("swimmer", "Swimmer-v4"), ("hopper", "Hopper-v4"), ("halfcheetah", "HalfCheetah-v4"),
                            ("walker2d", "Walker2d-v4"), ("ant", "Ant-v4"), ("humanoid", "Humanoid-v4"))
         for method in ("ars", "es_linear")]
EVAL_EPISODES = 100
PREFILTER = 0.8


def centre_return(binary: Path, champion: Path, cache: dict) -> float:
    key = champion.name
    if key not in cache:
        cache[key] = eval_json(binary, champion, EVAL_EPISODES)["mean_return"]
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
    only = re.compile(sys.argv[3]) if len(sys.argv) > 3 else None
    print("| task (example) | threshold | paper ARS V2-t episodes (mean of 3) | seeds | reached | episodes to threshold "
          "(per seed) | median | mean (x paper) | wall s to threshold (per seed) | final centre, 100 episodes "
          "(per seed) | budget (episodes) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, task, threshold, paper in TASKS:
        if only is not None and not only.search(name):
            continue
        paper_text = "-" if paper is None else f"{paper:,}"
        # Finished runs and runs still going or stopped (metrics.csv but no summary.json: final centre "-").
        # Full-budget runs (seed<S>), or else the quick runs (quick-seed<S>, the example's quick overrides).
        seeds = sorted(runs.glob(f"{name}/seed*/metrics.csv"), key=lambda p: int(p.parent.name[4:]))
        label = ""
        if not seeds:
            seeds = sorted(runs.glob(f"{name}/quick-seed*/metrics.csv"), key=lambda p: int(p.parent.name[10:]))
            label = ", quick budget"
        if not seeds:
            print(f"| {task} (`{name}`) | {threshold} | {paper_text} | 0 | not run | | | | | | |")
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
        mean = "-"
        if reached:
            mean = f"{statistics.mean(reached):,.0f}"
            if paper is not None:
                mean += f" ({statistics.mean(reached) / paper:.1f}x)"
            if len(reached) < len(eps):
                mean += f" of {len(reached)}"
        show = lambda xs, f: ", ".join("not reached" if x is None else f(x) for x in xs)
        print(f"| {task} (`{name}`{label}) | {threshold} | {paper_text} | {len(seeds)} | {len(reached)}/{len(seeds)} | "
              f"{show(eps, lambda x: f'{x:,}')} | {med} | {mean} | {show(walls, lambda x: f'{x:.0f}')} | "
              f"{', '.join('-' if x is None else f'{x:.0f}' for x in finals)} | {budget:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
