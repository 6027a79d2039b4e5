#!/usr/bin/python3
"""Fits the rational tanh approximation used by the MLP policy (src/nn/mlp.cpp, tanh_approx).

tanh(x) ~ x P(t) / Q(t), t = x^2, on |x| <= C (the argument is clamped to C; 1 - tanh(9) = 3e-8),
with P of degree 5 and Q of degree 3 (Q(0) = 1), minimising the maximum relative error of
P/Q against tanh(x)/x. Method: Lawson's iteratively reweighted least squares on the linearised
problem f Q - P = 0, each equation divided by f times the previous Q (the usual linearisation of
a rational fit), in the scaled variable s = t / C^2 for conditioning; the best iterate is kept.
Prints the coefficients in t and the fit's maximum relative error (in float64; the float32
evaluation in C++ adds rounding, measured there at < 1e-6 absolute over every float in [-10, 10]).

Usage: /usr/bin/python3 bench/python/fit_tanh.py [--clamp 9] [--p 5] [--q 3]
"""
import argparse

import numpy as np


def fit(c, p, q, iterations=400):
    x = np.unique(np.concatenate([np.linspace(0, c, 20000), c * np.cos(np.linspace(0, np.pi / 2, 20000))]))
    x = x[x > 0]
    s = (x * x) / (c * c)
    f = np.tanh(x) / x
    num_basis = np.vstack([s**k for k in range(p + 1)]).T
    den_basis = np.vstack([s**k for k in range(1, q + 1)]).T
    a_matrix = np.hstack([num_basis, -(f[:, None] * den_basis)])
    weights = np.ones_like(s) / len(s)
    q_prev = np.ones_like(s)
    best = None
    for _ in range(iterations):
        scale = np.sqrt(weights) / (f * q_prev)
        sol, *_ = np.linalg.lstsq(a_matrix * scale[:, None], f * scale, rcond=None)
        a, b = sol[: p + 1], np.concatenate([[1.0], sol[p + 1 :]])
        pv = num_basis @ a
        qv = np.vstack([s**k for k in range(q + 1)]).T @ b
        err = np.abs(pv / qv / f - 1)
        if best is None or err.max() < best[0]:
            best = (err.max(), a.copy(), b.copy())
        q_prev = qv
        weights = weights * err
        weights /= weights.sum()
    max_err, a, b = best
    # Back from s = t / c^2 to t.
    a = np.array([a[k] / c ** (2 * k) for k in range(p + 1)])
    b = np.array([b[k] / c ** (2 * k) for k in range(q + 1)])
    return max_err, a, b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clamp", type=float, default=9.0)
    ap.add_argument("--p", type=int, default=5, help="degree of P in t")
    ap.add_argument("--q", type=int, default=3, help="degree of Q in t")
    args = ap.parse_args()
    max_err, a, b = fit(args.clamp, args.p, args.q)
    print(f"clamp {args.clamp}: max relative error of the fit {max_err:.3g}; 1 - tanh(clamp) = {1 - np.tanh(args.clamp):.3g}")
    for k, v in enumerate(a):
        print(f"a{k} = {v:.9e}")
    for k, v in enumerate(b):
        print(f"b{k} = {v:.9e}")


if __name__ == "__main__":
    main()
