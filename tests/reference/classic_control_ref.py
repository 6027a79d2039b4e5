#!/usr/bin/env python3
"""Reference numbers for tests/test_envs.cpp.

An independent, plain-Python (no numpy) implementation of the five classic-control environments,
written straight from docs/reference/classic_control.md (the Gymnasium reference behaviour).
Running it prints every literal used by tests/test_envs.cpp (17 significant digits), so the
numbers can be re-derived and audited:  python3 tests/reference/classic_control_ref.py

Python floats are IEEE doubles and math.sin/cos come from the C library, so the C++ code (built with
-ffp-contract=off) should agree to the last bit; the tests still allow a few ulps.
"""
import math
import struct

PI = math.pi


def f32(x):
    """Round a double to float32, as the observations are stored."""
    return struct.unpack("f", struct.pack("f", x))[0]


def clip(x, lo, hi):
    return lo if x < lo else hi if x > hi else x


# ---------------------------------------------------------------- CartPole-v1
def cartpole_step(s, a):
    x, x_dot, th, th_dot = s
    g, m_pole, length, tau = 9.8, 0.1, 0.5, 0.02
    M, pml = 1.1, 0.05
    force = 10.0 if a == 1 else -10.0
    c, sn = math.cos(th), math.sin(th)
    temp = (force + pml * (th_dot * th_dot) * sn) / M
    th_acc = (g * sn - c * temp) / (length * (4.0 / 3.0 - m_pole * (c * c) / M))
    x_acc = temp - pml * th_acc * c / M
    x = x + tau * x_dot
    x_dot = x_dot + tau * x_acc
    th = th + tau * th_dot
    th_dot = th_dot + tau * th_acc
    s = [x, x_dot, th, th_dot]
    term = x < -2.4 or x > 2.4 or th < -12 * 2 * PI / 360 or th > 12 * 2 * PI / 360
    return s, 1.0, term


def cartpole_obs(s):
    return list(s)


# ---------------------------------------------------------------- Acrobot-v1
def acrobot_deriv(y, a):
    t1, t2, dt1, dt2 = y
    m1 = m2 = 1.0
    l1 = 1.0
    lc1 = lc2 = 0.5
    I1 = I2 = 1.0
    g = 9.8
    d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * math.cos(t2)) + I1 + I2
    d2 = m2 * (lc2 * lc2 + l1 * lc2 * math.cos(t2)) + I2
    phi2 = m2 * lc2 * g * math.cos(t1 + t2 - PI / 2)
    phi1 = (-m2 * l1 * lc2 * (dt2 * dt2) * math.sin(t2)
            - 2 * m2 * l1 * lc2 * dt2 * dt1 * math.sin(t2)
            + (m1 * lc1 + m2 * l1) * g * math.cos(t1 - PI / 2)
            + phi2)
    ddt2 = ((a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dt1 * dt1) * math.sin(t2) - phi2)
            / (m2 * lc2 * lc2 + I2 - d2 * d2 / d1))
    ddt1 = -(d2 * ddt2 + phi1) / d1
    return [dt1, dt2, ddt1, ddt2]


def wrap_pi(x):
    # into [-pi, pi) by whole turns
    while x >= PI:
        x -= 2 * PI
    while x < -PI:
        x += 2 * PI
    return x


def acrobot_step(s, a):
    torque = [-1.0, 0.0, 1.0][a]
    h = 0.2
    k1 = acrobot_deriv(s, torque)
    k2 = acrobot_deriv([s[i] + h / 2 * k1[i] for i in range(4)], torque)
    k3 = acrobot_deriv([s[i] + h / 2 * k2[i] for i in range(4)], torque)
    k4 = acrobot_deriv([s[i] + h * k3[i] for i in range(4)], torque)
    n = [s[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) for i in range(4)]
    n[0] = wrap_pi(n[0])
    n[1] = wrap_pi(n[1])
    n[2] = clip(n[2], -4 * PI, 4 * PI)
    n[3] = clip(n[3], -9 * PI, 9 * PI)
    term = -math.cos(n[0]) - math.cos(n[0] + n[1]) > 1.0
    return n, (0.0 if term else -1.0), term


