#!/usr/bin/env bash
# NEAT on double pole balancing without velocities (docs/benchmarks.md, "NEAT"): evaluations until the
# generation's best network balances 100,000 steps and at least 200 of the 625 generalisation starts.
# Settings: the paper's (population 1,000, recurrent, c3 = 3.0, threshold 4.0) and, where the paper is
# silent, NEAT 1.2's parameter file for this task, p2nv.ne (add-node 0.01, add-link 0.3, weight power 1.8,
# survival 0.4, toggle 0.1, re-enable 0.05, recur_only_prob 0.2 = our recurrent_only default, multipoint
# averaging 0.4, its mutation schedule and weight mutation). Paper: 33,184 evaluations on average.
#   bench/neat_double_pole.sh [BUILD_DIR] [SEEDS] [FIRST_SEED] [--set KEY=VALUE ...]   (extra strategy keys)
#   PAPER_ONLY=1 bench/neat_double_pole.sh ...   (the previous settings: the paper's keys only)
set -euo pipefail
build=${1:-build}
seeds=${2:-20}
first=${3:-0}
extra=("${@:4}")
common=(--set recurrent=true --set c3=3.0 --set compat_threshold=4.0 --set add_connection=0.3)
p2nv=(--set add_node=0.01 --set weight_power=1.8 --set survival=0.4 --set toggle_enable=0.1 --set reenable=0.05
      --set exclusive_mutation=true --set weight_scheme=neat12 --set crossover_average=0.4)
[ -n "${PAPER_ONLY:-}" ] && p2nv=()
nice -n 10 stdbuf -oL "$build/bench/neat_runs" --env double_pole_nv --seeds "$seeds" --first-seed "$first" \
  --population 1000 --generations 200 "${common[@]}" "${p2nv[@]}" "${extra[@]}"
