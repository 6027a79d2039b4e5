#!/usr/bin/env bash
# NEAT figures of docs/benchmarks.md ("NEAT"): XOR over 100 seeds at the paper's population of 150, the
# AccNEAT speed workload (100 XOR runs at population 10,000 on one core), and time per generation against
# neataptic at equal population (bench/peers/neataptic; `npm install` there first).
#   bench/neat_xor.sh [BUILD_DIR]
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
echo "== XOR, 100 seeds, population 150 (paper: 100/100, 4,755 +- 2,553 evaluations, 2.35 hidden nodes)"
nice -n 10 "$build/bench/neat_runs" --env xor --seeds 100 --population 150 --generations 1000 --quiet
echo "== XOR, 100 runs at population 10,000, one core (AccNEAT: 66 s)"
nice -n 10 "$build/bench/neat_runs" --env xor --seeds 100 --population 10000 --generations 1000 --quiet
echo "== time per generation, XOR, 100 generations each, equal population"
for pop in 150 1000; do
  nice -n 10 "$build/bench/neat_runs" --env xor --seeds 1 --population $pop --generations 100 --fixed --quiet | tail -1 |
    sed "s/^/neuroevo neat: population $pop, /"
  if [ -d "$here/peers/neataptic/node_modules/neataptic" ]; then
    nice -n 10 node "$here/peers/neataptic/xor_time.js" $pop 100
  else
    echo "neataptic not installed: (cd $here/peers/neataptic && npm install)"
  fi
done
