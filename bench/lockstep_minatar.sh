#!/usr/bin/env bash
# Figures of docs/benchmarks.md "Lockstep rollouts", session 8 (issue 23): MinAtar Breakout and Freeway
# rollouts one at a time (RlTask::run, the path every MinAtar run took before the games had lanes) and in
# lockstep lanes (MinAtarBatchEnv), with the MinAtar conv network, a linear policy and a 16-hidden MLP;
# `bench env` on one thread, CPU time.
#   bench/lockstep_minatar.sh [BUILD_DIR] OUT.jsonl
# Each line of OUT is one JSON result of bench env --json, preceded by the load and the command.
set -uo pipefail
cd "$(dirname "$0")/.."
if (($# == 1)); then build=build; out=$1
elif (($# == 2)); then build=$1; out=$2
else echo "usage: bench/lockstep_minatar.sh [BUILD_DIR] OUT.jsonl" >&2; exit 2; fi
bin="$build/neuroevo"
[ -x "$bin" ] || { echo "lockstep_minatar.sh: $bin not found" >&2; exit 2; }
conv=$(mktemp)
trap 'rm -f "$conv"' EXIT
printf '[policy]\ntype = "conv"\npreset = "minatar"\n' >"$conv"
: >"$out"
run() { echo "{\"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\", \"cmd\": \"$*\"}" >>"$out"; "$@" >>"$out"; }
for game in breakout freeway; do
  for lanes in 8 32; do
    run "$bin" bench env --env "minatar/$game" --policy-config "$conv" --steps 20000 --repeats 3 --lanes "$lanes" --json
  done
  for lanes in 8 16 32; do
    run "$bin" bench env --env "minatar/$game" --linear --steps 300000 --repeats 3 --lanes "$lanes" --json
  done
  for lanes in 8 32; do
    run "$bin" bench env --env "minatar/$game" --hidden 16 --steps 300000 --repeats 3 --lanes "$lanes" --json
  done
done
