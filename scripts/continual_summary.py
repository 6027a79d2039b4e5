#!/usr/bin/env python3
"""Summarises the JSON files of scripts/continual_experiments.sh (runs/continual/) as the markdown
tables of docs/continual.md: mean and per-seed figures, nothing else computed."""
import json, math, pathlib, sys

d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/continual")

def ms(v, fmt=".3f"):
    m = sum(v) / len(v)
    s = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
    return f"{m:{fmt}} ± {s:{fmt}}"


def sign_flip_p(d):
    """Exact two-sided sign-flip permutation test of mean(d) = 0 (as src/continual/evolve_homeostasis.cpp)."""
    obs = abs(sum(d))
    n = len(d)
    ext = sum(1 for mask in range(1 << n) if abs(sum(-x if mask >> i & 1 else x for i, x in enumerate(d))) >= obs - 1e-12)
    return ext / (1 << n)

print("| data | shift every | homeostatic | plain | homeostatic − plain (per seed) | sign-flip p | final eta (homeostatic) |")
print("|---|---|---|---|---|---|---|")
for f in sorted(d.glob("homeo_*.json"), key=lambda p: p.name):
    j = json.loads(f.read_text())
    h = [r["homeostatic"]["online_accuracy_after_first_shift"] for r in j["runs"]]
    p = [r["plain"]["online_accuracy_after_first_shift"] for r in j["runs"]]
    e = [r["homeostatic"]["final_eta"] for r in j["runs"]]
    every = ",".join(str(x) for x in j["shift_every"]) + (f" (season {j['season']})" if j["season"] else "")
    diff = " ".join(f"{a - b:+.3f}" for a, b in zip(h, p))
    pv = sign_flip_p([a - b for a, b in zip(h, p)])
    print(f"| {j['data']} | {every} | {ms(h)} | {ms(p)} | {diff} | {pv:.3f} | {ms(e, '.2e')} |")

for f in sorted(d.glob("evolve_*.json")):
    j = json.loads(f.read_text())
    print(f"\nevolve {f.stem}: {j['strategy']}, {j['evaluations']} evaluations, shift every {j['shift_every']}, {j['samples']} samples")
    print(f"  paper   {j['paper']}  train fitness {j['train_fitness']['paper']:.4f}")
    print(f"  evolved {j['evolved']}  train fitness {j['train_fitness']['evolved']:.4f}")
    t = j["test"]
    print(f"  held-out ({len(t['paper'])} streams): evolved {ms(t['evolved'])}, paper {ms(t['paper'])}, plain {ms(t['plain'])}")
    print(f"  sign-flip p: evolved vs paper {j['p_evolved_vs_paper']:.4f}; paper vs plain {j['p_paper_vs_plain']:.4f}")

for f in sorted(d.glob("hlop_*.json")):
    j = json.loads(f.read_text())
    print(f"\n{f.stem}: {j['scenario']} {j['data']}, {j['net']} net, {j['tasks']} tasks, wall {j['wall_seconds']:.1f} s")
    for m in ("hlop", "finetune"):
        runs = j[m]["runs"]
        acc = [r["average_accuracy"] for r in runs]
        bwt = [r["backward_transfer"] for r in runs]
        print(f"  {m:9s} ACC {ms(acc)}  BWT {ms(bwt)}")
        K = len(runs[0]["accuracy_matrix"])
        mean = [[sum(r["accuracy_matrix"][i][k] for r in runs) / len(runs) for k in range(i + 1)] for i in range(K)]
        for i, row in enumerate(mean):
            print("    after task %d: %s" % (i + 1, " ".join(f"{v:.3f}" for v in row)))
