#!/usr/bin/env bash
# NEAT on the deceptive hard maze (docs/benchmarks.md, "NEAT"): novelty search (fitness = novelty, Lehman &
# Stanley 2011) against NEAT on the reward alone, population 250 (the paper's), every other key at its
# default. A run stops at the first generation holding a robot that ends within 10 units of the goal.
#   bench/neat_maze.sh [BUILD_DIR] [SEEDS] [GENERATIONS] [--set KEY=VALUE ...]   (extra keys for both arms)
#   ARMS="novelty" bench/neat_maze.sh ...   (one arm only)
set -euo pipefail
build=${1:-build}
seeds=${2:-20}
generations=${3:-400}
extra=("${@:4}")
for arm in ${ARMS:-novelty reward}; do
  echo "== fitness = $arm"
  nice -n 10 stdbuf -oL "$build/bench/neat_runs" --env hard_maze --seeds "$seeds" --population 250 \
    --generations "$generations" --set fitness="$arm" "${extra[@]}"
done
