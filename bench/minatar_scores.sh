#!/usr/bin/env bash
# Short Deep GA runs on the five MinAtar games next to the random policy (docs/benchmarks.md, "MinAtar").
# Usage: bench/minatar_scores.sh [BUILD_DIR] [OUT_DIR]   (runs with nice -n 10 on 2 threads)
# Settings are scaled down from examples/minatar_<game>_ga.toml for a budget of minutes per game:
# population 200 (not 1000), sigma 0.005 (not 0.002), elite re-evaluation on 5 episodes (not 30).
set -euo pipefail
BUILD=${1:-build}
OUT=${2:-runs/minatar_scores}
mkdir -p "$OUT"
declare -A GENS=([asterix]=40 [breakout]=60 [freeway]=4 [seaquest]=60 [space_invaders]=40)
for game in asterix breakout freeway seaquest space_invaders; do
  rm -rf "$OUT/$game"
  nice -n 10 "$BUILD/neuroevo" run "examples/minatar_${game}_ga.toml" --out "$OUT/$game" --threads 2 --quiet \
    --set strategy.population=200 --set strategy.sigma=0.005 --set strategy.elite_episodes=5 \
    --set run.generations="${GENS[$game]}" --set run.checkpoint_every=1000
  nice -n 10 "$BUILD/neuroevo" eval --env "minatar/$game" --policy random --episodes 1000 --json --threads 2 \
    > "$OUT/$game.random.json"
  python3 - "$OUT/$game/summary.json" "$OUT/$game.random.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
c = s["champion"]
print(f'{s["env"]:24s} gens {s["generations"]:3d} frames {s["env_steps"]:>10,d} wall {s["wall_time_s"]:6.0f}s  '
      f'GA champion {c["mean_return"]:6.2f} +- {c["std_return"]:5.2f} ({c["eval_episodes"]} eps)  '
      f'random {r["mean_return"]:5.2f} +- {r["std_return"]:4.2f} (1000 eps)')
PY
done
