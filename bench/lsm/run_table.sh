#!/usr/bin/env bash
# The issue-22 table: `neuroevo snn lsm --preset paper` for each data set x rule x seed, one JSON line
# per run in bench/lsm/results/, plus the process CPU time (/usr/bin/time). Usage:
#   bench/lsm/run_table.sh BIN DATA RULE SEED [extra options...]
# e.g. bench/lsm/run_table.sh build/neuroevo fashion astro 0 --threads 2
set -euo pipefail
bin=$1 data=$2 rule=$3 seed=$4
shift 4
out=bench/lsm/results
mkdir -p "$out"
tag="${data}_${rule}_s${seed}${LSM_TAG:+_$LSM_TAG}"
/usr/bin/time -f '{"user_seconds": %U, "sys_seconds": %S, "elapsed_seconds": %e, "max_rss_kb": %M}' -o "$out/$tag.time" \
  nice -n 10 "$bin" snn lsm --preset paper --data "$data" --rule "$rule" --seed "$seed" --json "$@" > "$out/$tag.json"
