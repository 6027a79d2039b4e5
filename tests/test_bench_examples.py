"""bench/examples.py: the promise-line parser and the per-run checker (no runs; seconds).

Summaries here are hand-written dicts in summary.json's layout, so each expectation follows from the
promise's text alone, not from the script's output.
"""
import importlib.util
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_examples", ROOT / "bench" / "examples.py")
ex = importlib.util.module_from_spec(_spec)
sys.modules["bench_examples"] = ex  # dataclasses look their module up there
_spec.loader.exec_module(ex)


def summary(mean, episodes=100, finished=True):
    return {"finished": finished, "champion": {"mean_return": mean, "eval_episodes": episodes}}


def test_full_promise_line():
    p = ex.parse_promise("champion_return >= 475 over 100 episodes on 10/10 seeds")
    assert (p.metric, p.op, p.threshold, p.episodes, p.need, p.of) == ("champion_return", ">=", 475.0, 100, 10, 10)


def test_defaults_are_nine_of_ten_and_any_episode_count():
    p = ex.parse_promise("champion_return > -1e-6")
    assert (p.op, p.threshold, p.episodes, p.need, p.of) == (">", -1e-6, None, 9, 10)
    assert p.kept(summary(0.0, episodes=3))


@pytest.mark.parametrize("op,value,kept", [(">=", 475, True), (">=", 474.99, False), (">", 475, False),
                                           ("<", 290, False), ("<=", 290, True), ("<", 289.5, True)])
def test_operators_at_the_boundary(op, value, kept):
    threshold = 475 if op in (">=", ">") else 290
    assert ex.parse_promise(f"champion_return {op} {threshold}").kept(summary(value)) is kept


def test_episode_count_must_match():
    p = ex.parse_promise("champion_return >= 475 over 100 episodes")
    assert p.kept(summary(500, episodes=100))
    assert not p.kept(summary(500, episodes=10))  # 500 over 10 episodes is not a promise over 100


def test_unfinished_or_nonfinite_runs_do_not_keep_it():
    p = ex.parse_promise("champion_return >= 1")
    assert not p.kept(summary(5, finished=False))
    assert not p.kept(summary(float("nan")))


@pytest.mark.parametrize("bad", ["champion_return => 3", "reward >= 3", "champion_return >= abc",
                                 "champion_return >= 3 on 11/10 seeds", "champion_return >= 3 on 0/10 seeds",
                                 "champion_return >= inf", "champion_return >= 3 over 0 episodes"])
def test_bad_promises_are_rejected_with_the_location(bad):
    with pytest.raises(ex.PromiseError, match="x.toml:7"):
        ex.parse_promise(bad, "x.toml:7")


def test_header_quick_lines_and_their_rules():
    text = ("# An example.\n# promise: champion_return >= 10 over 5 episodes\n# quick: seeds 0-2,5 set run.generations=3\n"
            "# quick-promise: champion_return >= 1 over 5 episodes on 3/4 seeds\n[run]\n# promise: ignored after the header\n")
    e = ex.parse_header(text, "demo")
    assert e.quick.seeds == [0, 1, 2, 5] and e.quick.sets == ["run.generations=3"]
    assert (e.quick_promise.threshold, e.quick_promise.need, e.quick_promise.of) == (1.0, 3, 4)
    p = ex.plan(e, quick=True)
    assert p.seeds == [0, 1, 2, 5] and p.promise is e.quick_promise
    assert ex.plan(e, quick=False).seeds == list(range(10))
    # Overrides change the budget, so they need their own promise; the seed counts must agree.
    with pytest.raises(ex.PromiseError, match="quick-promise"):
        ex.parse_header("# promise: champion_return >= 1\n# quick: seeds 0 set run.generations=3\n", "demo")
    with pytest.raises(ex.PromiseError, match="counts 2 seeds"):
        ex.parse_header("# promise: champion_return >= 1\n# quick: seeds 0-2 set a.b=1\n"
                        "# quick-promise: champion_return >= 1 on 2/2 seeds\n", "demo")
    with pytest.raises(ex.PromiseError, match="no '# promise:' line"):
        ex.parse_header("# nothing promised\n[run]\n", "demo")
    with pytest.raises(ex.PromiseError, match="bad seed list"):
        ex.parse_header("# promise: champion_return >= 1\n# quick: seeds 0-x\n", "demo")


