#!/usr/bin/env python3
"""PIMP study (issue 15): mate choice by evolving ideal mates (Simoes, Lourenco & Machado, "All You Need
Is Sex for Diversity", EuroGP 2023, arXiv 2303.17441) against tournament and random mate choice.

seeds x problems x subtree-mutation rates x {pimp, tournament, random}; for each cell: success rate
(training RMSE of the champion below --threshold), final diversity (unique programs, genotypic entropy,
behavioural entropy: metrics.csv's last row), final mean size. PIMP is compared with each baseline:
Fisher's exact test (two-sided) on the successes, Mann-Whitney U (two-sided, normal approximation with
the tie correction) on the rest; both are implemented here (checked against SciPy when it is installed).

    bench/gp_pimp.py --build build --out runs/gp_pimp [--seeds 30] [--jobs 1] [--follow-up]

--follow-up repeats PIMP and tournament with subtree mutation off (point mutation instead), the set-up of
the follow-up study (arXiv 2504.06110): does the ideal mates' size collapse to one node without subtree
mutation? Runs already in --out are reused (rerunning continues an interrupted study). Writes
OUT/results.csv (one line per run) and OUT/table.md (the table for docs/gp.md).
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

PROBLEMS = ["koza1", "nguyen7", "keijzer6"]
RATES = [0.1, 0.3]
METHODS = ["pimp", "tournament", "random"]
MEASURES = ["unique_programs", "genotypic_entropy", "behavioural_entropy", "mean_size"]


# --- statistics -----------------------------------------------------------------------------------------

def log_choose(n, k):
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(a, b, c, d):
    """Two-sided p of the 2x2 table [[a, b], [c, d]]: the sum of the probabilities of all tables with the
    same margins that are no more likely than the observed one (the usual definition, as R and SciPy)."""
    r1, c1, n = a + b, a + c, a + b + c + d
    def p(x):
        return math.exp(log_choose(c1, x) + log_choose(n - c1, r1 - x) - log_choose(n, r1))
    observed = p(a)
    lo, hi = max(0, r1 + c1 - n), min(r1, c1)
    return min(1.0, sum(p(x) for x in range(lo, hi + 1) if p(x) <= observed * (1 + 1e-7)))


def mann_whitney(x, y):
    """Two-sided p of the Mann-Whitney U test (normal approximation, tie-corrected, continuity correction
    0.5, as SciPy's method="asymptotic"), and U of x."""
    allv = sorted([(v, 0) for v in x] + [(v, 1) for v in y])
    n1, n2, n = len(x), len(y), len(x) + len(y)
    ranks = [0.0] * n
    ties = 0.0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and allv[j + 1][0] == allv[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    r1 = sum(r for r, (_, g) in zip(ranks, allv) if g == 0)
    u1 = r1 - n1 * (n1 + 1) / 2
    mu = n1 * n2 / 2
    var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1)))
    if var <= 0:
        return 1.0, u1
    z = (abs(u1 - mu) - 0.5) / math.sqrt(var)
    return min(1.0, math.erfc(max(z, 0) / math.sqrt(2))), u1


def self_check():
    """Our tests against SciPy's, when SciPy is installed (python3-scipy)."""
    try:
        from scipy import stats
    except ImportError:
        return "scipy not installed: statistics not cross-checked"
    for t in [(3, 7, 9, 1), (0, 30, 5, 25), (12, 18, 12, 18), (30, 0, 27, 3)]:
        ours, ref = fisher_exact(*t), stats.fisher_exact([[t[0], t[1]], [t[2], t[3]]])[1]
        assert abs(ours - ref) < 1e-9, (t, ours, ref)
    xs = ([1, 2, 2, 3, 5, 8, 8, 9], [2, 4, 4, 6, 7, 10, 11, 11, 12])
    ours = mann_whitney(*xs)[0]
    ref = stats.mannwhitneyu(*xs, alternative="two-sided", method="asymptotic").pvalue
    assert abs(ours - ref) < 1e-9, (ours, ref)
    return "statistics cross-checked against scipy " + __import__("scipy").__version__


# --- runs -----------------------------------------------------------------------------------------------

