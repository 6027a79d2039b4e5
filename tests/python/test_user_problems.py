"""Your own problems through neuroevo.run: a Python fitness function (task type python_function) and a
Python environment class with the Gymnasium protocol (python_env), with the CLI's run directory,
checkpoints, resume and champion; user exceptions; load_run's champion policy."""
import json
import traceback

import numpy as np
import pytest

import neuroevo


def rosenbrock(X):
    return np.sum(100.0 * (X[:, 1:] - X[:, :-1] ** 2) ** 2 + (1.0 - X[:, :-1]) ** 2, axis=1)


def fn_config(strategy, generations=8, **strategy_keys):
    return {"run": {"generations": generations, "seed": 5, "checkpoint_every": 2, "eval_episodes": 1},
            "task": {"dim": 6, "init_low": -2.0, "init_high": 2.0},
            "strategy": {"name": strategy, **strategy_keys},
            "noise": {"size": 1 << 16}}


@pytest.mark.parametrize("name,keys", [("cmaes", {"sigma": 0.5}), ("openai_es", {"population": 16, "sigma": 0.1}),
                                       ("snes", {})])
def test_fitness_function_run_equals_the_ask_tell_loop(tmp_path, name, keys):
    # The run evaluates float32 candidates and maximises -f; the same strategy driven by hand through
    # ask_float32()/tell() must propose and rank exactly the same candidates.
    batches = []

    def f(X):
        batches.append(X.copy())
        return rosenbrock(X)

    run = neuroevo.run(fn_config(name, **keys), out=str(tmp_path / "r"), fitness=f, threads=2, quiet=True)
    es = neuroevo.Strategy(name, num_params=6, seed=5, init_low=-2.0, init_high=2.0, noise_size=1 << 16, **keys)
    best = []
    for g in range(8):
        X = es.ask_float32().astype(np.float64)
        fx = rosenbrock(X)
        es.tell(X, fx)
        best.append(-fx.min())
    assert list(run.metrics["best"]) == best
    # The function saw every candidate of each generation in one call (batch 256 >= population).
    assert [-rosenbrock(b).min() for b in batches[:8]] == best
    assert run.summary["env"] == "python_function:f"
    assert run.champion is not None and not run.champion.has_policy
    assert run.champion.params.shape == (6,)


def test_fitness_function_is_called_in_batches_and_thread_count_does_not_matter(tmp_path):
    sizes = []

    def f(X):
        sizes.append(len(X))
        return rosenbrock(X)

    def f2(X):
        return rosenbrock(X)
    f2.__name__ = "f"  # the champion file records the function's name

    cfg = fn_config("cmaes", population=20)
    cfg["task"]["batch"] = 8
    one = neuroevo.run(cfg, out=str(tmp_path / "a"), fitness=f, threads=1, quiet=True)
    assert sizes[:3] == [8, 8, 4]  # 20 candidates in batches of at most 8
    two = neuroevo.run(cfg, out=str(tmp_path / "b"), fitness=f2, threads=2, quiet=True)
    assert list(one.metrics["best"]) == list(two.metrics["best"])
    assert (tmp_path / "a" / "champion.bin").read_bytes() == (tmp_path / "b" / "champion.bin").read_bytes()


def test_user_exception_surfaces_with_traceback_and_the_run_resumes(tmp_path):
    cfg = fn_config("cmaes", generations=9, sigma=0.5)
    full = neuroevo.run(cfg, out=str(tmp_path / "full"), fitness=rosenbrock, threads=1, quiet=True)
    calls = []

    def failing(X):
        calls.append(1)
        if len(calls) == 6:  # generation 6: checkpoints exist after generations 2 and 4
            raise ZeroDivisionError("user code failed")
        return rosenbrock(X)

    with pytest.raises(ZeroDivisionError, match="user code failed") as info:
        neuroevo.run(cfg, out=str(tmp_path / "part"), fitness=failing, threads=2, quiet=True)
    assert "failing" in "".join(traceback.format_tb(info.value.__traceback__))
    part = tmp_path / "part"
    assert (part / "checkpoint.ckpt").exists() and not (part / "summary.json").exists()
    # Resuming needs the function again; without it the message says so.
    with pytest.raises(ValueError, match="fitness="):
        neuroevo.run(None, resume=str(part), quiet=True)
    resumed = neuroevo.run(None, resume=str(part), fitness=rosenbrock, threads=2, quiet=True)
    assert list(resumed.metrics["best"]) == list(full.metrics["best"])
    assert (part / "champion.bin").read_bytes() == (tmp_path / "full" / "champion.bin").read_bytes()