def test_table_counts_kept_seeds_and_flags_a_broken_promise(tmp_path):
    import json
    e = write_example(tmp_path, "", "# promise: champion_return >= 475 over 100 episodes on 9/10 seeds\n")
    returns = [500, 500, 480, 500, 300, 500, 500, 500, 500, 100]  # 8 of 10 keep it
    for seed, r in enumerate(returns):
        d = tmp_path / "demo" / f"seed{seed}"
        d.mkdir(parents=True)
        (d / "summary.json").write_text(json.dumps({**summary(r), "wall_time_s": 2.0}))
        (d / "config.toml").write_text(f"[run]\nseed = {seed}\n")
    ledger = tmp_path / "results.jsonl"
    assert ex.record_runs(ledger, [ex.plan(e, quick=False)], tmp_path) == 10
    text, broken = ex.table([e], ex.load_ledger(ledger))
    row = text.splitlines()[-1]
    assert broken == 1 and "| 8/10 |" in row and "| 500 |" in row and "| 100 |" in row and "broken" in row
    assert "**0 of 1 examples keep their promise" in text and "`demo` (8/10)" in text


def write_example(tmp_path, body, header="# promise: champion_return >= 1 on 1/1 seeds\n"):
    path = tmp_path / "demo.toml"
    path.write_text(header + body)
    return ex.parse_header(path.read_text(), "demo", path)


def write_run(d, config_text, mean=5.0):
    """A finished run directory as neuroevo leaves it: the resolved config (defaults written out) and summary."""
    d.mkdir(parents=True, exist_ok=True)
    (d / "config.toml").write_text(config_text)
    (d / "summary.json").write_text('{"finished": true, "wall_time_s": 1.0, '
                                    f'"champion": {{"mean_return": {mean}, "eval_episodes": 1}}}}')


RESOLVED = "[run]\ngenerations = 200\nseed = 3\ncheckpoint_every = 25\n[strategy]\nname = 'neat'\npopulation = 250\nsigma = 0.5\n"


def test_a_run_made_with_the_current_config_is_fresh(tmp_path):
    e = write_example(tmp_path, "[run]\nseed = 0\ngenerations = 200\n[strategy]\nname = \"neat\"\npopulation = 250\n")
    p = ex.plan(e, quick=False)
    d = ex.run_dir(tmp_path / "runs", p, 3)
    write_run(d, RESOLVED)  # seed 3 from --seed; sigma and checkpoint_every are defaults the example leaves alone
    assert ex.stale_reason(d, ex.expected_config(p, 3)) is None
    summary, why = ex.fresh_summary(d, ex.expected_config(p, 3))
    assert summary is not None and why is None


def test_a_run_made_before_the_example_changed_is_stale(tmp_path):
    # The example now asks for 1000 generations; the run directory was made when it said 200.
    e = write_example(tmp_path, "[run]\ngenerations = 1000\n[strategy]\nname = \"neat\"\npopulation = 250\n",
                      "# promise: champion_return >= 1 on 1/4 seeds\n")
    p = ex.plan(e, quick=False)
    d = ex.run_dir(tmp_path, p, 3)
    write_run(d, RESOLVED)
    why = ex.stale_reason(d, ex.expected_config(p, 3))
    assert why is not None and "run.generations" in why and "200" in why and "1000" in why
    assert ex.fresh_summary(d, ex.expected_config(p, 3)) == (None, why)
    ledger = tmp_path / "results.jsonl"
    assert ex.record_runs(ledger, [p], tmp_path) == 0  # a stale run directory is not recorded
    # A seed other than the run's, and a key the run's config lacks, are stale too.
    e2 = write_example(tmp_path, "[strategy]\nnew_key = 2\n")
    p2 = ex.plan(e2, quick=False)
    assert "run.seed" in ex.stale_reason(d, ex.expected_config(p2, 4))
    assert "strategy.new_key not in the run's config" in ex.stale_reason(d, ex.expected_config(p2, 3))


