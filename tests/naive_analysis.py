"""Slow, obviously correct twins of the structural analyses (plain Python loops).

Each works on plain Python data taken from a World's commitment and rivalry frames, so it
shares no code with foederis.analysis.
"""

from __future__ import annotations

import itertools
import math

from foederis._constants import KINDS
from scipy import stats

#: the kinds' ordinal levels and the pulling (alliance) kinds, from the table of kinds
LEVEL = {k.name: k.ordinal for k in KINDS}
ALLIANCE = tuple(k.name for k in KINDS if k.effect == "pull")


def _codes(world):
    return [str(c) for c in world.codes]


def tie_levels(world):
    """Dense list-of-lists of symmetric ATOP levels, 3 on the diagonal."""
    codes = _codes(world)
    pos = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    x = [[0] * n for _ in range(n)]
    for i in range(n):
        x[i][i] = 3
    for r in world.commitments_frame().itertuples():
        a, b = pos[r.guarantor], pos[r.protege]
        lv = LEVEL[r.kind]
        x[a][b] = max(x[a][b], lv)
        x[b][a] = max(x[b][a], lv)
    return x


def s_score(x, i, j, w, p):
    """Signorino-Ritter S of rows i and j: 1 - 2 sum_k w_k (|d|/3)^p / sum_k w_k."""
    n = len(x)
    d = sum(w[k] * (abs(x[i][k] - x[j][k]) / 3.0) ** p for k in range(n))
    return 1.0 - 2.0 * d / sum(w)


def chance_corrected(x, i, j, p, measure):
    """Hage's (2011) kappa / pi of rows i and j, every expected pair spelled out: 1 - d_o /
    d_e with d_e the mean distance over all N^2 pairs (x_ik, x_jl) (kappa) or over all
    (2N)^2 pairs of the pooled 2N values (pi)."""
    n = len(x)

    def d(a, b):
        return (abs(a - b) / 3.0) ** p

    d_o = sum(d(x[i][k], x[j][k]) for k in range(n)) / n
    if measure == "kappa":
        d_e = sum(d(x[i][k], x[j][m]) for k in range(n) for m in range(n)) / n**2
    else:
        pool = list(x[i]) + list(x[j])
        d_e = sum(d(a, b) for a in pool for b in pool) / len(pool) ** 2
    return 1.0 - d_o / d_e if d_e > 0 else float("nan")


def tau_b(x, i, j):
    """Kendall tau-b of rows i and j, pair by pair (O(n^2))."""
    n = len(x)
    conc = disc = tx = ty = 0
    for a in range(n):
        for b in range(a + 1, n):
            dx = x[i][a] - x[i][b]
            dy = x[j][a] - x[j][b]
            if dx == 0:
                tx += 1
            if dy == 0:
                ty += 1
            if dx * dy > 0:
                conc += 1
            elif dx * dy < 0:
                disc += 1
    n0 = n * (n - 1) // 2
    den = math.sqrt((n0 - tx) * (n0 - ty))
    return (conc - disc) / den if den > 0 else float("nan")


def shared(x, i, j):
    return any(x[i][k] > 0 and x[j][k] > 0 for k in range(len(x)))


# --------------------------------------------------------------------------------------
def signed_edges(world, mixed="negative", kinds=ALLIANCE):
    """{(u, v): sign} for u < v, from the frames."""
    codes = _codes(world)
    pos = {c: i for i, c in enumerate(codes)}
    pos_pairs, neg_pairs = set(), set()
    for r in world.commitments_frame().itertuples():
        if r.kind in kinds and r.credibility > 0:
            a, b = sorted((pos[r.guarantor], pos[r.protege]))
            pos_pairs.add((a, b))
    for r in world.rivalries_frame().itertuples():
        if r.hostility > 0:
            a, b = sorted((pos[r.source], pos[r.target]))
            neg_pairs.add((a, b))
    out = {}
    for e in pos_pairs | neg_pairs:
        if e in pos_pairs and e in neg_pairs:
            if mixed == "drop":
                continue
            out[e] = -1 if mixed == "negative" else 1
        else:
            out[e] = 1 if e in pos_pairs else -1
    return out


def triangles(n, edges):
    """All triangles (u < v < w) with their number of negative edges."""
    out = []
    for u, v, w in itertools.combinations(range(n), 3):
        if (u, v) in edges and (u, w) in edges and (v, w) in edges:
            neg = sum(edges[e] < 0 for e in ((u, v), (u, w), (v, w)))
            out.append(((u, v, w), neg))
    return out


