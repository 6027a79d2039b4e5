"""neuroevo.Strategy: ask/tell against the CLI's `neuroevo run` on `[task] type = "bbob"` (an independent
driver of the same strategy: the run loop, not the binding), pickle round trips, and bad input."""
import json
import pickle
import subprocess

import numpy as np
import pytest

import neuroevo

FUNCTION, INSTANCE, DIM, SEED, GENERATIONS = 3, 2, 6, 11, 12

CASES = {
    "cmaes": {"sigma": 1.5},
    "openai_es": {"population": 16, "sigma": 0.2},
    "ga": {"population": 20, "truncation": 5, "elite_candidates": 3, "elite_episodes": 2, "sigma": 0.1},
}


def toml_value(v):
    return json.dumps(v) if not isinstance(v, float) else repr(v)


def cli_run(cli, tmp_path, name, keys, noise_size):
    lines = ["[run]", f"generations = {GENERATIONS}", f"seed = {SEED}", "[task]", 'type = "bbob"',
             f"function = {FUNCTION}", f"instance = {INSTANCE}", f"dim = {DIM}", "[noise]", f"size = {noise_size}",
             "[strategy]", f'name = "{name}"'] + [f"{k} = {toml_value(v)}" for k, v in keys.items()]
    cfg = tmp_path / f"{name}.toml"
    cfg.write_text("\n".join(lines) + "\n")
    out = tmp_path / f"run_{name}"
    subprocess.run([cli, "run", str(cfg), "--out", str(out), "--threads", "2", "--quiet"], check=True)
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    return [r["best"] for r in rows]


def python_run(name, keys, noise_size):
    es = neuroevo.Strategy(name, num_params=DIM, seed=SEED, noise_size=noise_size, **keys)
    bests = []
    population_batch = True
    while es.generation < GENERATIONS:
        X = es.ask_float32().astype(np.float64)  # what the CLI's bbob task evaluates
        f = neuroevo.bbob(FUNCTION, X, instance=INSTANCE)
        if population_batch:
            bests.append(-float(np.min(f)))
        population_batch = es.tell(X, f)
    return bests, es


@pytest.mark.parametrize("name", sorted(CASES))
def test_strategy_matches_cli_bit_for_bit(cli, tmp_path, name):
    noise_size = 1 << 16
    expected = cli_run(cli, tmp_path, name, CASES[name], noise_size)
    got, _ = python_run(name, CASES[name], noise_size)
    assert len(expected) == GENERATIONS
    assert got == expected  # exact: same doubles


def test_bbob_sphere_is_squared_distance():
    # f1 (sphere) at x_opt is f_opt: find x_opt's value through a closed form: f(x) - fopt = |x - x_opt|^2,
    # so f(0) - f(e_i) + ... the sum over two symmetric points checks the quadratic's curvature is 1.
    x = np.zeros((3, 4))
    x[1, 0], x[2, 0] = 1.0, -1.0
    f = neuroevo.bbob(1, x, instance=1)
    assert f[1] + f[2] - 2 * f[0] == pytest.approx(2.0, rel=1e-12)


@pytest.mark.parametrize("name", ["cmaes", "openai_es", "ga"])
def test_pickle_round_trip_continues_identically(name):
    keys = dict(CASES[name])
    es = neuroevo.Strategy(name, num_params=DIM, seed=4, noise_size=1 << 16, **keys)
    for _ in range(3):
        X = es.ask()
        es.tell(X, neuroevo.bbob(1, X))
    clone = pickle.loads(pickle.dumps(es))
    assert clone.generation == es.generation
    for _ in range(4):
        A, B = es.ask(), clone.ask()
        assert np.array_equal(A, B)
        es.tell(A, neuroevo.bbob(1, A))
        clone.tell(B, neuroevo.bbob(1, B))
    assert np.array_equal(es.champion(), clone.champion())


def test_cmaes_minimises_sphere():
    es = neuroevo.Strategy("cmaes", num_params=5, seed=1, sigma=2.0, max_generations=300)
    while not es.stop():
        X = es.ask()
        es.tell(X, neuroevo.bbob(1, X))
    assert neuroevo.bbob(1, es.champion().astype(np.float64))[0] < 1e-6


def test_maximize_flips_the_ranking():
    a = neuroevo.Strategy("cmaes", num_params=3, seed=2)
    b = neuroevo.Strategy("cmaes", num_params=3, seed=2)
    for _ in range(3):
        X, Y = a.ask(), b.ask()
        a.tell(X, neuroevo.bbob(1, X))
        b.tell(Y, -neuroevo.bbob(1, Y), maximize=True)
    assert np.array_equal(a.champion(), b.champion())


def test_bad_input_raises_python_exceptions():
    with pytest.raises(KeyError, match="sigm"):
        neuroevo.Strategy("cmaes", num_params=3, sigm=0.5)
    with pytest.raises(ValueError, match="cmaess|cmaes"):
        neuroevo.Strategy("cmaess", num_params=3)
    with pytest.raises(ValueError):
        neuroevo.Strategy("cmaes", num_params=0)
    with pytest.raises(ValueError, match="sigma"):
        neuroevo.Strategy("cmaes", num_params=3, sigma=-1.0)
    es = neuroevo.Strategy("cmaes", num_params=3, seed=0)
    with pytest.raises(ValueError, match="ask"):
        es.tell(np.zeros((4, 3)), np.zeros(4))
    X = es.ask()
    with pytest.raises(ValueError, match="fitness values"):
        es.tell(X, np.zeros(len(X) + 1))
    with pytest.raises(ValueError, match="NaN"):
        es.tell(X, np.full(len(X), np.nan))
    with pytest.raises(TypeError):
        es.tell(X, np.array(["a"] * len(X)))
    with pytest.raises(ValueError, match="X must"):
        es.tell(X[:, :2], np.zeros(len(X)))
    es.tell(X, np.zeros(len(X)))  # still usable after the errors
