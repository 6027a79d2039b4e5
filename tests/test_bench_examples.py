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
    e = ex.parse_header("# promise: champion_return >= 475 over 100 episodes on 9/10 seeds\n", "demo")
    returns = [500, 500, 480, 500, 300, 500, 500, 500, 500, 100]  # 8 of 10 keep it
    for seed, r in enumerate(returns):
        d = tmp_path / "demo" / f"seed{seed}"
        d.mkdir(parents=True)
        (d / "summary.json").write_text(json.dumps({**summary(r), "wall_time_s": 2.0}))
    text, broken = ex.table([e], tmp_path, quick=False)
    row = text.splitlines()[-1]
    assert broken == 1 and "| 8/10 |" in row and "| 500 |" in row and "| 100 |" in row and "broken" in row


def test_every_shipped_example_states_a_parseable_promise():
    examples = ex.load_examples(ROOT / "examples")
    assert len(examples) == len(list((ROOT / "examples").glob("*.toml")))
    for e in examples:
        assert e.promise.of >= 1
