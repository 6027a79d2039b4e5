#!/usr/bin/env bash
# Deception benchmark on the hard maze: GA-NS vs the reward-only GA and OpenAI-ES, 10 seeds each, same
# network (11-16-2 tanh MLP), population (200) and budget (100 generations = 20,000 episodes) from
# examples/hard_maze_{ga_ns,ga,es}.toml. Prints, per method, how many runs solved the maze (the champion
# ends within 10 units of the goal), how many ended in the trap (the dead end at the top of the left
# corridor, under the goal: 5 < x < 56, 53 < y < 110) and the median final distance of the champions.
#
# Usage: bench/hard_maze_novelty.sh [build/neuroevo] [output directory]
# Env: SEEDS (default 10), THREADS (default 2), METHODS (default "ga_ns ga es").
set -euo pipefail
BIN=${1:-build/neuroevo}
OUT=${2:-/tmp/hard_maze_novelty}
SEEDS=${SEEDS:-10}
THREADS=${THREADS:-2}
METHODS=${METHODS:-"ga_ns ga es"}
mkdir -p "$OUT"
for m in $METHODS; do
  for ((s = 0; s < SEEDS; ++s)); do
    dir="$OUT/$m-$s"
    [[ -f "$dir/summary.json" ]] && continue  # finished earlier: the table is recomputed below
    rm -rf "$dir"
    nice -n 10 "$BIN" run "examples/hard_maze_$m.toml" --seed "$s" --threads "$THREADS" --out "$dir" --quiet
  done
done
python3 - "$OUT" "$SEEDS" $METHODS <<'PY'
import csv, json, math, statistics, sys
out, seeds, methods = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
goal = (31.0, 20.0)
print(f"{'method':8} {'solved':>7} {'in trap':>8} {'elsewhere':>10} {'median dist':>12} {'median gen solved':>18} {'wall s/run':>11}")
for m in methods:
    solved = trap = other = 0
    dists, gens, walls = [], [], []
    for s in range(seeds):
        d = f"{out}/{m}-{s}"
        summ = json.load(open(f"{d}/summary.json"))
        x, y = summ["champion"]["behaviour"]
        dist = math.hypot(x - goal[0], y - goal[1])
        dists.append(dist)
        walls.append(summ["wall_time_s"])
        if dist < 10: solved += 1
        elif 5 < x < 56 and 53 < y < 110: trap += 1
        else: other += 1
        for row in csv.DictReader(open(f"{d}/metrics.csv")):
            if float(row["best"]) >= 290:  # a population member ended within 10 of the goal
                gens.append(int(row["generation"])); break
    g = f"{statistics.median(gens):.0f} ({len(gens)} runs)" if gens else "-"
    print(f"{m:8} {solved:>4}/{seeds:<2} {trap:>8} {other:>10} {statistics.median(dists):>12.1f} {g:>18} {statistics.median(walls):>11.1f}")
PY
