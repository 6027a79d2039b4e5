"""neuroevo.Task and neuroevo.make: the C++ batch evaluation against a plain Python loop over the
Gymnasium-protocol wrapper (an independent driver of the same env and policy), thread-count independence,
the GIL released during evaluate, spaces, and bad input."""
import threading

import numpy as np
import pytest

import neuroevo

POLICY = {"type": "mlp", "hidden": [8, 8]}


def python_rollout(task, env, params, seed, individual, episodes):
    total = 0.0
    for e in range(episodes):
        env_seed, policy_seed = neuroevo.episode_seeds(seed, individual, e)
        obs, _ = env.reset(options={"episode_seed": env_seed})
        policy = task.policy(params, policy_seed)
        ret, done = 0.0, False
        while not done:
            a = policy(obs)
            action = int(a[0]) if isinstance(env.action_space, neuroevo.Discrete) else a
            obs, r, terminated, truncated, _ = env.step(action)
            ret += r
            done = terminated or truncated
        total += ret
    return total / episodes


@pytest.mark.parametrize("env_id", ["CartPole-v1", "Pendulum-v1"])
def test_evaluate_equals_python_loop_over_wrapper(env_id):
    task = neuroevo.Task(env_id, policy=POLICY)
    env = neuroevo.make(env_id)
    rng = np.random.default_rng(0)
    params = np.stack([task.init_params(s) for s in range(4)]) + rng.normal(0, 0.5, (4, task.num_params)).astype(np.float32)
    returns = task.evaluate(params, episodes=2, seed=5, threads=2)
    for i in range(4):
        assert returns[i] == python_rollout(task, env, params[i], 5, i, 2)


def test_evaluate_does_not_depend_on_threads():
    task = neuroevo.Task("CartPole-v1", policy=POLICY)
    params = np.random.default_rng(1).normal(0, 1, (16, task.num_params)).astype(np.float32)
    a = task.evaluate(params, episodes=3, seed=2, threads=1)
    b = task.evaluate(params, episodes=3, seed=2, threads=2)
    assert np.array_equal(a, b)


def test_gil_is_released_during_evaluate():
    # Python code must run while evaluate's rollouts are in progress on another thread. TaskCore.busy is
    # true only inside the C++ region that runs the rollouts; this thread can read it as true only if that
    # region let go of the GIL. No timing decides the outcome: with the GIL held the read is always false.
    task = neuroevo.Task("CartPole-v1", policy={"type": "mlp", "hidden": [64, 64]})
    params = np.zeros((512, task.num_params), dtype=np.float32)
    done = threading.Event()
    seen_busy = []

    def evaluate():
        task.evaluate(params, episodes=50, seed=0, threads=1)
        done.set()

    t = threading.Thread(target=evaluate)
    t.start()
    while not done.is_set() and not seen_busy:
        if task._core.busy:
            seen_busy.append(True)
    t.join()
    assert seen_busy, "no Python code ran while Task.evaluate was running: the GIL was not released"


def test_spaces_follow_gymnasium_protocol():
    env = neuroevo.make("CartPole-v1")
    assert isinstance(env.action_space, neuroevo.Discrete) and env.action_space.n == 2
    assert env.observation_space.shape == (4,) and env.observation_space.dtype == np.float32
    obs, info = env.reset(seed=3)
    assert env.observation_space.contains(obs) and info == {}
    a = env.action_space.sample()
    assert env.action_space.contains(a) and not env.action_space.contains(2)
    obs, r, term, trunc, info = env.step(a)
    assert r == 1.0 and isinstance(term, bool) and isinstance(trunc, bool)
    # Same seed, same episode.
    o1, _ = env.reset(seed=9)
    o2, _ = env.reset(seed=9)
    assert np.array_equal(o1, o2)
    pend = neuroevo.make("Pendulum-v1")
    assert pend.action_space.shape == (1,) and pend.action_space.high[0] == 2.0
    assert pend.action_space.contains(pend.action_space.sample())


def test_every_builtin_env_resets_and_steps():
    for env_id in neuroevo.env_ids():
        env = neuroevo.make(env_id)
        obs, _ = env.reset(seed=0)
        assert obs.shape == env.observation_space.shape
        obs, r, term, trunc, _ = env.step(env.action_space.sample())
        assert np.isfinite(r)


def test_bad_input():
    with pytest.raises(ValueError, match="CartPol"):
        neuroevo.make("CartPol-v1")
    with pytest.raises(KeyError, match="hiden"):
        neuroevo.Task("CartPole-v1", policy={"type": "mlp", "hiden": [4]})
    task = neuroevo.Task("CartPole-v1", policy=POLICY)
    with pytest.raises(ValueError, match="shape"):
        task.evaluate(np.zeros((2, task.num_params + 1)))
    with pytest.raises(TypeError):
        task.evaluate(np.array([["x"] * task.num_params]))
    env = neuroevo.make("CartPole-v1")
    with pytest.raises(ValueError, match="reset"):
        env.step(0)
    env.reset(seed=0)
    with pytest.raises(ValueError):
        env.step(5)
    task.close()
    with pytest.raises(ValueError, match="closed"):
        task.evaluate(np.zeros((1, 10)))
