#!/usr/bin/env python3
"""Independent reference for a part of the BBOB noiseless suite (tests/test_bbob.cpp).

Written from the definitions (docs/reference/bbob.md; Hansen et al., "Real-Parameter Black-Box
Optimization Benchmarking 2009: Noiseless Functions Definitions", RR-6829; COCO's documented
instance generation), not from the C++ in src/bbob: plain Python, no numpy. It covers the instance
generation (uniform / Gaussian draws, rotations, xopt, fopt) and the functions f1, f2, f3, f5, f10,
f15, f21, f22 and f24.

    python3 tests/reference/bbob_ref.py      # prints the C++ tables pasted into tests/test_bbob.cpp

Facts where COCO's code is the authority (the 2009 document is silent or differs):
  * fopt = round(100 * 100 * g1 / g2) / 100, clamped to [-1000, 1000] (a Cauchy-like value with
    two decimals, half of them in [-100, 100]).
  * f5 keeps x_i where x_i * xopt_i < 25, else uses xopt_i (xopt_i = +-5).
  * f21/f22: the first peak's condition is sqrt(1000) for 101 peaks and 1000 for 21 peaks; peak
    positions are uniform with b, c = 10, 5 (f21) or 9.8, 4.9 (f22); the first is shrunk by 0.8.
  * f24: the signs of xopt = +-1.25 come from Gaussian draws with the instance's seed.
"""
import math

MOD = 2147483647  # 2^31 - 1


def lcg_stream(seed):
    """Park-Miller minimal standard: s <- 16807 s mod (2^31 - 1); Python integers do not overflow,
    so the product is reduced directly (same numbers as Schrage's method)."""
    s = max(abs(seed), 1)
    while True:
        s = (16807 * s) % MOD
        yield s


def unif(n, seed):
    """n uniforms in (0, 1]: 40 warm-up steps, the last 32 filling a shuffle table whose slot is
    chosen by the top 5 bits of the previous output; value / 2147483647, 0 -> 1e-99."""
    gen = lcg_stream(seed)
    warm = [next(gen) for _ in range(40)]
    table = list(reversed(warm[8:]))  # table[31] was filled first, table[0] last
    prev = table[0]
    out = []
    for _ in range(n):
        s = next(gen)
        slot = prev // (2 ** 26 + 1)
        prev = table[slot]
        table[slot] = s
        v = prev / 2.147483647e9
        out.append(v if v != 0.0 else 1e-99)
    return out


def gauss(n, seed):
    u = unif(2 * n, seed)
    g = [math.sqrt(-2.0 * math.log(u[k])) * math.cos(2.0 * math.pi * u[n + k]) for k in range(n)]
    return [v if v != 0.0 else 1e-99 for v in g]


def rotation(d, seed):
    """Orthogonal matrix as a list of rows: Gaussians fill the columns one after the other, then
    the columns are orthonormalised left to right (Gram-Schmidt)."""
    g = gauss(d * d, seed)
    cols = [g[c * d:(c + 1) * d] for c in range(d)]
    done = []
    for v in cols:
        v = list(v)
        for q in done:
            p = sum(a * b for a, b in zip(v, q))
            v = [a - p * b for a, b in zip(v, q)]
        nrm = math.sqrt(sum(a * a for a in v))
        done.append([a / nrm for a in v])
    return [[done[c][r] for c in range(d)] for r in range(d)]


def matvec(m, v):
    return [sum(a * b for a, b in zip(row, v)) for row in m]


def matmul(a, b):
    bt = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) for col in bt] for row in a]


def seed_of(f, i):
    return {4: 3, 18: 17}.get(f, f) + 10000 * i


def xopt_generic(d, seed):
    x = [8.0 * math.floor(1e4 * u) / 1e4 - 4.0 for u in unif(d, seed)]
    return [v if v != 0.0 else -1e-5 for v in x]


