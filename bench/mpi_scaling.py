#!/usr/bin/env python3
"""Speed-up of `mpirun -np N neuroevo run` (1 thread per rank) over one process with 1 thread, on a
compute-bound run: OpenAI-ES on Pendulum-v1 (every episode is 200 steps) with a 3-256-256-1 MLP and
3 episodes per candidate, so rollouts dominate the per-generation ask/tell that every rank repeats.

Runs the two alternately --repeats times and compares the best and the median generation time (the
metrics' wall_time of the last generation, which excludes setup such as building the noise table), so a
burst of load from other users of the machine hurts both sides alike. Also reports the MPI payload bytes
per candidate, the per-rank utilisation and the per-rollout cost, the inputs of the cluster model in
docs/benchmarks.md. Usage (from the source tree, after building):

    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \\
        python3 bench/mpi_scaling.py [--ranks 2] [--generations 8] [--repeats 3] [--bin build/neuroevo]
"""
import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile


def run(cmd, out, ranks):
    """Runs a job with every process under /usr/bin/time; returns its metrics rows and the CPU seconds
    (user + system, setup included) of each neuroevo process."""
    timed = ["sh", "-c", 'exec /usr/bin/time -f "%U %S" -o "$0.${OMPI_COMM_WORLD_RANK:-0}" "$@"', out + ".cpu"]
    if ranks:
        cmd = ["mpirun", "--oversubscribe", "-np", str(ranks)] + timed + cmd
    else:
        cmd = timed + cmd
    subprocess.run(cmd + ["--out", out, "--quiet"], check=True, stdout=subprocess.DEVNULL)
    cpu = []
    for r in range(max(1, ranks)):
        with open(f"{out}.cpu.{r}") as f:
            cpu.append(sum(float(x) for x in f.read().split()[-2:]))
    with open(out + "/metrics.csv") as f:
        return list(csv.DictReader(f)), cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default="build/neuroevo")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--generations", type=int, default=8)
    ap.add_argument("--population", type=int, default=64)
    ap.add_argument("--hidden", default="[256,256]")
    ap.add_argument("--episodes", type=int, default=3, help="episodes per candidate (task.episodes)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    cfg = ["run", "examples/pendulum_es.toml", "--threads", "1",
           "--set", f"run.generations={a.generations}", "--set", f"strategy.population={a.population}",
           "--set", f"policy.hidden={a.hidden}", "--set", "run.eval_episodes=2", "--set", f"task.episodes={a.episodes}",
           "--set", "run.checkpoint_every=1000000", "--set", "noise.size=1000000"]
    single, multi, cpu_single, cpu_multi, last_mpi = [], [], [], [], None
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.repeats):
            rows, cpu = run([a.bin] + cfg, f"{tmp}/single{k}", 0)
            single.append(float(rows[-1]["wall_time"]))
            cpu_single.append(cpu[0])
            rows, cpu = run([a.bin] + cfg, f"{tmp}/mpi{k}", a.ranks)
            multi.append(float(rows[-1]["wall_time"]))
            cpu_multi.append(cpu)
            last_mpi = rows
            print(f"repeat {k + 1}: 1 process {single[-1]:.2f} s, {a.ranks} ranks {multi[-1]:.2f} s",
                  file=sys.stderr)
    candidates = a.generations * a.population
    util = [statistics.mean(float(r["rank_util"].split(";")[i]) for r in last_mpi) for i in range(a.ranks)]
    result = {
        "ranks": a.ranks,
        "generations": a.generations,
        "population": a.population,
        "hidden": a.hidden,
        "single_s": single,
        "mpi_s": multi,
        "speedup_best": min(single) / min(multi),
        "speedup_median": statistics.median(single) / statistics.median(multi),
        "candidate_ms_single": 1000 * min(single) / candidates,  # wall: inflated on a busy machine
        "candidate_cpu_ms_single": 1000 * statistics.median(cpu_single) / candidates,
        # CPU seconds of each process (setup included). On a machine shared with others, wall time
        # mostly measures the kernel's fair share between sessions; CPU time does not. If every rank had
        # a core of its own, the job would take as long as its busiest rank's CPU time (plus waits,
        # which rank_util shows), hence this estimate of the speed-up on a quiet machine.
        "cpu_s_single": cpu_single,
        "cpu_s_mpi_per_rank": cpu_multi,
        "cpu_total_ratio_median": statistics.median(sum(c) for c in cpu_multi) / statistics.median(cpu_single),
        "speedup_cpu_median": statistics.median(cpu_single) / statistics.median(max(c) for c in cpu_multi),
        "bytes_per_candidate": statistics.mean(float(r["bytes_per_ind"]) for r in last_mpi),
        "bytes_sent_per_generation": statistics.mean(int(r["bytes_sent"]) for r in last_mpi),
        "rank_util_mean": util,
    }
    if a.json:
        print(json.dumps(result, indent=2))
        return
    print(f"1 process, 1 thread : best {min(single):.2f} s, median {statistics.median(single):.2f} s "
          f"for {a.generations} generations x {a.population} rollouts ({result['candidate_ms_single']:.2f} ms/candidate)")
    print(f"{a.ranks} ranks, 1 thread  : best {min(multi):.2f} s, median {statistics.median(multi):.2f} s")
    print(f"speed-up, wall      : {result['speedup_best']:.2f}x (best), {result['speedup_median']:.2f}x (median)")
    print(f"MPI payload         : {result['bytes_per_candidate']:.1f} bytes per candidate, "
          f"{result['bytes_sent_per_generation']:.0f} bytes per generation")
    print(f"CPU time            : {statistics.median(cpu_single):.2f} s (1 process) vs busiest rank "
          f"{statistics.median(max(c) for c in cpu_multi):.2f} s, all ranks {statistics.median(sum(c) for c in cpu_multi):.2f} s")
    print(f"speed-up from CPU   : {result['speedup_cpu_median']:.2f}x (median; what a quiet machine would show, "
          f"less the waits); total CPU {result['cpu_total_ratio_median']:.2f}x one process")
    print("rank utilisation    : " + " ".join(f"{u:.3f}" for u in util))


if __name__ == "__main__":
    main()
