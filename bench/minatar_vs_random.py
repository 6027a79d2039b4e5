#!/usr/bin/env python3
"""Is a MinAtar champion better than the random policy? Welch's t-test over evaluation episodes.

    bench/minatar_vs_random.py RUN_DIR [--episodes 1000] [--bin build/neuroevo]

Evaluates the champion of RUN_DIR and the uniform random policy on the run's game, each on EPISODES
fresh episodes (`neuroevo eval --json`, different evaluation seeds), and prints both means and Welch's
t statistic with its Welch-Satterthwaite degrees of freedom and the one-sided p-value for "champion >
random" (Student t distribution from scipy when installed; otherwise the normal approximation, which
differs from it by less than 1e-3 in p at the ~2,000 degrees of freedom of 1,000 + 1,000 episodes).
Welch's test needs only each sample's mean, standard deviation and size, which `eval --json` reports.
"""
import argparse
import json
import math
import sys
from pathlib import Path
from statistics import NormalDist

sys.path.insert(0, str(Path(__file__).resolve().parent))
from examples import eval_json  # noqa: E402  (neuroevo eval --json)


def welch(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> tuple[float, float, float]:
    v1, v2 = s1 * s1 / n1, s2 * s2 / n2
    t = (m1 - m2) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    try:
        from scipy.stats import t as student
        p = float(student.sf(t, df))
    except ImportError:
        p = 1.0 - NormalDist().cdf(t)
    return t, df, p


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--episodes", type=int, default=1000)
    ap.add_argument("--bin", default="build/neuroevo")
    a = ap.parse_args()
    env = json.loads((Path(a.run_dir) / "summary.json").read_text())["env"]
    champ = eval_json(a.bin, a.run_dir, a.episodes)
    rand = eval_json(a.bin, None, a.episodes, ["--env", env, "--policy", "random"], seed=1)
    t, df, p = welch(champ["mean_return"], champ["std_return"], champ["episodes"],
                     rand["mean_return"], rand["std_return"], rand["episodes"])
    print(json.dumps({"env": env, "champion_mean": champ["mean_return"], "champion_std": champ["std_return"],
                      "random_mean": rand["mean_return"], "random_std": rand["std_return"], "episodes": a.episodes,
                      "welch_t": round(t, 3), "df": round(df, 1), "p_one_sided": p}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
