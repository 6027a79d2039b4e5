#!/usr/bin/env python3
"""Reference numbers for tests/test_neat_tasks.cpp (double pole balancing).

An independent plain-Python implementation of Wieland's (1991) cart with two poles as given in the NEAT
paper's setup (Stanley & Miikkulainen 2002, section 4.3): for pole i with mass m_i, half-length l_i and hinge
friction mu_p,
    effective force  F_i = m_i l_i w_i^2 sin(t_i) + 3/4 m_i cos(t_i) (mu_p w_i / (m_i l_i) + g sin(t_i))
    effective mass   M_i = m_i (1 - 3/4 cos(t_i)^2)
    x''  = (F + sum F_i) / (M + sum M_i)
    t_i'' = -3 / (4 l_i) (x'' cos(t_i) + g sin(t_i) + mu_p w_i / (m_i l_i))
with g = -9.8 (the sign convention of Wieland's paper), integrated by the classical Runge-Kutta 4 with
dt = 0.01, two steps per action, force (2a - 1) * 10 N. Prints the state after each listed number of actions
(17 significant digits) and Gruau et al.'s damping fitness of a fixed action sequence:
    python3 tests/reference/double_pole_ref.py
"""
import math

G = -9.8
M_CART = 1.0
POLES = [(0.1, 0.5), (0.01, 0.05)]  # (mass, half-length)
MU_P = 0.000002
DT = 0.01


def accelerations(state, force):
    x, xd, t1, w1, t2, w2 = state
    eff_f = []
    eff_m = []
    for (m, l), t, w in zip(POLES, (t1, t2), (w1, w2)):
        eff_f.append(m * l * w * w * math.sin(t) + 0.75 * m * math.cos(t) * (MU_P * w / (m * l) + G * math.sin(t)))
        eff_m.append(m * (1.0 - 0.75 * math.cos(t) ** 2))
    xdd = (force + sum(eff_f)) / (M_CART + sum(eff_m))
    tdd = [-0.75 / l * (xdd * math.cos(t) + G * math.sin(t) + MU_P * w / (m * l))
           for (m, l), t, w in zip(POLES, (t1, t2), (w1, w2))]
    return [xd, xdd, w1, tdd[0], w2, tdd[1]]


def rk4(state, force):
    def add(s, k, h):
        return [a + h * b for a, b in zip(s, k)]
    k1 = accelerations(state, force)
    k2 = accelerations(add(state, k1, DT / 2), force)
    k3 = accelerations(add(state, k2, DT / 2), force)
    k4 = accelerations(add(state, k3, DT), force)
    return [s + DT / 6 * (a + 2 * b + 2 * c + d) for s, a, b, c, d in zip(state, k1, k2, k3, k4)]


def action_sequence(n):
    """A fixed, non-trivial action sequence in [0, 1]."""
    return [0.5 + 0.45 * math.sin(0.37 * k) for k in range(n)]


def main():
    state = [0.0, 0.0, 0.07, 0.0, 0.0, 0.0]
    checkpoints = {1, 10, 50}
    for k, a in enumerate(action_sequence(50), start=1):
        force = (2.0 * a - 1.0) * 10.0
        state = rk4(rk4(state, force), force)
        if k in checkpoints:
            print("after %d actions: {%s}" % (k, ", ".join("%.17g" % v for v in state)))
    # Damping fitness of a controller that holds the cart still (a = 0.5) from a near-upright start until
    # it fails: 0.1 t / 1000 + 0.9 * 0.75 / jiggle over the last 100 steps when t >= 100.
    state = [0.0, 0.0, 0.001, 0.0, 0.0, 0.0]
    ring = []
    t = 0
    failed = False
    while t < 1000:
        state = rk4(rk4(state, 0.0), 0.0)
        t += 1
        ring.append(abs(state[0]) + abs(state[1]) + abs(state[2]) + abs(state[3]))
        ring = ring[-100:]
        if abs(state[0]) > 2.4 or abs(state[2]) > 36 * math.pi / 180 or abs(state[4]) > 36 * math.pi / 180:
            failed = True
            break
    balanced = t - 1 if failed else t
    f2 = 0.75 / sum(ring) if balanced >= 100 else 0.0
    print("hold still from t1 = 0.001: failed at step %d, fitness %.17g" % (t, 0.1 * balanced / 1000 + 0.9 * f2))


if __name__ == "__main__":
    main()
