#!/usr/bin/python3
"""Vectorised Python peer of `neuroevo bench env --lanes K`: N CartPole-v1 environments stepped as numpy
arrays, each with its own individual's policy, evaluated for all N at once with batched einsum/matmul.

This is how a Python user evaluates a population without a Python loop per environment. Gymnasium (the
`gymnasium.envs.classic_control.cartpole.CartPoleVectorEnv` class) is not packaged in Debian, so this
script is a faithful re-implementation of that class's step, written from the equations of
docs/reference/classic_control.md and Gymnasium's documented vector-env semantics, NOT Gymnasium itself:
  - state: a float64 array of shape (4, N); observations returned as float32 (N, 4);
  - step: force = +-10 by the action, cos/sin of theta (np.cos/np.sin over the N values), the same
    temp / thetaacc / xacc formulas and explicit Euler update as CartPoleEnv;
  - termination: |x| > 2.4 or |theta| > 12 degrees; truncation: a per-environment step counter reaching 500;
  - "next-step" autoreset (Gymnasium 1.x vector envs): an environment that ended at the previous step is
    redrawn uniformly in [-0.05, 0.05]^4 at this step, with reward 0 and its counter back to 0 (this step
    is not counted as an environment step below).
The policies are neuroevo's (input-major W[in][out] then biases, tanh hidden units, argmax head) with
one parameter set per environment: weights of shape (N, in, out), applied with np.einsum (linear) or
np.matmul on (N, 1, in) x (N, in, out) stacks (MLP), all in float32.

Measured on one core (BLAS threads pinned to 1), CPU time (time.process_time): environment steps per
second for each N of --envs, best of --repeats; the best N is the peer's figure.
"""
import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

GRAVITY, MASSCART, MASSPOLE, LENGTH, FORCE_MAG, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
TOTAL_MASS = MASSPOLE + MASSCART
POLEMASS_LENGTH = MASSPOLE * LENGTH
THETA_THRESHOLD = 12 * 2 * np.pi / 360
X_THRESHOLD = 2.4
MAX_STEPS = 500


class CartPoleVector:
    """N CartPole-v1 environments as one set of numpy arrays (see the module docstring)."""

    def __init__(self, n, seed):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.state = self.rng.uniform(-0.05, 0.05, size=(4, n))
        self.steps = np.zeros(n, dtype=np.int32)
        self.prev_done = np.zeros(n, dtype=np.bool_)

    def obs(self):
        return self.state.T.astype(np.float32)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = np.sign(action - 0.5) * FORCE_MAG
        costheta = np.cos(theta)
        sintheta = np.sin(theta)
        temp = (force + POLEMASS_LENGTH * np.square(theta_dot) * sintheta) / TOTAL_MASS
        thetaacc = (GRAVITY * sintheta - costheta * temp) / (
            LENGTH * (4.0 / 3.0 - MASSPOLE * np.square(costheta) / TOTAL_MASS))
        xacc = temp - POLEMASS_LENGTH * thetaacc * costheta / TOTAL_MASS
        x = x + TAU * x_dot
        x_dot = x_dot + TAU * xacc
        theta = theta + TAU * theta_dot
        theta_dot = theta_dot + TAU * thetaacc
        self.state = np.stack((x, x_dot, theta, theta_dot))
        terminated = (x < -X_THRESHOLD) | (x > X_THRESHOLD) | (theta < -THETA_THRESHOLD) | (theta > THETA_THRESHOLD)
        self.steps += 1
        truncated = self.steps >= MAX_STEPS
        reward = np.ones_like(terminated, dtype=np.float32)
        # Next-step autoreset: environments that ended at the previous step start over now.
        resets = int(self.prev_done.sum())
        if resets:
            self.state[:, self.prev_done] = self.rng.uniform(-0.05, 0.05, size=(4, resets))
            self.steps[self.prev_done] = 0
            reward[self.prev_done] = 0.0
            terminated[self.prev_done] = False
            truncated[self.prev_done] = False
        self.prev_done = terminated | truncated
        return self.obs(), reward, terminated, truncated, resets


def make_policy(sizes, n, rng):
    """One MLP per environment: a list of (W (n, in, out), b (n, 1, out)) in float32, W ~ N(0, 1/in)."""
    layers = []
    for i, o in zip(sizes[:-1], sizes[1:]):
        w = (rng.standard_normal((n, i, o)) / np.sqrt(i)).astype(np.float32)
        b = np.zeros((n, 1, o), dtype=np.float32)
        layers.append((w, b))
    return layers


def act(layers, obs):
    if len(layers) == 1:  # linear: one einsum over the population
        w, b = layers[0]
        y = np.einsum("ni,nio->no", obs, w) + b[:, 0, :]
        return np.argmax(y, axis=1)
    h = obs[:, None, :]
    for k, (w, b) in enumerate(layers):
        h = np.matmul(h, w) + b
        if k + 1 < len(layers):
            h = np.tanh(h)
    return np.argmax(h[:, 0, :], axis=1)


def measure(sizes, n, steps, seed):
    rng = np.random.default_rng(seed)
    env = CartPoleVector(n, seed)
    layers = make_policy(sizes, n, rng)
    obs = env.obs()
    taken = 0
    t0 = time.process_time()
    while taken < steps:
        a = act(layers, obs)
        obs, _, _, _, resets = env.step(a)
        taken += n - resets
    return taken / (time.process_time() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hidden", default="64,64", help="hidden widths, e.g. 64,64; empty for linear")
    ap.add_argument("--envs", default="64,256,1024,4096,16384", help="population sizes N to try")
    ap.add_argument("--steps", type=int, default=2_000_000, help="environment steps per measurement")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    hidden = [int(h) for h in a.hidden.split(",") if h.strip()]
    sizes = [4] + hidden + [2]
    rates = {}
    for n in [int(v) for v in a.envs.split(",")]:
        rates[n] = max(measure(sizes, n, a.steps, a.seed + r) for r in range(a.repeats))
    best_n = max(rates, key=rates.get)
    out = {"peer": "numpy CartPoleVectorEnv re-implementation", "policy": "-".join(map(str, sizes)),
           "steps_per_s_by_envs": rates, "best_envs": best_n, "best_steps_per_s": rates[best_n],
           "numpy": np.__version__}
    if a.json:
        print(json.dumps(out))
    else:
        for n, r in rates.items():
            print(f"N = {n:6d}: {r:12.4g} steps/s")
        print(f"best: N = {best_n}, {rates[best_n]:.4g} steps/s ({out['policy']})")


if __name__ == "__main__":
    main()