def fopt(f, i):
    s = seed_of(f, i)
    v = math.floor(100.0 * 100.0 * gauss(1, s)[0] / gauss(1, s + 1)[0] + 0.5) / 100.0
    return min(1000.0, max(-1000.0, v))


def tosz(v):
    if v == 0.0:
        return 0.0
    xh = math.log(abs(v))
    c1, c2 = (10.0, 7.9) if v > 0 else (5.5, 3.1)
    return math.copysign(math.exp(xh + 0.049 * (math.sin(c1 * xh) + math.sin(c2 * xh))), v)


def tasy(z, beta):
    d = len(z)
    return [v ** (1.0 + beta * i / (d - 1) * math.sqrt(v)) if v > 0 else v for i, v in enumerate(z)]


def lam(alpha, d):
    return [alpha ** (0.5 * i / (d - 1)) for i in range(d)]


def fpen(x):
    return sum(max(0.0, abs(v) - 5.0) ** 2 for v in x)


def rastrigin(z):
    return 10.0 * (len(z) - sum(math.cos(2 * math.pi * v) for v in z)) + sum(v * v for v in z)


def ellipsoid(z):
    d = len(z)
    return sum(1e6 ** (i / (d - 1)) * v * v for i, v in enumerate(z))


class Instance:
    def __init__(self, f, i, d):
        self.f, self.i, self.d = f, i, d
        self.seed = seed_of(f, i)
        self.fopt = fopt(f, i)
        if f in (21, 22):
            self._gallagher(101 if f == 21 else 21)
        elif f == 24:
            g = gauss(d, self.seed)
            self.xopt = [1.25 if v >= 0 else -1.25 for v in g]
            self.R = rotation(d, self.seed + 1000000)
            self.Q = rotation(d, self.seed)
        else:
            self.xopt = xopt_generic(d, self.seed)
            if f == 5:
                self.xopt = [5.0 if v >= 0 else -5.0 for v in self.xopt]
            self.R = rotation(d, self.seed + 1000000)
            self.Q = rotation(d, self.seed)

    def _gallagher(self, peaks):
        d, s = self.d, self.seed
        self.R = rotation(d, s)
        b, c, first = (10.0, 5.0, math.sqrt(1000.0)) if peaks == 101 else (9.8, 4.9, 1000.0)
        u = unif(peaks - 1, s)
        ranks = sorted(range(peaks - 1), key=lambda k: u[k])
        conds = [first] + [1000.0 ** (ranks[k] / (peaks - 2)) for k in range(peaks - 1)]
        self.w = [10.0] + [1.1 + 8.0 * k / (peaks - 2) for k in range(peaks - 1)]
        self.scales = []
        for p in range(peaks):
            up = unif(d, s + 1000 * p)
            order = sorted(range(d), key=lambda k: up[k])
            self.scales.append([conds[p] ** (order[j] / (d - 1) - 0.5) for j in range(d)])
        r = unif(d * peaks, s)
        ys = [[b * r[p * d + k] - c for k in range(d)] for p in range(peaks)]
        ys[0] = [0.8 * v for v in ys[0]]
        self.xopt = ys[0]
        self.ry = [matvec(self.R, y) for y in ys]  # peak centres in the rotated space

    def __call__(self, x):
        f, d = self.f, self.d
        z = [a - b for a, b in zip(x, self.xopt)]
        if f == 1:
            return sum(v * v for v in z) + self.fopt
        if f == 2:
            return ellipsoid([tosz(v) for v in z]) + self.fopt
        if f == 3:
            t = tasy([tosz(v) for v in z], 0.2)
            return rastrigin([l * v for l, v in zip(lam(10.0, d), t)]) + self.fopt
        if f == 5:
            total = 0.0
            for i in range(d):
                s = math.copysign(10.0 ** (i / (d - 1)), self.xopt[i])
                zi = x[i] if x[i] * self.xopt[i] < 25.0 else self.xopt[i]
                total += 5.0 * abs(s) - s * zi
            return total + self.fopt
        if f == 10:
            return ellipsoid([tosz(v) for v in matvec(self.R, z)]) + self.fopt
        if f == 15:
            t = tasy([tosz(v) for v in matvec(self.R, z)], 0.2)
            m = matmul(self.R, [[l * q for q in row] for l, row in zip(lam(10.0, d), self.Q)])
            return rastrigin(matvec(m, t)) + self.fopt
        if f in (21, 22):
            rx = matvec(self.R, x)
            best = max(w * math.exp(-0.5 / d * sum(sc * (a - b) ** 2 for sc, a, b in zip(scl, rx, y)))
                       for w, scl, y in zip(self.w, self.scales, self.ry))
            return tosz(10.0 - best) ** 2 + fpen(x) + self.fopt
        if f == 24:
            mu0 = 2.5
            s = 1.0 - 1.0 / (2.0 * math.sqrt(d + 20.0) - 8.2)
            mu1 = -math.sqrt((mu0 * mu0 - 1.0) / s)
            xh = [2.0 * math.copysign(1.0, o) * v for o, v in zip(self.xopt, x)]
            m = matmul(self.R, [[l * q for q in row] for l, row in zip(lam(100.0, d), self.Q)])
            zz = matvec(m, [v - mu0 for v in xh])
            part = min(sum((v - mu0) ** 2 for v in xh), d + s * sum((v - mu1) ** 2 for v in xh))
            return part + 10.0 * (d - sum(math.cos(2 * math.pi * v) for v in zz)) + 1e4 * fpen(x) + self.fopt
        raise ValueError("function %d is not in this reference" % f)


