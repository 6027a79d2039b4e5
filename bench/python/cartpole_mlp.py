#!/usr/bin/python3
"""Python peer of `neuroevo bench env`: CartPole-v1 and an MLP policy as a typical Python user runs them.

The environment is written the way Gymnasium writes CartPoleEnv (docs/reference/classic_control.md):
pure-Python dynamics with `math`, the state kept in a float64 numpy array, a float32 observation
array returned from every step, the action checked against a Discrete space, and a TimeLimit-style
wrapper truncating at 500 steps. Gymnasium's gym.make() adds further wrappers (order enforcing,
passive environment checker) that cost time; they are left out, so this peer is, if anything,
faster than the usual Gymnasium set-up and the measured ratio is conservative.

The policy is the same MLP as neuroevo's (input-major weights W[in][out] then biases per layer,
tanh or relu hidden units, argmax head) evaluated with numpy in float32. With --params it loads
the exact parameters `neuroevo bench env --save-params FILE` wrote, so both sides run one policy.

Measured on one core (BLAS threads pinned to 1; numpy's tiny matrix products do not thread anyway):
env + policy rollout steps/s, env-only steps/s with random actions, and policy forward passes/s,
each the best of --repeats runs (the median too with --json), as `neuroevo bench env` reports them. Like neuroevo's
per-core rates they divide work by the process's CPU time (time.process_time), so other programs
on the machine do not lower them.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


class Discrete:
    """A discrete action space {0, ..., n-1} with Gymnasium-style contains() and sample()."""

    def __init__(self, n, seed=None):
        self.n = n
        self.np_random = np.random.default_rng(seed)

    def contains(self, x):
        if isinstance(x, int):
            as_int = x
        elif isinstance(x, np.integer) or (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.integer) and x.shape == ()):
            as_int = int(x)
        else:
            return False
        return 0 <= as_int < self.n

    def sample(self):
        return int(self.np_random.integers(self.n))


class CartPoleEnv:
    """CartPole-v1 dynamics: explicit Euler, termination at |x| > 2.4 or |theta| > 12 degrees."""

    def __init__(self):
        self.gravity = 9.8
        self.masscart = 1.0
        self.masspole = 0.1
        self.total_mass = self.masspole + self.masscart
        self.length = 0.5  # half the pole's length
        self.polemass_length = self.masspole * self.length
        self.force_mag = 10.0
        self.tau = 0.02
        self.theta_threshold_radians = 12 * 2 * math.pi / 360
        self.x_threshold = 2.4
        self.action_space = Discrete(2)
        self.np_random = np.random.default_rng()
        self.state = None
        self.steps_beyond_terminated = None

    def reset(self, seed=None):
        if seed is not None:
            self.np_random = np.random.default_rng(seed)
            self.action_space = Discrete(2, seed)
        self.state = self.np_random.uniform(low=-0.05, high=0.05, size=(4,))
        self.steps_beyond_terminated = None
        return np.array(self.state, dtype=np.float32), {}

    def step(self, action):
        assert self.action_space.contains(action), f"{action!r} ({type(action)}) invalid"
        assert self.state is not None, "Call reset before using step method."
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta = math.cos(theta)
        sintheta = math.sin(theta)
        temp = (force + self.polemass_length * theta_dot**2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta**2 / self.total_mass)
        )
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = np.array((x, x_dot, theta, theta_dot), dtype=np.float64)
        terminated = bool(
            x < -self.x_threshold
            or x > self.x_threshold
            or theta < -self.theta_threshold_radians
            or theta > self.theta_threshold_radians
        )
        if not terminated:
            reward = 1.0
        elif self.steps_beyond_terminated is None:
            self.steps_beyond_terminated = 0  # the pole just fell
            reward = 1.0
        else:
            self.steps_beyond_terminated += 1
            reward = 0.0
        return np.array(self.state, dtype=np.float32), reward, terminated, False, {}


class TimeLimit:
    """Truncates an episode after max_episode_steps steps, as Gymnasium's TimeLimit wrapper does."""

    def __init__(self, env, max_episode_steps):
        self.env = env
        self.action_space = env.action_space
        self.max_episode_steps = max_episode_steps
        self.elapsed_steps = None

    def reset(self, seed=None):
        self.elapsed_steps = 0
        out = self.env.reset(seed=seed)
        self.action_space = self.env.action_space
        return out

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.elapsed_steps += 1
        if self.elapsed_steps >= self.max_episode_steps:
            truncated = True
        return obs, reward, terminated, truncated, info


def make_env():
    return TimeLimit(CartPoleEnv(), max_episode_steps=500)


class MlpPolicy:
    """Dense layers from a flat float32 vector: W[in][out] then b[out] per layer; argmax head."""

    def __init__(self, sizes, params, activation="tanh"):
        params = np.asarray(params, dtype=np.float32)
        expected = sum(sizes[i] * sizes[i + 1] + sizes[i + 1] for i in range(len(sizes) - 1))
        if params.size != expected:
            raise ValueError(f"{params.size} parameters given, the {sizes} MLP has {expected}")
        self.layers = []
        p = 0
        for i in range(len(sizes) - 1):
            n_in, n_out = sizes[i], sizes[i + 1]
            w = params[p : p + n_in * n_out].reshape(n_in, n_out)
            p += n_in * n_out
            b = params[p : p + n_out]
            p += n_out
            self.layers.append((w, b))
        self.hidden, (self.w_out, self.b_out) = self.layers[:-1], self.layers[-1]
        self.activation = np.tanh if activation == "tanh" else (lambda v: np.maximum(v, 0.0))

    def act(self, obs):
        h = obs
        for w, b in self.hidden:
            h = self.activation(h @ w + b)
        return int(np.argmax(h @ self.w_out + self.b_out))


