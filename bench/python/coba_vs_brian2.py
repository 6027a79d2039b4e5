#!/usr/bin/env python3
"""COBA benchmark side by side: neuroevo (`neuroevo snn coba`) against Brian2 (numpy target) on the same
model (docs/reference/brain_inspired.md), both started as separate processes in this one run and timed
from start to exit (whole-process wall time, imports and network construction included).

    python3 bench/python/coba_vs_brian2.py [--bin build/neuroevo] [--sizes 4000,40000] [--seconds 1]
                                           [--threads 1] [--seeds 3] [--large-seeds 1] [--python /usr/bin/python3] [--json]

Prints, per size, both wall times and mean rates (averaged over --seeds network realisations), the time ratio neuroevo / Brian2 (aim <= 0.25) and
the rate ratio (aim within 10%). Brian2's network is drawn by Brian2 itself (its own random numbers), so
the two runs share the model and statistics, not the exact connectivity.
"""
import argparse
import json
import os
import subprocess
import sys
import time

BRIAN_MODEL = r"""
import sys, json
from brian2 import *
N = int(sys.argv[1]); T = float(sys.argv[2]); rng_seed = int(sys.argv[3])
prefs.codegen.target = 'numpy'
seed(rng_seed)
defaultclock.dt = 0.1*ms
taum = 20*ms; taue = 5*ms; taui = 10*ms
Vt = -50*mV; Vr = -60*mV; El = -60*mV; Ee = 0*mV; Ei = -80*mV; I = 20*mV
eqs = '''
dv/dt = (ge*(Ee - v) + gi*(Ei - v) - (v - El) + I) / taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
'''
P = NeuronGroup(N, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='euler')
P.v = 'El + rand()*(Vt - El)'
P.ge = 0; P.gi = 0
Ne = int(round(0.8*N))
Ce = Synapses(P[:Ne], P, on_pre='ge += 0.6')
Ci = Synapses(P[Ne:], P, on_pre='gi += 6.7')
Ce.connect(p=80.0/N)
Ci.connect(p=80.0/N)
M = SpikeMonitor(P, record=False)
run(T*second)
print(json.dumps({"spikes": int(M.num_spikes), "mean_rate_hz": M.num_spikes / (N*T)}))
"""


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd[:3])}... failed (exit {p.returncode}):\n{p.stderr}")
    return wall, json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "..", "build", "neuroevo"))
    ap.add_argument("--sizes", default="4000,40000")
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seeds", type=int, default=3,
                    help="network realisations per size (seeds 0..K-1), both simulators: the rate of one COBA "
                         "realisation varies by about +-10%%, so rates and times are averaged over them")
    ap.add_argument("--large-seeds", type=int, default=1, help="realisations for sizes above 10,000 (default 1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--python", default="/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable,
                    help="interpreter with Brian2 (Debian's python3-brian lives in /usr/bin/python3)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        ne, br = [], []
        seeds = a.seeds if n <= 10000 else a.large_seeds
        for s in range(a.seed, a.seed + seeds):  # interleaved, so both see the same machine load
            ne.append(timed([a.bin, "snn", "coba", "--neurons", str(n), "--seconds", str(a.seconds),
                             "--threads", str(a.threads), "--seed", str(s), "--json"]))
            br.append(timed([a.python, "-c", BRIAN_MODEL, str(n), str(a.seconds), str(s)]))
        mean = lambda xs: sum(xs) / len(xs)
        ne_wall, br_wall = mean([r[0] for r in ne]), mean([r[0] for r in br])
        ne_rate, br_rate = mean([r[1]["mean_rate_hz"] for r in ne]), mean([r[1]["mean_rate_hz"] for r in br])
        rows.append({"neurons": n, "seconds": a.seconds, "threads": a.threads, "seeds": seeds,
                     "neuroevo_wall_s": ne_wall, "brian2_wall_s": br_wall,
                     "neuroevo_rate_hz": ne_rate, "brian2_rate_hz": br_rate,
                     "neuroevo_rates_hz": [r[1]["mean_rate_hz"] for r in ne],
                     "brian2_rates_hz": [r[1]["mean_rate_hz"] for r in br],
                     "time_ratio": ne_wall / br_wall, "rate_ratio": ne_rate / br_rate})
    if a.json:
        print(json.dumps(rows))
        return
    print(f"{'N':>7} {'seeds':>5} {'neuroevo s':>11} {'Brian2 s':>9} {'ratio':>7} {'(aim<=0.25)':>11}"
          f" {'neuroevo Hz':>12} {'Brian2 Hz':>10} {'rate ratio':>11}")
    for r in rows:
        ok_t = "ok" if r["time_ratio"] <= 0.25 else "MISSED"
        ok_r = "ok" if abs(r["rate_ratio"] - 1) <= 0.10 else "MISSED"
        print(f"{r['neurons']:>7} {r['seeds']:>5} {r['neuroevo_wall_s']:>11.2f} {r['brian2_wall_s']:>9.2f} {r['time_ratio']:>7.3f}"
              f" {ok_t:>11} {r['neuroevo_rate_hz']:>12.2f} {r['brian2_rate_hz']:>10.2f} {r['rate_ratio']:>7.3f} {ok_r}")


if __name__ == "__main__":
    main()