def acrobot_obs(s):
    return [math.cos(s[0]), math.sin(s[0]), math.cos(s[1]), math.sin(s[1]), s[2], s[3]]


# ---------------------------------------------------------------- MountainCar-v0 / Continuous-v0
def _car_finish(pos, vel):
    vel = clip(vel, -0.07, 0.07)
    pos = clip(pos + vel, -1.2, 0.6)
    if pos == -1.2 and vel < 0:
        vel = 0.0
    return pos, vel


def mcar_step(s, a):
    pos, vel = s
    vel += (a - 1) * 0.001 - 0.0025 * math.cos(3 * pos)
    pos, vel = _car_finish(pos, vel)
    term = pos >= 0.5 and vel >= 0
    return [pos, vel], -1.0, term


def mcarc_step(s, a):
    pos, vel = s
    force = clip(a, -1.0, 1.0)
    vel += force * 0.0015 - 0.0025 * math.cos(3 * pos)
    pos, vel = _car_finish(pos, vel)
    term = pos >= 0.45 and vel >= 0
    reward = (100.0 if term else 0.0) - 0.1 * (a * a)
    return [pos, vel], reward, term


def car_obs(s):
    return list(s)


# ---------------------------------------------------------------- Pendulum-v1
def angle_normalize(x):
    return ((x + PI) % (2 * PI)) - PI  # Python % is floored: result in [0, 2 pi)


def pendulum_step(s, a):
    th, thd = s
    g, m, l, dt = 10.0, 1.0, 1.0, 0.05
    u = clip(a, -2.0, 2.0)
    an = angle_normalize(th)
    cost = an * an + 0.1 * (thd * thd) + 0.001 * (u * u)
    thd = clip(thd + (3 * g / (2 * l) * math.sin(th) + 3 / (m * l * l) * u) * dt, -8.0, 8.0)
    th = th + thd * dt
    return [th, thd], -cost, False


def pendulum_obs(s):
    return [math.cos(s[0]), math.sin(s[0]), s[1]]


# ---------------------------------------------------------------- helpers
def g17(x):
    return "%.17g" % x


def run(step, s, actions):
    """Returns the list of (state, reward, terminated) after each action, stopping at termination."""
    out = []
    for a in actions:
        s, r, t = step(s, a)
        out.append((list(s), r, t))
        if t:
            break
    return out


def print_traj(title, step, obs, s0, actions):
    print("// %s: start %s, %d actions" % (title, [g17(v) for v in s0], len(actions)))
    if all(isinstance(a, int) for a in actions):
        print("// actions \"%s\"" % digits(actions))
    rows = run(step, s0, actions)
    print("// per step: observation (in double; the env stores it as float32), reward, terminated")
    for st, r, t in rows:
        print("  {{%s}, %s, %s}," % (", ".join(g17(v) for v in obs(st)), g17(r), "true" if t else "false"))
    return rows


def digits(actions):
    return "".join(str(a) for a in actions)


