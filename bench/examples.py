#!/usr/bin/env python3
"""Runs every example in examples/ over seeds 0-9 and checks the promise stated in its header.

Each example's header carries one machine-readable promise line, and expensive examples a quick line:

    # promise: champion_return >= 475 over 100 episodes on 10/10 seeds
    # quick: seeds 0-2
    # quick: seeds 0-2 set run.generations=30 task.max_steps=200
    # quick-promise: champion_return >= 100 over 10 episodes on 3/3 seeds

promise:        METRIC OP NUMBER [over N episodes] [on K/M seeds]
  METRIC        champion_return: summary.json's champion.mean_return (the champion's mean over its fresh
                evaluation episodes; for BBOB, GP and NEAT tasks the champion's fitness)
  OP            >=, >, <=, <
  over N        summary.json's champion.eval_episodes must be N (a promise over 100 episodes is not kept
                by a run evaluated on 10)
  on K/M        at least K of M seeds (0..M-1) keep it; default 9/10, the rule of issue 21
quick:          the seeds (a, a-b, a,b,c) and the --set overrides used with --quick; with overrides the
                budget differs, so a quick-promise line (same grammar) is required and is what --quick checks.

Usage (from anywhere; paths are relative to the repository):
    bench/examples.py [--quick] [--only REGEX] [--jobs 2] [--build build] [--runs build/examples]
    bench/examples.py --table-only          # no runs: table from the ledger (and any finished run directories)
Run directories are RUNS/<example>/seed<S>/ (RUNS/<example>/quick-seed<S>/ when quick overrides apply):
a directory with a finished summary.json is reused and one with a checkpoint is resumed (`run --resume`),
so an interrupted sweep continues where it stopped. A directory is reused or resumed only if its stored
resolved config (config.toml) still holds every key of the example as it is now, with the quick overrides
and the seed (and, for runs this script started, no key the example has since dropped): a stale one is
moved to <dir>.stale and run again. Each run this script starts records its CPU seconds (user + system of
the neuroevo process) in <dir>/examples_run.json.
Run directories are scratch space. Each finished one is recorded in the ledger, bench/examples_results.jsonl
(committed; one line per example, overrides and seed: the example's config it ran with, the champion's value
and episode count, wall and CPU seconds, the commit), and the table is made from the ledger, so results outlive
the machine that measured them. A record made with another config than the example's now counts as stale.
The table follows the headers, whatever the flags: an example with a quick line is reported on its quick
seeds and budget, the others on seeds 0..M-1 at the full budget. The table goes to
bench/examples_table.md and between the markers `<!-- examples-table:begin -->` and
`<!-- examples-table:end -->` of README.md.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import fcntl
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- examples-table:begin -->", "<!-- examples-table:end -->"
LEDGER = ROOT / "bench" / "examples_results.jsonl"  # per-seed results, committed (record_runs)
TABLE = ROOT / "bench" / "examples_table.md"
OPS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}
METRICS = ("champion_return",)


class PromiseError(ValueError):
    """A promise or quick line that does not parse; the message names the file and the line."""


@dataclass
class Promise:
    metric: str
    op: str
    threshold: float
    episodes: int | None = None
    need: int = 9
    of: int = 10

    def text(self) -> str:
        s = f"{self.metric} {self.op} {self.threshold:g}"
        if self.episodes is not None:
            s += f" over {self.episodes} episodes"
        return s + f" on {self.need}/{self.of} seeds"

    def value(self, summary: dict) -> float:
        """The promised quantity of one run's summary.json."""
        champion = summary.get("champion")
        if not isinstance(champion, dict) or "mean_return" not in champion:
            raise PromiseError("summary.json has no champion.mean_return")
        return float(champion["mean_return"])

    def kept(self, summary: dict) -> bool:
        """Whether one run keeps the promise (a finished run, the right episode count, the threshold)."""
        if not summary.get("finished", False):
            return False
        if self.episodes is not None and int(summary.get("champion", {}).get("eval_episodes", -1)) != self.episodes:
            return False
        v = self.value(summary)
        return math.isfinite(v) and OPS[self.op](v, self.threshold)


@dataclass
class Quick:
    seeds: list[int]
    sets: list[str] = field(default_factory=list)


@dataclass
class Example:
    name: str
    path: Path
    promise: Promise
    quick: Quick | None = None
    quick_promise: Promise | None = None


