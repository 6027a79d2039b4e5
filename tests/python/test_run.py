"""neuroevo.run / load_run against the CLI's `neuroevo run` of the same config, and resume."""
import json
import subprocess

import pytest

import neuroevo

CONFIG = {
    "run": {"generations": 6, "seed": 3, "checkpoint_every": 2},
    "task": {"type": "bbob", "function": 2, "instance": 1, "dim": 4},
    "strategy": {"name": "cmaes", "sigma": 1.0},
}


def test_run_writes_the_same_run_directory_as_the_cli(cli, tmp_path):
    run = neuroevo.run(CONFIG, out=str(tmp_path / "py"), threads=1, quiet=True)
    cfg = tmp_path / "c.toml"
    cfg.write_text(neuroevo._toml.dumps(CONFIG))
    subprocess.run([cli, "run", str(cfg), "--out", str(tmp_path / "cli"), "--threads", "2", "--quiet"], check=True)
    cli_rows = [json.loads(line) for line in (tmp_path / "cli" / "metrics.jsonl").read_text().splitlines()]
    assert list(run.metrics["best"]) == [r["best"] for r in cli_rows]
    assert (tmp_path / "py" / "champion.bin").read_bytes() == (tmp_path / "cli" / "champion.bin").read_bytes()
    loaded = neuroevo.load_run(str(tmp_path / "py"))
    assert len(loaded.metrics["generation"]) == 6 and loaded.summary


def test_stopped_run_resumes_to_the_uninterrupted_result(tmp_path):
    full = neuroevo.run(CONFIG, out=str(tmp_path / "full"), threads=1, quiet=True)
    calls = []

    def stop():  # asked between generations: stop after the 4th
        calls.append(1)
        return len(calls) >= 4

    neuroevo.run(CONFIG, out=str(tmp_path / "part"), threads=1, quiet=True, stop=stop)
    assert not (tmp_path / "part" / "summary.json").exists()
    resumed = neuroevo.run(None, resume=str(tmp_path / "part"), threads=2, quiet=True)
    assert list(resumed.metrics["best"]) == list(full.metrics["best"])
    assert (tmp_path / "part" / "champion.bin").read_bytes() == (tmp_path / "full" / "champion.bin").read_bytes()


def test_exception_in_user_code_surfaces_and_run_resumes(tmp_path):
    full = neuroevo.run(CONFIG, out=str(tmp_path / "full"), threads=1, quiet=True)
    calls = []

    def stop():
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("user code failed")
        return False

    with pytest.raises(RuntimeError, match="user code failed") as info:
        neuroevo.run(CONFIG, out=str(tmp_path / "part"), threads=1, quiet=True, stop=stop)
    assert any(entry.name == "stop" for entry in info.traceback)  # the user's frame is in the traceback
    resumed = neuroevo.run(None, resume=str(tmp_path / "part"), threads=1, quiet=True)
    assert list(resumed.metrics["best"]) == list(full.metrics["best"])


def test_run_bad_input(tmp_path):
    with pytest.raises(KeyError, match="sigm"):
        neuroevo.run(dict(CONFIG, strategy={"name": "cmaes", "sigm": 1.0}), out=str(tmp_path / "bad"), quiet=True)
    with pytest.raises(TypeError):
        neuroevo.run(42, out="x")
    with pytest.raises(ValueError, match="does not exist"):
        neuroevo.run("no_such_config.toml", out="x")
    with pytest.raises(ValueError):
        neuroevo.load_run("no_such_dir")


def test_gp_selection_and_constant_fitting_keys_pass_through(cli, tmp_path):
    """neuroevo.run hands GP's selection / constant-fitting keys to the engine as the CLI does."""
    config = {
        "run": {"generations": 4, "seed": 1},
        "task": {"type": "symbolic_regression", "problem": "keijzer6"},
        "strategy": {"name": "gp", "population": 60, "selection": "lexicase", "constant_fitting": "lm",
                     "lm_iterations": 5},
    }
    run = neuroevo.run(config, out=str(tmp_path / "py"), threads=1, quiet=True)
    cfg = tmp_path / "c.toml"
    cfg.write_text(neuroevo._toml.dumps(config))
    subprocess.run([cli, "run", str(cfg), "--out", str(tmp_path / "cli"), "--threads", "2", "--quiet"], check=True)
    assert (tmp_path / "py" / "champion.bin").read_bytes() == (tmp_path / "cli" / "champion.bin").read_bytes()
    assert run.summary["champion"]["formula"]
    bad = dict(config, strategy=dict(config["strategy"], selection="lexicon"))
    with pytest.raises(Exception, match="selection"):
        neuroevo.run(bad, out=str(tmp_path / "bad"), threads=1, quiet=True)
