#!/usr/bin/env python3
"""Memory policies compared at equal evaluations: delayed recall (T = 100 and T = 1,000, 2 cues) and the
T-maze, OpenAI-ES, several seeds. Prints one markdown table per task (the tables of docs/memory.md).

    bench/memory_compare.py [--build build] [--seeds 0,1,2,3,4] [--jobs 2] [--only elm,mlp] [--tasks dr100,dr1000,tmaze]

Every run is `nice -n 10 neuroevo run bench/configs/memory/<policy>.toml --threads 1` with the task's
overrides below; at most --jobs runs at once (the machine is shared).

Policies (bench/configs/memory/*.toml): elm (8 memory units, tau evolved within [5, 3 T]), mlp (16
hidden, memoryless), hebbian (ABCD, 16 hidden), snn (32 ALIF neurons, threshold adaptation tau_theta = T),
hopfield (8 written slots of dimension 8, evolved write gate).

Budgets (equal for every policy within a task; chosen so the whole comparison fits ~30 minutes on two
loaded cores):
  dr100    delayed_recall-100-2,  population 100 x 16 episodes, 60 generations = 96,000 episodes
  dr1000   delayed_recall-1000-2, population 50 x 8 episodes, 24 generations = 9,600 episodes
           (the same ~9.7 million environment steps as dr100)
  tmaze    tmaze-10, population 100 x 16 episodes, 30 generations = 48,000 episodes

Success: the ES centre after the last generation (the run's champion) scores at least 99% of the
maximum return over 100 fresh episodes (delayed recall >= 0.99, T-maze >= 3.96). A memoryless policy is
bounded by 0.5 (delayed recall, 2 cues) and 1.95 (T-maze) in expectation.
Episodes to solve: training episodes spent up to the first generation whose population mean return
reaches 95% of the maximum (0.95 / 3.8); "-" if none did.
"""
import argparse
import concurrent.futures
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLICIES = ["elm", "mlp", "hebbian", "snn", "hopfield"]

TASKS = {
    "dr100": dict(env="delayed_recall-100-2", T=100, max=1.0, sets=["run.generations=60"]),
    "dr1000": dict(env="delayed_recall-1000-2", T=1000, max=1.0,
                   sets=["run.generations=24", "strategy.population=50", "task.episodes=8"]),
    "tmaze": dict(env="tmaze-10", T=44, max=4.0, sets=["run.generations=30"]),
}


def policy_sets(policy, T):
    if policy == "elm":
        return [f"policy.tau_max={3.0 * T}"]
    if policy == "snn":
        return [f"policy.tau_theta={float(T)}"]
    return []


def run_one(binary, task, policy, seed, out):
    t = TASKS[task]
    cmd = ["nice", "-n", "10", binary, "run", os.path.join(ROOT, "bench/configs/memory", policy + ".toml"), "--out", out,
           "--seed", str(seed), "--threads", "1", "--quiet", "--set", f"env.name={t['env']}"]
    for s in t["sets"] + policy_sets(policy, t["T"]):
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "metrics.csv")) as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    first = next((r for r in rows if float(r["mean"]) >= 0.95 * t["max"]), None)
    champ = summary["champion"]["mean_return"]
    return dict(task=task, policy=policy, seed=seed, champion=champ, solved=champ >= 0.99 * t["max"],
                episodes_to_solve=int(first["episodes"]) if first else None, episodes=int(rows[-1]["episodes"]),
                steps=int(rows[-1]["env_steps"]), wall=summary["wall_time_s"], params=summary["num_params"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated policies (default: all)")
    ap.add_argument("--tasks", default="dr100,dr1000,tmaze")
    ap.add_argument("--json", default="", help="also write every run's result to this file")
    args = ap.parse_args()
    binary = os.path.join(args.build, "neuroevo")
    if not os.access(binary, os.X_OK):
        sys.exit(f"memory_compare.py: {binary} not found; build first")
    seeds = [int(s) for s in args.seeds.split(",")]
    policies = [p for p in POLICIES if not args.only or p in args.only.split(",")]
    tasks = [t for t in args.tasks.split(",") if t]
    for t in tasks:
        if t not in TASKS:
            sys.exit(f"memory_compare.py: --tasks: unknown task '{t}' (known: {', '.join(TASKS)})")

    results = []
    with tempfile.TemporaryDirectory() as tmp, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(run_one, binary, t, p, s, os.path.join(tmp, f"{t}-{p}-{s}"))
                   for t in tasks for p in policies for s in seeds]
        for f in futures:
            results.append(f.result())
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)

    for t in tasks:
        rs = [r for r in results if r["task"] == t]
        print(f"\n{TASKS[t]['env']}: {rs[0]['episodes']} training episodes per run, seeds {args.seeds}\n")
        print("| policy | params | solved | champion return per seed | episodes to solve per seed | median | wall s (sum) |")
        print("|---|---|---|---|---|---|---|")
        for p in policies:
            pr = [r for r in rs if r["policy"] == p]
            eps = [r["episodes_to_solve"] for r in pr]
            med = statistics.median(float("inf") if e is None else e for e in eps)
            med_text = "-" if med == float("inf") else str(int(med))
            print(f"| {p} | {pr[0]['params']} | {sum(r['solved'] for r in pr)}/{len(pr)} | "
                  + ", ".join("%.2f" % r["champion"] for r in pr) + " | "
                  + ", ".join("-" if e is None else str(e) for e in eps) + f" | {med_text} | "
                  + "%.0f" % sum(r["wall"] for r in pr) + " |", flush=True)


if __name__ == "__main__":
    main()