def test_quick_overrides_are_part_of_the_expected_config(tmp_path):
    header = ("# promise: champion_return >= 1\n# quick: seeds 3 set run.generations=200 strategy.population=250\n"
              "# quick-promise: champion_return >= 1 on 1/1 seeds\n")
    e = write_example(tmp_path, "[run]\ngenerations = 1000\n[strategy]\npopulation = 10\n", header)
    quick = ex.plan(e, quick=True)
    d = ex.run_dir(tmp_path, quick, 3)
    assert d.name == "quick-seed3"
    write_run(d, RESOLVED)
    assert ex.stale_reason(d, ex.expected_config(quick, 3)) is None  # 200 and 250 come from the overrides
    write_run(d, RESOLVED.replace("population = 250", "population = 50"))
    assert "strategy.population = 50 in the run, 250 in the example now" in ex.stale_reason(
        d, ex.expected_config(quick, 3))


def test_a_key_dropped_from_the_example_is_caught_by_the_record(tmp_path):
    # The resolved config holds every key, so a key the example no longer sets (back to its default) only
    # shows against the example's own keys, which run_one stores in the run directory.
    e = write_example(tmp_path, "[strategy]\nname = \"neat\"\n")
    p = ex.plan(e, quick=False)
    d = ex.run_dir(tmp_path, p, 3)
    write_run(d, RESOLVED)
    assert ex.stale_reason(d, ex.expected_config(p, 3)) is None  # no record: cannot tell
    (d / ex.RECORD).write_text('{"config": {"run": {"seed": 3}, "strategy": {"name": "neat", "sigma": 0.5}}, '
                               '"cpu_s": 12.5, "resumed": false}')
    why = ex.stale_reason(d, ex.expected_config(p, 3))
    assert why is not None and "strategy.sigma was set when the run was made" in why
    assert ex.cpu_seconds(d) == 12.5


def write_fake_neuroevo(tmp_path, first: str, config: str):
    """A stand-in binary: runs the Python lines `first` (argv is `a`), then writes what a finished neuroevo run
    leaves in --out: config.toml with the text of the Python expression `config`, and summary.json."""
    fake = tmp_path / "fake_neuroevo"
    fake.write_text("#!/usr/bin/env python3\nimport sys, pathlib\na = sys.argv\n" + first +
                    "out = pathlib.Path(a[a.index('--out') + 1]); out.mkdir(parents=True)\n"
                    f"(out / 'config.toml').write_text({config})\n"
                    "(out / 'summary.json').write_text('{\"finished\": true, \"champion\": "
                    "{\"mean_return\": 7, \"eval_episodes\": 1}}')\n")
    fake.chmod(0o755)
    return fake


def test_run_one_moves_a_stale_run_aside_and_runs_again(tmp_path):
    # A stand-in binary that writes what neuroevo leaves behind, with the --set overrides in its config.
    fake = write_fake_neuroevo(
        tmp_path, "gens = [kv.split('=')[1] for i, kv in enumerate(a) if a[i - 1] == '--set'] or ['1000']\n",
        "f\"[run]\\ngenerations = {gens[0]}\\nseed = 3\\n\"")
    e = write_example(tmp_path, "[run]\ngenerations = 1000\n")
    p = ex.plan(e, quick=False)
    runs = tmp_path / "runs"
    d = ex.run_dir(runs, p, 3)
    write_run(d, RESOLVED)  # 200 generations: stale
    line = ex.run_one(fake, runs, p, 3, 1)
    assert "stale" in line and "run.generations" in line
    assert (d.parent / "seed3.stale" / "summary.json").exists()
    assert ex.stale_reason(d, ex.expected_config(p, 3)) is None
    assert ex.cpu_seconds(d) is not None
    assert ex.run_one(fake, runs, p, 3, 1).endswith("reused")


