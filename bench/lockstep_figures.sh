#!/usr/bin/env bash
# Figures of docs/benchmarks.md "Lockstep rollouts" (issue 23): neuroevo's one-at-a-time and lockstep
# rollouts and the numpy vector peer, one after the other in one run, one thread each, CPU time.
#   bench/lockstep_figures.sh [BUILD_DIR] OUT.jsonl
# Each line of OUT is one JSON result (bench env --json or the peer's --json), preceded by the load.
set -uo pipefail
cd "$(dirname "$0")/.."
if (($# == 1)); then build=build; out=$1
elif (($# == 2)); then build=$1; out=$2
else echo "usage: bench/lockstep_figures.sh [BUILD_DIR] OUT.jsonl" >&2; exit 2; fi
bin="$build/neuroevo"
[ -x "$bin" ] || { echo "lockstep_figures.sh: $bin not found" >&2; exit 2; }
: >"$out"
run() { echo "{\"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"cmd\": \"$*\"}" >>"$out"; "$@" >>"$out"; }
for lanes in 8 32 64; do
  run "$bin" bench env --linear --steps 3000000 --repeats 2 --lanes "$lanes" --json
done
for lanes in 8 16; do
  run "$bin" bench env --hidden 64,64 --steps 300000 --repeats 2 --lanes "$lanes" --json
done
# Sessions 5-7 ran every lane on one parameter vector (its weights stay in L1 when the policy runs lane by
# lane); since session 8 each episode has its own, as in a population and in the peer.
run "$bin" bench env --hidden 64,64 --steps 300000 --repeats 2 --lanes 8 --same-params --json
run "$bin" bench env --linear --steps 3000000 --repeats 2 --lanes 32 --same-params --json
for env in Acrobot-v1 MountainCar-v0 Pendulum-v1; do
  run "$bin" bench env --env "$env" --hidden 16 --steps 300000 --repeats 2 --lanes 8 --json
done
run /usr/bin/python3 bench/peers/cartpole_vector_numpy.py --hidden "" --envs 1024,4096,16384 --steps 2000000 --repeats 2 --json
run /usr/bin/python3 bench/peers/cartpole_vector_numpy.py --hidden 64,64 --envs 256,1024 --steps 300000 --repeats 2 --json
