#!/usr/bin/env python3
"""Deep GA and OpenAI-ES learning curves on the five MinAtar games against training frames, next to Young &
Tian's (2019) published DQN and actor-critic curves (issue 21).

    bench/minatar_curves.py [--runs DIR] [--seeds 0,1,2] [--games ...] [--methods ga,es] [--budget 5000000]
    bench/minatar_curves.py --table-only          # tables from the run directories already there

Two queues may share DIR (e.g. `--seeds 2 --reverse` beside `--seeds 0,1`): a run directory whose lock a
running neuroevo holds is skipped, never restarted or deleted.

Runs (or resumes) examples/minatar_<game>_<method>.toml with
    --set run.max_env_steps=BUDGET run.generations=1000000 run.keep_champions=true run.checkpoint_every=K
(K = checkpoint_every() below: a kept champion every ~0.03-0.25 M frames) into DIR/<game>_<method>/seed<S>,
seed-major (seed 0 of every game and method first), one run at a time, `nice -n 15`, 1 thread, under
`/usr/bin/time -v` (appended to DIR/<game>_<method>/seed<S>.time). "Frames" are metrics.csv `env_steps`:
every training environment step, the GA's elite re-evaluation included, as the Deep GA paper counts them.
After a run, for each mark of 1..5 M frames the kept champion (champions/gen<G>.bin) whose generation's
env_steps are nearest the mark is evaluated, if within 0.5 M frames of it (mark_ok), with
    neuroevo eval <champion> --episodes 100 --seed 0 --threads 1 --json
(cached in <run>/mark_evals.json); the other kept champions are deleted (an ES centre is 0.5 MB). A mark
beyond a stopped run's last generation is left out. Writes DIR/minatar_curves.csv (one row per run and
mark: plot-ready) and DIR/minatar_curves.md (game, method, mark: median and min..max over seeds, next to the
four published curves of bench/minatar_young_tian_2019.csv at the same frames).

Note the different measures: the published curves are the moving average of training returns over 100
episodes (DQN's include its epsilon-greedy exploration), ours the champion's mean over 100 fresh episodes.
"""
import argparse
import csv
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from examples import eval_json, in_use  # noqa: E402  (eval --json; whether a run directory's lock is held)

GAMES = ["asterix", "breakout", "freeway", "seaquest", "space_invaders"]
METHODS = ["ga", "es"]


def checkpoint_every(game: str, method: str) -> int:
    """Generations between kept champions: about 0.03-0.25 M frames. An ES generation of Freeway (2,500-frame
    episodes) or of a Seaquest centre that survives (~1,000-frame episodes) is 0.2-0.5 M frames."""
    return 10 if method == "es" and game not in ("freeway", "seaquest") else 1
MARKS = [1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000]
EVAL_EPISODES = 100
PUBLISHED = ["DQN", "DQN_no_replay", "AC(0.8)", "AC(0)"]


def mark_ok(mark: int, steps: int) -> bool:
    """A kept champion stands for a mark when it is within 0.5 M frames of it, or, for the last mark (the
    budget), when it is past it (a run's last generation: a Deep GA generation of Freeway is 3.25 M frames)."""
    return abs(steps - mark) <= 500_000 or (mark == MARKS[-1] and steps >= mark)


def metrics(run: Path) -> dict:
    with open(run / "metrics.csv") as f:
        return {int(r["generation"]): r for r in csv.DictReader(f)}