def run_one(args, problem, rate, method, seed, mutation):
    name = f"{problem}-{mutation}{rate}-{method}-s{seed}"
    out = os.path.join(args.out, "runs", name)
    summary = os.path.join(out, "summary.json")
    if not os.path.exists(summary):
        sets = [f"task.problem=\"{problem}\"", f"strategy.mate_choice=\"{method}\"",
                f"run.generations={args.generations}", f"strategy.population={args.population}",
                "run.checkpoint_every=1000"]
        if mutation == "subtree":
            sets += [f"strategy.subtree_mutation={rate}", "strategy.point_mutation=0"]
        else:  # the follow-up's "no subtree mutation" arm: point mutation at the same rate
            sets += ["strategy.subtree_mutation=0", f"strategy.point_mutation={rate}"]
        cmd = ["nice", "-n", "10", os.path.join(args.build, "neuroevo"), "run", args.config, "--seed", str(seed),
               "--out", out, "--quiet", "--threads", "1"]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(["rm", "-rf", out], check=True)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(summary) as f:
        champ = json.load(f)["champion"]
    with open(os.path.join(out, "metrics.csv")) as f:
        last = list(csv.DictReader(f))[-1]
    row = {"problem": problem, "mutation": mutation, "rate": rate, "method": method, "seed": seed,
           "train_rmse": champ["train_rmse"], "test_rmse": champ["test_rmse"], "champion_size": champ["size"],
           "formula": champ["formula"]}
    for m in MEASURES + ["mean_depth", "unique_behaviours", "mean_preference_size"]:
        row[m] = float(last[m]) if m in last else float("nan")
    return row


def fmt_p(p):
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def table(rows, threshold, arms):
    lines = []
    head = "| problem | mutation | method | success | " + " | ".join(MEASURES) + " |"
    lines += [head, "|" + "---|" * (4 + len(MEASURES))]
    def med(v):
        v = sorted(v)
        return v[len(v) // 2] if len(v) % 2 else 0.5 * (v[len(v) // 2 - 1] + v[len(v) // 2])
    tests = []
    for problem in PROBLEMS:
        for mutation, rate in arms:
            cell = {m: [r for r in rows if r["problem"] == problem and r["mutation"] == mutation and r["rate"] == rate
                        and r["method"] == m] for m in METHODS}
            for m in METHODS:
                rs = cell[m]
                if not rs:
                    continue
                succ = sum(1 for r in rs if r["train_rmse"] is not None and r["train_rmse"] < threshold)
                vals = [f"{med([r[k] for r in rs]):.3g}" for k in MEASURES]
                lines.append(f"| {problem} | {mutation} {rate} | {m} | {succ}/{len(rs)} | " + " | ".join(vals) + " |")
            p = cell["pimp"]
            for base in ["tournament", "random"]:
                b = cell[base]
                if not p or not b:
                    continue
                sp = sum(1 for r in p if r["train_rmse"] is not None and r["train_rmse"] < threshold)
                sb = sum(1 for r in b if r["train_rmse"] is not None and r["train_rmse"] < threshold)
                ps = [fisher_exact(sp, len(p) - sp, sb, len(b) - sb)]
                ps += [mann_whitney([r[k] for r in p], [r[k] for r in b])[0] for k in MEASURES]
                tests.append(f"| {problem} | {mutation} {rate} | pimp vs {base} | " + " | ".join(fmt_p(x) for x in ps) + " |")
    lines += ["", "Two-sided p-values, PIMP against each baseline (Fisher's exact test on the successes, "
              "Mann-Whitney U on the rest; 0.05/(number of rows) is the Bonferroni level):", "",
              "| problem | mutation | comparison | success | " + " | ".join(MEASURES) + " |",
              "|" + "---|" * (4 + len(MEASURES))] + tests
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default="runs/gp_pimp")
    ap.add_argument("--config", default="bench/configs/gp_pimp.toml")
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--population", type=int, default=500)
    ap.add_argument("--generations", type=int, default=50)
    ap.add_argument("--threshold", type=float, default=0.01, help="success: champion training RMSE below this")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--follow-up", action="store_true", help="also subtree mutation off (point mutation)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    check = self_check()
    jobs = [(p, r, m, s, "subtree") for p in PROBLEMS for r in RATES for m in METHODS for s in range(args.seeds)]
    arms = [("subtree", r) for r in RATES]
    if args.follow_up:
        jobs += [(p, r, m, s, "point") for p in PROBLEMS for r in RATES[:1] for m in ["pimp", "tournament"]
                 for s in range(args.seeds)]
        arms += [("point", RATES[0])]
    t0, c0 = time.time(), os.times()
    with ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(lambda j: run_one(args, *j), jobs))
    c1 = os.times()
    cpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    text = (f"{len(rows)} runs, population {args.population}, {args.generations} generations, success = champion "
            f"training RMSE < {args.threshold}; medians over seeds. Wall time {time.time() - t0:.0f} s, CPU "
            f"{cpu:.0f} s for the runs made now (runs already present are reused). {check}.\n\n"
            + table(rows, args.threshold, arms) + "\n")
    if args.follow_up:
        lines = ["", "Follow-up: median final mean size of the ideal mates (PIMP) per arm:", ""]
        for problem in PROBLEMS:
            for mutation, rate in arms:
                v = sorted(r["mean_preference_size"] for r in rows if r["problem"] == problem and r["method"] == "pimp"
                           and r["mutation"] == mutation and r["rate"] == rate)
                if v:
                    lines.append(f"- {problem}, {mutation} mutation {rate}: {v[len(v) // 2]:.3g} nodes")
        text += "\n".join(lines) + "\n"
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