def random_params(sizes, seed):
    """W ~ N(0, 1/in), biases 0: the initialisation neuroevo's MLP uses (different random numbers)."""
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(len(sizes) - 1):
        parts.append(rng.standard_normal(sizes[i] * sizes[i + 1]) / math.sqrt(sizes[i]))
        parts.append(np.zeros(sizes[i + 1]))
    return np.concatenate(parts).astype(np.float32)


def rollout_rate(env, choose_action, steps, seed):
    """Steps/s of whole episodes until at least `steps` steps; also the mean episode length."""
    taken = episodes = 0
    obs, _ = env.reset(seed=seed)
    start = time.process_time()
    while taken < steps:
        done = False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(choose_action(obs))
            taken += 1
            done = terminated or truncated
        episodes += 1
        obs, _ = env.reset()
    elapsed = time.process_time() - start
    return taken / elapsed, taken / episodes


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--params", help="JSON written by `neuroevo bench env --save-params FILE`")
    ap.add_argument("--hidden", default="64,64", help="hidden widths without --params, e.g. 64,64 ('' = linear)")
    ap.add_argument("--linear", action="store_true", help="linear policy (no hidden layer) without --params")
    ap.add_argument("--steps", type=int, default=50_000, help="steps (and forward passes) per repeat")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args(argv)
    if a.steps < 1 or a.repeats < 1:
        ap.error("--steps and --repeats must be >= 1")

    obs_dim, n_actions = 4, 2
    if a.params:
        with open(a.params) as f:
            saved = json.load(f)
        if saved.get("env") != "CartPole-v1":
            ap.error(f"{a.params}: this peer implements CartPole-v1 only, the file is for {saved.get('env')}")
        if saved.get("obs_norm"):
            ap.error(f"{a.params}: policies with observation normalisation are not supported by this peer")
        hidden = [int(h) for h in saved["hidden"]]
        activation = saved.get("activation", "tanh")
        sizes = [obs_dim, *hidden, n_actions]
        params = saved["params"]
    else:
        hidden = [] if a.linear or not a.hidden.strip() else [int(h) for h in a.hidden.split(",")]
        activation = "tanh"
        sizes = [obs_dim, *hidden, n_actions]
        params = random_params(sizes, a.seed)
    policy = MlpPolicy(sizes, params, activation)
    describe = "mlp " + "-".join(map(str, sizes)) + f" ({activation}, {np.asarray(params).size} params)"

    # Observations for the forward-pass measurement: states visited with random actions.
    env = make_env()
    obs, _ = env.reset(seed=a.seed + 12345)
    pool = [obs]
    while len(pool) < 4096:
        obs, _, terminated, truncated, _ = env.step(env.action_space.sample())
        if terminated or truncated:
            obs, _ = env.reset()
        pool.append(obs)

    rollout, rollout_len, env_only, env_len, forward = [], [], [], [], []
    for r in range(a.repeats):
        env = make_env()
        rate, length = rollout_rate(env, policy.act, a.steps, a.seed + 2 * r)
        rollout.append(rate)
        rollout_len.append(length)
        env = make_env()
        rate, length = rollout_rate(env, lambda _obs: env.action_space.sample(), a.steps, a.seed + 2 * r + 1)
        env_only.append(rate)
        env_len.append(length)
        act = policy.act
        start = time.process_time()
        for i in range(a.steps):
            act(pool[i % 4096])
        forward.append(a.steps / (time.process_time() - start))

    result = {
        "bench": "env",
        "implementation": "python",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "env": "CartPole-v1",
        "policy": describe,
        "steps": a.steps,
        "repeats": a.repeats,
        "statistic": "best of repeats; *_median: median of repeats",
        "rollout_steps_per_s": max(rollout),
        "rollout_steps_per_s_median": statistics.median(rollout),
        "rollout_mean_episode_steps": statistics.median(rollout_len),
        "env_only_steps_per_s": max(env_only),
        "env_only_steps_per_s_median": statistics.median(env_only),
        "env_only_mean_episode_steps": statistics.median(env_len),
        "forward_per_s": max(forward),
        "forward_per_s_median": statistics.median(forward),
    }
    if a.json:
        print(json.dumps(result))
    else:
        print(f"python peer: CartPole-v1, {describe}, {a.steps} steps x {a.repeats} repeats (best), 1 core, CPU time")
        print(f"  env + policy rollout        {result['rollout_steps_per_s']:.4g} steps/s "
              f"(mean episode {result['rollout_mean_episode_steps']:.1f} steps)")
        print(f"  env only (random actions)   {result['env_only_steps_per_s']:.4g} steps/s "
              f"(mean episode {result['env_only_mean_episode_steps']:.1f} steps)")
        print(f"  policy forward passes       {result['forward_per_s']:.4g} calls/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