def test_every_shipped_example_states_a_parseable_promise():
    examples = ex.load_examples(ROOT / "examples")
    assert len(examples) == len(list((ROOT / "examples").glob("*.toml")))
    for e in examples:
        assert e.promise.of >= 1


def test_run_one_starts_afresh_when_a_checkpoint_cannot_be_resumed(tmp_path):
    # A stand-in binary that refuses every --resume (as neuroevo does for a checkpoint of another config)
    # and otherwise writes a finished run.
    fake = write_fake_neuroevo(tmp_path, "if '--resume' in a: sys.exit(2)\n", "'[run]\\nseed = 0\\n'")
    e = write_example(tmp_path, "[run]\nseed = 0\n")
    p = ex.plan(e, quick=False)
    runs = tmp_path / "runs"
    d = ex.run_dir(runs, p, 0)
    d.mkdir(parents=True)
    (d / "config.toml").write_text("[run]\nseed = 0\n")  # matches the example: a resume is tried
    (d / "checkpoint.ckpt").write_bytes(b"old")
    line = ex.run_one(fake, runs, p, 0, 1)
    assert "exit 0" in line and "resuming failed, exit 2" in line
    assert (d.parent / "seed0.stale" / "checkpoint.ckpt").exists()
    assert ex.read_summary(d) is not None and ex.cpu_seconds(d) is not None


# eval_json: the one `neuroevo eval --json` helper of bench/ (minatar_curves.py, ars_locomotion.py and
# minatar_vs_random.py call it). A stand-in binary logs its argv and niceness and answers like eval --json:
# the random policy 1.5 +- 0.75, any champion 4.25 +- 1.25.
def write_fake_eval(tmp_path):
    fake = tmp_path / "fake_eval"
    log = tmp_path / "eval_calls.jsonl"
    fake.write_text("#!/usr/bin/env python3\nimport json, os, sys\na = sys.argv[1:]\n"
                    f"open({str(log)!r}, 'a').write(json.dumps({{'argv': a, 'nice': os.nice(0)}}) + '\\n')\n"
                    "rnd = '--policy' in a\n"
                    "print(json.dumps({'mean_return': 1.5 if rnd else 4.25, 'std_return': 0.75 if rnd else 1.25,"
                    " 'episodes': int(a[a.index('--episodes') + 1])}))\n")
    fake.chmod(0o755)
    return fake, log


def logged_calls(log):
    import json
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_eval_json_runs_one_eval_and_returns_its_json(tmp_path):
    import os
    fake, log = write_fake_eval(tmp_path)
    j = ex.eval_json(fake, tmp_path / "run", 30)
    assert j == {"mean_return": 4.25, "std_return": 1.25, "episodes": 30}
    r = ex.eval_json(fake, None, 7, ["--env", "minatar/asterix", "--policy", "random"], seed=1, niceness=15)
    assert r["mean_return"] == 1.5 and r["episodes"] == 7
    calls = logged_calls(log)
    assert calls[0]["argv"] == ["eval", str(tmp_path / "run"), "--episodes", "30", "--seed", "0", "--threads", "1",
                                "--json"]
    assert calls[1]["argv"] == ["eval", "--episodes", "7", "--seed", "1", "--threads", "1", "--json",
                                "--env", "minatar/asterix", "--policy", "random"]
    assert calls[0]["nice"] == os.nice(0) and calls[1]["nice"] == min(19, os.nice(0) + 15)


def test_eval_json_failure_raises(tmp_path):
    import subprocess
    fail = tmp_path / "fail"
    fail.write_text("#!/bin/sh\necho 'error: no champion' >&2\nexit 2\n")
    fail.chmod(0o755)
    with pytest.raises(subprocess.CalledProcessError):
        ex.eval_json(fail, tmp_path / "missing", 5)