@pytest.mark.parametrize("bad,error,match", [
    (lambda X: np.zeros(len(X) + 1), ValueError, "one number per row"),
    (lambda X: np.full(len(X), np.nan), ValueError, "NaN"),
    (lambda X: "text", TypeError, "array of numbers"),
])
def test_bad_fitness_return_values_raise(tmp_path, bad, error, match):
    with pytest.raises(error, match=match):
        neuroevo.run(fn_config("cmaes"), out=str(tmp_path / "r"), fitness=bad, quiet=True)


def test_bad_task_config_names_the_key(tmp_path):
    cfg = fn_config("cmaes")
    del cfg["task"]["dim"]
    with pytest.raises(ValueError, match="task.dim"):
        neuroevo.run(cfg, out=str(tmp_path / "a"), fitness=rosenbrock, quiet=True)
    cfg = fn_config("cmaes")
    cfg["task"]["dimm"] = 3
    with pytest.raises(KeyError, match="task.dimm"):
        neuroevo.run(cfg, out=str(tmp_path / "b"), fitness=rosenbrock, quiet=True)
    with pytest.raises(TypeError):
        neuroevo.run(fn_config("cmaes"), out=str(tmp_path / "c"), fitness=3, quiet=True)


class Box:
    def __init__(self, low, high):
        self.low, self.high = np.asarray(low, np.float32), np.asarray(high, np.float32)
        self.shape, self.dtype = self.low.shape, np.dtype(np.float32)


class ReachTarget:
    """obs = (position, target); the action in [-1, 1] moves by 0.1 * action; reward -|position - target|;
    20 steps. Every reset's seed and every episode's return are recorded (class attributes)."""

    observation_space = Box([-2.0, -1.0], [2.0, 1.0])
    action_space = Box([-1.0], [1.0])
    metadata = {"render_modes": []}
    log = []
    fail_after = None
    steps = 0

    def reset(self, *, seed=None, options=None):
        self.rng = np.random.default_rng(seed)
        self.x, self.target, self.t, self.ret = 0.0, float(self.rng.uniform(-1, 1)), 0, 0.0
        ReachTarget.log.append([seed, None])
        self.entry = ReachTarget.log[-1]
        return np.array([self.x, self.target], np.float32), {}

    def step(self, action):
        ReachTarget.steps += 1
        if ReachTarget.fail_after is not None and ReachTarget.steps > ReachTarget.fail_after:
            raise RuntimeError("the environment broke")
        self.x = float(np.clip(self.x + 0.1 * float(np.clip(action[0], -1, 1)), -2, 2))
        self.t += 1
        reward = -abs(self.x - self.target)
        self.ret += reward
        done = self.t >= 20
        if done:
            self.entry[1] = self.ret
        return np.array([self.x, self.target], np.float32), reward, False, done, {"behaviour": [self.x]}


def env_config(generations=12, population=40):
    return {"run": {"generations": generations, "seed": 1, "checkpoint_every": 3, "eval_episodes": 10},
            "task": {"episodes": 2, "policy": {"type": "mlp", "hidden": [4]}},
            "strategy": {"name": "ga", "population": population, "truncation": 8, "sigma": 0.5},
            "noise": {"size": 1 << 16}}