_PROMISE = re.compile(r"^(?P<metric>\w+)\s*(?P<op>>=|<=|>|<)\s*(?P<num>[-+0-9.eE]+)"
                      r"(?:\s+over\s+(?P<eps>\d+)\s+episodes?)?(?:\s+on\s+(?P<k>\d+)/(?P<m>\d+)\s+seeds)?\s*$")


def parse_promise(text: str, where: str = "promise") -> Promise:
    m = _PROMISE.match(text.strip())
    if not m:
        raise PromiseError(f"{where}: cannot parse '{text.strip()}' (expected METRIC OP NUMBER "
                           "[over N episodes] [on K/M seeds])")
    if m["metric"] not in METRICS:
        raise PromiseError(f"{where}: unknown metric '{m['metric']}' (known: {', '.join(METRICS)})")
    try:
        threshold = float(m["num"])
    except ValueError:
        raise PromiseError(f"{where}: '{m['num']}' is not a number") from None
    if not math.isfinite(threshold):
        raise PromiseError(f"{where}: threshold must be finite")
    need, of = (int(m["k"]), int(m["m"])) if m["k"] else (9, 10)
    if not 1 <= need <= of:
        raise PromiseError(f"{where}: 'on {need}/{of} seeds' needs 1 <= K <= M")
    eps = int(m["eps"]) if m["eps"] else None
    if eps is not None and eps < 1:
        raise PromiseError(f"{where}: 'over {eps} episodes' needs at least one episode")
    return Promise(m["metric"], m["op"], threshold, eps, need, of)


def parse_seeds(text: str, where: str) -> list[int]:
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        r = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not r:
            raise PromiseError(f"{where}: bad seed list '{text}' (e.g. 0-2 or 0,3,5)")
        a, b = int(r[1]), int(r[2] or r[1])
        if b < a:
            raise PromiseError(f"{where}: empty seed range '{part}'")
        seeds.extend(range(a, b + 1))
    if len(set(seeds)) != len(seeds):
        raise PromiseError(f"{where}: repeated seeds in '{text}'")
    return seeds


def parse_quick(text: str, where: str) -> Quick:
    m = re.fullmatch(r"\s*seeds\s+(\S+)(?:\s+set\s+(.+))?\s*", text)
    if not m:
        raise PromiseError(f"{where}: cannot parse '{text.strip()}' (expected 'seeds 0-2 [set key=value ...]')")
    sets = m[2].split() if m[2] else []
    for kv in sets:
        if not re.fullmatch(r"[\w.]+=\S+", kv):
            raise PromiseError(f"{where}: bad override '{kv}' (expected section.key=value)")
    return Quick(parse_seeds(m[1], where), sets)


def parse_header(text: str, name: str, path: Path | None = None) -> Example:
    """The promise, quick and quick-promise lines of an example's leading comment block."""
    found: dict[str, tuple[str, int]] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            if line.strip():
                break  # the header ends at the first non-comment line
            continue
        m = re.match(r"#\s*(promise|quick|quick-promise):(.*)$", line)
        if m:
            if m[1] in found:
                raise PromiseError(f"{name}:{lineno}: second '{m[1]}:' line")
            found[m[1]] = (m[2], lineno)
    if "promise" not in found:
        raise PromiseError(f"{name}: no '# promise:' line in the header")
    promise = parse_promise(found["promise"][0], f"{name}:{found['promise'][1]}")
    quick = parse_quick(found["quick"][0], f"{name}:{found['quick'][1]}") if "quick" in found else None
    quick_promise = None
    if "quick-promise" in found:
        if quick is None:
            raise PromiseError(f"{name}: 'quick-promise:' without a 'quick:' line")
        quick_promise = parse_promise(found["quick-promise"][0], f"{name}:{found['quick-promise'][1]}")
    if quick is not None and quick.sets and quick_promise is None:
        raise PromiseError(f"{name}: the quick line overrides the budget, so it needs a 'quick-promise:' line")
    if quick_promise is not None and quick is not None and quick_promise.of != len(quick.seeds):
        raise PromiseError(f"{name}: quick-promise counts {quick_promise.of} seeds, the quick line runs "
                           f"{len(quick.seeds)}")
    return Example(name, path or Path(name + ".toml"), promise, quick, quick_promise)


def load_examples(directory: Path) -> list[Example]:
    return [parse_header(p.read_text(), p.stem, p) for p in sorted(directory.glob("*.toml"))]


