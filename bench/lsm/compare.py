#!/usr/bin/env python3
"""Paired comparisons of the `snn lsm --preset paper` runs in bench/lsm/results (issue 22).

Usage: python3 bench/lsm/compare.py [results_dir]. For each data set x liquid size x split, pairs the runs of
two rules (or a rule and the raw-pixel readout of the same run) by seed, and prints the mean difference of the
test accuracies in points, its standard deviation over seeds, and a two-sided paired t-test over the common
seeds (t with n - 1 degrees of freedom). The p-value comes from the exact Student t distribution for integer
degrees of freedom (Abramowitz & Stegun 1964, 26.7.3-26.7.4), so the script needs nothing beyond the
standard library."""
import itertools
import json
import math
import pathlib
import statistics
import sys


def t_two_sided_p(t, df):
    """P(|T| >= |t|) for Student's t with an integer df >= 1 (A&S 26.7.3 for odd df, 26.7.4 for even)."""
    theta = math.atan(abs(t) / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2 == 1:
        s, term = 0.0, 1.0
        if df > 1:
            term = math.cos(theta)
            s = term
            for k in range(1, (df - 3) // 2 + 1):
                term *= c2 * (2 * k) / (2 * k + 1)
                s += term
        a = 2.0 / math.pi * (theta + math.sin(theta) * s) if df > 1 else 2.0 * theta / math.pi
    else:
        s, term = 1.0, 1.0
        for k in range(1, (df - 2) // 2 + 1):
            term *= c2 * (2 * k - 1) / (2 * k)
            s += term
        a = math.sin(theta) * s
    return max(0.0, 1.0 - a)


def main():
    d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "bench/lsm/results")
    groups = {}  # (data, neurons, split) -> {rule or "pixels": {seed: accuracy %}}
    for f in sorted(d.glob("*.json")):
        text = f.read_text().strip()
        if "probe" in f.name or not text:
            continue
        j = json.loads(text)
        g = groups.setdefault((j["data"], j["neurons"], f"{j['train']}/{j['val']}/{j['test']}"), {})
        g.setdefault(j["rule"], {})[j["seed"]] = 100 * j["test_accuracy"]
        g.setdefault("pixels", {}).setdefault(j["seed"], 100 * j["pixel_test_accuracy"])
    print("| data | neurons | fit/val/test | comparison | seeds | mean difference (points) | sd over seeds | paired t | two-sided p |")
    print("|---|---|---|---|---|---|---|---|---|")
    order = ["astro", "none", "stdp", "pixels"]
    for (data, neurons, split), g in sorted(groups.items()):
        for a, b in itertools.combinations([r for r in order if r in g], 2):
            seeds = sorted(set(g[a]) & set(g[b]))
            diffs = [g[a][s] - g[b][s] for s in seeds]
            if len(diffs) < 2:
                continue
            mean, sd = statistics.mean(diffs), statistics.stdev(diffs)
            t = mean / (sd / math.sqrt(len(diffs))) if sd > 0 else math.inf
            p = t_two_sided_p(t, len(diffs) - 1) if sd > 0 else 0.0
            print(f"| {data} | {neurons} | {split} | {a} - {b} | {','.join(map(str, seeds))} | {mean:+.2f} | {sd:.2f} | {t:.2f} | {p:.3f} |")


if __name__ == "__main__":
    main()