def test_ga_solves_a_python_env_and_load_run_replays_its_champion(tmp_path):
    ReachTarget.log, ReachTarget.fail_after = [], None
    run = neuroevo.run(env_config(), out=str(tmp_path / "r"), env=ReachTarget, threads=1, quiet=True)
    # The champion's final evaluation (10 episodes) and one behaviour episode are the last resets.
    final = ReachTarget.log[-11:-1]
    assert run.summary["champion"]["mean_return"] == pytest.approx(np.mean([r for _, r in final]), rel=1e-12)
    # Not moving scores about -10 (mean |target| 0.5 over 20 steps); reaching the target and staying
    # there about -1.5: the GA must get well beyond standing still.
    assert run.summary["champion"]["mean_return"] > -4.0
    # load_run's champion, driven by a plain Python loop on the recorded seeds, gets the same returns.
    loaded = neuroevo.load_run(str(tmp_path / "r"), env=ReachTarget)
    policy = loaded.champion
    assert policy.has_policy and policy.params.shape == (17,)  # 2*4+4 + 4*1+1
    env = ReachTarget()
    for seed, expected in final:
        obs, _ = env.reset(seed=seed)
        policy.reset(0)
        total, done = 0.0, False
        while not done:
            obs, r, term, trunc, _ = env.step(policy(obs))
            total += r
            done = term or trunc
        assert total == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="env="):
        neuroevo.load_run(str(tmp_path / "r"))


def test_env_exception_surfaces_and_the_run_resumes(tmp_path):
    ReachTarget.log, ReachTarget.fail_after, ReachTarget.steps = [], None, 0
    full = neuroevo.run(env_config(7, 16), out=str(tmp_path / "full"), env=ReachTarget, threads=1, quiet=True)
    steps_per_generation = ReachTarget.steps // 8  # rough: fail somewhere in generation 5
    ReachTarget.steps, ReachTarget.fail_after = 0, 4 * steps_per_generation + 100
    with pytest.raises(RuntimeError, match="the environment broke"):
        neuroevo.run(env_config(7, 16), out=str(tmp_path / "part"), env=ReachTarget, threads=2, quiet=True)
    ReachTarget.fail_after = None
    resumed = neuroevo.run(None, resume=str(tmp_path / "part"), env=ReachTarget, threads=2, quiet=True)
    assert list(resumed.metrics["best"]) == list(full.metrics["best"])
    assert (tmp_path / "part" / "champion.bin").read_bytes() == (tmp_path / "full" / "champion.bin").read_bytes()


def test_load_run_champion_policy_of_a_builtin_env(tmp_path):
    cfg = {"run": {"generations": 2, "seed": 0, "eval_episodes": 2},
           "env": {"name": "CartPole-v1"}, "policy": {"type": "mlp", "hidden": [8]},
           "strategy": {"name": "openai_es", "population": 8}, "noise": {"size": 1 << 16}}
    run = neuroevo.run(cfg, out=str(tmp_path / "r"), threads=1, quiet=True)
    policy = run.champion
    task = neuroevo.Task("CartPole-v1", policy={"type": "mlp", "hidden": [8]})
    reference = task.policy(policy.params)
    rng = np.random.default_rng(0)
    for _ in range(20):
        obs = rng.normal(size=4).astype(np.float32)
        assert policy(obs) == int(reference(obs)[0])
    assert isinstance(policy(np.zeros(4)), int)
    assert len(run.metrics["best"]) == 2 and run.metrics["best"].dtype == np.float64


def test_neat_evolves_networks_for_a_python_env(tmp_path):
    # A structured strategy: the genome builds its own network; the [task.policy] table is still read.
    ReachTarget.log, ReachTarget.fail_after = [], None
    cfg = {"run": {"generations": 4, "seed": 2, "eval_episodes": 5},
           "task": {"policy": {"type": "mlp"}},
           "strategy": {"name": "neat", "population": 30}}
    run = neuroevo.run(cfg, out=str(tmp_path / "r"), env=ReachTarget, threads=1, quiet=True)
    final = ReachTarget.log[-6:-1]
    assert run.summary["champion"]["mean_return"] == pytest.approx(np.mean([r for _, r in final]), rel=1e-12)
    policy = neuroevo.load_run(str(tmp_path / "r"), env=ReachTarget).champion
    env = ReachTarget()
    for seed, expected in final:
        obs, _ = env.reset(seed=seed)
        policy.reset(0)
        total, done = 0.0, False
        while not done:
            obs, r, term, trunc, _ = env.step(policy(obs))
            total += r
            done = term or trunc
        assert total == pytest.approx(expected, rel=1e-12)