def load_bench(name):
    spec = importlib.util.spec_from_file_location("bench_" + name, ROOT / "bench" / f"{name}.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def test_ars_locomotion_centre_return_evaluates_once_per_champion(tmp_path):
    fake, log = write_fake_eval(tmp_path)
    ars = load_bench("ars_locomotion")
    cache = {}
    champ = tmp_path / "champions" / "gen000010.bin"
    assert ars.centre_return(fake, champ, cache) == 4.25
    assert ars.centre_return(fake, champ, cache) == 4.25  # cached
    assert cache == {"gen000010.bin": 4.25}
    assert [c["argv"] for c in logged_calls(log)] == [
        ["eval", str(champ), "--episodes", str(ars.EVAL_EPISODES), "--seed", "0", "--threads", "1", "--json"]]


def test_minatar_vs_random_prints_welch_of_champion_and_random(tmp_path, monkeypatch, capsys):
    import json
    import math
    fake, log = write_fake_eval(tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    (run / "summary.json").write_text('{"env": "minatar/asterix"}')
    vr = load_bench("minatar_vs_random")
    monkeypatch.setattr(sys, "argv", ["minatar_vs_random.py", str(run), "--episodes", "50", "--bin", str(fake)])
    assert vr.main() in (0, None)
    out = json.loads(capsys.readouterr().out)
    # Welch's t of 4.25 +- 1.25 against 1.5 +- 0.75, 50 episodes each: 2.75 / sqrt(1.5625/50 + 0.5625/50).
    assert out["champion_mean"] == 4.25 and out["random_mean"] == 1.5 and out["episodes"] == 50
    assert out["welch_t"] == round(2.75 / math.sqrt((1.5625 + 0.5625) / 50), 3)
    argv = [c["argv"] for c in logged_calls(log)]
    assert argv[0][:2] == ["eval", str(run)] and argv[0][argv[0].index("--seed") + 1] == "0"
    assert argv[1][argv[1].index("--policy") + 1] == "random" and argv[1][argv[1].index("--seed") + 1] == "1"


def test_minatar_curves_evaluates_each_mark_champion_niced(tmp_path, monkeypatch):
    fake, log = write_fake_eval(tmp_path)
    mc = load_bench("minatar_curves")
    run = tmp_path / "run"
    (run / "champions").mkdir(parents=True)
    (run / "summary.json").write_text("{}")
    for g in (1, 2, 3):
        (run / "champions" / f"gen{g:06d}.bin").write_text("")
    monkeypatch.setattr(mc, "mark_champions", lambda r: {100: (1, 100), 200: (3, 250)})
    marks = mc.evaluate_marks(fake, run)
    assert marks == {"100": {"generation": 1, "env_steps": 100, "mean_return": 4.25, "std_return": 1.25},
                     "200": {"generation": 3, "env_steps": 250, "mean_return": 4.25, "std_return": 1.25}}
    calls = logged_calls(log)
    assert [c["argv"][1] for c in calls] == [str(run / "champions" / "gen000001.bin"),
                                             str(run / "champions" / "gen000003.bin")]
    assert all(c["argv"][c["argv"].index("--episodes") + 1] == str(mc.EVAL_EPISODES) for c in calls)
    assert sorted(p.name for p in (run / "champions").iterdir()) == ["gen000001.bin", "gen000003.bin"]


def test_the_ledger_keeps_results_after_the_run_directories_are_gone(tmp_path):
    import shutil
    e = write_example(tmp_path, "[run]\ngenerations = 200\n", "# promise: champion_return >= 4 on 2/2 seeds\n")
    p = ex.plan(e, quick=False)
    runs, ledger = tmp_path / "runs", tmp_path / "results.jsonl"
    for seed, mean in ((0, 5.0), (1, 3.0)):
        write_run(ex.run_dir(runs, p, seed), f"[run]\ngenerations = 200\nseed = {seed}\n", mean)
    assert ex.record_runs(ledger, [p], runs) == 2
    assert ex.record_runs(ledger, [p], runs) == 0  # recording the same runs again changes nothing
    shutil.rmtree(runs)
    text, broken = ex.table([e], ex.load_ledger(ledger))
    row = text.splitlines()[-1]
    assert broken == 1 and "| 2/2 | 1/2 | 4 | 3 |" in row  # median of 5 and 3, worst 3
    # Seed 1 run again (now 4.5) replaces its record; seed 0's stays.
    write_run(ex.run_dir(runs, p, 1), "[run]\ngenerations = 200\nseed = 1\n", 4.5)
    assert ex.record_runs(ledger, [p], runs) == 1
    assert len(ledger.read_text().splitlines()) == 2
    text, broken = ex.table([e], ex.load_ledger(ledger))
    assert broken == 0 and "| 2/2 | 2/2 |" in text.splitlines()[-1]


def test_a_ledger_record_made_with_another_config_is_stale(tmp_path):
    e = write_example(tmp_path, "[run]\ngenerations = 200\n", "# promise: champion_return >= 4 on 1/1 seeds\n")
    runs, ledger = tmp_path / "runs", tmp_path / "results.jsonl"
    write_run(ex.run_dir(runs, ex.plan(e, quick=False), 0), "[run]\ngenerations = 200\nseed = 0\n")
    ex.record_runs(ledger, [ex.plan(e, quick=False)], runs)
    e2 = write_example(tmp_path, "[run]\ngenerations = 300\n", "# promise: champion_return >= 4 on 1/1 seeds\n")
    summary, why = ex.ledger_result(ex.load_ledger(ledger), ex.plan(e2, quick=False), 0)
    assert summary is None and "run.generations = 200 in the run, 300 in the example now" in why
    text, _ = ex.table([e2], ex.load_ledger(ledger))
    assert "| 0/1, 1 stale |" in text and text.splitlines()[-1].endswith("stale |")
    # A key dropped from the example since the record was made makes it stale too.
    e3 = write_example(tmp_path, "", "# promise: champion_return >= 4 on 1/1 seeds\n")
    _, why = ex.ledger_result(ex.load_ledger(ledger), ex.plan(e3, quick=False), 0)
    assert "run.generations was set when the run was made" in why


def test_a_corrupt_ledger_line_is_named(tmp_path):
    ledger = tmp_path / "results.jsonl"
    ledger.write_text('{"example": "demo", "seed": 0, "sets": [], "config": {}, "summary": {}}\n{"example": 3\n')
    with pytest.raises(ex.PromiseError, match="results.jsonl:2"):
        ex.load_ledger(ledger)
    ledger.write_text('{"example": "demo", "seed": 0, "sets": [], "config": [], "summary": {}}\n')
    with pytest.raises(ex.PromiseError, match="results.jsonl:1"):
        ex.load_ledger(ledger)


def _git(repo, *args):
    import subprocess
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout.strip()


OLD_TABLE_ROW = ("| `demo` | **10-seed** (0-9), full budget | champion_return >= 300 on 9/10 seeds | 10/10 | 8/10 "
                 "| 320 | 250.5 | 40 | 50 | **broken** |\n")


def test_a_row_of_a_table_from_before_the_ledger_is_carried_while_the_config_is_unchanged(tmp_path):
    # A repository whose table was made from run directories that are gone: the row carries over, with the
    # commit it was measured at, for as long as the example's config (not its comments) is the same.
    repo = tmp_path / "repo"
    (repo / "examples").mkdir(parents=True)
    (repo / "bench").mkdir()
    example = repo / "examples" / "demo.toml"
    example.write_text("# promise: champion_return >= 300\n[run]\ngenerations = 60\n")
    (repo / "bench" / "examples_table.md").write_text("made from run directories\n\n" + OLD_TABLE_ROW)
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "table")
    anchor = _git(repo, "log", "-1", "--format=%h")
    carried = ex.carried_rows(repo / "bench" / "examples_table.md")
    assert carried["demo"][1] == anchor

    def row_of(header, body="[run]\ngenerations = 60\n"):
        example.write_text(header + body)
        e = ex.parse_header(example.read_text(), "demo", example)
        text, broken = ex.table([e], {}, carried, repo)
        return text, text.splitlines()[-1], broken

    text, row, broken = row_of("# promise: champion_return >= 300\n# a new comment\n")
    assert broken == 1 and f"| 10/10 | 8/10 | 320 | 250.5 | 40 | 50 | **broken** (carried over from `{anchor}`) |" in row
    # A promise that every seed keeps for certain (at or below the worst seed) is judged from the row...
    _, row, broken = row_of("# promise: champion_return >= 250 on 10/10 seeds\n")
    assert broken == 0 and "| 10/10 | 10/10 |" in row and "kept (carried over" in row
    # ... one above the worst seed cannot be, and the row is dropped with the reason.
    text, row, _ = row_of("# promise: champion_return >= 260\n")
    assert "| 0/10 |" in row and "cannot be judged" in text
    # A changed config drops the row.
    text, row, _ = row_of("# promise: champion_return >= 300\n", "[run]\ngenerations = 61\n")
    assert "not run |" in row and "config changed since" in text
    # A table made from the ledger carries only the rows it carried itself, under their first commit.
    (repo / "bench" / "examples_table.md").write_text(
        "from bench/examples_results.jsonl\n\n" + OLD_TABLE_ROW.replace("**broken** |", "**broken** (carried over "
                                                                        f"from `{anchor}`) |") +
        OLD_TABLE_ROW.replace("`demo`", "`other`"))
    assert {k: v[1] for k, v in ex.carried_rows(repo / "bench" / "examples_table.md").items()} == {"demo": anchor}


def test_the_ledger_wins_once_it_has_as_many_seeds_as_a_carried_row(tmp_path):
    repo = tmp_path / "repo"
    (repo / "examples").mkdir(parents=True)
    example = repo / "examples" / "demo.toml"
    example.write_text("# promise: champion_return >= 300\n[run]\ngenerations = 60\n")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "example")
    anchor = _git(repo, "log", "-1", "--format=%h")
    cells = [c.strip() for c in OLD_TABLE_ROW.strip().strip("|").split("|")]
    cells[3], cells[4] = "6/10", "5/6"
    e = ex.parse_header(example.read_text(), "demo", example)
    p = ex.plan(e, quick=False)
    runs, ledger = tmp_path / "runs", tmp_path / "results.jsonl"
    for seed in range(6):
        write_run(ex.run_dir(runs, p, seed), f"[run]\ngenerations = 60\nseed = {seed}\n", 400.0)
    ex.record_runs(ledger, [p], runs)
    text, _ = ex.table([e], ex.load_ledger(ledger), {"demo": (cells, anchor)}, repo)
    assert "| 6/10 | 6/6 | 400 |" in text.splitlines()[-1] and "carried" not in text.splitlines()[-1]


def test_recording_a_run_again_keeps_the_commit_it_was_first_recorded_at(tmp_path, monkeypatch):
    e = write_example(tmp_path, "", "# promise: champion_return >= 4 on 1/1 seeds\n")
    p = ex.plan(e, quick=False)
    runs, ledger = tmp_path / "runs", tmp_path / "results.jsonl"
    write_run(ex.run_dir(runs, p, 0), "[run]\nseed = 0\n")
    monkeypatch.setattr(ex, "_git", lambda *a, **k: "aaaaaaa")
    assert ex.record_runs(ledger, [p], runs) == 1
    monkeypatch.setattr(ex, "_git", lambda *a, **k: "bbbbbbb")
    assert ex.record_runs(ledger, [p], runs) == 0
    assert '"commit": "aaaaaaa"' in ledger.read_text()
