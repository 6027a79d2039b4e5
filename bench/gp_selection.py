#!/usr/bin/env python3
"""Selection and constant fitting in GP (issue 15): tournament against epsilon-lexicase and NSGA-II over
(error, size), each with and without Levenberg-Marquardt constant fitting, on the PIMP study's problems.

For every problem x arm x seed one run of bench/configs/gp_pimp.toml (Koza's function set with ERCs,
population 500, 50 generations, tournament mate choice = a second selection event) with
`strategy.selection` and `strategy.constant_fitting` set by the arm. Per cell: success (champion training
RMSE below --threshold), median champion train and test RMSE, median champion size, CPU seconds per run.
Each arm is compared with plain tournament selection: Fisher's exact test on the successes and
Mann-Whitney U on the rest (both from bench/gp_pimp.py).

    bench/gp_selection.py --build build --out runs/gp_selection [--seeds 10] [--jobs 1]

Runs already in --out are reused. Writes OUT/results.csv and OUT/table.md.
"""
import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gp_pimp import fisher_exact, mann_whitney, fmt_p  # noqa: E402

PROBLEMS = ["koza1", "nguyen7", "keijzer6"]
ARMS = [("tournament", "none"), ("lexicase", "none"), ("nsga2", "none"), ("tournament", "lm"), ("lexicase", "lm"),
        ("nsga2", "lm")]
MEASURES = ["train_rmse", "test_rmse", "champion_size", "cpu_s"]


def run_one(args, problem, selection, fitting, seed):
    name = f"{problem}-{selection}-{fitting}-s{seed}"
    out = os.path.join(args.out, "runs", name)
    summary = os.path.join(out, "summary.json")
    cpu_file = os.path.join(out, "cpu_s")
    if not os.path.exists(summary):
        cmd = ["nice", "-n", "10", os.path.join(args.build, "neuroevo"), "run", args.config, "--seed", str(seed),
               "--out", out, "--quiet", "--threads", "1"]
        for s in [f"task.problem=\"{problem}\"", "strategy.mate_choice=\"tournament\"",
                  f"strategy.selection=\"{selection}\"", f"strategy.constant_fitting=\"{fitting}\"",
                  f"run.generations={args.generations}", f"strategy.population={args.population}"]:
            cmd += ["--set", s]
        subprocess.run(["rm", "-rf", out], check=True)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Per-run CPU from the children's rusage; with --jobs > 1 runs overlap and this is approximate.
        with open(cpu_file, "w") as f:
            f.write(f"{(r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime):.3f}\n")
    with open(summary) as f:
        champ = json.load(f)["champion"]
    cpu = float(open(cpu_file).read()) if os.path.exists(cpu_file) else float("nan")
    return {"problem": problem, "selection": selection, "fitting": fitting, "seed": seed,
            "train_rmse": champ["train_rmse"], "test_rmse": champ["test_rmse"], "champion_size": champ["size"],
            "cpu_s": cpu, "formula": champ["formula"]}


def med(v):
    v = sorted(x if x is not None else float("inf") for x in v)
    return v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])


def table(rows, threshold):
    ok = lambda r: r["train_rmse"] is not None and r["train_rmse"] < threshold  # noqa: E731
    lines = ["| problem | selection | constants | success | " + " | ".join(MEASURES) + " |",
             "|" + "---|" * (4 + len(MEASURES))]
    tests = []
    for problem in PROBLEMS:
        cell = {a: [r for r in rows if r["problem"] == problem and (r["selection"], r["fitting"]) == a] for a in ARMS}
        for a in ARMS:
            rs = cell[a]
            if not rs:
                continue
            vals = [f"{med([r[k] for r in rs]):.3g}" for k in MEASURES]
            lines.append(f"| {problem} | {a[0]} | {a[1]} | {sum(map(ok, rs))}/{len(rs)} | " + " | ".join(vals) + " |")
        base = cell[ARMS[0]]
        for a in ARMS[1:]:
            rs = cell[a]
            if not rs or not base:
                continue
            sa, sb = sum(map(ok, rs)), sum(map(ok, base))
            ps = [fisher_exact(sa, len(rs) - sa, sb, len(base) - sb)]
            inf = float("inf")
            ps += [mann_whitney([r[k] if r[k] is not None else inf for r in rs],
                                [r[k] if r[k] is not None else inf for r in base])[0] for k in MEASURES]
            tests.append(f"| {problem} | {a[0]} + {a[1]} vs tournament + none | " + " | ".join(fmt_p(x) for x in ps) + " |")
    lines += ["", "Two-sided p-values against tournament selection without constant fitting (Fisher's exact test "
              "on the successes, Mann-Whitney U on the rest):", "",
              "| problem | comparison | success | " + " | ".join(MEASURES) + " |", "|" + "---|" * (3 + len(MEASURES))]
    return "\n".join(lines + tests)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="runs/gp_selection")
    ap.add_argument("--config", default="bench/configs/gp_pimp.toml")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--population", type=int, default=500)
    ap.add_argument("--generations", type=int, default=50)
    ap.add_argument("--threshold", type=float, default=0.01)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--problems", default="koza1,nguyen7,keijzer6")
    args = ap.parse_args()
    PROBLEMS[:] = args.problems.split(",")
    os.makedirs(args.out, exist_ok=True)
    jobs = [(p, s, f, seed) for p in PROBLEMS for (s, f) in ARMS for seed in range(args.seeds)]
    t0 = time.time()
    with ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(lambda j: run_one(args, *j), jobs))
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    text = (f"{len(rows)} runs, population {args.population}, {args.generations} generations, success = champion "
            f"training RMSE < {args.threshold}; medians over {args.seeds} seeds; cpu_s = CPU seconds per run. "
            f"Wall time {time.time() - t0:.0f} s for the runs made now.\n\n" + table(rows, args.threshold) + "\n")
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