def main():
    # ---- CartPole
    cp_actions = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0,
                  1, 1, 1, 0, 0, 0, 1, 0, 1, 1]
    rows = print_traj("CartPole trajectory", cartpole_step, cartpole_obs,
                      [0.01, -0.02, 0.03, 0.04], cp_actions)
    print("// CartPole state after 15 steps (for set_state):", [g17(v) for v in rows[14][0]])
    print_traj("CartPole cart leaves |x| > 2.4", cartpole_step, cartpole_obs, [2.3, 1.0, 0.0, 0.0], [1] * 20)
    print_traj("CartPole pole beyond 12 deg", cartpole_step, cartpole_obs, [0.0, 0.0, 0.15, 1.0], [0] * 20)

    # The balancing controller of CartPole.TruncatesAtFiveHundredSteps survives the 500 steps.
    s = [0.0, 0.0, 0.0, 0.0]
    for _ in range(500):
        a = 1 if (s[2] + 0.5 * s[3] + 0.01 * s[0] + 0.05 * s[1]) > 0 else 0
        s, _, t = cartpole_step(s, a)
        assert not t
    print("// CartPole balancing controller: 500 steps without termination, final state",
          [g17(v) for v in s])

    # ---- Acrobot
    ac_actions = [2, 2, 0, 1, 0, 0, 2, 1, 1, 2, 0, 2, 2, 2, 0, 0, 1, 0, 2, 1,
                  0, 0, 0, 2, 2, 1, 2, 0, 1, 1, 2, 0, 0, 2, 1, 0, 2, 2, 0, 1]
    rows = print_traj("Acrobot trajectory", acrobot_step, acrobot_obs, [0.05, -0.03, 0.1, -0.2], ac_actions)
    print("// Acrobot state after 20 steps (for set_state):", [g17(v) for v in rows[19][0]])
    # Energy pumping: torque along the second joint's velocity, until the goal line is crossed.
    s, acts = [0.02, -0.04, 0.03, 0.01], []
    for _ in range(500):
        a = 2 if s[3] > 0 else 0
        acts.append(a)
        s, r, t = acrobot_step(s, a)
        if t:
            break
    print("// Acrobot pumping from [0.02,-0.04,0.03,0.01] terminates after %d steps:\n\"%s\"" % (len(acts), digits(acts)))
    rows = run(acrobot_step, [0.02, -0.04, 0.03, 0.01], acts)
    print("// rewards: last", rows[-1][1], "others", set(r for _, r, _ in rows[:-1]), "term", rows[-1][2])
    print("// final obs", [g17(v) for v in acrobot_obs(rows[-1][0])])
    # Sensitivity of that chaotic run to a 1e-15 perturbation (decides the tolerance of the test).
    rows2 = run(acrobot_step, [0.02 + 1e-15, -0.04, 0.03, 0.01], acts)
    print("// perturbed run: %d steps, final state diff %s" %
          (len(rows2), max(abs(a - b) for a, b in zip(rows[-1][0], rows2[-1][0])) if len(rows2) == len(rows) else "n/a"))
    # Balanced upright: theta1 stays exactly pi through the step and wraps to -pi (sin < 0).
    rows = print_traj("Acrobot upright wraps pi to -pi", acrobot_step, acrobot_obs, [PI, 0.0, 0.0, 0.0], [1])
    print("// state after the step:", [g17(v) for v in rows[0][0]])
    print_traj("Acrobot velocity clipping", acrobot_step, acrobot_obs, [0.3, -0.2, 20.0, -40.0], [2])
    print_traj("Acrobot from an unwrapped state", acrobot_step, acrobot_obs, [0.3 + 6 * PI, -0.2 - 4 * PI, 1.0, -1.0], [2, 0])

    # ---- MountainCar
    mc_actions = [2, 2, 2, 0, 0, 1, 2, 0, 1, 1, 2, 2, 0, 0, 0, 2, 1, 0, 2, 2,
                  2, 0, 1, 1, 0, 2, 2, 2, 1, 0]
    rows = print_traj("MountainCar trajectory", mcar_step, car_obs, [-0.5, 0.0], mc_actions)
    print("// MountainCar state after 10 steps:", [g17(v) for v in rows[9][0]])
    s, acts = [-0.5, 0.0], []
    for _ in range(200):
        a = 2 if s[1] >= 0 else 0
        acts.append(a)
        s, r, t = mcar_step(s, a)
        if t:
            break
    print("// MountainCar pumping from [-0.5, 0] terminates after %d steps:\n\"%s\"" % (len(acts), digits(acts)))
    print("// final obs", [g17(v) for v in s])
    # Coast at the valley bottom, then pump so that the goal is reached exactly at step 200.
    bottom = -PI / 6
    pump_len = None
    s, n = [bottom, 0.0], 0
    while True:
        a = 2 if s[1] >= 0 else 0
        s, r, t = mcar_step(s, a)
        n += 1
        if t:
            pump_len = n
            break
    # Replay the pump open-loop after the coast (the coast leaves ~1e-16 drift, so check the result).
    pump = []
    s = [bottom, 0.0]
    for _ in range(pump_len):
        pump.append(2 if s[1] >= 0 else 0)
        s, _, _ = mcar_step(s, pump[-1])
    coast = 200 - pump_len
    acts = [1] * coast + pump
    rows = run(mcar_step, [bottom, 0.0], acts)
    assert len(rows) == 200 and rows[-1][2] and not any(t for _, _, t in rows[:-1])
    s = rows[-1][0]
    print("// MountainCar from the bottom %s: coast %d then pump, terminates after %d steps:\n\"%s\"" %
          (g17(bottom), coast, len(acts), digits(acts)))
    print("// final obs", [g17(v) for v in s])
    print_traj("MountainCar left wall", mcar_step, car_obs, [-1.19, -0.05], [0, 2])
    print_traj("MountainCar velocity clip", mcar_step, car_obs, [-0.8, 0.069], [2])

    # Arriving at the flag with velocity exactly 0 counts (velocity >= 0): choose v0 = -(the step's change).
    v0 = -((0 - 1) * 0.001 - 0.0025 * math.cos(3 * 0.55))
    print_traj("MountainCar at the flag with zero velocity", mcar_step, car_obs, [0.55, v0], [0])

    # ---- MountainCarContinuous
    mcc_actions = [0.5, -0.3, 1.0, 3.0, -2.5, 0.0, 0.75, -1.0, 0.2, 1.5,
                   -0.6, 0.9, 0.1, -0.1, 2.0, -3.0, 0.4, 0.33, -0.8, 1.0,
                   0.6, 0.6, -0.9, 0.05, 1.2]
    mcc_actions = [f32(a) for a in mcc_actions]  # the actions arrive as float32
    print_traj("MountainCarContinuous trajectory", mcarc_step, car_obs, [-0.45, 0.01], mcc_actions)
    print_traj("MountainCarContinuous goal", mcarc_step, car_obs, [0.44, 0.02], [f32(0.5)])
    s, acts, total = [-0.5, 0.0], [], 0.0
    while True:
        a = 1.0 if s[1] >= 0 else -1.0
        acts.append(a)
        s, r, t = mcarc_step(s, a)
        total += r
        if t:
            break
    print("// MountainCarContinuous bang-bang pumping from [-0.5, 0] (+ is 1, - is -1): %d steps, return %s, "
          "final obs %s:\n\"%s\"" % (len(acts), g17(total), [g17(v) for v in s],
                                    "".join("+" if a > 0 else "-" for a in acts)))
    # Crossing 0.45 by 1e-9: decided in double (a float32 state, as Gymnasium keeps, would round below).
    v0 = 2e-9 + 0.0025 * math.cos(3 * (0.45 - 1e-9))
    print_traj("MountainCarContinuous crossing the goal in double", mcarc_step, car_obs, [0.45 - 1e-9, v0], [0.0])
    print_traj("MountainCarContinuous left wall", mcarc_step, car_obs, [-1.19, -0.05], [-1.0])

    # ---- Pendulum
    pe_actions = [0.5, -1.0, 2.0, 3.5, -2.5, 0.0, 1.25, -0.75, 0.3, 1.9,
                  -1.9, 0.1, 0.0, -0.2, 2.2, -3.0, 0.8, 0.45, -1.1, 1.0,
                  0.6, 0.6, -0.9, 0.05, 1.2, -0.4, 0.7, 1.7, -1.3, 0.0]
    pe_actions = [f32(a) for a in pe_actions]
    rows = print_traj("Pendulum trajectory", pendulum_step, pendulum_obs, [2.5, -3.0], pe_actions)
    print("// Pendulum state after 12 steps:", [g17(v) for v in rows[11][0]])
    print_traj("Pendulum wrap (theta = 3pi/2 + 0.1)", pendulum_step, pendulum_obs, [1.5 * PI + 0.1, 0.5], [0.0, 0.0])
    print_traj("Pendulum wrap (theta = -7.0)", pendulum_step, pendulum_obs, [-7.0, -1.0], [f32(1.5)])
    print_traj("Pendulum speed clip", pendulum_step, pendulum_obs, [1.0, 7.9], [2.0])
    print("// Pendulum fast spin: theta after 40 steps of torque 2 from [0, 8]")
    rows = print_traj("Pendulum spin", pendulum_step, pendulum_obs, [0.0, 8.0], [2.0] * 40)
    print("// final theta", g17(rows[-1][0][0]))


if __name__ == "__main__":
    main()