@dataclass
class Plan:
    example: Example
    seeds: list[int]
    sets: list[str]
    promise: Promise
    quick: bool


def plan(ex: Example, quick: bool) -> Plan:
    if quick and ex.quick is not None:
        return Plan(ex, ex.quick.seeds, ex.quick.sets, ex.quick_promise or ex.promise, True)
    return Plan(ex, list(range(ex.promise.of)), [], ex.promise, False)


def run_dir(runs: Path, p: Plan, seed: int) -> Path:
    return runs / p.example.name / (f"quick-seed{seed}" if p.sets else f"seed{seed}")


def read_summary(d: Path) -> dict | None:
    try:
        s = json.loads((d / "summary.json").read_text())
    except (OSError, ValueError):
        return None
    return s if s.get("finished") else None


RECORD = "examples_run.json"  # written by run_one into each run directory it starts


def _toml_value(text: str):
    """An override's value as `neuroevo run --set` reads it: a TOML value, else a bare string."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def expected_config(p: Plan, seed: int) -> dict:
    """The example's TOML as it is now, with the plan's overrides and the seed: what a fresh run would get."""
    cfg = tomllib.loads(p.example.path.read_text())
    for kv in p.sets:
        key, value = kv.split("=", 1)
        *sections, leaf = key.split(".")
        node = cfg
        for sec in sections:
            node = node.setdefault(sec, {})
        node[leaf] = _toml_value(value)
    cfg.setdefault("run", {})["seed"] = seed
    return cfg


def _differences(want: dict, have: dict, prefix: str = "") -> list[str]:
    """Keys of `want` whose value `have` lacks or holds differently (numbers compare by value)."""
    out = []
    for k, v in want.items():
        key = prefix + k
        if isinstance(v, dict):
            sub = have.get(k)
            out += _differences(v, sub if isinstance(sub, dict) else {}, key + ".")
        elif k not in have:
            out.append(f"{key} not in the run's config (example: {v!r})")
        elif have[k] != v:
            out.append(f"{key} = {have[k]!r} in the run, {v!r} in the example now")
    return out


def stale_reason(d: Path, expected: dict) -> str | None:
    """Why the run directory was made with another config than `expected`, or None if it matches.

    The run's config.toml is the resolved config (every default written out), so each key the example sets
    must be there with the same value. A key the example has dropped since would go unnoticed that way
    (the run's file holds it either way), so runs this script started also compare the example's own keys,
    stored in RECORD, both ways."""
    try:
        have = tomllib.loads((d / "config.toml").read_text())
    except OSError:
        return "no config.toml in the run directory"
    except tomllib.TOMLDecodeError as e:
        return f"config.toml does not parse ({e})"
    diffs = _differences(expected, have)
    try:
        recorded = json.loads((d / RECORD).read_text()).get("config")
    except (OSError, ValueError):
        recorded = None
    if isinstance(recorded, dict):
        diffs += _dropped(recorded, expected)
    return "; ".join(diffs) if diffs else None


def _dropped(recorded: dict, expected: dict) -> list[str]:
    """Keys the example set when a run was made (its own keys, as recorded) and sets no longer."""
    return [f"{x.split(' ', 1)[0]} was set when the run was made and is not in the example now"
            for x in _differences(recorded, expected) if "not in the run's config" in x]


def fresh_summary(d: Path, expected: dict) -> tuple[dict | None, str | None]:
    """(summary of a finished run made with the expected config, or None; why it is stale, or None)."""
    s = read_summary(d)
    if s is None:
        return None, None
    why = stale_reason(d, expected)
    return (None, why) if why else (s, None)


def cpu_seconds(d: Path) -> float | None:
    try:
        r = json.loads((d / RECORD).read_text())
    except (OSError, ValueError):
        return None
    return float(r["cpu_s"]) if isinstance(r.get("cpu_s"), (int, float)) and not r.get("resumed") else None


def in_use(d: Path) -> bool:
    """Whether a running neuroevo holds the run directory's lock (the flock of src/runtime/run_dir.cpp)."""
    try:
        fd = os.open(d / ".neuroevo.lock", os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def eval_json(binary: Path | str, target: Path | str | None, episodes: int, extra_args=(), seed: int = 0,
              niceness: int | None = None) -> dict:
    """`neuroevo eval [TARGET] --episodes N --seed S --threads 1 --json EXTRA...` (under `nice -n NICENESS`
    when given), parsed: the JSON object eval prints (mean_return, std_return, episodes, ...). TARGET is a
    champion file or a run directory, or None when extra_args name the policy (--env E --policy random).
    Raises subprocess.CalledProcessError when eval fails."""
    cmd = ["nice", "-n", str(niceness)] if niceness is not None else []
    cmd += [str(binary), "eval", *([str(target)] if target is not None else []), "--episodes", str(episodes),
            "--seed", str(seed), "--threads", "1", "--json", *(str(a) for a in extra_args)]
    return json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)


def run_one(binary: Path, runs: Path, p: Plan, seed: int, threads: int) -> str:
    d = run_dir(runs, p, seed)
    expected = expected_config(p, seed)
    note = ""
    if d.exists() and not in_use(d) and ((d / "summary.json").exists() or (d / "checkpoint.ckpt").exists()):
        why = stale_reason(d, expected)
        if why:  # made with an older config: neither reusable nor resumable
            old = d.with_name(d.name + ".stale")
            if old.exists():
                shutil.rmtree(old)
            d.rename(old)
            note = f" (the old directory was stale: {why}; moved to {old.name})"
    if read_summary(d) is not None:
        return f"{p.example.name} seed {seed}: reused"
    d.parent.mkdir(parents=True, exist_ok=True)
    if in_use(d):  # another sweep runs this seed: deleting its directory would lose its lock and its files
        return f"{p.example.name} seed {seed}: skipped, in use by another process"
    resumed = (d / "checkpoint.ckpt").exists()
    if resumed:  # an interrupted run continues (bit-identical to an uninterrupted one)
        cmd = [str(binary), "run", "--resume", str(d), "--threads", str(threads), "--quiet"]
    else:
        if d.exists():
            shutil.rmtree(d)  # started but stopped before its first checkpoint
        cmd = [str(binary), "run", str(p.example.path), "--seed", str(seed), "--threads", str(threads), "--quiet",
               "--out", str(d)]
        for kv in p.sets:
            cmd += ["--set", kv]
    t0 = time.time()
    rc, cpu = _run(cmd, d.parent / f"{d.name}.log")
    if rc != 0 and resumed:
        # The checkpoint cannot be resumed (e.g. written by an older build for what it now resolves as
        # another config): keep it aside and start the run afresh, once.
        old = d.with_name(d.name + ".stale")
        if old.exists():
            shutil.rmtree(old)
        d.rename(old)
        note += f" (resuming failed, exit {rc}; the directory was moved to {old.name} and the run started afresh)"
        resumed = False
        cmd = [str(binary), "run", str(p.example.path), "--seed", str(seed), "--threads", str(threads), "--quiet",
               "--out", str(d)]
        for kv in p.sets:
            cmd += ["--set", kv]
        rc, cpu = _run(cmd, d.parent / f"{d.name}.log")
    wall = time.time() - t0
    if rc == 0 and d.is_dir():
        (d / RECORD).write_text(json.dumps({"seed": seed, "sets": p.sets, "config": expected, "cpu_s": cpu,
                                            "wall_s": wall, "resumed": resumed}, indent=1) + "\n")
    return f"{p.example.name} seed {seed}: exit {rc}, {wall:.0f} s wall, {cpu:.0f} s CPU{note}"


def _run(cmd: list[str], log_path: Path) -> tuple[int, float]:
    """Exit code and CPU seconds (user + system) of one neuroevo process, whatever else runs."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_utime + usage.ru_stime


def fmt(v: float) -> str:
    s = f"{v:.1f}" if 100 <= abs(v) < 1e5 else f"{v:.3g}"
    return s[:-2] if s.endswith(".0") else s


def seed_text(seeds: list[int]) -> str:
    if len(seeds) == 1:
        return str(seeds[0])
    return f"{seeds[0]}-{seeds[-1]}" if seeds == list(range(seeds[0], seeds[-1] + 1)) else ",".join(map(str, seeds))


def ledger_key(name: str, sets: list[str], seed: int) -> str:
    return f"{name} {' '.join(sets) or '-'} seed{seed}"


def load_ledger(path: Path) -> dict[str, dict]:
    """The committed per-seed results: one JSON object per line (see record_runs), keyed by ledger_key."""
    out: dict[str, dict] = {}
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return out
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            key = ledger_key(r["example"], r["sets"], int(r["seed"]))
            if not (isinstance(r["config"], dict) and isinstance(r["summary"], dict)):
                raise TypeError("config and summary must be objects")
        except (ValueError, KeyError, TypeError) as e:
            raise PromiseError(f"{path}:{lineno}: not a result record ({e})") from None
        out[key] = r
    return out


def _git(*args: str, repo: Path = ROOT) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def record_runs(ledger: Path, plans: list[Plan], runs: Path) -> int:
    """Adds each fresh finished run directory of the plans to the ledger (replacing that seed's old record).

    Run directories are scratch space that a new machine does not have; the ledger is what the table is made
    from, so a result measured once is kept with the example's config it was measured with. The file is
    rewritten atomically under a lock, so two sweeps may record at once. Returns the number of records added
    or changed."""
    new = {}
    for p in plans:
        for seed in p.seeds:
            d = run_dir(runs, p, seed)
            expected = expected_config(p, seed)
            s, _ = fresh_summary(d, expected)
            if s is None:
                continue
            champion = s.get("champion", {})
            new[ledger_key(p.example.name, p.sets, seed)] = {
                "example": p.example.name, "seed": seed, "sets": p.sets, "config": expected,
                "summary": {"finished": True, "wall_time_s": s.get("wall_time_s"),
                            "champion": {"mean_return": champion.get("mean_return"),
                                         "eval_episodes": champion.get("eval_episodes")}},
                "cpu_s": cpu_seconds(d)}
    if not new:
        return 0
    head = _git("rev-parse", "--short", "HEAD")  # the commit a record is first recorded at
    for r in new.values():
        r["commit"] = head
    with open(ledger.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        records = load_ledger(ledger)
        # A run recorded before keeps its record, and with it the commit it was first recorded at.
        changed = {k: v for k, v in new.items() if _measured(records.get(k)) != _measured(v)}
        records.update(changed)
        tmp = ledger.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(records[k], sort_keys=True) + "\n" for k in sorted(records)))
        os.replace(tmp, ledger)
    return len(changed)


def _measured(record: dict | None) -> dict | None:
    """A record without the commit it was recorded at: what two records of the same run share."""
    return None if record is None else {k: v for k, v in record.items() if k != "commit"}


def ledger_result(records: dict[str, dict], p: Plan, seed: int) -> tuple[dict | None, str | None]:
    """(the seed's record if it was measured with the example's config as it is now, or None; why the
    record is stale, or None). The record holds the example's own keys, so both directions count."""
    r = records.get(ledger_key(p.example.name, p.sets, seed))
    if r is None:
        return None, None
    want = expected_config(p, seed)
    diffs = _differences(want, r["config"]) + _dropped(r["config"], want)
    return (None, "; ".join(diffs)) if diffs else (r, None)


@dataclass
class Row:
    """One example's line of the table, from the ledger or carried over from an older table."""
    done: int
    kept: int
    stale: int = 0
    median: str = "-"
    worst: str = "-"
    cpu: str = "-"
    wall: str = "-"
    carried_from: str | None = None


_CARRIED = re.compile(r"carried over from `([0-9a-f]{7,40})`")


def carried_rows(table_md: Path) -> dict[str, tuple[list[str], str]]:
    """Rows of the committed table that may be carried over (name -> (cells, commit they were measured at)).

    Tables before the ledger existed were made from run directories that are gone; such a row still stands
    for its example while the example's config (not its comments) is what it was at that commit, and until
    the ledger holds more of its seeds. A row carried before keeps its original commit; the other rows of a
    table made from the ledger are the ledger's own and are not carried."""
    if not table_md.exists():
        return {}
    text = table_md.read_text()
    made_at = None if LEDGER.name in text else _git("log", "-1", "--format=%h", "--", table_md.name,
                                                     repo=table_md.parent)
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        m = re.fullmatch(r"`(\w+)`", cells[0]) if len(cells) == 10 else None
        if not m:
            continue
        c = _CARRIED.search(cells[9])
        anchor = c[1] if c else made_at
        if anchor:
            out[m[1]] = (cells, anchor)
    return out


def carried_seeds(cells: list[str]) -> int | None:
    """The number of finished seeds a carried row records ("10/10" or "10/10, 1 stale"), None if none."""
    m = re.match(r"(\d+)/\d+", cells[3])
    return int(m[1]) if m else None


def carried_row(ex: Example, p: Plan, cells: list[str], anchor: str, row_kind: str, repo: Path = ROOT) -> Row | str:
    """A carried row as a Row, or why it no longer stands for the example."""
    if cells[1] != row_kind:
        return f"its seeds or budget ({cells[1]}) differ from the header's now"
    try:
        rel = ex.path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return f"{ex.path} is not in the repository {repo}"
    old_text = _git("show", f"{anchor}:{rel}", repo=repo)
    if old_text is None:
        return f"{rel} at {anchor} cannot be read from git"
    if tomllib.loads(old_text) != tomllib.loads(ex.path.read_text()):
        return f"the example's config changed since {anchor}"
    done = carried_seeds(cells)
    kept = re.fullmatch(r"(\d+)/(\d+)", cells[4])
    if done is None or not kept:
        return "it records no finished seeds"
    n_kept = int(kept[1])
    if cells[2] != p.promise.text():
        # Only a promise that every carried seed keeps for certain can be judged from the row's worst value
        # (the lowest for >= and >, the highest for <= and <: the side the new threshold has to be on).
        old = parse_promise(cells[2])
        same_side = (old.op in (">=", ">")) == (p.promise.op in (">=", ">"))
        if (old.metric, old.episodes) != (p.promise.metric, p.promise.episodes) or not same_side or \
                not OPS[p.promise.op](float(cells[6]), p.promise.threshold):
            return f"its promise was '{cells[2]}' and the seeds' values cannot be judged against the new one"
        n_kept = done
    return Row(done, n_kept, median=cells[5], worst=cells[6], cpu=cells[7], wall=cells[8], carried_from=anchor)


def ledger_row(p: Plan, records: dict[str, dict]) -> Row:
    done, stale = {}, 0
    for seed in p.seeds:
        record, why = ledger_result(records, p, seed)
        if record is not None:
            done[seed] = (record["summary"], record.get("cpu_s"))
        elif why:
            stale += 1
    if not done:
        return Row(0, 0, stale)
    values = [p.promise.value(s) for s, _ in done.values()]
    walls = [float(s.get("wall_time_s") or float("nan")) for s, _ in done.values()]
    cpus = [float(c) for _, c in done.values() if isinstance(c, (int, float))]
    worst = min(values) if p.promise.op in (">=", ">") else max(values)
    return Row(len(done), sum(p.promise.kept(s) for s, _ in done.values()), stale, fmt(statistics.median(values)),
               fmt(worst),
               (f"{statistics.median(cpus):.0f}" + (f" ({len(cpus)} runs)" if len(cpus) < len(done) else ""))
               if cpus else "-", f"{statistics.median(walls):.0f}")


def table(examples: list[Example], records: dict[str, dict],
          carried: dict[str, tuple[list[str], str]] | None = None, repo: Path = ROOT) -> tuple[str, int]:
    """Markdown summary + table over the ledger's records; returns it and the number of broken promises.

    Each example is reported as its header says: on its quick seeds and budget if it has a quick line,
    else on seeds 0..M-1 at the full budget. Records made with another config count as stale; a carried row
    (carried_rows) stands in while the ledger has fewer of the example's seeds."""
    rows = ["| example | row: seeds, budget | promise | seeds run | kept | median | worst | CPU s (median) "
            "| wall s (median) | verdict |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    broken = 0
    nine_of_ten: list[str] = []
    short: list[str] = []
    below: list[str] = []
    dropped: list[str] = []
    for ex in examples:
        p = plan(ex, quick=True)
        budget = "quick budget: " + " ".join(p.sets) if p.sets else "full budget"
        row_kind = (f"**{len(p.seeds)}-seed**" if len(p.seeds) >= 10 else
                    f"{len(p.seeds)} seed" + ("s" if len(p.seeds) > 1 else "")) + \
            f" ({seed_text(p.seeds)}), {budget}"
        row = ledger_row(p, records)
        if carried and ex.name in carried:
            cells, anchor = carried[ex.name]
            if (carried_seeds(cells) or 0) > row.done:  # else the ledger has superseded the row
                old = carried_row(ex, p, cells, anchor, row_kind, repo)
                if isinstance(old, str):
                    dropped.append(f"`{ex.name}` ({old})")
                else:
                    row = old
        seeds_txt = f"{row.done}/{len(p.seeds)}" + (f", {row.stale} stale" if row.stale else "")
        if row.done < 10:
            short.append(f"`{ex.name}` ({row.done})")
        elif row.kept >= 9:
            nine_of_ten.append(ex.name)
        else:
            below.append(f"`{ex.name}` ({row.kept}/{row.done})")
        if not row.done:
            rows.append(f"| `{ex.name}` | {row_kind} | {p.promise.text()} | {seeds_txt} | - | - | - | - | - | "
                        f"{'stale' if row.stale else 'not run'} |")
            continue
        if row.done < len(p.seeds):
            verdict = "partial"
        elif row.kept >= p.promise.need:
            verdict = "kept"
        else:
            verdict = "**broken**"
            broken += 1
        if row.carried_from:
            verdict += f" (carried over from `{row.carried_from}`)"
        rows.append(f"| `{ex.name}` | {row_kind} | {p.promise.text()} | {seeds_txt} | {row.kept}/{row.done} | "
                    f"{row.median} | {row.worst} | {row.cpu} | {row.wall} | {verdict} |")
    summary = (f"**{len(nine_of_ten)} of {len(examples)} examples keep their promise on at least 9 of 10 seeds** "
               "(10-seed rows, full or quick budget as the row says). "
               f"With 10 seeds run but kept on fewer than 9: {', '.join(below) if below else 'none'}. "
               f"Fewer than 10 seeds run ({len(short)}, seeds run in brackets): "
               f"{', '.join(short) if short else 'none'}.\n\n")
    if dropped:
        summary += "Older rows no longer carried: " + "; ".join(dropped) + ".\n\n"
    return summary + "\n".join(rows) + "\n", broken


def rewrite_readme(readme: Path, block: str) -> None:
    text = readme.read_text()
    a, b = text.find(BEGIN), text.find(END)
    if a < 0 or b < a:
        raise SystemExit(f"examples.py: {readme} has no '{BEGIN}' ... '{END}' block")
    readme.write_text(text[:a + len(BEGIN)] + "\n" + block + text[b:])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="the quick seeds/budget of examples that declare one")
    ap.add_argument("--only", default="", help="regular expression on example names")
    ap.add_argument("--jobs", type=int, default=2, help="runs at once (each with --threads)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", default="build/examples")
    ap.add_argument("--table-only", action="store_true", help="no runs; table from the ledger")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite README.md's examples block")
    ap.add_argument("--ledger", default=str(LEDGER.relative_to(ROOT)), help="the per-seed results file")
    a = ap.parse_args()
    try:
        examples = load_examples(ROOT / "examples")
        ledger = (ROOT / a.ledger).resolve()
        load_ledger(ledger)  # a corrupt ledger stops the sweep before it runs anything
    except PromiseError as e:
        print(f"examples.py: {e}", file=sys.stderr)
        return 2
    chosen = [e for e in examples if re.search(a.only, e.name)]
    runs = (ROOT / a.runs).resolve()
    binary = (ROOT / a.build / "neuroevo").resolve()
    if not a.table_only:
        if not binary.exists():
            print(f"examples.py: {binary} not found; build first", file=sys.stderr)
            return 2
        jobs = [(plan(e, a.quick), s) for e in chosen for s in plan(e, a.quick).seeds]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            for (p, s), line in zip(jobs, pool.map(lambda j: run_one(binary, runs, j[0], j[1], a.threads), jobs)):
                record_runs(ledger, [p], runs)  # as each run ends, so a stopped sweep keeps what it measured
                print(line, flush=True)
    # Runs of any flags (full or quick) that a sweep left in RUNS, recorded under their own budget.
    record_runs(ledger, [plan(e, q) for e in chosen for q in (False, True)], runs)
    body, broken = table(chosen, load_ledger(ledger), carried_rows(TABLE))
    head = ("Generated by `bench/examples.py --table-only` from the per-seed results in bench/examples_results.jsonl "
            "(promise, quick and quick-promise lines in each example's "
            "header: an example with a quick line is reported on its quick seeds and budget; champion = "
            "summary.json's final evaluation; CPU s = user + system seconds of the run's process, recorded by "
            "bench/examples.py for the runs it started (\"-\" for runs older than that record); wall time on the "
            "shared 2-core machine, 1 thread per run, at whatever load the machine had during each run (other runs "
            "and builds), so CPU s is the figure to compare; a row \"carried over\" from a commit comes from a "
            "table made before that file existed, for an example whose config has not changed since).\n\n")
    block = head + body
    if not a.only:  # a subset never overwrites the full table
        TABLE.write_text(block)
        if not a.no_readme:
            rewrite_readme(ROOT / "README.md", block)
    sys.stdout.write(block)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
