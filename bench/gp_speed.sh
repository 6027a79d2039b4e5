#!/usr/bin/env bash
# GP speed for docs/benchmarks.md ("Genetic programming"): GPops/s with Operon's protocol
# (build/bench/gp_speed) and programs/s on Koza's quartic (population 500, 50 generations,
# examples/gp_quartic.toml, one thread) against DEAP (python3-deap, bench/gp_deap_quartic.py) in the same
# run. CPU times (user + system of each child): the machine is shared.
#   bench/gp_speed.sh [BUILD_DIR] [SEEDS]
set -euo pipefail
build=${1:-build}
seeds=${2:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "== GPops/s (1,000 random trees <= 100 nodes, 10,000 x 10 rows, one thread)"
nice -n 10 "$build/bench/gp_speed" --functions arith --json
nice -n 10 "$build/bench/gp_speed" --functions koza --json
echo "== Koza quartic, population 500, 50 generations: neuroevo (1 thread) vs DEAP"
for ((s = 0; s < seeds; ++s)); do
  /usr/bin/python3 - "$build" "$s" "$out" <<'PY'
import json, os, subprocess, sys
build, seed, out = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = os.times()
subprocess.run(["nice", "-n", "10", f"{build}/neuroevo", "run", "examples/gp_quartic.toml", "--seed", seed, "--quiet",
                "--threads", "1", "--out", f"{out}/q{seed}"], check=True, stdout=subprocess.DEVNULL)
t1 = os.times()
cpu = (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)
summ = json.load(open(f"{out}/q{seed}/summary.json"))
evals = summ["generations"] * 500  # population 500 (examples/gp_quartic.toml), every program evaluated
print(json.dumps({"peer": "neuroevo", "seed": int(seed), "evaluations": evals, "cpu_s": round(cpu, 3),
                  "programs_per_s": evals / cpu, "best_rmse": summ["champion"]["train_rmse"]}))
PY
  nice -n 10 /usr/bin/python3 bench/gp_deap_quartic.py --seed "$s"
done
