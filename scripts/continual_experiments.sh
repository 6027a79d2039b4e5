#!/usr/bin/env bash
set -u
# The figures of docs/continual.md: every experiment with 5 seeds (evolution: 10 held-out streams),
# JSON in runs/continual/, wall times in runs/continual/times.txt; summarise with scripts/continual_summary.py.
cd "$(dirname "$0")/../.."
B=./build/neuroevo
t() {
  local name=$1 rc=0; shift
  local s=$(date +%s.%N)
  nice -n 10 "$@" > runs/continual/$name.json 2> runs/continual/$name.err || rc=$?
  echo "$name $(echo "$(date +%s.%N) - $s" | bc) s rc=$rc" >> runs/continual/times.txt
}
mkdir -p runs/continual
: > runs/continual/times.txt
uptime >> runs/continual/times.txt
for n in 500 2000 5000; do t homeo_mnist_$n $B continual homeostatic --data mnist --shift-every $n --samples 15000 --seeds 5 --threads 2 --json; done
for n in 500 2000 5000; do t homeo_fashion_$n $B continual homeostatic --data fashion --shift-every $n --samples 15000 --seeds 5 --threads 2 --json; done
t homeo_mnist_2nd $B continual homeostatic --data mnist --shift-every 500,5000 --season 5000 --samples 15000 --seeds 5 --threads 2 --json
t hlop_mnist_rate $B continual hlop --data mnist --tasks 5 --net rate --seeds 5 --threads 2 --json
t hlop_mnist_snn $B continual hlop --data mnist --tasks 5 --net snn --seeds 5 --threads 2 --json
t hlop_fashion_rate $B continual hlop --data fashion --tasks 5 --net rate --seeds 5 --threads 2 --json
t hlop_fashion_snn $B continual hlop --data fashion --tasks 5 --net snn --seeds 5 --threads 2 --json
t evolve_mnist_500 $B continual evolve --data mnist --shift-every 500 --samples 10000 --budget 24 --train-seeds 2 --test-seeds 10 --threads 2 --json
uptime >> runs/continual/times.txt
echo done >> runs/continual/times.txt
