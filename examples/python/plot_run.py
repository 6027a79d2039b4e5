"""Runs a built-in example config from Python, then loads the run directory and plots its metrics.

    PYTHONPATH=build/python python3 examples/python/plot_run.py [run_dir]
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import neuroevo

if len(sys.argv) > 1:
    run = neuroevo.load_run(sys.argv[1])
else:
    run = neuroevo.run("examples/cartpole_ga.toml", out="runs/python_plot_example", threads=2,
                       set=["run.generations=10"])
m = run.metrics
plt.plot(m["generation"], m["best"], label="best")
plt.plot(m["generation"], m["mean"], label="mean")
plt.xlabel("generation")
plt.ylabel("return")
plt.legend()
plt.title(run.dir)
plt.savefig(run.dir + "/metrics.png", dpi=100)
print(f"wrote {run.dir}/metrics.png; summary: {run.summary}")
