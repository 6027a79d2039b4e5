#!/usr/bin/env bash
# NEAT on double pole balancing without velocities (docs/benchmarks.md, "NEAT"): evaluations until the
# generation's best network balances 100,000 steps and at least 200 of the 625 generalisation starts, with
# the paper's settings (population 1,000, recurrent, c3 = 3.0, threshold 4.0, add_connection 0.3; paper:
# 33,184 evaluations on average).
#   bench/neat_double_pole.sh [BUILD_DIR] [SEEDS]
set -euo pipefail
build=${1:-build}
seeds=${2:-20}
nice -n 10 "$build/bench/neat_runs" --env double_pole_nv --seeds "$seeds" --population 1000 --generations 200 \
  --set recurrent=true --set c3=3.0 --set compat_threshold=4.0 --set add_connection=0.3
