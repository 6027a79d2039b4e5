#!/usr/bin/env python3
"""What a MinAtar champion does, next to the random policy: action histogram, episode length and return.

    bench/minatar_actions.py TARGET [--episodes 30] [--bin build/neuroevo]

TARGET: a run directory or a champion .bin file. Plays EPISODES single episodes of the champion and of the
uniform random policy on the same game (`neuroevo eval --episodes 1 --seed S --record FILE` for S = 0 ..
EPISODES-1: the recorded first episode holds the policy's actions, one per step) and prints, for each,
the share of each action (MinAtar's six: noop, left, up, right, down, fire), the share of the most
frequent action, mean episode length and mean return, as one JSON object. A policy that plays nearly one
action whatever it sees (an observation-blind policy) shows a top-action share near 1.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ACTIONS = ["noop", "left", "up", "right", "down", "fire"]


def play(binary: str, target: list[str], episodes: int) -> dict:
    counts, steps, returns = Counter(), [], []
    with tempfile.TemporaryDirectory() as tmp:
        rec = Path(tmp) / "episode.json"
        for s in range(episodes):
            subprocess.run([binary, "eval", *target, "--episodes", "1", "--seed", str(s), "--threads", "1",
                            "--record", str(rec)], check=True, capture_output=True)
            j = json.loads(rec.read_text())
            counts.update(int(a) for a in j["actions"])
            steps.append(j["steps"])
            returns.append(j["return"])
    total = sum(counts.values())
    return {"action_share": {ACTIONS[a]: round(counts[a] / total, 3) for a in range(len(ACTIONS))},
            "top_action_share": round(max(counts.values()) / total, 3), "mean_steps": sum(steps) / episodes,
            "mean_return": sum(returns) / episodes, "episodes": episodes}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("target")
    ap.add_argument("--episodes", type=int, default=30)
    ap.add_argument("--bin", default="build/neuroevo")
    a = ap.parse_args()
    t = Path(a.target)
    summary = t / "summary.json" if t.is_dir() else None
    champ = play(a.bin, [a.target], a.episodes)
    env = json.loads(summary.read_text())["env"] if summary and summary.exists() else None
    if env is None:  # a champion file: its game from a short eval
        out = subprocess.run([a.bin, "eval", a.target, "--episodes", "1", "--threads", "1", "--json"], check=True,
                             capture_output=True, text=True).stdout
        env = json.loads(out)["env"]
    rand = play(a.bin, ["--env", env, "--policy", "random"], a.episodes)
    print(json.dumps({"env": env, "champion": champ, "random": rand}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