def points(d, count, salt):
    """Deterministic test points, mostly in [-5, 5]^d and some beyond (boundary handling); main() adds
    one near each optimum, where the first peak of f21/f22 and the T_osz details matter."""
    out = []
    for p in range(count):
        spread = 4.9 if p % 3 else 7.5
        out.append([round(spread * math.sin(1.7 * (k + 1) + 2.3 * p + 0.61 * salt), 6) for k in range(d)])
    return out


def cpp(v):
    return repr(float(v))


def main():
    print("// uniform(n, seed): first values")
    for seed in (1, 10001, 1000002, 2147483646):
        print("{%d, {%s}}," % (seed, ", ".join(cpp(v) for v in unif(6, seed))))
    print("// gaussian(4, seed)")
    for seed in (1, 10001):
        print("{%d, {%s}}," % (seed, ", ".join(cpp(v) for v in gauss(4, seed))))
    print("// rotation(3, 1000001), row-major")
    print("{%s}," % ", ".join(cpp(v) for row in rotation(3, 1000001) for v in row))
    print("// (f, i, D): fopt, xopt")
    for f, i, d in ((1, 1, 2), (1, 2, 5), (3, 7, 3), (4, 1, 3), (10, 3, 4), (12, 1, 3), (18, 2, 2),
                    (21, 1, 3), (22, 5, 2), (24, 1, 5), (15, 71, 2), (5, 2, 3)):
        if f in (21, 22, 24, 5):
            x = Instance(f, i, d).xopt
        else:
            s = seed_of(f, i) + (1000000 if f == 12 else 0)
            x = xopt_generic(d, s)
            if f == 4:
                x = [abs(v) if k % 2 == 0 else v for k, v in enumerate(x)]
        print("{%d, %d, %d, %s, {%s}}," % (f, i, d, cpp(fopt(f, i)), ", ".join(cpp(v) for v in x)))
    print("// (f, i, D, x): f(x)")
    for f in (1, 2, 3, 5, 10, 15, 21, 22, 24):
        for i, d in ((1, 2), (2, 3), (5, 5), (12, 10)):
            inst = Instance(f, i, d)
            near = [round(o + 0.3 * math.cos(2.1 * k + f), 6) for k, o in enumerate(inst.xopt)]
            for x in points(d, 2, f + i) + [near]:
                print("{%d, %d, {%s}, %s}," % (f, i, ", ".join(cpp(v) for v in x), cpp(inst(x))))


if __name__ == "__main__":
    main()