def run_one(binary: Path, run: Path, game: str, method: str, seed: int, budget: int) -> None:
    if (run / "summary.json").exists():
        return
    if in_use(run):  # another instance of this script runs it: leave it (deleting it would lose its files)
        print(f"{run}: in use by another process, skipped", flush=True)
        return
    cmd = ["/usr/bin/time", "-v", "-a", "-o", str(run.parent / f"{run.name}.time"), "nice", "-n", "15", str(binary), "run"]
    if (run / "checkpoint.ckpt").exists():
        cmd += ["--resume", str(run)]
    else:
        if run.exists():  # killed before its first checkpoint: start over
            subprocess.run(["rm", "-rf", str(run)], check=True)
        cmd += [str(ROOT / "examples" / f"minatar_{game}_{method}.toml"), "--out", str(run), "--seed", str(seed),
                "--set", f"run.max_env_steps={budget}", "--set", "run.generations=1000000",
                "--set", "run.keep_champions=true", "--set", f"run.checkpoint_every={checkpoint_every(game, method)}"]
    cmd += ["--threads", "1", "--quiet"]
    run.parent.mkdir(parents=True, exist_ok=True)
    print(" ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def mark_champions(run: Path) -> dict:
    """mark -> (generation, env_steps) of the kept champion nearest it (only marks the run has reached)."""
    rows = metrics(run)
    kept = sorted(int(p.stem[3:]) for p in (run / "champions").glob("gen*.bin"))
    cache_path = run / "mark_evals.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    out = {}
    last_steps = int(rows[max(rows)]["env_steps"]) if rows else 0
    for m in MARKS:
        if str(m) in cache:
            out[m] = (cache[str(m)]["generation"], cache[str(m)]["env_steps"])
            continue
        if last_steps < m or not kept:
            continue
        g = min(kept, key=lambda k: abs(int(rows[k]["env_steps"]) - m))
        if mark_ok(m, int(rows[g]["env_steps"])):
            out[m] = (g, int(rows[g]["env_steps"]))
    return out


def evaluate_marks(binary: Path, run: Path) -> dict:
    cache_path = run / "mark_evals.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    marks = mark_champions(run)
    finished = (run / "summary.json").exists()
    if not finished and in_use(run):
        return cache  # still running: its marks are evaluated once it has finished
    for m, (g, steps) in marks.items():
        if str(m) in cache:
            continue
        champ = run / "champions" / f"gen{g:06d}.bin"
        j = eval_json(binary, champ, EVAL_EPISODES, niceness=15)
        cache[str(m)] = {"generation": g, "env_steps": steps, "mean_return": j["mean_return"],
                         "std_return": j["std_return"]}
        cache_path.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
    if finished:  # keep only the champions of the marks (and the run's own final champion.bin)
        keep = {f"gen{g:06d}.bin" for g, _ in marks.values()}
        for p in (run / "champions").glob("gen*.bin"):
            if p.name not in keep:
                p.unlink()
    return cache


def cpu_seconds(time_file: Path) -> float:
    if not time_file.exists():
        return float("nan")
    total = 0.0
    for line in time_file.read_text().splitlines():
        line = line.strip()
        if line.startswith("User time (seconds):") or line.startswith("System time (seconds):"):
            total += float(line.split(":")[1])
    return total


def published() -> dict:
    ref = {}
    with open(ROOT / "bench" / "minatar_young_tian_2019.csv") as f:
        for r in csv.DictReader(line for line in f if not line.startswith("#")):
            ref[(r["game"], r["method"], int(r["frames"]))] = (float(r["return"]), float(r["uncertainty"]))
    return ref


def tables(runs: Path, binary: Path, evaluate: bool) -> None:
    ref = published()
    rows, cost = [], []
    for game in GAMES:
        for method in METHODS:
            for run in sorted((runs / f"{game}_{method}").glob("seed*"), key=lambda p: p.name):
                if not run.is_dir() or not (run / "metrics.csv").exists():
                    continue
                seed = int(run.name[4:])
                evals = evaluate_marks(binary, run) if evaluate else (
                    json.loads((run / "mark_evals.json").read_text()) if (run / "mark_evals.json").exists() else {})
                for m in MARKS:
                    if str(m) in evals and mark_ok(m, evals[str(m)]["env_steps"]):
                        e = evals[str(m)]
                        rows.append({"game": game, "method": method, "seed": seed, "mark_frames": m,
                                     "champion_frames": e["env_steps"], "generation": e["generation"],
                                     "mean_return": e["mean_return"], "std_return": e["std_return"]})
                met = metrics(run)
                steps = int(met[max(met)]["env_steps"]) if met else 0
                cpu = cpu_seconds(run.parent / f"{run.name}.time")
                cost.append((game, method, seed, max(met) if met else 0, steps, cpu,
                             (run / "summary.json").exists()))
    with open(runs / "minatar_curves.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["game", "method", "seed", "mark_frames", "champion_frames", "generation",
                                          "mean_return", "std_return"])
        w.writeheader()
        w.writerows(rows)
    md = ["| game | method | frames (M) | seeds | champion, 100 episodes: median (min..max) | champion frames (M) "
          "| DQN | DQN w/o replay | AC(0.8) | AC(0) |", "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for game in GAMES:
        for method in METHODS:
            for m in MARKS:
                sel = [r for r in rows if r["game"] == game and r["method"] == method and r["mark_frames"] == m]
                if not sel:
                    continue
                v = [r["mean_return"] for r in sel]
                fr = [r["champion_frames"] / 1e6 for r in sel]
                pub = " | ".join(f"{ref[(game, p, m)][0]:.1f}" for p in PUBLISHED)
                md.append(f"| {game} | {'Deep GA' if method == 'ga' else 'OpenAI-ES'} | {m // 1_000_000} | {len(sel)} "
                          f"| {statistics.median(v):.2f} ({min(v):.2f}..{max(v):.2f}) "
                          f"| {min(fr):.2f}..{max(fr):.2f} | {pub} |")
    md += ["", "| game | method | seed | generations | training frames | CPU s (user+sys) | frames per CPU s | finished |",
           "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for game, method, seed, gens, steps, cpu, done in cost:
        md.append(f"| {game} | {method} | {seed} | {gens} | {steps:,} | {cpu:.0f} | "
                  f"{steps / cpu if cpu == cpu and cpu > 0 else float('nan'):,.0f} | {'yes' if done else 'no'} |")
    (runs / "minatar_curves.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", default=str(ROOT / "build" / "minatar_curves"))
    ap.add_argument("--bin", default=str(ROOT / "build" / "neuroevo"))
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--games", default=",".join(GAMES))
    ap.add_argument("--methods", default="ga,es")
    ap.add_argument("--budget", type=int, default=5_000_000)
    ap.add_argument("--reverse", action="store_true", help="games and methods in reverse order (a second queue)")
    ap.add_argument("--table-only", action="store_true", help="no runs; evaluate what is there and write the tables")
    ap.add_argument("--no-eval", action="store_true", help="with --table-only: only the cached evaluations")
    a = ap.parse_args()
    runs, binary = Path(a.runs), Path(a.bin)
    if not a.table_only:
        for seed in [int(s) for s in a.seeds.split(",")]:
            order = [(g, m) for g in a.games.split(",") for m in a.methods.split(",")]
            for game, method in (order[::-1] if a.reverse else order):
                run = runs / f"{game}_{method}" / f"seed{seed}"
                run_one(binary, run, game, method, seed, a.budget)
                evaluate_marks(binary, run)
    tables(runs, binary, evaluate=not a.no_eval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