# --------------------------------------------------------------------------------------
def landscape_brute(w, eps=1e-12):
    """Exhaustive landscape from scratch: dict minimum-config (tuple) -> (energy, basin).

    Configurations have state 0 in camp 0; steepest descent flips the state whose flip
    lowers E most (the lowest index among drops within eps of the largest) while the
    drop exceeds eps; a flip of state 0 is renormalised by mirroring every camp.
    """
    n = len(w)

    def energy(x):
        return sum(w[i][j] for i in range(n) for j in range(n) if x[i] != x[j])

    def canon(x):
        return tuple(x) if x[0] == 0 else tuple(1 - v for v in x)

    def step(x):
        e0 = energy(x)
        gains = []
        for k in range(n):
            y = list(x)
            y[k] = 1 - y[k]
            gains.append(energy(y) - e0)
        low = min(gains)
        best = next(k for k in range(n) if gains[k] <= low + eps)
        bestd = gains[best]
        if bestd < -eps:
            y = list(x)
            y[best] = 1 - y[best]
            return canon(y)
        return tuple(x)

    confs = [tuple([0] + list(b)) for b in itertools.product((0, 1), repeat=n - 1)]
    nxt = {x: step(x) for x in confs}
    out = {}
    for x in confs:
        r = x
        while nxt[r] != r:
            r = nxt[r]
        e, b = out.get(r, (energy(r), 0))
        out[r] = (e, b + 1)
    return out


# --------------------------------------------------------------------------------------
def vulnerable_pairs(n, nbrs, M, gamma):
    """{(i, j)}: j, with some subset of its allies (never i), defeats i and the allies of
    i outside the coalition: enumerates every coalition, not only the largest."""
    out = set()
    for i in range(n):
        for j in range(n):
            if j == i:
                continue
            pool = sorted(nbrs[j] - {i})
            for r in range(len(pool) + 1):
                hit = False
                for sub in itertools.combinations(pool, r):
                    C = {j, *sub}
                    D = {i} | (nbrs[i] - C)
                    if sum(M[k] for k in C) > gamma * sum(M[k] for k in D):
                        out.add((i, j))
                        hit = True
                        break
                if hit:
                    break
    return out


# --------------------------------------------------------------------------------------
def spearman(x, y):
    """Spearman's rho as the Pearson correlation of average ranks."""
    rx = stats.rankdata(x)
    ry = stats.rankdata(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    num = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    den = math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))
    return num / den


def hhi(values):
    t = float(sum(values))
    return sum((v / t) ** 2 for v in values)


def random_world(rng, n, m, kinds=None, rivalries=0):
    """A random small World (distinct (guarantor, protege, kind) triples)."""
    import pandas as pd
    from foederis import KIND_NAMES, World

    kinds = kinds or KIND_NAMES
    codes = [f"S{i:02d}" for i in range(n)]
    states = pd.DataFrame({"code": codes, "capability": rng.integers(1, 10, n).astype(float)})
    rows = set()
    while len(rows) < m:
        a, b = rng.choice(n, 2, replace=False)
        rows.add((codes[a], codes[b], str(rng.choice(list(kinds)))))
    com = pd.DataFrame(sorted(rows), columns=["guarantor", "protege", "kind"])
    com["credibility"] = rng.choice([0.5, 1.0], len(com))
    riv = None
    if rivalries:
        rr = set()
        while len(rr) < rivalries:
            a, b = rng.choice(n, 2, replace=False)
            rr.add((codes[a], codes[b]))
        riv = pd.DataFrame(sorted(rr), columns=["source", "target"])
        riv["hostility"] = rng.choice([0.5, 1.0], len(riv))
    return World.from_frames(states, com, riv)


def load_contemporary():
    """The built-in contemporary world, or skip the test while it is not available."""
    import foederis
    import pytest

    try:
        return foederis.load_world("contemporary")
    except Exception as e:  # noqa: BLE001 - the data may not have landed yet
        pytest.skip(f"contemporary world not available: {type(e).__name__}: {e}")


def descend_linear(w, x, eps):
    """Steepest descent from ``x`` (list of 0/1) over dense weights ``w``, gains recomputed
    from scratch each step; the lowest state among gains within eps of the best."""
    n = len(x)
    x = list(x)
    steps = 0
    while True:
        gains = []
        for k in range(n):
            g = 0.0
            for j in range(n):
                if j != k:
                    g += 2.0 * w[k][j] * (1.0 if x[j] == x[k] else -1.0)
            gains.append(g)
        low = min(gains)
        m = next(k for k in range(n) if gains[k] <= low + eps)
        if not gains[m] < -eps:
            return x, steps
        x[m] = 1 - x[m]
        steps += 1
