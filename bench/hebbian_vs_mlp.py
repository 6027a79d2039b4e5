#!/usr/bin/env python3
"""Hebbian ABCD policy against plain MLPs on CartPole-v1 with OpenAI-ES: episodes to solve, over seeds.

    bench/hebbian_vs_mlp.py [--build build] [--seeds 0,1,2] [--generations 30] [--threads 2]

Runs `neuroevo run` (under nice -n 10) for every (config, seed) and prints one markdown table.
"Solved" criterion: the first generation whose population *median* training return is 500, the CartPole-v1
maximum (at least half of the candidates balanced the pole for the whole episode); the table gives the
training episodes spent up to and including that generation. After the last generation the ES centre
(the run's champion) is evaluated on 100 fresh episodes; its mean return is shown too.

Configs (all OpenAI-ES, 1 training episode per candidate):
  hebbian     examples/cartpole_hebbian_es.toml: 4-128-64-2 ABCD network, population 200, sigma 0.1,
              learning rate 0.2 (Najarro & Risi 2020), no observation normalisation.
  mlp-128-64  the same 4-128-64-2 tanh architecture as a plain MLP (with biases), population 200, with
              the repo's OpenAI-ES defaults for weights (sigma 0.02, Adam step 0.01), no observation
              normalisation: same architecture and evaluations per generation as the Hebbian run.
  mlp-64-64   examples/cartpole_es.toml as shipped: 4-64-64-2, population 100, observation normalisation.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONFIGS = [
    ("hebbian", "examples/cartpole_hebbian_es.toml", []),
    ("mlp-128-64", "examples/cartpole_es.toml",
     ["policy.hidden=[128, 64]", "policy.obs_norm=false", "strategy.population=200"]),
    ("mlp-64-64", "examples/cartpole_es.toml", []),
]


def run(binary, config, sets, seed, generations, threads, out):
    cmd = ["nice", "-n", "10", binary, "run", os.path.join(ROOT, config), "--out", out, "--seed", str(seed),
           "--threads", str(threads), "--quiet", "--set", f"run.generations={generations}",
           "--set", f"run.checkpoint_every={generations}"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True)
    with open(os.path.join(out, "metrics.csv")) as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    solved = next((r for r in rows if float(r["median"]) >= 500.0), None)
    return {
        "generation": int(solved["generation"]) if solved else None,
        "episodes": int(solved["episodes"]) if solved else None,
        "champion": summary["champion"]["mean_return"],
        "wall": summary["wall_time_s"],
        "params": summary["num_params"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--generations", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated config names (default: all)")
    args = ap.parse_args()
    binary = os.path.join(args.build, "neuroevo")
    if not os.access(binary, os.X_OK):
        sys.exit(f"hebbian_vs_mlp.py: {binary} not found; build first")
    seeds = [int(s) for s in args.seeds.split(",")]
    only = set(filter(None, args.only.split(",")))

    print(f"CartPole-v1, OpenAI-ES, {args.generations} generations, seeds {args.seeds}, {args.threads} threads")
    print("solved = first generation whose population median return is 500\n")
    print("| policy | params | solved at generation (per seed) | episodes to solve (per seed) | median episodes "
          "| champion mean return, 100 eps (per seed) | wall s (per seed) |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, config, sets in CONFIGS:
            if only and name not in only:
                continue
            res = [run(binary, config, sets, s, args.generations, args.threads, os.path.join(tmp, f"{name}-{s}"))
                   for s in seeds]
            fmt = lambda v: "-" if v is None else str(v)
            eps = [r["episodes"] for r in res]
            # An unsolved run counts as infinitely many episodes (the median then reads "unsolved" if it is one).
            med = statistics.median(float("inf") if e is None else e for e in eps)
            med = None if med == float("inf") else med
            gens = ", ".join(fmt(r["generation"]) for r in res)
            episodes = ", ".join(fmt(e) for e in eps)
            champs = ", ".join("%.1f" % r["champion"] for r in res)
            walls = ", ".join("%.0f" % r["wall"] for r in res)
            med_text = "unsolved" if med is None else str(int(med))
            print(f"| {name} | {res[0]['params']} | {gens} | {episodes} | {med_text} | {champs} | {walls} |",
                  flush=True)


if __name__ == "__main__":
    main()
