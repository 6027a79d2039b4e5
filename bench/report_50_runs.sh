#!/usr/bin/env bash
# The report's size and load time at scale (docs/benchmarks.md, "HTML report"): 50 runs of 1,000
# generations each (random search on CartPole, 2 candidates per generation: cheap, but every run has
# 1,000 metrics rows like a long real run), one report over them, then Chromium's load time of it.
# Usage: bench/report_50_runs.sh [WORKDIR]   (default build/bench_report)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-build/bench_report}
rm -rf "$work" && mkdir -p "$work/runs"
cat > "$work/random_search.toml" <<'TOML'
[run]
seed = 0
generations = 1000
checkpoint_every = 1000
eval_episodes = 5
[env]
name = "CartPole-v1"
[policy]
type = "mlp"
hidden = [8]
[strategy]
name = "random_search"
population = 2
TOML
for s in $(seq 0 49); do
  nice -n 10 build/neuroevo run "$work/random_search.toml" --seed "$s" --threads 1 --quiet --out "$work/runs/s$s" >/dev/null
done
/usr/bin/time -f "report: %e s wall, %M kB peak" build/neuroevo report "$work/runs" --out "$work/report.html"
ls -l "$work/report.html"
/usr/bin/python3 bench/report_load_time.py "$work/report.html"
