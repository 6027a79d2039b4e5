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
    text, broken = ex.table([e], tmp_path)
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
    summary, why = ex.fresh_summary(d, p, 3)
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
    assert ex.fresh_summary(d, p, 3) == (None, why)
    text, _ = ex.table([e], tmp_path)
    assert "| 0/4, 1 stale |" in text and "stale |" in text.splitlines()[-1]
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
